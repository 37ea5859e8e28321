// Reads the XLSX report back with an independent reader (exceljs, and jszip
// for the chart parts exceljs does not parse) and checks it against the JSON
// report of the same input:
//   - the sheets: 概要, one per section (named after its title), データ,
//     コメント (when any comment is published), ルール;
//   - every section sheet's table: per item and choice the number, label,
//     count and whole percent, and n / answered / unanswered / score;
//   - "TLP:AMBER" in the banner cell A1 and the printed header of every sheet;
//   - the long data sheet: one row per (item, choice), the same numbers;
//   - the English workbook's sheet names (section titles made valid names);
//   - one native pie chart per item, on its section's sheet, whose custom data
//     labels are exactly our percents ("37%"; no label on a 0% slice) and that
//     show no raw value besides.
//
// Run by CTest (test xlsx.readback, label xlsx) as `node readback.test.mjs`
// with KUNREN (the binary) and KUNREN_XLSX_DIR (where the fixture xlsx.setup
// installed exceljs). The workbook is left in KUNREN_XLSX_ARTIFACTS for
// people to open. Last line: "N passed, N failed". Dev only.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = process.env;
for (const name of ['KUNREN', 'KUNREN_XLSX_DIR']) {
  if (!env[name]) {
    console.error(`xlsx test: ${name} is not set (run through CTest: ctest -L xlsx)`);
    process.exit(2);
  }
}
const requireFromBuild = createRequire(path.join(env.KUNREN_XLSX_DIR, 'package.json'));
const ExcelJS = requireFromBuild('exceljs');
const JSZip = requireFromBuild('jszip');

let passed = 0;
let failed = 0;
function check(ok, message) {
  if (ok) {
    passed += 1;
  } else {
    failed += 1;
    if (failed <= 40) console.error(`FAIL: ${message}`);
  }
  return ok;
}
const show = (v) => JSON.stringify(v);
const expectEqual = (actual, expected, what) =>
  check(JSON.stringify(actual) === JSON.stringify(expected), `${what}: expected ${show(expected)}, got ${show(actual)}`);

