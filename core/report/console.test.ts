import { describe, expect, it } from 'vitest';
import { exitCodeMeaning, progressLine, summaryTable, useColor } from './console.js';
import { sampleGatedRun } from './sample-gated-run.js';
import { sampleCheck, sampleRun } from './sample-run.js';

const plain = { color: false };

describe('progressLine', () => {
  it('one line per verdict, message only when it matters', () => {
    expect(progressLine(sampleCheck(), plain)).toBe('PASS  pulluri.echo-ts  the response echoes ts');
    const fail = progressLine(sampleCheck({ verdict: 'fail', message: 'expected "a",\n got "b"' }), plain);
    expect(fail).toBe('FAIL  pulluri.echo-ts  the response echoes ts [MUST] — expected "a", got "b"');
    expect(progressLine(sampleCheck({ verdict: 'error', message: 'x' }), plain).startsWith('ERR   pulluri')).toBe(true);
    expect(progressLine(sampleCheck({ verdict: 'skip', message: 'not configured' }), plain)).toBe('SKIP  pulluri.echo-ts  the response echoes ts — not configured');
    expect(progressLine(sampleCheck({ verdict: 'warn', message: 'm'.repeat(500) }), plain).length).toBeLessThan(220);
  });

  it('a failure shows what was expected and what came back under its line, each on one line', () => {
    const text = progressLine(sampleCheck({ verdict: 'fail', message: 'ts not echoed', expected: '2024-01-01T00:00:00+05:30', actual: 'got\n\x1b[2Jnothing' }), plain);
    expect(text.split('\n')).toEqual(['FAIL  pulluri.echo-ts  the response echoes ts [MUST] — ts not echoed', '      expected: 2024-01-01T00:00:00+05:30', '      actual:   got \\x1b[2Jnothing']);
    expect(progressLine(sampleCheck({ verdict: 'pass', expected: 'x', actual: 'x' }), plain)).not.toContain('\n');
  });

  it('shows control characters and bidi overrides from a target instead of obeying them', () => {
    const line = progressLine(sampleCheck({ verdict: 'fail', message: 'got \x1b[2J\x1b]0;pwned\x07 and \u202Eevil' }), plain);
    expect(line).not.toMatch(/[\x00-\x1f\u202e]/);
    expect(line).toContain('got \\x1b[2J\\x1b]0;pwned\\x07 and \\u202eevil');
  });

  it('colours only for a TTY and never with NO_COLOR', () => {
    expect(progressLine(sampleCheck(), { color: true, env: {} })).toContain('\x1b[32mPASS\x1b[0m');
    expect(progressLine(sampleCheck(), { color: true, env: { NO_COLOR: '1' } })).not.toContain('\x1b[');
    expect(progressLine(sampleCheck(), { color: false, env: {} })).not.toContain('\x1b[');
    expect(useColor({ env: { FORCE_COLOR: '1' } })).toBe(true);
    expect(useColor({ env: { NO_COLOR: '', FORCE_COLOR: '0' }, color: false })).toBe(false);
  });
});

