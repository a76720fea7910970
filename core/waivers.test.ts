import { describe, expect, it } from 'vitest';
import type { Waiver } from './config/waivers.js';
import { sampleCheck, sampleRun } from './report/sample-run.js';
import { gatedRun } from './run-result.js';
import { EXIT, type CheckResult } from './types.js';
import { applyWaivers } from './waivers.js';

const NOON_30_JUNE = new Date('2026-06-30T12:00:00Z');
const waiver = (overrides: Partial<Waiver> = {}): Waiver => ({ check: 'pulluri.echo.txn', reason: 'fixed in release 4.2', owner: 'issuer-team', expires: '2026-06-30', ...overrides });
const failing = (overrides: Partial<CheckResult> = {}) =>
  sampleCheck({ id: 'pulluri.echo.txn', clause: { ...sampleCheck().clause, id: 'echo-txn' }, verdict: 'fail', message: 'txn differs', ...overrides });
const apply = (checks: CheckResult[], waivers: Waiver[], now = NOON_30_JUNE) => applyWaivers(checks, waivers, now);

describe('applyWaivers', () => {
  it('an active waiver turns a failure into waived, with its owner, reason and expiry on the check', () => {
    const [c] = apply([failing()], [waiver()]).checks;
    expect(c!.verdict).toBe('waived');
    expect(c!.waiver).toEqual({ selector: 'pulluri.echo.txn', reason: 'fixed in release 4.2', owner: 'issuer-team', expires: '2026-06-30', state: 'active' });
    expect(c!.message).toBe('txn differs (waived through 2026-06-30 by issuer-team: fixed in release 4.2)');
  });

  it('holds through its expires day in UTC and blocks from the next, whatever the local time zone', () => {
    expect(apply([failing()], [waiver()], new Date('2026-06-30T23:59:59.999Z')).checks[0]!.verdict).toBe('waived');
    const [c] = apply([failing()], [waiver()], new Date('2026-07-01T00:00:00Z')).checks;
    expect(c!.verdict).toBe('fail');
    expect(c!.waiver?.state).toBe('expired');
    expect(c!.message).toContain('the waiver by issuer-team expired on 2026-06-30');
  });

  it('an active waiver wins over an expired one for the same check; among expired ones the latest is named', () => {
    const old = waiver({ expires: '2025-01-01', owner: 'old' });
    expect(apply([failing()], [old, waiver({ owner: 'new' })]).checks[0]!.waiver).toMatchObject({ state: 'active', owner: 'new' });
    const [c] = apply([failing()], [old, waiver({ expires: '2026-03-01', owner: 'later' })]).checks;
    expect(c!.waiver).toMatchObject({ state: 'expired', owner: 'later', expires: '2026-03-01' });
  });

  it('a selector covers what --only would select: segments, clause ids, tags and globs', () => {
    const checks = [
      failing(),
      failing({ id: 'pulldoc.echo.txn', api: 'pulldoc', clause: { ...sampleCheck().clause, id: 'echo-txn-pulldoc' } }),
      failing({ id: 'pulluri.auth.wrong-hmac', section: 'auth', tags: ['auth'], clause: { ...sampleCheck().clause, id: 'hmac' } }),
    ];
    const by = (selector: string) => apply(checks, [waiver({ check: undefined, selector })]).checks.map((c) => c.verdict);
    expect(by('echo')).toEqual(['waived', 'waived', 'fail']);
    expect(by('echo-txn')).toEqual(['waived', 'waived', 'fail']); // the clause, under both APIs
    expect(by('pulldoc.echo')).toEqual(['fail', 'waived', 'fail']);
    expect(by('*.wrong-*')).toEqual(['fail', 'fail', 'waived']);
    expect(by('ech')).toEqual(['fail', 'fail', 'fail']); // a partial word matches nothing, as with --only
  });

  it('a SECURITY failure is waived only by a waiver naming its check exactly; a selector says so and leaves it blocking', () => {
    const security = failing({ id: 'pulluri.auth.unauthenticated', level: 'SECURITY', tags: ['security'] });
    const [bySelector] = apply([security], [waiver({ check: undefined, selector: 'pulluri.auth' })]).checks;
    expect(bySelector!.verdict).toBe('fail');
    expect(bySelector!.waiver).toBeUndefined();
    expect(bySelector!.message).toContain('does not waive a SECURITY-level failure: a waiver names it exactly, with check: pulluri.auth.unauthenticated');
    // even a selector spelled as the id is a selector (it would also cover pulluri.auth.unauthenticated.*)
    expect(apply([security], [waiver({ check: undefined, selector: 'pulluri.auth.unauthenticated' })]).checks[0]!.verdict).toBe('fail');
    expect(apply([security], [waiver({ check: 'pulluri.auth.unauthenticated' })]).checks[0]!.verdict).toBe('waived');
  });

  it('errors and inconclusive verdicts are never waived (they judged nothing); warnings and skips are left as they are', () => {
    const checks = [failing({ verdict: 'error' }), failing({ verdict: 'inconclusive' }), failing({ verdict: 'warn' }), failing({ verdict: 'skip' })];
    const out = apply(checks, [waiver()]);
    expect(out.checks.map((c) => c.verdict)).toEqual(['error', 'inconclusive', 'warn', 'skip']);
    expect(out.checks.every((c) => c.waiver === undefined)).toBe(true);
    expect(out.checks[0]!.message).toContain('not waived: an error verdict is no judgement of the target');
    expect(out.checks[1]!.message).toContain('not waived: an inconclusive verdict');
    expect(out.unmatched).toEqual([]); // it matched checks: not a typo
  });

  it('a waiver whose checks pass now is stale on them (the ratchet); one still waiving a failure is not', () => {
    const passing = failing({ verdict: 'pass', message: 'txn echoed' });
    const [c] = apply([passing], [waiver()]).checks;
    expect(c!.verdict).toBe('pass');
    expect(c!.waiver).toMatchObject({ state: 'stale', selector: 'pulluri.echo.txn' });
    // an expired waiver whose check passes can go as well
    expect(apply([passing], [waiver({ expires: '2020-01-01' })]).checks[0]!.waiver?.state).toBe('stale');
    // a selector that still waives one failure is in use: the passing checks it covers carry nothing
    const other = failing({ id: 'pulldoc.echo.txn', api: 'pulldoc' });
    const out = apply([passing, other], [waiver({ check: undefined, selector: 'echo' })]).checks;
    expect(out.map((x) => [x.verdict, x.waiver?.state])).toEqual([
      ['pass', undefined],
      ['waived', 'active'],
    ]);
  });

  it('a waiver that matches no check is returned, with the id it most likely meant', () => {
    const out = apply([failing()], [waiver({ check: 'pulluri.echo.txm' }), waiver({ check: undefined, selector: 'pushcsv' })]);
    expect(out.unmatched).toEqual([
      { index: 0, waiver: waiver({ check: 'pulluri.echo.txm' }), suggestion: 'pulluri.echo.txn' },
      { index: 1, waiver: waiver({ check: undefined, selector: 'pushcsv' }) },
    ]);
    expect(out.checks[0]!.verdict).toBe('fail');
  });

  it('in the run: waived is counted, not blocking, and turns exit 1 into 0; an expired waiver keeps exit 1', () => {
    const run = sampleRun({ checks: [sampleCheck(), failing()] });
    const waived = gatedRun(run, { checks: apply(run.checks, [waiver()]).checks });
    expect(waived.summary).toMatchObject({ total: 2, pass: 1, fail: 0, waived: 1, blocking: 0 });
    expect(waived.exitCode).toBe(EXIT.ok);
    const expired = gatedRun(run, { checks: apply(run.checks, [waiver({ expires: '2026-06-29' })]).checks });
    expect(expired.summary).toMatchObject({ fail: 1, waived: 0, blocking: 1 });
    expect(expired.exitCode).toBe(EXIT.conformanceFailure);
  });
});
