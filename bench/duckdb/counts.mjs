// Benchmark peer (bench/run.sh): the per-item counts Kunren's analysis makes,
// done by DuckDB from its Node.js API on the same long CSV (org,item,choice,
// comment): read the file, drop unanswered rows, count per (item, choice).
// Prints the rows as CSV (item,choice,count) to stdout, or to the file given
// as the second argument.
// Usage: node counts.mjs FILE.csv [OUT.csv]
import { DuckDBInstance } from '@duckdb/node-api';
import { writeFileSync } from 'node:fs';

const [file, out] = process.argv.slice(2);
if (!file) {
  console.error('usage: node counts.mjs FILE.csv [OUT.csv]');
  process.exit(2);
}
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const sql = `
  SELECT item, CAST(choice AS INTEGER) AS choice, count(*) AS n
  FROM read_csv('${file.replaceAll("'", "''")}', header = true, quote = '"', escape = '"',
                columns = {'org': 'VARCHAR', 'item': 'VARCHAR', 'choice': 'VARCHAR', 'comment': 'VARCHAR'})
  WHERE choice <> ''
  GROUP BY ALL ORDER BY item, choice`;
const reader = await con.runAndReadAll(sql);
const lines = reader.getRows().map(([item, choice, n]) => `${item},${choice},${n}`);
const text = lines.join('\n') + '\n';
if (out) writeFileSync(out, text); else process.stdout.write(text);
