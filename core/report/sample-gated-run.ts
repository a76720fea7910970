/**
 * A RunResult with waivers in every state and a baseline diff under `--fail-on new`, for the
 * report writers' tests: what `run --baseline … --fail-on new` with a waivers file writes.
 */
import { EXIT, type RunResult } from '../types.js';
import { sampleCheck, sampleRun } from './sample-run.js';

export function sampleGatedRun(): RunResult {
  const waiver = { reason: 'fixed in release 4.2 | see <ticket>', owner: 'issuer-team', expires: '2026-06-30' };
  return sampleRun({
    summary: { total: 4, pass: 1, fail: 2, warn: 0, skip: 0, error: 0, inconclusive: 0, waived: 1, blocking: 2 },
    exitCode: EXIT.conformanceFailure,
    baseline: {
      path: 'reports/prev/result.json',
      runId: 'prev-run',
      newFailures: ['pulluri.auth.unauthenticated'],
      fixed: ['pulluri.echo.ts'],
      stillFailing: ['pulldoc.echo.txn'],
      newChecks: ['pulluri.auth.unauthenticated'],
      removedChecks: ['pulluri.old-check'],
    },
    failOn: 'new',
    checks: [
      sampleCheck({ id: 'pulluri.echo.ts', waiver: { ...waiver, selector: 'pulluri.echo.ts', state: 'stale' } }),
      sampleCheck({ id: 'pulluri.echo.txn', verdict: 'waived', message: 'txn differs (waived through 2026-06-30 by issuer-team)', waiver: { ...waiver, selector: 'echo', state: 'active' } }),
      sampleCheck({
        id: 'pulldoc.echo.txn',
        api: 'pulldoc',
        verdict: 'fail',
        message: 'txn differs (the waiver by vendor expired on 2026-01-31)',
        waiver: { ...waiver, owner: 'vendor', expires: '2026-01-31', selector: 'pulldoc.echo.txn', state: 'expired' },
      }),
      sampleCheck({ id: 'pulluri.auth.unauthenticated', level: 'SECURITY', verdict: 'fail', message: 'served without credentials' }),
    ],
  });
}
