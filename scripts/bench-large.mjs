// Large documents (not a test): pull one 20 MB certificate PDF (≈ 27 MB of base64 in DocContent)
// through Pull Doc with the real client, parser and checks, and print the peak memory as a
// multiple of the document size (goal ≤ 4) and the time to verify it.
//
//   node --import tsx scripts/bench-large.mjs    (BENCH_DOC_BYTES=20000000, BENCH_ROUNDS=5 by default)
//
// Peak RSS depends on when V8 collects the socket buffers the body arrived in (external memory it
// frees lazily), so each figure is measured BENCH_ROUNDS times in fresh processes and the median
// is printed with the range; "held" is the live memory (V8 heap + external) the response still
// takes after a full GC once the checks ran.
//
// The reference issuer (large-documents dataset) runs in this process; the measurement runs in a
// child process that holds nothing else, so its peak RSS is the harness's own. The multiple is
// (peak RSS during the pull and checks − RSS just before) / document bytes.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const DOC_BYTES = Number(process.env.BENCH_DOC_BYTES ?? 20_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}×`;
const MB = (n) => `${(n / 1e6).toFixed(1)} MB`;

if (process.argv[2] === '--measure') await measure(JSON.parse(process.argv[3]));
else await main();

async function main() {
  const { startIssuer } = await import('../fixtures/issuer/index.ts');
  const apiKey = randomBytes(16).toString('hex');
  const issuer = await startIssuer({ apiKey, documents: 3, largeDocumentBytes: DOC_BYTES });
  const t0 = performance.now();
  const pdfBytes = issuer.store.documents[0].content().pdf.length; // built once, before the measurement
  const buildMs = performance.now() - t0;
  try {
    const one = [];
    const suite = [];
    for (let i = 0; i < ROUNDS; i++) {
      one.push(await child({ mode: 'one', config: issuer.config('BENCH_LARGE_KEY'), apiKey }));
      suite.push(await child({ mode: 'suite', config: issuer.config('BENCH_LARGE_KEY'), apiKey }));
    }
    const x = (r, key = 'peak') => (r[key] - r.before) / pdfBytes;
    const peaks = one.map((r) => x(r));
    const held = one.map((r) => r.held / pdfBytes);
    console.log(
      `document: ${MB(pdfBytes)} PDF (${pdfBytes} bytes), ${MB(Math.ceil(pdfBytes / 3) * 4)} of base64 in DocContent; issuer built it in ${buildMs.toFixed(0)} ms; ${ROUNDS} rounds, each in a fresh process`,
    );
    console.log(`pull + verify one Pull Doc response (the client, readResponse, and the transport and content checks on it):`);
    console.log(
      `  peak RSS above the process before the pull: median ${median(peaks).toFixed(2)}× the document (${range(peaks)}; +${MB(median(one.map((r) => r.peak - r.before)))}; process before: ${MB(median(one.map((r) => r.before)))})  (goal ≤ 4×)`,
    );
    console.log(`  of which the pull alone (until the response is parsed): median ${median(one.map((r) => x(r, 'peakPull'))).toFixed(2)}×`);
    console.log(`  live memory held once the checks ran (V8 heap + external, after a full GC): ${median(held).toFixed(2)}× (the response, held once as bytes: 1.33×)`);
    console.log(
      `  pull (transfer, decode, parse): median ${median(one.map((r) => r.pullMs)).toFixed(0)} ms; verify (the ${one[0].checks} checks): median ${median(one.map((r) => r.verifyMs)).toFixed(0)} ms`,
    );
    console.log(`  verdicts: ${one[0].verdicts}`);
    console.log(
      `the Pull Doc transport and content checks through the runner (the probe, the baseline and 3 format variants: 4 of these 5 responses carry the document, and the run keeps each until it ends):`,
    );
    const suitePeaks = suite.map((r) => x(r));
    console.log(
      `  peak RSS: median ${median(suitePeaks).toFixed(2)}× the document (${range(suitePeaks)}); median ${median(suite.map((r) => r.ms)).toFixed(0)} ms; exit ${suite.map((r) => r.exitCode).join(',')}`,
    );
  } finally {
    await issuer.close();
  }
}