describe('summaryTable', () => {
  const text = summaryTable(sampleRun(), { ...plain, reportDir: 'reports/x' });

  it('counts by verdict and by level', () => {
    expect(text).toContain('5 checks: 1 pass, 1 fail, 1 warn, 1 skip, 1 error (1 blocking)');
    expect(text).toMatch(/^level\s+pass\s+fail\s+warn\s+skip\s+error$/m);
    expect(text).toMatch(/^MUST\s+1\s+1\s+0\s+1\s+0$/m);
    expect(text).toMatch(/^SECURITY\s+0\s+0\s+0\s+0\s+1$/m);
  });

  it('lists failures with clause and message, then the report dir and exit code', () => {
    expect(text).toContain('FAIL  MUST     pulluri.echo-txn  [clause echo-ts, SPEC-1.13 8.1.4 #1]');
    expect(text).toContain('ERR   SECURITY pulldoc.echo-ts');
    expect(text).toContain('txn differs | expected <1452503688> & got "x" second line');
    expect(text).toContain('1 warning: see summary.md or result.json.');
    expect(text.trimEnd().split('\n').slice(-2)).toEqual(['Reports: reports/x (report.html, result.json, junit.xml, summary.md)', 'Exit code 1: conformance failure: 1 MUST/SECURITY-level failure']);
  });

  it('explains every exit code', () => {
    expect([0, 1, 2, 3, 4].map((c) => exitCodeMeaning(c))).toEqual([
      'no MUST- or SECURITY-level failure',
      'conformance failure',
      'usage or config error',
      'target unreachable',
      'nothing was executed (zero checks run is never a pass)',
    ]);
    expect(summaryTable(sampleRun({ aborted: { reason: 'connect ECONNREFUSED', exitCode: 3 }, exitCode: 3 }), plain)).toContain('Run aborted: connect ECONNREFUSED');
  });

  it('under policy strict, says that warnings block too', () => {
    expect(exitCodeMeaning(0, sampleRun({ policy: 'strict', exitCode: 0 }))).toBe('no failure and no warning (policy strict)');
    expect(exitCodeMeaning(1, sampleRun({ policy: 'strict' }))).toBe('conformance failure: 1 blocking failure (policy strict: warnings block too)');
  });
});

describe('inconclusive checks on the console', () => {
  const check = sampleCheck({ id: 'pulluri.auth.wrong-keyhash', verdict: 'inconclusive', message: 'not judged: the baseline was not served; see pulluri.success.status-1' });
  const run = sampleRun({ checks: [check], summary: { total: 1, pass: 0, fail: 0, warn: 0, skip: 0, error: 0, inconclusive: 1, waived: 0, blocking: 0 }, exitCode: 1 });

  it('have their own badge, count, column and list, and explain exit 1', () => {
    expect(progressLine(check, { color: false })).toMatch(/^INC +pulluri\.auth\.wrong-keyhash .* — not judged/);
    const text = summaryTable(run, { color: false });
    expect(text).toContain('1 check: 0 pass, 0 fail, 0 warn, 0 skip, 0 error, 1 inconclusive');
    expect(text).toMatch(/level +pass +fail +warn +skip +error +inconclusive/);
    expect(text).toContain('Inconclusive (1)');
    expect(text).toContain('Exit code 1: conformance failure: 0 MUST/SECURITY-level failures, 1 inconclusive');
  });

  it('are not shown in a run without any', () => {
    expect(summaryTable(sampleRun(), { color: false })).not.toContain('inconclusive');
  });
});

describe('waivers and the baseline in the summary', () => {
  const text = summaryTable(sampleGatedRun(), plain);

  it('lists waived checks with owner, expiry and reason; expired and stale waivers apart', () => {
    expect(text).toContain('1 waived');
    expect(text).toContain(
      'Waived (1): failures a waiver accepts until it expires, not blocking:\n  WAIV  MUST     pulluri.echo.txn  through 2026-06-30, owner issuer-team: fixed in release 4.2 | see <ticket>',
    );
    expect(text).toContain('Expired waivers (1): these failures block again; fix them or renew the waiver:\n  FAIL  MUST     pulldoc.echo.txn  expired on 2026-01-31, owner vendor');
    expect(text).toContain('Stale waivers (1): the check passes now; remove the waiver from the waivers file:\n  PASS  pulluri.echo.ts  waiver pulluri.echo.ts, owner issuer-team');
  });

  it('shows the baseline diff, and what the exit code means under --fail-on new', () => {
    expect(text).toContain('Compared with run prev-run (reports/prev/result.json):\n  1 new failures, 1 fixed, 1 still failing, 1 new checks, 1 removed checks');
    expect(text).toContain('  new failures: pulluri.auth.unauthenticated');
    expect(text).toContain('Exit code 1: conformance failure: 1 new failure since the baseline (--fail-on new)');
    const passing = { ...sampleGatedRun(), exitCode: 0, baseline: { ...sampleGatedRun().baseline!, newFailures: [] } };
    expect(exitCodeMeaning(0, passing)).toBe('no new failure since the baseline (--fail-on new); 1 still failing from it');
    expect(summaryTable(sampleRun(), plain)).not.toMatch(/Waived|Compared with/);
  });
});
