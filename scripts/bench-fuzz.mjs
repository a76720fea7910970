// Fuzz throughput against the reference issuer (a benchmark, not a test; goal ≥ 1,500 requests/s).
//
//   node scripts/build.mjs && node --import tsx scripts/bench-fuzz.mjs
//
// The reference issuer runs in its own process (`dlconform serve`, from dist/), the fuzz engine
// in this one with the rate cap lifted, as `dlconform fuzz --rate N` would run it. Prints the
// median of BENCH_ROUNDS runs of BENCH_RUNS cases each (defaults 5 × 3000), for profile 3.0 with
// both APIs. The machine is shared: medians, not single runs, are the figure.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { parseConfig } from '../core/config/index.ts';
import { Redactor } from '../core/redact.ts';
import { runFuzz } from '../properties/fuzz/engine.ts';
import { CLI, median, startServe } from './bench-util.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3000);
const PROFILE = process.env.BENCH_PROFILE ?? '3.0';

if (!existsSync(CLI)) {
  console.error(`${CLI} is missing: run node scripts/build.mjs first`);
  process.exit(2);
}

const apiKey = randomBytes(16).toString('hex');
const env = { ...process.env, DLCONFORM_API_KEY: apiKey };
const { child, config: json } = await startServe(env, ['--profile', PROFILE]);
try {
  const { config } = parseConfig(json, env, 'reference issuer');
  const redactor = new Redactor({ apiKey, config });
  const rps = [];
  let last;
  // one warm-up run (JIT, connection pool), not counted
  await runFuzz({ config, apiKey, redactor, runs: 500, rate: Infinity, seed: 1 });
  for (let i = 0; i < ROUNDS; i++) {
    const run = await runFuzz({ config, apiKey, redactor, runs: RUNS, rate: Infinity, seed: 100 + i });
    if (run.result.exitCode !== 0) throw new Error(`the clean reference failed a fuzz run: ${run.counterexamples.map((c) => `${c.id} ${c.replay}`).join(', ')}`);
    rps.push((run.details.requestsSent / run.details.durationMs) * 1000);
    last = run.details;
  }
  console.log(`fuzz against the reference issuer (profile ${PROFILE}, separate process), ${ROUNDS} runs of ${RUNS} cases, rate cap lifted:`);
  console.log(`  throughput: median ${median(rps).toFixed(0)} requests/s (min ${Math.min(...rps).toFixed(0)}, max ${Math.max(...rps).toFixed(0)})  (goal ≥ 1500)`);
  console.log(
    `  cases by class in the last run: ${Object.entries(last.classes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
} finally {
  child.kill('SIGTERM');
}
