// Helpers for the browser end-to-end tests (tests/browser/*.test.mjs).
//
// Each test file is one CTest test, run as `node FILE` with these variables
// (set by tests/CMakeLists.txt):
//   KUNREN                    the kunren binary under test
//   KUNREN_BROWSER_DIR        where the fixture browser.setup installed playwright-core (build tree)
//   KUNREN_BROWSER_ARTIFACTS  where screenshots go (${CMAKE_BINARY_DIR}/browser-artifacts)
//   KUNREN_CHROMIUM           optional: the browser (default Debian's /usr/bin/chromium)
//   KUNREN_BROWSER_DEMO=0     optional: build the database with the CLI even if `serve --demo` exists
//
// A test is written as
//   import { test, expectEqual } from './lib.mjs';
//   await test('what it checks', async ({ server, page }) => { ... });
// `test` starts `kunren serve` on a fresh temporary database (port 0), launches
// headless Chromium, runs the body, then closes the browser, stops the server
// with SIGTERM (it must exit 0) and removes the database. expect* failures are
// counted and the test goes on; an exception ends it. On any failure a
// screenshot NAME-failure.png is saved. The last line is "N passed, N failed".
//
// Node 18 or later; no dependency but playwright-core. Nothing here is needed
// to build or run kunren.
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const env = process.env;
function required(name) {
  if (!env[name]) {
    console.error(`browser test: ${name} is not set (run the browser tests through CTest: ctest -L browser)`);
    process.exit(2);
  }
  return env[name];
}

export const KUNREN = required('KUNREN');
export const ARTIFACTS = env.KUNREN_BROWSER_ARTIFACTS || path.join(process.cwd(), 'browser-artifacts');
export const CHROMIUM = env.KUNREN_CHROMIUM || '/usr/bin/chromium';
// The demo users and campaign: those of `kunren serve --demo`, made the same
// way by the CLI when the binary has no --demo yet.
export const DEMO_PASSWORD = 'kunren-demo';
export const DEMO_CAMPAIGN = 'demo-2026';
export const DEMO_USERS = ['admin', 'coordinator', 'evaluator', 'evaluator2', 'facilitator', 'participant'];

// playwright-core lives in the build tree (the fixture browser.setup), not
// beside this file: resolve it from there.
const requireFromBuild = createRequire(path.join(required('KUNREN_BROWSER_DIR'), 'package.json'));
const { chromium } = requireFromBuild('playwright-core');

// --- assertions ---------------------------------------------------------------
let checks = 0;
let failedChecks = 0;
let failures = 0;

export function fail(message) {
  failures += 1;
  console.error(`FAIL: ${message}`);
}
export function check(condition, message) {
  checks += 1;
  if (!condition) {
    failedChecks += 1;
    fail(message);
  }
  return Boolean(condition);
}
const show = (v) => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v, null, 0));
export function expectEqual(actual, expected, what) {
  const same = typeof expected === 'object' && expected !== null
    ? JSON.stringify(actual) === JSON.stringify(expected)
    : actual === expected;
  return check(same, `${what}: expected ${show(expected)}, got ${show(actual)}`);
}
export function expectContains(text, part, what) {
  return check(typeof text === 'string' && text.includes(part),
    `${what}: expected to contain ${show(part)}, got ${show(typeof text === 'string' ? text.slice(0, 300) : text)}`);
}
export function expectMatch(text, regexp, what) {
  return check(typeof text === 'string' && regexp.test(text), `${what}: expected to match ${regexp}, got ${show(text)}`);
}
// expectStatus(response | {status}, 200, 'GET /api/v1/me') — playwright Response or a fetch result.
export function expectStatus(response, status, what) {
  const actual = typeof response.status === 'function' ? response.status() : response.status;
  return check(actual === status, `${what}: expected HTTP ${status}, got ${actual}`);
}