function kunren(args) {
  return execFileSync(env.KUNREN, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}

// Excel's rules for sheet names, as the renderer applies them.
function sheetName(title) {
  const clean = title.replace(/\[/g, '(').replace(/\]/g, ')').replace(/[:/\\]/g, '-').replace(/[*?]/g, '')
    .replace(/^'+|'+$/g, '');
  const chars = [...clean];
  return chars.length > 31 ? chars.slice(0, 30).join('') + '…' : clean;
}
// A cell's plain value (exceljs gives rich text and merged cells as objects).
function value(cell) {
  const v = cell.value;
  if (v && typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('');
  return v;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kunren-xlsx-'));
try {
  const responses = path.join(work, 'responses.csv');
  kunren(['sample', '--orgs', '14', '--seed', '7', '-o', responses]);
  const xlsxFile = path.join(work, 'report.xlsx');
  kunren(['analyze', '--responses', responses, '--format', 'xlsx', '--tlp', 'AMBER', '-o', xlsxFile]);
  const json = JSON.parse(kunren(['analyze', '--responses', responses, '--format', 'json']));
  if (env.KUNREN_XLSX_ARTIFACTS) {
    fs.mkdirSync(env.KUNREN_XLSX_ARTIFACTS, { recursive: true });
    fs.copyFileSync(xlsxFile, path.join(env.KUNREN_XLSX_ARTIFACTS, 'readback.xlsx'));
  }
  const bytes = fs.readFileSync(xlsxFile);
  expectEqual(bytes.subarray(0, 2).toString('latin1'), 'PK', 'the file is a zip');

  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes);

  // --- sheet names ---------------------------------------------------------------
  const anyComment = json.items.some((it) => (it.comments || []).length > 0);
  check(anyComment, 'the sample has comments (so the コメント sheet is exercised)');
  const expectedNames = ['概要', ...json.sections.map((s) => sheetName(s.title)), 'データ',
    ...(anyComment ? ['コメント'] : []), 'ルール'];
  const names = book.worksheets.map((ws) => ws.name);
  expectEqual(names, expectedNames, 'sheet names');

  // --- TLP on every sheet ----------------------------------------------------------
  for (const ws of book.worksheets) {
    const a1 = String(value(ws.getCell('A1')) ?? '');
    check(a1.startsWith('TLP:AMBER'), `${ws.name}: banner A1 starts with TLP:AMBER (got ${show(a1)})`);
    const header = ws.headerFooter?.oddHeader ?? '';
    check(header.includes('TLP:AMBER'), `${ws.name}: printed header carries TLP:AMBER (got ${show(header)})`);
    expectEqual(ws.pageSetup?.paperSize, 9, `${ws.name}: A4 paper`);
  }

  // --- section sheets --------------------------------------------------------------
  const bySection = new Map(json.sections.map((s) => [s.id, []]));
  for (const it of json.items) bySection.get(it.section).push(it);
  for (const section of json.sections) {
    const ws = book.getWorksheet(sheetName(section.title));
    if (!check(ws !== undefined, `sheet for section ${section.id}`)) continue;
    let head = 0;
    ws.eachRow((row, n) => { if (!head && value(row.getCell(1)) === '項目ID') head = n; });
    if (!check(head > 0, `${ws.name}: table header row`)) continue;
    let r = head + 1;
    for (const it of bySection.get(section.id)) {
      expectEqual(value(ws.getCell(r, 1)), it.id, `${ws.name} row ${r}: item id`);
      expectEqual(value(ws.getCell(r, 7)), it.n, `${it.id}: n`);
      expectEqual(value(ws.getCell(r, 8)), it.answered, `${it.id}: answered`);
      expectEqual(value(ws.getCell(r, 9)), it.unanswered, `${it.id}: unanswered`);
      const score = value(ws.getCell(r, 10));
      check(it.score === null || it.score === undefined ? score === null || score === ''
        : Math.abs(score - it.score) < 0.005, `${it.id}: score ${show(score)} vs ${show(it.score)}`);
      for (const c of it.choices) {
        expectEqual([value(ws.getCell(r, 3)), value(ws.getCell(r, 4)), value(ws.getCell(r, 5)), value(ws.getCell(r, 6))],
          [c.no, c.label, c.count, c.percent], `${it.id} choice ${c.no}: no, label, count, percent`);
        r += 1;
      }
    }
  }

  // --- the long data sheet ------------------------------------------------------------
  const data = book.getWorksheet('データ');
  const rows = json.items.flatMap((it) => it.choices.map((c) => ({ it, c })));
  expectEqual(data.actualRowCount, rows.length + 2, 'data sheet rows: banner + header + one per (item, choice)');
  expectEqual(data.autoFilter ? 'set' : 'none', 'set', 'data sheet autofilter');
  rows.forEach(({ it, c }, i) => {
    const r = i + 3;
    const got = [1, 2, 4, 5, 6, 7, 8, 10, 11, 12].map((col) => value(data.getCell(r, col)));
    expectEqual(got, [it.id, it.section, c.no, c.label, c.level, c.count, c.percent, it.n, it.answered, it.unanswered],
      `data row ${r} (${it.id}/${c.no})`);
    check(Math.abs(value(data.getCell(r, 9)) - c.share) < 1e-6, `data row ${r}: share`);
  });

  // --- comments: published text and quote item, never the pseudonym ------------------------
  if (anyComment) {
    const sheet = book.getWorksheet('コメント');
    const expected = json.items.flatMap((it) => (it.comments || []).map((q) => [it.id, q.text]));
    const got = [];
    sheet.eachRow((row, n) => { if (n > 2) got.push([value(row.getCell(2)), value(row.getCell(3))]); });
    expectEqual(got, expected, 'comment sheet: item and text of every comment');
  }

  // --- the charts, read from the zip -------------------------------------------------------
  const zip = await JSZip.loadAsync(bytes);
  const chartFiles = Object.keys(zip.files).filter((f) => /^xl\/charts\/chart\d+\.xml$/.test(f));
  expectEqual(chartFiles.length, json.items.length, 'one chart per item');
  const charts = new Map();
  for (const f of chartFiles) {
    const xml = await zip.file(f).async('string');
    check(xml.includes('<c:pieChart>'), `${f} is a pie chart`);
    const id = /<c:ser>.*?<c:tx><c:v>([^<]*)<\/c:v><\/c:tx>/s.exec(xml)?.[1];
    const sheetRef = /<c:cat><c:strRef><c:f>'?(.*?)'?!\$/s.exec(xml)?.[1];
    const labels = new Map();
    for (const m of xml.matchAll(/<c:dLbl><c:idx val="(\d+)"\/>(.*?)<\/c:dLbl>/gs)) {
      const deleted = m[2].includes('<c:delete val="1"/>');
      const text = /<a:t>([^<]*)<\/a:t>/.exec(m[2])?.[1];
      labels.set(Number(m[1]), deleted ? null : text);
    }
    // No label may show anything but its custom text (no value, category or
    // Excel-computed percentage beside it).
    check(!/<c:showPercent val="1"\/>|<c:showCatName val="1"\/>|<c:showSerName val="1"\/>/.test(xml),
      `${f}: labels show only their text`);
    charts.set(id, { file: f, sheetRef, labels });
  }
  for (const it of json.items) {
    const chart = charts.get(it.id);
    if (!check(chart !== undefined, `chart for ${it.id}`)) continue;
    const section = json.sections.find((s) => s.id === it.section);
    expectEqual(chart.sheetRef, sheetName(section.title), `${it.id}: chart data on its section sheet`);
    const expected = it.choices.map((c) => (c.count === 0 ? null : `${c.percent}%`));
    const got = it.choices.map((_, i) => (chart.labels.has(i) ? chart.labels.get(i) : 'missing'));
    expectEqual(got, expected, `${it.id}: chart data labels are our percents`);
  }
  // --- English: fixed sheet names and section titles made valid sheet names -----------------
  const enFile = path.join(work, 'report-en.xlsx');
  kunren(['analyze', '--responses', responses, '--lang', 'en', '--tlp', 'AMBER', '-o', enFile]);
  const enJson = JSON.parse(kunren(['analyze', '--responses', responses, '--lang', 'en', '--format', 'json']));
  const en = new ExcelJS.Workbook();
  await en.xlsx.load(fs.readFileSync(enFile));
  expectEqual(en.worksheets.map((ws) => ws.name), ['Summary', ...enJson.sections.map((s) => sheetName(s.title)), 'Data',
    ...(anyComment ? ['Comments'] : []), 'Rules'], 'English sheet names');
  check(en.worksheets.every((ws) => String(value(ws.getCell('A1'))).startsWith('TLP:AMBER')), 'English: TLP banners');

  // The charts sit in the drawing of their section's sheet.
  const wbXml = await zip.file('xl/workbook.xml').async('string');
  check(/<sheet name="概要"/.test(wbXml), 'workbook.xml lists the summary sheet');
} catch (e) {
  failed += 1;
  console.error(`FAIL: ${e.stack || e}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
