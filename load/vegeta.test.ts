/**
 * dlconform load with real vegeta against the reference issuer on loopback. Runs are short (a few
 * seconds each) and rates low, so they hold on a shared 2-core machine; npm test runs this file
 * last and alone. Without vegeta these tests skip with a printed reason, except under CI=true,
 * where that is a failure.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCommand } from '../cli/load.js';
import { Redactor } from '../core/redact.js';
import { buildDataset } from './dataset.js';
import { exactPercentile, LatencyHistogram } from './histogram.js';
import type { ScenarioName } from './plan.js';
import { startReferenceTarget, type ReferenceTarget } from './reference.js';
import type { LoadResult } from './report.js';
import { runLoad, type LoadRunOptions } from './runner.js';
import { applyOverrides, loadSettings, type LoadSettings } from './settings.js';
import { collector, IN_CI, tempDirs, vegeta, vegetaMissing } from './test-support.js';

const tmp = tempDirs();

const readResult = (dir: string) => JSON.parse(readFileSync(join(dir, 'load.json'), 'utf8')) as LoadResult;

/** runLoad against a reference target with its own config, dataset and redactor. */
function runAgainst(target: ReferenceTarget, settings: LoadSettings, extra: Partial<LoadRunOptions> = {}) {
  return runLoad({
    config: target.config,
    apiKey: target.apiKey,
    settings,
    profile: 'smoke',
    dataset: buildDataset(target.config, settings.scenario, target.documents),
    documents: target.documents,
    vegeta: vegeta!,
    reportDir: tmp('run'),
    segments: { count: 1, indices: [1] },
    redactor: new Redactor({ apiKey: target.apiKey, config: { documents: target.documents } }),
    toolVersion: 'test',
    quiet: true,
    out: collector(),
    err: collector(),
    ...extra,
  });
}

/** `dlconform load ARGS` in this process; returns the exit code, the output and the result. */
async function load(args: string[], dir = tmp('load')) {
  const out = collector();
  const err = collector();
  const code = await loadCommand([...args, '--report-dir', dir, '--quiet'], out, err);
  const result = existsSync(join(dir, 'load.json')) ? readResult(dir) : undefined;
  return { code, out: out.text(), err: err.text(), dir, result };
}

describe.runIf(IN_CI && !vegeta)('vegeta under CI', () => {
  it('vegeta is available (CI=true: a missing vegeta fails instead of skipping)', () => {
    throw new Error(vegetaMissing);
  });
});

describe('load safety comes first', () => {
  it('a refused host is refused before the engine is looked for (no vegeta, no Go: still the refusal)', async () => {
    const dir = tmp('refused');
    const file = join(dir, 'config.json');
    const target = await startReferenceTarget({ documents: 3 });
    await target.issuer.close();
    writeFileSync(
      file,
      JSON.stringify({
        ...target.issuer.config('REFUSED_KEY'),
        target: { pullUri: 'https://digilocker.gov.in/pulluri', pullDoc: 'https://digilocker.gov.in/pulldoc' },
        loadAllowedHosts: ['digilocker.gov.in'],
      }),
    );
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { REFUSED_KEY: 'k', VEGETA_BIN: join(dir, 'no-vegeta'), PATH: dir, XDG_CACHE_HOME: dir });
      const r = await load(['--config', file]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/digilocker\.gov\.in/);
      expect(r.err).not.toMatch(/vegeta/i);
    } finally {
      process.env = saved;
    }
  });
});

