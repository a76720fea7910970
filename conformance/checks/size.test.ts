/**
 * The size checks and the echo on an HTTP 400: with the Photo opt-in the large request is the
 * plain one carrying the realistic Aadhaar photo (no filler), and an issuer that reads only 2 KB
 * of a body cannot serve it; the oversize request is judged by what comes back, a dropped
 * connection included; a Person's Photo is judged by its magic bytes.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/index.js';
import { Redactor } from '../../core/redact.js';
import type { CheckResult } from '../../core/types.js';
import { startIssuer, type FaultName } from '../../fixtures/issuer/index.js';
import type { ProfileId } from '../../protocol/profiles.js';
import { runSuite } from '../runner.js';

const API_KEY = 'size-test-key-7a1b2c3d4e';

async function run(profile: ProfileId, faults: FaultName[], only: string[], patch: Record<string, unknown> = {}): Promise<CheckResult[]> {
  const issuer = await startIssuer({ profile, apiKey: API_KEY, faults, documents: 4 });
  try {
    const json = issuer.config('SIZE_TEST_KEY');
    const { config, apiKey } = parseConfig({ ...json, ...patch }, { SIZE_TEST_KEY: API_KEY }, 'size test');
    const { result } = await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 5, only });
    return result.checks;
  } finally {
    await issuer.close();
  }
}

const byId = (checks: CheckResult[], id: string) => checks.find((c) => c.id === id)!;
const PHOTO = { optIn: { fullName: true, dob: true, uid: true, photo: true } };

describe('robustness.large-request', () => {
  it('with the Photo opt-in, the plain request with the Aadhaar photo is over 32 KB and served', async () => {
    const checks = await run('1.13', [], ['pulluri.robustness.large-request'], PHOTO);
    const c = byId(checks, 'pulluri.robustness.large-request');
    expect(c.verdict).toBe('pass');
    expect(Number(/a (\d+) bytes request/.exec(c.message)?.[1])).toBeGreaterThan(32 * 1024);
    expect(c.evidence).toHaveLength(1);
    // the photo is redacted where evidence is made, as every Aadhaar field is
    expect(c.evidence[0]!.request.body).toContain('[REDACTED:Photo]');
    expect(c.evidence[0]!.request.body).not.toContain('<Remarks>');
  });

  it('without it, an unknown element fills the request; an issuer reading 2 KB fails it', async () => {
    const clean = await run('3.0', [], ['robustness.large-request']);
    expect(clean.map((c) => c.verdict)).toEqual(['pass', 'pass']);
    expect(byId(clean, 'pulldoc.robustness.large-request').evidence[0]!.request.body).toContain('<Remarks>');
    const cut = await run('3.0', ['body-limit-2k'], ['robustness.large-request']);
    expect(cut.map((c) => c.verdict)).toEqual(['fail', 'fail']);
    expect(cut[0]!.level).toBe('MUST');
  });

  it('an issuer refusing a small unknown element leaves the finding to robustness.unknown-element', async () => {
    const checks = await run('3.0', ['strict-elements'], ['pulluri.robustness.large-request', 'pulluri.robustness.unknown-element']);
    expect(byId(checks, 'pulluri.robustness.unknown-element').verdict).toBe('fail');
    const c = byId(checks, 'pulluri.robustness.large-request');
    expect(c.verdict).toBe('skip');
    expect(c.message).toMatch(/see pulluri\.robustness\.unknown-element/);
  });

  it('with the Photo opt-in an issuer reading 2 KB serves nothing: the baseline fails and the check is inconclusive', async () => {
    const checks = await run('1.13', ['body-limit-2k'], ['pulluri.success.status-1', 'pulluri.robustness.large-request'], PHOTO);
    expect(byId(checks, 'pulluri.success.status-1').verdict).toBe('fail');
    expect(byId(checks, 'pulluri.robustness.large-request').verdict).toBe('inconclusive');
  });
});

describe('robustness.oversize-refused', () => {
  it('413 passes; a 500 and a dropped connection fail; the 3 MiB body is not kept whole in the evidence', async () => {
    const clean = byId(await run('3.0', [], ['pulluri.robustness.oversize-refused']), 'pulluri.robustness.oversize-refused');
    expect(clean.verdict).toBe('pass');
    expect(clean.message).toMatch(/^HTTP 413 for a \d+-byte request$/);
    expect(JSON.stringify(clean).length).toBeLessThan(64 * 1024);
    const five = byId(await run('3.0', ['oversize-500'], ['pulluri.robustness.oversize-refused']), 'pulluri.robustness.oversize-refused');
    expect([five.verdict, five.message]).toEqual(['fail', expect.stringMatching(/^HTTP 500 for a/)]);
    const reset = byId(await run('3.0', ['oversize-reset'], ['pulluri.robustness.oversize-refused']), 'pulluri.robustness.oversize-refused');
    expect(reset.verdict).toBe('fail');
    expect(reset.actual).toBe('reset');
  });
});

describe('echo.on-400', () => {
  it('judges the echo of an HTTP 400 refusal; skips an in-band one', async () => {
    const clean = await run('3.0', [], ['echo.on-400']);
    expect(clean.map((c) => [c.verdict, c.message])).toEqual([
      ['pass', 'ts and txn echoed on the HTTP 400 refusal'],
      ['pass', 'ts and txn echoed on the HTTP 400 refusal'],
    ]);
    const none = await run('3.0', ['no-echo-on-400'], ['pulluri.echo.on-400']);
    expect([none[0]!.verdict, none[0]!.message]).toEqual(['fail', 'ts and txn not echoed on the HTTP 400 refusal']);
  });
});

describe('success.person-photo', () => {
  it('a JPEG under format JPEG passes; PNG bytes under it warn (SHOULD)', async () => {
    const clean = await run('1.13', [], ['pulluri.success.person-photo']);
    expect(clean[0]!.verdict).toBe('pass');
    const wrong = await run('1.13', ['person-photo-wrong-format'], ['pulluri.success.person-photo']);
    expect([wrong[0]!.verdict, wrong[0]!.level]).toEqual(['warn', 'SHOULD']);
    expect(wrong[0]!.message).toBe('Person[0] Photo: format says JPEG, the decoded bytes are PNG');
  });
});
