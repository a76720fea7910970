/**
 * The side-channel tests against the reference issuer over loopback, at fixed seeds: the
 * early-exit-compare fault is flagged, the clean issuer is not, the ts-dependent path is
 * flagged, and a comparison that is not made at all is skipped rather than timed. The per-char
 * delay here (10 µs, 630 µs over a keyhash) is far above what 300 pairs resolve even on a loaded
 * 2-core machine (properties/timing/README.md), so the verdicts do not depend on the machine.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/index.js';
import { Redactor } from '../../core/redact.js';
import resultSchema from '../../core/report/result.schema.json' with { type: 'json' };
import { startIssuer, type IssuerOptions, type RunningIssuer } from '../../fixtures/issuer/index.js';
import { UsageError } from '../../cli/args.js';
import { TIMING_HELP, timingCommand } from '../../cli/timing.js';
import { runTiming, type TimingOptions } from './suite.js';

const API_KEY = 'timing-test-key-0123456789';
const SAMPLES = 300;
const running: RunningIssuer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((i) => i.close()));
});

async function issuerConfig(issuer: Partial<IssuerOptions>, patch: Record<string, unknown> = {}) {
  const i = await startIssuer({ apiKey: API_KEY, documents: 4, ...issuer });
  running.push(i);
  return { issuer: i, json: { ...i.config('TIMING_TEST_KEY'), ...patch } };
}

async function timingRun(issuer: Partial<IssuerOptions>, options: Partial<TimingOptions> = {}) {
  const { json } = await issuerConfig(issuer);
  const { config, apiKey } = parseConfig(json, { TIMING_TEST_KEY: API_KEY }, 'timing test');
  const run = await runTiming({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 7, samples: SAMPLES, skip: ['window'], ...options });
  return { ...run, byId: Object.fromEntries(run.result.checks.map((c) => [c.id, c])) };
}

const verdicts = (checks: { id: string; verdict: string }[]) => Object.fromEntries(checks.map((c) => [c.id, c.verdict]));

describe('timing side channels against the reference issuer', () => {
  it('flags early-exit-compare in both the keyhash and the HMAC comparison', async () => {
    const { result, byId, details } = await timingRun({ faults: ['early-exit-compare'], compareDelayUs: 10 });
    expect(verdicts(result.checks)).toEqual({ 'timing.keyhash-compare': 'fail', 'timing.hmac-compare': 'fail', 'timing.ts-path': 'pass' });
    const keyhash = byId['timing.keyhash-compare']!;
    expect(keyhash.level).toBe('SECURITY');
    expect(keyhash.message).toMatch(
      /^the keyhash comparison leaks timing: a keyhash right in its first 63 of 64 characters is answered [\d.]+ µs later than a keyhash wrong in its first character \(300 pairs in 60 blocks of 5, 20%-trimmed mean of the differences of block minima; .* p [=<] .*Bonferroni/,
    );
    // how many header characters agree depends on the digest, which depends on the wall-clock ts
    expect(byId['timing.hmac-compare']!.message).toMatch(/first 8\d of 88 characters\) is answered [\d.]+ µs later/);
    expect(keyhash.evidence).toHaveLength(2);
    const analysis = details.sideChannel.find((d) => d.id === 'timing.keyhash-compare')!.analysis!;
    expect(analysis.pairs).toBe(SAMPLES);
    expect(analysis.p).toBeLessThan(analysis.alphaPerTest);
    expect(analysis.alphaPerTest).toBeCloseTo(0.001 / 3, 12);
    expect(analysis.estimateUs).toBeGreaterThan(0);
    // the figures the reports show, as numbers in the result
    expect(keyhash.timing).toEqual({
      pairs: SAMPLES,
      differenceUs: analysis.estimateUs,
      ciUs: analysis.ciUs,
      confidence: 1 - analysis.alphaPerTest,
      p: analysis.p,
      minimumDetectableUs: analysis.minimumDetectableUs,
    });
    expect(result.exitCode).toBe(1);
  });

  it('does not flag the clean issuer', async () => {
    const { result, byId } = await timingRun({});
    expect(verdicts(result.checks)).toEqual({ 'timing.keyhash-compare': 'pass', 'timing.hmac-compare': 'pass', 'timing.ts-path': 'pass' });
    expect(byId['timing.keyhash-compare']!.message).toMatch(/^no timing difference detected .* would have been detected with 80% power; smaller leaks are not ruled out\.$/);
    expect(result.exitCode).toBe(0);
  });

  it('flags ts-dependent-path as a warning (SHOULD)', async () => {
    const { result, byId } = await timingRun({ faults: ['ts-dependent-path'], tsPathDelayUs: 400 }, { only: ['ts-path'], skip: [] });
    expect(verdicts(result.checks)).toEqual({ 'timing.ts-path': 'warn' });
    expect(byId['timing.ts-path']!.message).toMatch(/^unauthenticated requests take a ts-dependent path: a wrongly signed request with a ts 1 day old is answered [\d.]+ µs later/);
    expect(result.exitCode).toBe(0);
  });

  it('skips a comparison the issuer does not make, and exits 4 when nothing ran', async () => {
    const { result, byId } = await timingRun({ faults: ['keyhash-not-verified'] }, { only: ['keyhash-compare', 'ts-path'], skip: [] });
    expect(verdicts(result.checks)).toEqual({ 'timing.keyhash-compare': 'skip', 'timing.ts-path': 'skip' });
    expect(byId['timing.keyhash-compare']!.message).toMatch(/serves a request that should be refused here \(HTTP 200 Status 1\).*pulluri\.auth\.wrong-keyhash/);
    expect(result.exitCode).toBe(4);
  });

  it('exits 3 when the target is unreachable', async () => {
    const { issuer, json } = await issuerConfig({});
    await issuer.close();
    const { config, apiKey } = parseConfig(json, { TIMING_TEST_KEY: API_KEY }, 'timing test');
    const { result } = await runTiming({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 1, samples: 50 });
    expect(result.exitCode).toBe(3);
    expect(result.aborted?.reason).toMatch(/unreachable/);
  });
});

describe('dlconform timing (cli/timing.ts)', () => {
  it('writes result.json (valid against result.schema.json), junit.xml, summary.md, report.html and timing.json, without secrets', async () => {
    const { json } = await issuerConfig({ faults: ['early-exit-compare'], compareDelayUs: 100 }); // 6.3 ms: certain even at 100 pairs
    const dir = await mkdtemp(join(tmpdir(), 'dlconform-timing-'));
    await writeFile(join(dir, 'config.json'), JSON.stringify(json));
    process.env.TIMING_TEST_KEY = API_KEY;
    const chunks: string[] = [];
    const out = { write: (s: string) => chunks.push(s), isTTY: false } as unknown as NodeJS.WritableStream;
    try {
      const code = await timingCommand(['--config', join(dir, 'config.json'), '--samples', '100', '--seed', '3', '--only', 'keyhash-compare', '--report-dir', join(dir, 'r')], out);
      expect(code).toBe(1);
    } finally {
      delete process.env.TIMING_TEST_KEY;
    }
    const text = chunks.join('');
    expect(text).toMatch(/FAIL {2}timing\.keyhash-compare/);
    expect(text).toMatch(/Exit code 1/);
    const result = JSON.parse(await readFile(join(dir, 'r', 'result.json'), 'utf8'));
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(resultSchema);
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    expect(result.checks.map((c: { id: string }) => c.id)).toEqual(['timing.keyhash-compare']);
    expect(result.checks[0].timing.pairs).toBe(100);
    const junit = await readFile(join(dir, 'r', 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testcase [^>]*name="timing\.keyhash-compare/);
    const details = JSON.parse(await readFile(join(dir, 'r', 'timing.json'), 'utf8'));
    expect(details.sideChannel[0].samplesUs.a).toHaveLength(100);
    for (const file of ['result.json', 'junit.xml', 'summary.md', 'report.html', 'timing.json']) {
      const body = await readFile(join(dir, 'r', file), 'utf8');
      expect(body).not.toContain(API_KEY);
      expect(body, file).not.toMatch(/keyhash="[0-9a-f]{64}"/);
    }
  });

  it('usage errors and help', async () => {
    await expect(timingCommand(['--config', 'x.json', '--samples', '10'])).rejects.toThrow(UsageError);
    await expect(timingCommand(['--config', 'x.json', '--alpha', '2'])).rejects.toThrow(/--alpha must be a number between 0 and 1/);
    await expect(timingCommand([])).rejects.toThrow(/timing needs --config FILE/);
    await expect(timingCommand(['--bogus'])).rejects.toThrow(UsageError);
    const chunks: string[] = [];
    expect(await timingCommand(['--help'], { write: (s: string) => chunks.push(s) } as unknown as NodeJS.WritableStream)).toBe(0);
    expect(chunks.join('')).toBe(TIMING_HELP);
  });
});