describe.skipIf(!vegeta)('dlconform load with vegeta', () => {
  // the issuer verifies keyhash and x-digilocker-hmac on every request: a single wrongly signed
  // request would be a 401 and a failed cheap check
  for (const [profile, scenario, hmac] of [
    ['3.0', 'pull-doc', 'raw-base64'],
    ['1.13', 'pull-uri', 'hex-base64'],
  ] as const) {
    it(`every request vegeta sent passes the issuer's signature checks: profile ${profile}, ${scenario}, ${hmac}`, async () => {
      const target = await startReferenceTarget({ profile, hmac, documents: 8 });
      try {
        const settings = applyOverrides(loadSettings(target.config), 'smoke', { scenario: scenario as ScenarioName, rate: 20, durationSeconds: 2 });
        const dataset = buildDataset(target.config, settings.scenario, target.documents);
        if (scenario === 'pull-uri') expect(dataset.some((d) => /[^\x00-\x7f]/.test(d.fullName ?? ''))).toBe(true);
        const outcome = await runAgainst(target, settings);
        const r = outcome.result!;
        expect(r.verdict, outcome.message).toBe('pass');
        expect(r.total.requests).toBeGreaterThanOrEqual(38);
        expect(r.total.reasons).toEqual({});
        expect(r.total.httpFailedRate).toBe(0);
        // the sampled stream, judged by the suite's checks, passed too
        expect(r.conformance.samples).toBeGreaterThanOrEqual(1);
        expect(r.conformance.fail).toBe(0);
      } finally {
        await target.issuer.close();
      }
    }, 60_000);
  }

  it('smoke against the reference issuer meets its thresholds; against slow-pdf it breaks p95 and exits 1', async () => {
    const good = await load(['--profile', 'smoke', '--duration', '3', '--documents', '20']);
    expect(good.code, `${good.result?.message} ${good.err}`).toBe(0);
    expect(good.result!.verdict).toBe('pass');
    expect(good.result!.engine).toMatchObject({ name: 'vegeta', segments: 1 });
    expect(good.result!.thresholds.map((t) => [t.metric, t.ok])).toEqual([
      ['latency', true],
      ['http_failed', true],
      ['checks', true],
      ['late_starts', true],
    ]);
    expect(good.result!.total.requests).toBeGreaterThanOrEqual(58);
    expect(readFileSync(join(good.dir, 'junit.xml'), 'utf8')).toMatch(/tests="4" failures="0"/);
    expect(readFileSync(join(good.dir, 'summary.md'), 'utf8')).toMatch(/# dlconform load: smoke \(pull-doc\) — PASS/);
    // vegeta plot's page of latency over time
    expect(readFileSync(join(good.dir, 'latency.html'), 'utf8')).toMatch(/<html[\s\S]*dlconform load smoke/);

    const slow = await load(['--profile', 'smoke', '--duration', '3', '--documents', '20', '--fault', 'slow-pdf', '--slow-ms', '1500']);
    expect(slow.code, slow.out + slow.err).toBe(1);
    expect(slow.result!.verdict).toBe('fail');
    const p95 = slow.result!.thresholds.find((t) => t.metric === 'latency')!;
    expect(p95.ok).toBe(false);
    expect(p95.actual).toBeGreaterThanOrEqual(1500);
    expect(slow.result!.message).toMatch(/latency p\(95\)<1000/);
    expect(readFileSync(join(slow.dir, 'junit.xml'), 'utf8')).toMatch(/<failure message="latency p\(95\)&lt;1000 failed/);
  }, 120_000);

  it("rate accuracy: at half the target's capacity, achieved ≥ 99.5% of offered and late starts ≈ 0 (at most the two always allowed)", async () => {
    // saturate-at 200 req/s: the issuer serves at most 200 a second; offer 100
    const run = await load(['--profile', 'smoke', '--rate', '100', '--duration', '6', '--documents', '20', '--fault', 'saturate-at', '--saturate-rps', '200']);
    expect(run.code, `${run.result?.message} ${run.err}`).toBe(0);
    const step = run.result!.steps[0]!;
    expect(step.achievedRate).toBeGreaterThanOrEqual(99.5);
    expect(step.requests).toBeGreaterThanOrEqual(597);
    expect(step.lateStarts).toBeLessThanOrEqual(2);
  }, 60_000);

  it('no coordinated omission: a target that stalls for 1 s every 5 s shows p99 ≥ 1 s', async () => {
    const run = await load(['--profile', 'smoke', '--rate', '50', '--duration', '10', '--documents', '20', '--fault', 'periodic-stall']);
    const r = run.result!;
    expect(r, run.err).toBeDefined();
    // every request arriving in a stall waits it out: a fifth of them at an open rate
    expect(r.total.p99Ms).toBeGreaterThanOrEqual(1000);
    expect(r.total.p90Ms).toBeGreaterThanOrEqual(500);
    expect(r.total.requests).toBeGreaterThanOrEqual(495);
    expect(r.total.lateStarts).toBe(0);
  }, 60_000);

  it('two local segments deliver the total rate; merged percentiles equal those of the union of raw samples', async () => {
    const target = await startReferenceTarget({ documents: 20 });
    try {
      const settings = applyOverrides(loadSettings(target.config), 'smoke', { rate: 100, durationSeconds: 5 });
      const dir = tmp('segments');
      const outcome = await runAgainst(target, settings, { reportDir: dir, segments: { count: 2, indices: [1, 2] }, keepRaw: true, keepLatencies: true });
      const r = outcome.result!;
      expect(r.verdict, outcome.message).toBe('pass');
      expect(r.engine.segments).toBe(2);
      expect(r.segments.map((s) => s.segment)).toEqual(['1/2', '2/2']);
      expect(r.steps[0]!.offeredRate).toBe(100);
      expect(r.steps[0]!.achievedRate).toBeGreaterThanOrEqual(98);
      expect(r.steps[0]!.achievedRate).toBeLessThanOrEqual(102);
      for (const s of r.segments) {
        expect(s.requests).toBeGreaterThanOrEqual(245);
        expect(s.requests).toBeLessThanOrEqual(255);
      }
      // the union of both segments' raw samples, in one histogram and exactly
      const union = [...outcome.latencies!.get(1)!, ...outcome.latencies!.get(2)!];
      expect(union).toHaveLength(r.total.requests);
      const h = new LatencyHistogram();
      for (const v of union) h.addMs(v);
      const round3 = (v: number) => Math.round(v * 1000) / 1000;
      for (const [key, p] of [
        ['p50Ms', 50],
        ['p90Ms', 90],
        ['p95Ms', 95],
        ['p99Ms', 99],
      ] as const) {
        expect(r.total[key], key).toBe(round3(h.percentileMs(p)!));
        // and within HdrHistogram's 3 significant digits of the exact value
        const exact = exactPercentile(union, p)!;
        expect(Math.abs(r.total[key]! - exact)).toBeLessThanOrEqual(Math.max(0.002, exact * 0.001));
      }
      // each segment's raw results, bodies dropped, are kept for plots and later merges
      for (const i of [1, 2]) {
        const lines = readFileSync(join(dir, 'segments', String(i), 'results.json'), 'utf8')
          .trim()
          .split('\n');
        expect(lines.length).toBeGreaterThanOrEqual(245);
        expect(JSON.parse(lines[0]!)).toMatchObject({ body: null, headers: null });
      }
    } finally {
      await target.issuer.close();
    }
  }, 90_000);

  it('segments run apart (--segment i/N, as on N hosts) merge with `load merge` into the total rate', async () => {
    const target = await startReferenceTarget({ documents: 20 });
    try {
      const dir = tmp('hosts');
      const file = join(dir, 'config.json');
      writeFileSync(file, JSON.stringify(target.issuer.config('SEGMENT_KEY')));
      process.env.SEGMENT_KEY = target.apiKey;
      const [one, two] = await Promise.all([
        load(['--config', file, '--profile', 'smoke', '--rate', '60', '--duration', '4', '--segment', '1/2'], join(dir, 'one')),
        load(['--config', file, '--profile', 'smoke', '--rate', '60', '--duration', '4', '--segment', '2/2'], join(dir, 'two')),
      ]);
      expect(one.code, one.out + one.err).toBe(0);
      expect(two.code, two.out + two.err).toBe(0);
      expect(one.out).toMatch(/Segment 1\/2 done .*`dlconform load merge/);
      expect(one.result!.total.offeredRate).toBe(30);
      const merged = await load(['merge', join(dir, 'one'), join(dir, 'two')], join(dir, 'merged'));
      expect(merged.code, merged.out + merged.err).toBe(0);
      const r = merged.result!;
      expect(r.verdict).toBe('pass');
      expect(r.steps[0]!.offeredRate).toBe(60);
      expect(r.total.requests).toBe(one.result!.total.requests + two.result!.total.requests);
      expect(r.steps[0]!.achievedRate).toBeGreaterThanOrEqual(58);
      expect(existsSync(join(dir, 'merged', 'latency.html'))).toBe(true);
      // one segment alone is not the test: merging it without its partner is refused as incomplete
      const half = await load(['merge', join(dir, 'one')], join(dir, 'half'));
      expect(half.code).toBe(1);
      expect(half.result!.message).toMatch(/segments 2\/2 are missing/);
    } finally {
      delete process.env.SEGMENT_KEY;
      await target.issuer.close();
    }
  }, 90_000);

  it('capacity finds the knee of an issuer that saturates at a known rate (saturate-at 100 req/s: steps 40, 80, 120 → knee 80)', async () => {
    const run = await load([
      '--profile',
      'capacity',
      '--fault',
      'saturate-at',
      '--saturate-rps',
      '100',
      '--rate',
      '40',
      '--step-rate',
      '40',
      '--steps',
      '5',
      '--step-seconds',
      '6',
      '--documents',
      '20',
    ]);
    expect(run.code, `${run.result?.message} ${run.err}`).toBe(0);
    const r = run.result!;
    expect(r.capacity?.knee?.rate).toBe(80);
    expect(r.capacity?.firstFailure?.rate).toBe(120);
    expect(r.stopped?.reason).toMatch(/step 2 \(120 req\/s\) is past the knee/);
    expect(r.steps.map((s) => s.offeredRate)).toEqual([40, 80, 120]);
    expect(r.steps[2]!.achievedRate).toBeLessThanOrEqual(101);
    expect(readFileSync(join(run.dir, 'capacity.svg'), 'utf8')).toMatch(/knee 80 req\/s/);
    expect(readFileSync(join(run.dir, 'summary.md'), 'utf8')).toMatch(/\*\*Knee: 80 req\/s\*\*/);
  }, 120_000);

  it("sampled conformance catches what the cheap check cannot: a txn not echoed fails the suite's MUST check, with evidence", async () => {
    const run = await load(['--profile', 'smoke', '--duration', '3', '--documents', '20', '--fault', 'txn-not-echoed']);
    const r = run.result!;
    expect(r, run.err).toBeDefined();
    // every load response passed the cheap check (Status 1, a PDF marker) …
    expect(r.total.reasons).toEqual({});
    // … and the sampled stream failed the suite's txn echo check, which fails the checks threshold
    expect(r.conformance.byCheck['pulldoc.echo.txn']?.fail).toBeGreaterThanOrEqual(1);
    const failure = r.conformance.failures.find((f) => f.id === 'pulldoc.echo.txn')!;
    expect(failure.level).toBe('MUST');
    expect(failure.evidence[0]!.curl).toMatch(/reproduces POST http:\/\/127\.0\.0\.1:[\s\S]*curl /);
    expect(failure.evidence[0]!.request.headers['x-digilocker-hmac']).toMatch(/REDACTED/);
    expect(r.thresholds.find((t) => t.metric === 'checks')!.ok).toBe(false);
    expect(run.code).toBe(1);
    expect(readFileSync(join(run.dir, 'summary.md'), 'utf8')).toMatch(/### pulldoc\.echo\.txn \(MUST\)[\s\S]*```sh\n[\s\S]*curl /);
    expect(readFileSync(join(run.dir, 'junit.xml'), 'utf8')).toMatch(/name="pulldoc\.echo\.txn" time="0\.000">\s*<failure/);
  }, 60_000);

  it('before vegeta starts, one request from Node: an unreachable target exits 3, a refused one exits 1', async () => {
    const target = await startReferenceTarget({ documents: 3 });
    try {
      const dir = tmp('pre');
      const file = join(dir, 'config.json');
      const closed = await new Promise<number>((resolve) => {
        const srv = createServer().listen(0, '127.0.0.1', () => {
          const { port } = srv.address() as AddressInfo;
          srv.close(() => resolve(port));
        });
      });
      writeFileSync(file, JSON.stringify({ ...target.issuer.config('PREFLIGHT_KEY'), target: { pullUri: `http://127.0.0.1:${closed}/pulluri`, pullDoc: `http://127.0.0.1:${closed}/pulldoc` } }));
      process.env.PREFLIGHT_KEY = target.apiKey;
      const down = await load(['--config', file]);
      expect(down.code).toBe(3);
      expect(down.err).toMatch(new RegExp(`target unreachable: http://127.0.0.1:${closed}/pulldoc: ECONNREFUSED`));
      writeFileSync(file, JSON.stringify(target.issuer.config('PREFLIGHT_KEY')));
      process.env.PREFLIGHT_KEY = 'not-the-key';
      const refused = await load(['--config', file]);
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/the first request .* was not served: http-401.*Run `dlconform run` against this config first/);
      // the same diagnosis as dlconform run, first
      expect(refused.err).toMatch(/^dlconform load: Diagnosis \(pulldoc\): .*\n {2}Look at: apiKeyEnv, orgId, hmac\n/);
      expect(refused.result).toBeUndefined();
    } finally {
      delete process.env.PREFLIGHT_KEY;
      await target.issuer.close();
    }
  }, 60_000);
});
