// Benchmark of `dlconform timing` (not a test): detection power against the early-exit-compare
// fault at several per-character delays and sample counts, and the false-alarm rate against the
// clean reference issuer, over repeated runs with different seeds. The issuer runs in its own
// process, so the requests cross loopback as they would to a local server.
//
//   node --import tsx scripts/bench-timing.mjs [--runs 10] [--samples 300,2000] [--delays 0.02,0.05,0.1,1]
//                                             [--ts-path-us 0] [--alpha 0.001] [--load 0]
//
// --delays '' leaves out the fault rows (false-alarm runs only); --load N runs N busy-looping
// processes during the bench, to see the statistics on a machine shared with other work.
//
// Each run is a full `dlconform timing` side-channel pass (keyhash-compare, hmac-compare,
// ts-path; Bonferroni over the three). Prints one markdown row per (samples, issuer).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    samples: { type: 'string', default: '2000' },
    delays: { type: 'string', default: '0.02,0.05,0.1,1' },
    'ts-path-us': { type: 'string', default: '0' },
    alpha: { type: 'string', default: '0.001' },
    load: { type: 'string', default: '0' },
    serve: { type: 'string' },
  },
});

async function startChild(apiKey, opts) {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--serve', JSON.stringify({ apiKey, ...opts })], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      if (buf.includes('\n')) resolve(buf.split('\n')[0]);
    });
    child.on('exit', (code) => reject(new Error(`issuer exited ${code}`)));
  });
  return { child, json: JSON.parse(line) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)];
};
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');

async function bench() {
  const runs = Number(values.runs);
  const alpha = Number(values.alpha);
  const sampleList = values.samples.split(',').map(Number);
  const delays = values.delays.split(',').filter(Boolean).map(Number);
  const load = Array.from({ length: Number(values.load) }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  try {
    await rows(runs, alpha, sampleList, delays);
  } finally {
    for (const p of load) p.kill();
  }
}

async function rows(runs, alpha, sampleList, delays) {
  const { parseConfig } = await import('../core/config/index.ts');
  const { Redactor } = await import('../core/redact.ts');
  const { runTiming } = await import('../properties/timing/suite.ts');
  const tsPathUs = Number(values['ts-path-us']);
  const apiKey = randomBytes(16).toString('hex');
  const issuers = [{ name: 'clean', opts: { faults: [] } }];
  for (const d of delays) issuers.push({ name: `early-exit-compare ${d} µs/char`, opts: { faults: ['early-exit-compare'], compareDelayUs: d } });
  if (tsPathUs > 0) issuers.push({ name: `ts-dependent-path ${tsPathUs} µs`, opts: { faults: ['ts-dependent-path'], tsPathDelayUs: tsPathUs } });

  console.log(`dlconform timing bench: ${runs} runs per row, alpha ${alpha} over 3 tests, issuer in its own process, ${values.load} busy processes, ${new Date().toISOString()}`);
  console.log('');
  console.log('| pairs | issuer | keyhash flagged | HMAC flagged | ts-path flagged | keyhash Δ µs (median) | HMAC Δ µs (median) | keyhash MDE µs (median) | s per run |');
  console.log('|--:|---|--:|--:|--:|--:|--:|--:|--:|');
  for (const samples of sampleList) {
    for (const issuer of issuers) {
      const { child, json } = await startChild(apiKey, issuer.opts);
      try {
        const { config } = parseConfig(json, { BENCH_TIMING_KEY: apiKey }, 'bench');
        const flagged = { k: 0, h: 0, t: 0 };
        const est = { k: [], h: [] };
        const mde = [];
        const t0 = Date.now();
        for (let r = 0; r < runs; r++) {
          const { details } = await runTiming({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 1000 + r, samples, alpha, only: ['sidechannel'] });
          const by = Object.fromEntries(details.sideChannel.map((d) => [d.id, d.analysis]));
          const k = by['timing.keyhash-compare'];
          const h = by['timing.hmac-compare'];
          const t = by['timing.ts-path'];
          if (k?.detected) flagged.k++;
          if (h?.detected) flagged.h++;
          if (t?.detected) flagged.t++;
          if (k) {
            est.k.push(k.estimateUs);
            mde.push(k.minimumDetectableUs);
          }
          if (h) est.h.push(h.estimateUs);
        }
        const secs = (Date.now() - t0) / 1000 / runs;
        console.log(
          `| ${samples} | ${issuer.name} | ${flagged.k}/${runs} | ${flagged.h}/${runs} | ${flagged.t}/${runs} | ${f1(median(est.k))} | ${f1(median(est.h))} | ${f1(median(mde))} | ${secs.toFixed(1)} |`,
        );
      } finally {
        child.stdin.end();
      }
    }
  }
  console.log('');
  console.log('Flagged = p below alpha/3. On the clean issuer every flag is a false alarm (expected rate ≤ alpha per run).');
  console.log('MDE = the difference the keyhash test would detect with 80% power at the noise of that run.');
}

if (values.serve !== undefined) {
  // child mode: a reference issuer on loopback; prints its config, stops when stdin closes
  const { startIssuer } = await import('../fixtures/issuer/index.ts');
  const opts = JSON.parse(values.serve);
  const issuer = await startIssuer({ documents: 8, ...opts });
  process.stdout.write(`${JSON.stringify(issuer.config('BENCH_TIMING_KEY'))}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => issuer.close().then(() => process.exit(0)));
} else {
  await bench();
}