function child(job) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', new URL(import.meta.url).pathname, '--measure', JSON.stringify(job)], {
      env: { ...process.env, BENCH_LARGE_KEY: job.apiKey },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`measurement exited ${code}: ${out}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)));
    });
  });
}

async function measure({ mode, config: json, apiKey }) {
  const [{ parseConfig }, { TargetClient }, { RunContext }, { ALL_CHECKS }, { PROFILES }, { seededRandom }, { runSuite }, { Redactor }] = await Promise.all([
    import('../core/config/index.ts'),
    import('../core/client.ts'),
    import('../conformance/context.ts'),
    import('../conformance/checks/index.ts'),
    import('../protocol/profiles.ts'),
    import('../protocol/time.ts'),
    import('../conformance/runner.ts'),
    import('../core/redact.ts'),
  ]);
  const { config } = parseConfig(json, { BENCH_LARGE_KEY: apiKey }, 'bench');
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      globalThis.gc?.();
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await settle();
  // the high-water mark so far is the start-up's (module loading, transpiling), not the pull's:
  // Linux resets it on request, so the peak below is the pull's own
  const peakReset = resetPeakRss();
  const live = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const before = process.memoryUsage().rss;
  const liveBefore = live();
  const peakBefore = peakRss();
  if (!peakReset && peakBefore > before * 1.05)
    process.stderr.write(`warning: the peak RSS could not be reset (no /proc/self/clear_refs) and start-up already peaked at ${MB(peakBefore)}: the figures below are upper bounds\n`);
  if (mode === 'suite') {
    const t = performance.now();
    const { result } = await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), only: ['pulldoc.transport', 'pulldoc.content'], seed: 1 });
    const ms = performance.now() - t;
    const peak = Math.max(peakRss(), before);
    console.log(JSON.stringify({ before, peak, peakBefore, ms, exitCode: result.exitCode }));
    return;
  }
  const client = new TargetClient({ timeoutMs: 60_000, concurrency: 4, maxResponseBytes: config.client.maxResponseBytes });
  const ctx = new RunContext(config, PROFILES[config.profile], apiKey, client, seededRandom(1), () => undefined);
  // the checks that judge the one baseline Pull Doc response (format both: DocContent and DataContent)
  const ids = new Set([
    'pulldoc.transport.http-200',
    'pulldoc.transport.content-type',
    'pulldoc.transport.utf8-xml',
    'pulldoc.transport.root-element',
    'pulldoc.content.format-both',
    'pulldoc.content.doccontent-base64',
    'pulldoc.content.doccontent-pdf',
    'pulldoc.content.datacontent-base64',
    'pulldoc.content.datacontent-xml',
    'pulldoc.content.certificate-root',
    'pulldoc.content.base64-clean',
  ]);
  const checks = ALL_CHECKS.filter((c) => ids.has(c.id));
  const t0 = performance.now();
  const ex = await ctx.baseline('pulldoc');
  const t1 = performance.now();
  const peakPull = Math.max(peakRss(), before);
  const outcomes = await Promise.all(checks.map((c) => c.run(ctx)));
  const t2 = performance.now();
  const peak = Math.max(peakRss(), before);
  await settle();
  const held = live() - liveBefore;
  await client.close();
  if (ex.raw.error) throw new Error(ex.raw.error.message);
  const verdicts = outcomes.map((o, i) => `${checks[i].id.replace('pulldoc.', '')} ${o.verdict}`).join(', ');
  console.log(JSON.stringify({ before, peak, peakPull, peakBefore, held, pullMs: t1 - t0, verifyMs: t2 - t1, checks: checks.length, verdicts }));
  void ex; // the exchange (and its text) is alive until here: `held` counts it
}

/** Resets the process's peak RSS (VmHWM) to its current RSS; false where Linux's clear_refs is unavailable. */
function resetPeakRss() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** The process's peak RSS: VmHWM (which resetPeakRss resets) where Linux has it, else getrusage's. */
function peakRss() {
  try {
    const kb = /VmHWM:\s+(\d+)\s*kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (kb) return Number(kb[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}
