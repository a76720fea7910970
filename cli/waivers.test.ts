/**
 * Waivers and the baseline as a user meets them: the bundled dlconform against the reference
 * issuer with a fault, real HTTP on loopback. The dates are far from today on purpose: an active
 * waiver holds until 2999, an expired one ended in 2020 (the rules at the day's edge are tested
 * with an injected clock in core/waivers.test.ts).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import resultSchema from '../core/report/result.schema.json' with { type: 'json' };
import { startIssuer, type FaultName, type RunningIssuer } from '../fixtures/issuer/index.js';
import { runCli } from './test-support.js';

const KEY = 'cli-waivers-api-key-3e9a1d';
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(resultSchema);

let tmp: string;
const issuers: RunningIssuer[] = [];

const dlconform = (args: string[]) => runCli(args, tmp, { WAIVER_TEST_KEY: KEY });

async function issuerConfig(name: string, faults: FaultName[], waivers?: string): Promise<string> {
  const issuer = await startIssuer({ apiKey: KEY, documents: 5, faults });
  issuers.push(issuer);
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify({ ...issuer.config('WAIVER_TEST_KEY'), ...(waivers && { waivers }) }, null, 2));
  return path;
}

function writeWaivers(name: string, text: string): string {
  writeFileSync(join(tmp, name), text);
  return name;
}

const result = (dir: string) => {
  const json = JSON.parse(readFileSync(join(tmp, dir, 'result.json'), 'utf8'));
  expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  return json;
};
interface CheckJson {
  id: string;
  verdict: string;
  message: string;
  waiver?: { state: string };
}
const check = (json: { checks: CheckJson[] }, id: string) => json.checks.find((c) => c.id === id)!;

const ECHO = ['--only', 'pulluri.echo.txn,pulluri.echo.ts'];

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'dlconform-waivers-cli-'));
});
afterAll(async () => {
  for (const i of issuers) await i.close();
});

describe('dlconform run with waivers', () => {
  it('an active waiver turns exit 1 into 0, an expired one keeps 1 and says so, a stale one is reported, a typo warned', async () => {
    writeWaivers(
      'active.yaml',
      'waivers:\n  - check: pulluri.echo.txn\n    reason: txn echo fixed in release 4.2\n    owner: issuer-team\n    expires: 2999-12-31\n  - check: pulluri.echo.txm\n    reason: typo\n    owner: someone\n    expires: 2999-12-31\n',
    );
    writeWaivers('expired.yaml', 'waivers:\n  - check: pulluri.echo.txn\n    reason: txn echo fixed in release 4.2\n    owner: issuer-team\n    expires: 2020-01-31\n');

    const bare = await dlconform(['run', '--config', await issuerConfig('bare.json', ['txn-not-echoed']), '--report-dir', 'bare', ...ECHO]);
    expect(bare.code).toBe(1);
    expect(bare.stdout).toMatch(/FAIL\s+pulluri\.echo\.txn/);

    const active = await dlconform(['run', '--config', await issuerConfig('active.json', ['txn-not-echoed'], 'active.yaml'), '--report-dir', 'active', ...ECHO]);
    expect(active.stderr).toBe('');
    expect(active.code).toBe(0);
    expect(active.stdout).toMatch(/WAIV\s+pulluri\.echo\.txn/);
    expect(active.stdout).toContain('Waived (1): failures a waiver accepts until it expires, not blocking:');
    expect(active.stdout).toContain('through 2999-12-31, owner issuer-team: txn echo fixed in release 4.2');
    expect(active.stdout).toContain('Warning: waiver 2 (check pulluri.echo.txm, owner someone) matches no check of this run: did you mean pulluri.echo.txn?');
    const activeJson = result('active');
    expect(activeJson.summary).toMatchObject({ waived: 1, fail: 0, blocking: 0 });
    expect(check(activeJson, 'pulluri.echo.txn')).toMatchObject({ verdict: 'waived', waiver: { state: 'active', owner: 'issuer-team', expires: '2999-12-31' } });
    expect(readFileSync(join(tmp, 'active', 'summary.md'), 'utf8')).toContain('🛡️ waived');
    expect(readFileSync(join(tmp, 'active', 'junit.xml'), 'utf8')).toMatch(/<testcase[^>]*name="pulluri\.echo\.txn[^"]*"[^>]*>\s*<skipped/);

    const expired = await dlconform(['run', '--config', await issuerConfig('expired.json', ['txn-not-echoed'], 'expired.yaml'), '--report-dir', 'expired', ...ECHO]);
    expect(expired.code).toBe(1);
    expect(expired.stdout).toMatch(/FAIL\s+pulluri\.echo\.txn.*the waiver by issuer-team expired on 2020-01-31/);
    expect(expired.stdout).toContain('Expired waivers (1)');
    expect(check(result('expired'), 'pulluri.echo.txn')).toMatchObject({ verdict: 'fail', waiver: { state: 'expired' } });

    // the issuer fixed the echo: the waiver is stale, reported, and the run passes
    const stale = await dlconform(['run', '--config', await issuerConfig('stale.json', [], 'active.yaml'), '--report-dir', 'stale', ...ECHO]);
    expect(stale.code).toBe(0);
    expect(stale.stdout).toContain('Stale waivers (1): the check passes now; remove the waiver from the waivers file:');
    expect(check(result('stale'), 'pulluri.echo.txn')).toMatchObject({ verdict: 'pass', waiver: { state: 'stale' } });
  });

  it('a selector does not waive a SECURITY failure; the exact check id does', async () => {
    writeWaivers('security-selector.yaml', 'waivers:\n  - selector: pulluri.auth\n    reason: auth rework\n    owner: sec-team\n    expires: 2999-12-31\n');
    writeWaivers('security-exact.yaml', 'waivers:\n  - check: pulluri.auth.unauthenticated\n    reason: auth rework\n    owner: sec-team\n    expires: 2999-12-31\n');
    const only = ['--only', 'pulluri.auth.unauthenticated'];
    const bySelector = await dlconform(['run', '--config', await issuerConfig('sec-sel.json', ['credentials-optional'], 'security-selector.yaml'), '--report-dir', 'sec-sel', ...only]);
    expect(bySelector.code).toBe(1);
    expect(bySelector.stdout).toMatch(/FAIL\s+pulluri\.auth\.unauthenticated/);
    expect(check(result('sec-sel'), 'pulluri.auth.unauthenticated').message).toContain('does not waive a SECURITY-level failure');
    const exact = await dlconform(['run', '--config', await issuerConfig('sec-exact.json', ['credentials-optional'], 'security-exact.yaml'), '--report-dir', 'sec-exact', ...only]);
    expect(exact.code).toBe(0);
  });

  it('a bad waivers file stops the run with exit 2, naming the waiver, the field and the line', async () => {
    writeWaivers('bad.yaml', 'waivers:\n  - check: pulluri.echo.txn\n    reason: r\n    owner: o\n    expires: 31-12-2999\n');
    const r = await dlconform(['run', '--config', await issuerConfig('bad.json', [], 'bad.yaml'), ...ECHO]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^dlconform: waivers .*bad\.yaml: waivers\[0\]\.expires: must match .* \(got "31-12-2999"\); expected the last day the waiver holds, a date YYYY-MM-DD .* \(line 5, column 14\)\n$/,
    );
  });
});

describe('dlconform timing with waivers', () => {
  it('a waived timing failure reads WAIV in its progress line as in the summary, and the run exits 0', async () => {
    writeWaivers('timing.yaml', 'waivers:\n  - check: timing.ts-window\n    reason: window widened in release 5\n    owner: issuer-team\n    expires: 2999-12-31\n');
    const issuer = await startIssuer({ apiKey: KEY, documents: 5, faults: ['ts-window'] });
    issuers.push(issuer);
    // a declared window wider than the fault's: refusals inside it fail timing.ts-window
    writeFileSync(join(tmp, 'timing.json'), JSON.stringify({ ...issuer.config('WAIVER_TEST_KEY'), tsWindow: { pastSeconds: 1800, futureSeconds: 300 }, waivers: 'timing.yaml' }, null, 2));
    const r = await dlconform(['timing', '--config', 'timing.json', '--only', 'timing.ts-window', '--report-dir', 'timing-out']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^WAIV\s+.*timing\.ts-window/m);
    expect(r.stdout).not.toMatch(/^FAIL\s/m);
    expect(check(result('timing-out'), 'timing.ts-window').verdict).toBe('waived');
  });
});

describe('dlconform run --baseline', () => {
  it('--fail-on new passes with an old failure and fails with a new one; the diff is in every report', async () => {
    const before = await dlconform(['run', '--config', await issuerConfig('b1.json', ['txn-not-echoed']), '--report-dir', 'b1', ...ECHO]);
    expect(before.code).toBe(1);

    const same = await dlconform(['run', '--config', await issuerConfig('b2.json', ['txn-not-echoed']), '--report-dir', 'b2', ...ECHO, '--baseline', 'b1/result.json', '--fail-on', 'new']);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('0 new failures, 0 fixed, 1 still failing, 0 new checks, 0 removed checks');
    expect(same.stdout).toContain('Exit code 0: no new failure since the baseline (--fail-on new); 1 still failing from it');
    const sameJson = result('b2');
    expect(sameJson).toMatchObject({ failOn: 'new', baseline: { runId: before.stdout.match(/run (\S+) · seed/)![1], stillFailing: ['pulluri.echo.txn'], newFailures: [] } });
    // without --fail-on new, the old failure blocks as before
    const any = await dlconform(['run', '--config', join(tmp, 'b2.json'), '--report-dir', 'b2-any', ...ECHO, '--baseline', 'b1']);
    expect(any.code).toBe(1);

    const worse = await dlconform([
      'run',
      '--config',
      await issuerConfig('b3.json', ['txn-not-echoed', 'ts-reformatted']),
      '--report-dir',
      'b3',
      ...ECHO,
      '--baseline',
      'b1/result.json',
      '--fail-on',
      'new',
    ]);
    expect(worse.code).toBe(1);
    expect(worse.stdout).toContain('new failures: pulluri.echo.ts');
    expect(worse.stdout).toContain('Exit code 1: conformance failure: 1 new failure since the baseline (--fail-on new)');
    expect(result('b3').baseline).toMatchObject({ newFailures: ['pulluri.echo.ts'], stillFailing: ['pulluri.echo.txn'] });
    expect(readFileSync(join(tmp, 'b3', 'summary.md'), 'utf8')).toContain('| 🆕 New failures (1) | `pulluri.echo.ts` |');

    const fixed = await dlconform(['run', '--config', await issuerConfig('b4.json', []), '--report-dir', 'b4', ...ECHO, '--baseline', 'b1/result.json', '--fail-on', 'new']);
    expect(fixed.code).toBe(0);
    expect(result('b4').baseline.fixed).toEqual(['pulluri.echo.txn']);
  });

  it('a bad baseline or --fail-on new without one is a usage error (exit 2) before any request', async () => {
    writeFileSync(join(tmp, 'not-a-result.json'), '{"hello": 1}');
    const config = await issuerConfig('u.json', []);
    const bad = await dlconform(['run', '--config', config, '--baseline', 'not-a-result.json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not-a-result.json: schemaVersion: is required');
    const missing = await dlconform(['run', '--config', config, '--baseline', 'nowhere/result.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('not found; pass --baseline with the result.json of a previous run');
    const alone = await dlconform(['run', '--config', config, '--fail-on', 'new']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--fail-on new needs --baseline PREVIOUS/result.json');
    const wrong = await dlconform(['run', '--config', config, '--fail-on', 'some']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--fail-on must be any or new, got "some"');
  });
});
