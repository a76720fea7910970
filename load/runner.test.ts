/**
 * runLoad's plan, its preflight and its plumbing, with stand-ins for vegeta (shell scripts: no
 * real vegeta needed) and the reference issuer on loopback.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Evidence } from '../core/evidence.js';
import { Redactor } from '../core/redact.js';
import { buildDataset } from './dataset.js';
import { startReferenceTarget, type ReferenceTarget } from './reference.js';
import type { LoadResult } from './report.js';
import { buildPlan, preflight, runLoad, shareOf } from './runner.js';
import { applyOverrides, attackLimits, loadSettings, stepsOf } from './settings.js';
import { collector } from './test-support.js';
import type { VegetaBinary } from './vegeta-bin.js';

let target: ReferenceTarget;
const dirs: string[] = [];
const tmp = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), `dlconform-${name}-`));
  dirs.push(d);
  return d;
};
beforeAll(async () => {
  target = await startReferenceTarget({ documents: 3 });
});
afterAll(async () => {
  await target.issuer.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** An executable shell script standing in for vegeta. */
function fakeVegeta(script: string): string {
  const path = join(tmp('fakevegeta'), 'vegeta');
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
  return path;
}

async function run(path: string, o: { segments?: number; durationSeconds?: number; rate?: number } = {}) {
  const dir = tmp('runner');
  const settings = applyOverrides(loadSettings(target.config), 'smoke', { durationSeconds: o.durationSeconds ?? 1, rate: o.rate ?? 20 });
  const count = o.segments ?? 1;
  const err = collector();
  const out = collector();
  const vegeta: VegetaBinary = { path, version: 'v12.13.0', source: 'VEGETA_BIN' };
  const outcome = await runLoad({
    config: target.config,
    apiKey: target.apiKey,
    settings,
    profile: 'smoke',
    dataset: buildDataset(target.config, settings.scenario, target.documents),
    documents: target.documents,
    vegeta,
    reportDir: dir,
    segments: { count, indices: Array.from({ length: count }, (_, i) => i + 1) },
    redactor: new Redactor({ apiKey: target.apiKey, config: { documents: target.documents } }),
    toolVersion: 'test',
    sampled: false,
    keepRaw: true,
    out,
    err,
  });
  return { outcome, dir, out: out.text(), err: err.text() };
}

const GOOD_BODY = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><PullDocResponse xmlns:ns2="http://tempuri.org/"><ResponseStatus Status="1" ts="2026-01-01T05:30:00+05:30" txn="x">1</ResponseStatus><DocDetails><DocContent>JVBERi0xLjQKJcfs</DocContent></DocDetails></PullDocResponse>',
).toString('base64');

