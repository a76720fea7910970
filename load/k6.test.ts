/**
 * dlconform load with real k6 against the reference issuer on loopback. Runs are short (a few
 * seconds each) and rates low, so they hold on a shared 2-core machine. Without k6 these tests
 * skip with a printed reason, except under CI=true, where that is a failure.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCommand } from '../cli/load.js';
import { nodeHash } from '../conformance/node-hash.js';
import { Redactor } from '../conformance/redact.js';
import { digilockerHmac, keyhash, md5Hex } from '../spec/auth.js';
import { bundleK6 } from './bundle.js';
import { buildDataset } from './dataset.js';
import { exactPercentile, quantize } from './histogram.js';
import type { ScenarioName } from './plan.js';
import { startReferenceTarget } from './reference.js';
import type { LoadResult } from './report.js';
import { runLoad } from './runner.js';
import { splitCsv } from './samples.js';
import { applyOverrides, loadSettings } from './settings.js';
import { collector, IN_CI, k6, k6Missing, runK6 } from './test-support.js';

const dirs: string[] = [];
const tmp = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), `dlconform-${name}-`));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const readResult = (dir: string) => JSON.parse(readFileSync(join(dir, 'load.json'), 'utf8')) as LoadResult;

/** `dlconform load ARGS` in this process; returns the exit code, the output and the result. */
async function load(args: string[]) {
  const dir = tmp('load');
  const out = collector();
  const err = collector();
  const code = await loadCommand([...args, '--report-dir', dir, '--quiet'], out, err);
  const result = existsSync(join(dir, 'load.json')) ? readResult(dir) : undefined;
  return { code, out: out.text(), err: err.text(), dir, result };
}

describe.runIf(IN_CI && !k6)('k6 under CI', () => {
  it('k6 is installed (CI=true: a missing k6 fails instead of skipping)', () => {
    throw new Error(k6Missing);
  });
});