// --- the server -----------------------------------------------------------------
function run(args, input) {
  try {
    return execFileSync(KUNREN, args, { input: input ?? '', stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (e) {
    throw new Error(`kunren ${args.join(' ')} failed (exit ${e.status}): ${e.stderr || e.message}`);
  }
}

export function serveHasDemo() {
  if (env.KUNREN_BROWSER_DEMO === '0') return false;
  return run(['serve', '--help']).includes('--demo');
}

// The demo campaign and users made with the CLI, as `serve --demo` makes them:
// 40 organisations (kunren sample --seed 2026), campaign demo-2026 open with
// their answers imported; evaluator, facilitator and participant belong to the
// first organisation, evaluator2 to the second.
export function buildDemoDatabase(db, dir) {
  run(['sample', '--orgs', '40', '--seed', '2026', '-o', path.join(dir, 'responses.csv'),
    '--orgs-file', path.join(dir, 'orgs.csv')]);
  const orgs = fs.readFileSync(path.join(dir, 'orgs.csv'), 'utf8').split(/\r?\n/).slice(1)
    .filter(Boolean).map((line) => line.split(',')[0]);
  run(['init', '--db', db]);
  run(['org', 'import', path.join(dir, 'orgs.csv'), '--db', db]);
  run(['campaign', 'create', DEMO_CAMPAIGN, '--title', '工場インシデント対応演習 2026（デモ）', '--db', db]);
  run(['campaign', 'open', DEMO_CAMPAIGN, '--db', db]);
  run(['import', '--campaign', DEMO_CAMPAIGN, '--responses', path.join(dir, 'responses.csv'), '--db', db]);
  const users = [
    ['admin', ['--role', 'admin']],
    ['coordinator', ['--role', 'coordinator']],
    ['evaluator', ['--role', 'evaluator', '--org', orgs[0]]],
    ['evaluator2', ['--role', 'evaluator', '--org', orgs[1]]],
    ['facilitator', ['--role', 'facilitator', '--org', orgs[0]]],
    ['participant', ['--role', 'participant', '--org', orgs[0]]],
  ];
  for (const [login, roles] of users) run(['user', 'add', login, ...roles, '--db', db], `${DEMO_PASSWORD}\n`);
  return { orgs };
}

// Starts `kunren serve` on a fresh database in a temporary directory; resolves
// to { url, db, dir, demo, stop() } once it printed the address it serves on.
// stop() sends SIGTERM and checks that it exits 0 after printing "stopped".
export async function startServer({ demo = serveHasDemo(), threads = 2 } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kunren-browser-'));
  const db = `sqlite:${path.join(dir, 'kunren.db')}`;
  if (!demo) buildDemoDatabase(db, dir);
  const args = ['serve', '--db', db, '--listen', '127.0.0.1:0', '--threads', String(threads)];
  if (demo) args.push('--demo');
  const child = spawn(KUNREN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const log = fs.createWriteStream(path.join(dir, 'serve.log'));
  let stderrTail = '';
  child.stderr.on('data', (chunk) => { stderrTail = (stderrTail + chunk).slice(-4000); });
  child.stderr.pipe(log);
  const lines = [];
  const stdout = readline.createInterface({ input: child.stdout });
  const exited = once(child, 'close');  // after its output is read to the end

  const serving = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('kunren serve printed no address within 30 s')), 30000);
    stdout.on('line', (line) => {
      lines.push(line);
      const m = line.match(/(http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    exited.then(([code, signal]) => {
      clearTimeout(timer);
      reject(new Error(`kunren ${args.join(' ')} exited before serving (code ${code}, signal ${signal}):\n` +
        `${lines.join('\n')}${stderrTail}`));
    });
  });
  let url;
  try {
    url = await serving;
  } catch (e) {
    child.kill('SIGKILL');
    process.off('exit', killOnExit);
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
    const [code, signal] = await exited;
    clearTimeout(timer);
    process.off('exit', killOnExit);
    if (!log.writableFinished) await once(log, 'finish');
    expectEqual(signal, null, 'kunren serve: ended by a signal after SIGTERM');
    expectEqual(code, 0, 'kunren serve: exit status after SIGTERM');
    check(lines.some((l) => l.includes('stopped')), `kunren serve: no "stopped" line in its output: ${lines.join(' | ')}`);
    if (failures === 0) fs.rmSync(dir, { recursive: true, force: true });
    else console.error(`browser test: the server's database and access log are kept in ${dir}`);
  }
  return { url, db, dir, demo, stop, accessLog: () => readTail(path.join(dir, 'serve.log'), 1e9) };
}

function readTail(file, chars = 2000) {
  try { return fs.readFileSync(file, 'utf8').slice(-chars); } catch { return ''; }
}

// --- the browser ----------------------------------------------------------------
export async function launchBrowser() {
  const args = [];
  // Chromium's sandbox refuses to run as root (CI and the development machines are root).
  if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('--no-sandbox');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

// fullPage: the whole page (default); false: what the viewport shows (for
// very tall pages, such as a campaign's 75 charts, which image viewers refuse).
export async function screenshot(page, name, { fullPage = true } = {}) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

// Signs in through the JSON API from the page's own context (fetch, so the
// browser keeps the HttpOnly cookie); the page must be on the server's origin.
// Resolves to { status, body } (body: the user and csrf_token on success).
export async function signIn(page, login, password = DEMO_PASSWORD) {
  return pageFetch(page, '/api/v1/session', { method: 'POST', json: { login, password } });
}

// fetch() from the page's context: { status, headers, body } (body parsed as
// JSON when it is JSON, else text). Options: method, json (a body to send),
// csrf (the X-CSRF-Token header).
export async function pageFetch(page, url, { method = 'GET', json, csrf } = {}) {
  return page.evaluate(async ({ url, method, json, csrf }) => {
    const headers = {};
    if (json !== undefined) headers['Content-Type'] = 'application/json';
    if (csrf) headers['X-CSRF-Token'] = csrf;
    const r = await fetch(url, { method, headers, credentials: 'same-origin',
      body: json === undefined ? undefined : JSON.stringify(json) });
    const text = await r.text();
    let body = text;
    if ((r.headers.get('content-type') || '').includes('application/json') && text) body = JSON.parse(text);
    return { status: r.status, headers: Object.fromEntries(r.headers.entries()), body };
  }, { url, method, json, csrf });
}

// --- running a test ---------------------------------------------------------------
export async function test(name, body, options = {}) {
  const started = Date.now();
  const slug = path.basename(process.argv[1] || 'browser', '.test.mjs');
  let server;
  let browser;
  let page;
  let error;
  try {
    server = await startServer(options);
    browser = await launchBrowser();
    const context = await browser.newContext({ baseURL: server.url, locale: 'ja-JP' });
    page = await context.newPage();
    await body({ server, browser, context, page, slug });
  } catch (e) {
    error = e;
    fail(`${name}: ${e && e.stack ? e.stack : e}`);
  }
  if (failures > 0 && page) {
    try { console.error(`screenshot: ${await screenshot(page, `${slug}-failure`)}`); } catch { /* the page is gone */ }
  }
  if (browser) await browser.close().catch(() => {});
  if (server) {
    try { await server.stop(); } catch (e) { fail(`stopping the server: ${e.stack || e}`); }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${name} (${seconds} s${server ? `, ${server.demo ? 'serve --demo' : 'database made with the CLI'}` : ''})`);
  if (error === undefined && checks === 0) fail(`${name}: checked nothing`);
  console.log(`${checks - failedChecks} passed, ${failures} failed`);
  process.exitCode = failures > 0 ? 1 : 0;
}
