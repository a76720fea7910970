// Push CSV lint throughput (not a test): generate a 1,000,000-row Push CSV file (valid rows, random
// doc IDs) in a temporary directory, then lint it in a fresh child process with the real streaming
// linter and print rows/s and the child's peak RSS (ru_maxrss after the run).
//
//   node --import tsx scripts/bench-csv.mjs        (BENCH_CSV_ROWS=1000000 by default)
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

const ROWS = Number(process.env.BENCH_CSV_ROWS ?? 1_000_000);
const MB = (n) => `${(n / 1e6).toFixed(1)} MB`;

if (process.argv[2] === '--measure') await measure(process.argv[3]);
else await main();

async function main() {
  const { generateCsvChunks } = await import('../push/generate.ts');
  const dir = await mkdtemp(join(tmpdir(), 'dlconform-bench-csv-'));
  const file = join(dir, 'push.csv');
  try {
    const out = createWriteStream(file);
    for (const chunk of generateCsvChunks(ROWS, { seed: 7, issuerId: 'in.gov.example' })) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const size = (await stat(file)).size;
    const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--measure', file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c) => (text += c));
    const [code] = await once(child, 'exit');
    if (code !== 0) throw new Error(`measure exited with ${code}`);
    const r = JSON.parse(text);
    console.log(
      `csv lint: ${r.rows.toLocaleString('en-US')} rows (${MB(size)}) in ${(r.ms / 1000).toFixed(1)} s = ${Math.round(r.rows / (r.ms / 1000)).toLocaleString('en-US')} rows/s; peak RSS ${MB(r.peakRss)} (baseline before linting ${MB(r.baseRss)}); ${r.errors} errors, ${r.warnings} warnings`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function measure(file) {
  const { lintCsvFile } = await import('../push/lint.ts');
  const baseRss = process.memoryUsage().rss;
  const t = performance.now();
  const s = await lintCsvFile(file, { issuerId: 'in.gov.example' });
  const ms = performance.now() - t;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ rows: s.rows, ms, peakRss, baseRss, errors: s.errors, warnings: s.warnings }));
}