describe.skipIf(!k6)('dlconform load with k6', () => {
  it('spec/ inside k6 signs exactly as spec/ in Node: keyhash, both HMAC encodings, MD5; native and portable paths', async () => {
    const dir = tmp('selftest');
    const scripts = await bundleK6(dir, ['selftest']);
    const apiKey = 'kéy-0123456789abcdef';
    const vectors = [
      { ts: '2016-01-11T14:44:48+05:30', body: '<?xml version="1.0"?><PullDocRequest ts="2016-01-11T14:44:48+05:30"><URI>in.gov.x-INCER-AB12</URI></PullDocRequest>' },
      { ts: '2024-05-21T10:15:30.123+05:30', body: '<PullURIRequest><FullName>सुनील कुमार</FullName><DOB>31-12-1990</DOB></PullURIRequest>' },
      { ts: '2024-05-21T10:15:30Z', body: 'emoji 😀, é, 中文 & <escaped>' },
    ];
    const md5 = ['123456789012', 'सुनील'];
    writeFileSync(join(dir, 'in.json'), JSON.stringify({ apiKey, vectors, md5 }));
    const r = await runK6(['run', '--no-usage-report', '--address=', '--quiet', '--log-format=raw', scripts.selftest], { DLCONFORM_SELFTEST: join(dir, 'in.json') });
    expect(r.code, r.stderr).toBe(0);
    const line = (r.stdout + r.stderr).split('\n').find((l) => l.includes('DLCONFORM_SELFTEST '));
    const got = JSON.parse(line!.slice(line!.indexOf('DLCONFORM_SELFTEST ') + 19)) as Record<'native' | 'portable', Record<string, string[]>>;
    const node = {
      keyhash: vectors.map((v) => keyhash(nodeHash, apiKey, v.ts)),
      hexBase64: vectors.map((v) => digilockerHmac(nodeHash, apiKey, v.body, 'hex-base64')),
      rawBase64: vectors.map((v) => digilockerHmac(nodeHash, apiKey, v.body, 'raw-base64')),
      md5: md5.map((t) => md5Hex(nodeHash, t)),
    };
    expect(got.native).toEqual(node);
    expect(got.portable).toEqual(node);
  }, 60_000);

  // the issuer verifies keyhash and x-digilocker-hmac on every request: a single wrongly signed
  // request would be a 401 and fail the run
  for (const [profile, scenario, hmac] of [
    ['3.0', 'pull-doc', 'raw-base64'],
    ['1.13', 'pull-uri', 'hex-base64'],
  ] as const) {
    it(`k6's requests pass the issuer's signature checks: profile ${profile}, ${scenario}, ${hmac} (Devanagari names in the signed bodies)`, async () => {
      const target = await startReferenceTarget({ profile, hmac, documents: 8 });
      try {
        const settings = applyOverrides(loadSettings(target.config), 'smoke', { scenario: scenario as ScenarioName, rate: 20, durationSeconds: 2 });
        settings.sampleRate = 1; // validate every response in full here
        const dataset = buildDataset(target.config, settings.scenario, target.documents);
        if (scenario === 'pull-uri') expect(dataset.some((d) => /[^\x00-\x7f]/.test(d.fullName ?? ''))).toBe(true);
        const dir = tmp('sig');
        const outcome = await runLoad({
          config: target.config,
          apiKey: target.apiKey,
          settings,
          profile: 'smoke',
          dataset,
          k6: k6!,
          reportDir: dir,
          segments: 1,
          redactor: new Redactor({ apiKey: target.apiKey, config: { documents: target.documents } }),
          toolVersion: 'test',
          quiet: true,
          dashboard: false,
          out: collector(),
          err: collector(),
        });
        const r = outcome.result!;
        expect(r.verdict, outcome.message).toBe('pass');
        expect(r.total.requests).toBeGreaterThanOrEqual(38);
        expect(r.total.reasons).toEqual({});
        expect(r.total.sampled.fail).toBe(0);
        expect(r.total.sampled.pass).toBe(r.total.requests);
      } finally {
        await target.issuer.close();
      }
    }, 90_000);
  }

  it('smoke against the reference issuer meets its thresholds; against slow-pdf it breaks p95 and exits non-zero', async () => {
    const good = await load(['--profile', 'smoke', '--duration', '3', '--documents', '20']);
    expect(good.code, `${good.result?.message} ${good.err}`).toBe(0);
    expect(good.result!.verdict).toBe('pass');
    expect(good.result!.thresholds.map((t) => [t.metric, t.ok])).toEqual([
      ['http_req_duration', true],
      ['http_req_failed', true],
      ['checks', true],
      ['dropped_iterations', true],
    ]);
    expect(good.result!.total.requests).toBeGreaterThanOrEqual(58);
    expect(good.result!.total.sampled.pass).toBeGreaterThanOrEqual(1);
    const junit = readFileSync(join(good.dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/tests="4" failures="0"/);
    expect(readFileSync(join(good.dir, 'summary.md'), 'utf8')).toMatch(/# dlconform load: smoke \(pull-doc\) — PASS/);
    expect(existsSync(join(good.dir, 'dashboard.html'))).toBe(true);

    const slow = await load(['--profile', 'smoke', '--duration', '3', '--documents', '20', '--fault', 'slow-pdf', '--slow-ms', '1500']);
    expect(slow.code, slow.out + slow.err).toBe(1);
    expect(slow.result!.verdict).toBe('fail');
    const p95 = slow.result!.thresholds.find((t) => t.metric === 'http_req_duration')!;
    expect(p95.ok).toBe(false);
    expect(p95.actual).toBeGreaterThanOrEqual(1500);
    expect(slow.result!.message).toMatch(/http_req_duration p\(95\)<1000/);
    expect(readFileSync(join(slow.dir, 'junit.xml'), 'utf8')).toMatch(/<failure message="http_req_duration p\(95\)&lt;1000 failed/);
  }, 120_000);

  it('two segments together deliver the total rate; merged percentiles are those of the union of raw samples', async () => {
    const run = await load(['--profile', 'smoke', '--rate', '100', '--duration', '5', '--segments', '2', '--keep-raw', '--documents', '20', '--no-dashboard']);
    expect(run.code, `${run.result?.message} ${run.err}`).toBe(0);
    const r = run.result!;
    expect(r.k6.segments).toBe(2);
    expect(r.segments.map((s) => s.segment)).toEqual(['0:1/2', '1/2:1']);
    expect(r.steps[0]!.achievedRate).toBeGreaterThanOrEqual(95);
    expect(r.steps[0]!.achievedRate).toBeLessThanOrEqual(105);
    expect(r.total.requests).toBeGreaterThanOrEqual(490);
    expect(r.total.requests).toBeLessThanOrEqual(510);
    for (const s of r.segments) {
      expect(s.exitCode).toBe(0);
      expect(s.requests).toBeGreaterThanOrEqual(240);
      expect(s.requests).toBeLessThanOrEqual(260);
    }
    // the union of both instances' raw samples
    const union: number[] = [];
    for (const file of ['raw/samples-1.csv', 'raw/samples-2.csv']) {
      const rows = readFileSync(join(run.dir, file), 'utf8').split('\n').filter(Boolean).map(splitCsv);
      for (const row of rows) if (row[0] === 'http_req_duration') union.push(Number(row[2]));
    }
    expect(union).toHaveLength(r.total.requests);
    const pct = { p50Ms: 50, p90Ms: 90, p95Ms: 95, p99Ms: 99 } as const;
    for (const [key, p] of Object.entries(pct) as Array<[keyof typeof pct, number]>) {
      const exactUs = exactPercentile(union, p)! * 1000;
      expect(r.total[key], key).toBe(Math.round((quantize(exactUs) / 1000) * 1000) / 1000);
    }
    expect(r.total.maxMs).toBe(Math.round(Math.max(...union) * 1000) / 1000);
  }, 120_000);

  it('before k6 starts, one request from Node: an unreachable target exits 3, a refused one exits 1', async () => {
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
      expect(refused.result).toBeUndefined();
    } finally {
      delete process.env.PREFLIGHT_KEY;
      await target.issuer.close();
    }
  }, 60_000);

  it('capacity finds the knee of an issuer that saturates at a known rate (saturate-at 100 req/s: steps 40, 80, 120 → knee 80)', async () => {
    const run = await load(['--profile', 'capacity', '--fault', 'saturate-at', '--saturate-rps', '100', '--rate', '40', '--step-rate', '40', '--steps', '5', '--step-seconds', '8', '--documents', '20']);
    expect(run.code, `${run.result?.message} ${run.err}`).toBe(0);
    const r = run.result!;
    expect(r.capacity?.knee?.rate).toBe(80);
    expect(r.capacity?.firstFailure?.rate).toBe(120);
    expect(r.capacity?.firstFailure?.problems.join(' ')).toMatch(/achieved .* < 99% of offered 120/);
    expect(r.stopped?.reason).toMatch(/step 2 \(120 req\/s\) is past the knee/);
    expect(r.steps.map((s) => s.offeredRate)).toEqual([40, 80, 120]);
    expect(r.steps[2]!.achievedRate).toBeLessThanOrEqual(101);
    const svg = readFileSync(join(run.dir, 'capacity.svg'), 'utf8');
    expect(svg).toMatch(/knee 80 req\/s/);
    expect(readFileSync(join(run.dir, 'summary.md'), 'utf8')).toMatch(/\*\*Knee: 80 req\/s\*\*[\s\S]*!\[latency percentiles against offered rate\]\(capacity.svg\)/);
  }, 120_000);
});
