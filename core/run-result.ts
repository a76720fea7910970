/**
 * The RunResult every command writes (run, fuzz, timing) and the exit policy: the summary and
 * the exit code follow from the verdicts alone, so every command fails closed the same way.
 */
import type { Policy } from './policy.js';
import { EXIT, type BaselineDiff, type CheckResult, type RunResult, type RunSummary } from './types.js';
import { TOOL_VERSION } from './version.js';

export function runResult(fields: {
  runId: string;
  profile: string;
  policy: Policy;
  target: RunResult['target'];
  startedAt: Date;
  endedAt?: Date;
  seed: number;
  aborted?: RunResult['aborted'];
  diagnosis?: RunResult['diagnosis'];
  checks: CheckResult[];
}): RunResult {
  const summary = summarize(fields.checks);
  return {
    schemaVersion: 3,
    tool: { name: 'dlconform', version: TOOL_VERSION },
    // the diagnosis opens the file, as it opens the console output and summary.md
    ...(fields.diagnosis && { diagnosis: fields.diagnosis }),
    runId: fields.runId,
    profile: fields.profile,
    policy: fields.policy,
    target: fields.target,
    startedAt: fields.startedAt.toISOString(),
    endedAt: (fields.endedAt ?? new Date()).toISOString(),
    seed: fields.seed,
    summary,
    aborted: fields.aborted,
    exitCode: refusedBaseline(exitCodeFor(summary, fields.aborted), fields.diagnosis),
    checks: fields.checks,
  };
}

/**
 * The run once waivers changed its verdicts (core/waivers.ts) and, with `--baseline`, compared
 * with a previous run (core/baseline.ts): the summary is counted again, and under `--fail-on new`
 * only the new failures block. What fails closed stays closed under either: an abort, zero checks
 * executed and a refused baseline (a diagnosis) never exit 0.
 */
export function gatedRun(run: RunResult, fields: { checks: CheckResult[]; baseline?: BaselineDiff; failOn?: 'any' | 'new' }): RunResult {
  const summary = summarize(fields.checks);
  const newOnly = fields.failOn === 'new' && fields.baseline ? fields.baseline.newFailures.length : undefined;
  const { checks: _, ...head } = run;
  return {
    ...head,
    summary,
    exitCode: refusedBaseline(exitCodeFor(summary, run.aborted, newOnly), run.diagnosis),
    ...(fields.baseline && { baseline: fields.baseline }),
    ...(fields.failOn && { failOn: fields.failOn }),
    checks: fields.checks,
  };
}

/**
 * A refused baseline is never a pass: every verdict of the run is about requests the target did
 * not accept (a fuzz run whose cases are all refused would otherwise find nothing to fail).
 */
function refusedBaseline(code: number, diagnosis: RunResult['diagnosis']): number {
  return diagnosis && code === EXIT.ok ? EXIT.conformanceFailure : code;
}

/** Counts by verdict; `blocking` = the fail verdicts (the policy made them: core/policy.ts), what sets exit 1. */
function summarize(checks: readonly CheckResult[]): RunSummary {
  const s: RunSummary = { total: checks.length, pass: 0, fail: 0, warn: 0, skip: 0, error: 0, inconclusive: 0, waived: 0, blocking: 0 };
  for (const c of checks) {
    s[c.verdict]++;
    if (c.verdict === 'fail') s.blocking++;
  }
  return s;
}

/**
 * Zero checks executed, an abort, a crash inside a check or a verdict that proves nothing: never
 * exit 0. `newFailures`, under `--fail-on new`: how many of the blocking verdicts (fail, error,
 * inconclusive) the baseline did not have; only those block.
 */
export function exitCodeFor(summary: RunSummary, aborted?: { exitCode: number }, newFailures?: number): number {
  if (aborted) return aborted.exitCode;
  // an inconclusive check sent its baseline and learnt that it proves nothing: that is a finding (exit 1), not an empty run;
  // a waived check was judged (it failed, and a waiver accepts it)
  if (summary.pass + summary.fail + summary.warn + summary.inconclusive + summary.waived === 0) return EXIT.nothingExecuted;
  const blocking = newFailures ?? summary.blocking + summary.error + summary.inconclusive;
  return blocking > 0 ? EXIT.conformanceFailure : EXIT.ok;
}