/** vegeta's JSON result lines for `n` requests at `rate`, on schedule from 2026-01-01T00:00:00Z unless `late` says otherwise. */
function resultLines(n: number, rate: number, opts: { latencyMs?: number; late?: Record<number, number>; code?: Record<number, number> } = {}): string {
  const t0 = Date.UTC(2026, 0, 1);
  const lines: string[] = [];
  for (let seq = 0; seq < n; seq++) {
    const startUs = Math.round((seq * 1_000_000) / rate + (opts.late?.[seq] ?? 0) * 1000);
    const when = new Date(t0 + Math.floor(startUs / 1000)).toISOString().replace(/\.\d{3}Z$/, `.${String(startUs % 1_000_000).padStart(6, '0')}000Z`);
    const code = opts.code?.[seq] ?? 200;
    lines.push(
      JSON.stringify({
        attack: 'step-0-segment-1',
        seq,
        code,
        timestamp: when,
        latency: (opts.latencyMs ?? 5) * 1e6,
        bytes_out: 700,
        bytes_in: 250,
        error: code === 200 ? '' : `${code} Internal Server Error`,
        body: code === 200 ? GOOD_BODY : Buffer.from('Internal Server Error').toString('base64'),
        method: 'POST',
        url: 'http://127.0.0.1/pulldoc',
        headers: { 'Content-Type': ['application/xml'], 'X-Owner': ['Sunil Kumar'] },
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('the plan', () => {
  it('is what vegeta and the workers need, and holds no secret', () => {
    const settings = loadSettings(target.config);
    const plan = buildPlan({ config: target.config, settings, profile: 'ci' }, '0123456789abcdef');
    expect(plan).toMatchObject({
      planVersion: 1,
      runId: '0123456789abcdef',
      segment: { index: 1, count: 1 },
      scenario: 'pull-doc',
      profile: 'ci',
      url: target.config.target.pullDoc,
      specProfile: '3.0',
      orgId: target.config.orgId,
      hmac: target.config.hmac,
      format: 'pdf',
      apiKeyEnv: target.config.apiKeyEnv,
      captureBytes: 1024,
      expectPdf: true,
      expectXml: false,
    });
    expect(plan.steps).toEqual(stepsOf(settings, 'ci'));
    expect(plan.limits).toEqual(attackLimits(settings, 'ci'));
    expect(JSON.stringify(plan)).not.toContain(target.apiKey);
    const uri = buildPlan({ config: target.config, settings: applyOverrides(settings, 'smoke', { scenario: 'pull-uri' }), profile: 'smoke' }, '0123456789abcdef', { index: 2, count: 3 });
    expect(uri).toMatchObject({ url: target.config.target.pullUri, scenario: 'pull-uri', segment: { index: 2, count: 3 } });
    expect(shareOf(100, 3)).toBeCloseTo(33.333, 3);
  });

  it('profile 1.0 sends no format', async () => {
    const old = await startReferenceTarget({ profile: '1.0', documents: 2 });
    try {
      const plan = buildPlan({ config: old.config, settings: loadSettings(old.config), profile: 'smoke' }, '0123456789abcdef');
      expect(plan.format).toBeUndefined();
      expect(plan).toMatchObject({ specProfile: '1.0', expectPdf: true, expectXml: false });
    } finally {
      await old.issuer.close();
    }
  });
});

describe('preflight: one request from Node before vegeta starts', () => {
  const item = () => buildDataset(target.config, 'pull-doc', target.documents)[0]!;
  const plan = () => buildPlan({ config: target.config, settings: loadSettings(target.config), profile: 'smoke' }, '0123456789abcdef');

  it('a served request is nothing to report', async () => {
    expect(await preflight(plan(), target.apiKey, item(), 5000)).toEqual({});
  });

  it('a refused or broken answer is a problem, a closed port is unreachable', async () => {
    expect((await preflight(plan(), 'not-the-key', item(), 5000)).problem).toMatch(/the first request \(sent from Node before vegeta starts\) was not served: http-401/);
    const broken = await startReferenceTarget({ documents: 3, faults: ['doccontent-not-pdf'] });
    try {
      const p = buildPlan({ config: broken.config, settings: loadSettings(broken.config), profile: 'smoke' }, '0123456789abcdef');
      expect((await preflight(p, broken.apiKey, buildDataset(broken.config, 'pull-doc', broken.documents)[0]!, 5000)).problem).toMatch(/not served: no-pdf/);
    } finally {
      await broken.issuer.close();
    }
    const closed = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as AddressInfo;
        srv.close(() => resolve(port));
      });
    });
    const down = { ...plan(), url: `http://127.0.0.1:${closed}/pulldoc` };
    expect(await preflight(down, target.apiKey, item(), 5000)).toEqual({ unreachable: `http://127.0.0.1:${closed}/pulldoc: ECONNREFUSED` });
  });
});

describe('preflight: a refused first request comes with the diagnosis of dlconform run', () => {
  const item = () => buildDataset(target.config, 'pull-doc', target.documents)[0]!;
  const triage = (key: string) => ({ config: target.config, evidence: new Evidence(new Redactor({ apiKey: key, config: target.config }), target.config, key) });

  it('a wrong API key: apiKeyEnv, orgId and hmac', async () => {
    const plan = buildPlan({ config: target.config, settings: loadSettings(target.config), profile: 'smoke' }, '0123456789abcdef');
    const pre = await preflight(plan, 'not-the-key', item(), 5000, triage('not-the-key'));
    expect(pre.problem).toMatch(/not served: http-401/);
    expect(pre.diagnosis).toMatchObject({ api: 'pulldoc', cause: 'credentials', suspects: ['apiKeyEnv', 'orgId', 'hmac'] });
  });

  it('the other HMAC encoding: set hmac to it', async () => {
    // an issuer that verifies only hex-base64 (one started without an encoding accepts both)
    const hexOnly = await startReferenceTarget({ documents: 3, hmac: 'hex-base64', apiKey: target.apiKey });
    onTestFinished(() => hexOnly.issuer.close());
    const config = { ...hexOnly.config, hmac: 'raw-base64' as const };
    const plan = buildPlan({ config, settings: loadSettings(config), profile: 'smoke' }, '0123456789abcdef');
    const first = buildDataset(hexOnly.config, 'pull-doc', hexOnly.documents)[0]!;
    const pre = await preflight(plan, target.apiKey, first, 5000, { ...triage(target.apiKey), config });
    expect(pre.diagnosis).toMatchObject({ api: 'pulldoc', cause: 'hmac-encoding', suspects: ['hmac'] });
    expect(pre.diagnosis!.summary).toContain('set "hmac": "hex-base64"');
  });
});

describe('runLoad with a stand-in vegeta', () => {
  it('vegeta exiting with an error is an error verdict (exit 1), with reports; the API key is in neither its arguments nor its environment', async () => {
    const fake = fakeVegeta('echo "$@" >> "$0.args"\nenv >> "$0.env"\necho "fake vegeta: boom" >&2\nexit 107');
    const { outcome, dir } = await run(fake, { segments: 2 });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.result?.verdict).toBe('error');
    expect(outcome.message).toMatch(/segment 1\/2: vegeta attack exited with 107: fake vegeta: boom/);
    expect(outcome.message).toMatch(/segment 2\/2: vegeta attack exited with 107/);
    expect(outcome.result!.segments.map((s) => s.exitCode)).toEqual([107, 107]);
    for (const f of ['load.json', 'junit.xml', 'summary.md']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toMatch(/<error message="segment 1\/2: vegeta attack exited with 107/);
    // the two segments run side by side, each at half the rate, each with every bound set
    const args = readFileSync(`${fake}.args`, 'utf8');
    for (const i of [1, 2])
      expect(args).toMatch(
        new RegExp(
          `^attack -format=json -lazy -targets=stdin -rate=10/1s -duration=1s -workers=\\d+ -max-workers=\\d+ -connections=\\d+ -max-connections=\\d+ -timeout=\\d+ms -max-body=1024 -redirects=-1 -name=step-0-segment-${i}$`,
          'm',
        ),
      );
    expect(args).toMatch(/^encode -to=json$/m);
    expect(args).not.toContain(target.apiKey);
    expect(readFileSync(`${fake}.env`, 'utf8')).not.toContain(target.apiKey);
  });

  it('a vegeta that cannot be started does not hang the run', async () => {
    const { outcome } = await run('/nonexistent/dlconform-test/vegeta');
    expect(outcome.exitCode).toBe(1);
    expect(outcome.result?.verdict).toBe('error');
    expect(outcome.message).toMatch(/segment 1\/1: cannot start vegeta \(\/nonexistent\/dlconform-test\/vegeta\): ENOENT/);
  });

  it("vegeta's results become the report: figures, thresholds and slim results files", async () => {
    const dir = tmp('scripted');
    const results = join(dir, 'results.jsonl');
    // attack: keep the first targets dlconform wrote and exit; encode: print the scripted results
    const fake = fakeVegeta(`case "$1" in\n  attack) head -n 3 > "${dir}/targets"; exit 0 ;;\n  encode) cat "${results}"; exit 0 ;;\n  *) exit 1 ;;\nesac`);

    writeFileSync(results, resultLines(20, 20));
    const good = await run(fake);
    const r = good.outcome.result!;
    expect(r.verdict, good.outcome.message).toBe('pass');
    expect(good.outcome.exitCode).toBe(0);
    expect(r.engine).toEqual({ name: 'vegeta', version: 'v12.13.0', segments: 1 });
    expect(r.total).toMatchObject({ requests: 20, completed: 20, lateStarts: 0, errorRate: 0, httpFailedRate: 0, offeredRate: 20, achievedRate: 20 });
    expect(Math.abs(r.total.p95Ms! - 5)).toBeLessThanOrEqual(0.005);
    expect(r.thresholds.map((t) => [t.metric, t.ok])).toEqual([
      ['latency', true],
      ['http_failed', true],
      ['checks', true],
      ['late_starts', true],
    ]);
    expect(good.out).toMatch(/step 0: offered 20 req\/s, achieved 20, p95 5/);
    // the targets dlconform wrote are vegeta JSON targets for the plan's URL
    const targets = readFileSync(join(dir, 'targets'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { method: string; url: string; body: string });
    expect(targets).toHaveLength(3);
    for (const t of targets) expect(t).toMatchObject({ method: 'POST', url: target.config.target.pullDoc });
    // results.json keeps each result without body or headers (owners' data)
    const slim = readFileSync(join(good.dir, 'segments', '1', 'results.json'), 'utf8')
      .trim()
      .split('\n');
    expect(slim).toHaveLength(20);
    expect(JSON.parse(slim[0]!)).toMatchObject({ seq: 0, code: 200, body: null, headers: null });
    expect(slim.join('\n')).not.toContain('Sunil Kumar');
    expect(r.files).toEqual(expect.arrayContaining(['segments/1/segment.json', 'segments/1/results.json']));
    expect(r.files).not.toContain('latency.html'); // the stand-in cannot plot

    // three requests 200 ms behind their schedule (two are always allowed) and one HTTP 500
    writeFileSync(results, resultLines(20, 20, { late: { 5: 200, 7: 200, 9: 200 }, code: { 12: 500 } }));
    const bad = await run(fake);
    const b = bad.outcome.result!;
    expect(b.verdict).toBe('fail');
    expect(bad.outcome.exitCode).toBe(1);
    expect(b.total).toMatchObject({ requests: 20, lateStarts: 3, errorRate: 0.05, httpFailedRate: 0.05, reasons: { 'http-500': 1 } });
    expect(b.thresholds.filter((t) => !t.ok).map((t) => t.metric)).toEqual(['http_failed', 'checks', 'late_starts']);
    expect(b.message).toMatch(/Thresholds failed: http_failed rate<0.01 \(actual 0.05\); checks rate>0.99 \(actual 0.95\); late_starts rate<=0.001 \(actual 0.15\)/);
    const json = JSON.parse(readFileSync(join(bad.dir, 'load.json'), 'utf8')) as LoadResult;
    expect(json.verdict).toBe('fail');
  });
});
