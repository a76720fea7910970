/**
 * Per-step results and the capacity knee: the highest offered rate the target sustains. A step
 * is sustained when the achieved rate is at least minAchievedRatio (99%) of the offered rate,
 * requests started on schedule (late starts within lateStartRate: otherwise every worker was busy
 * and requests piled up), the error rate is within budget and p99 is under the SLO. The knee is the last step of the sustained run of steps from the
 * first one: a step that passes after a failed one (noise, a garbage collector pause) does not
 * raise it, so the figure is one the target met at every rate up to it.
 */
import { LatencyHistogram } from './histogram.js';
import type { StepWindow } from './plan.js';
import type { StepRecord } from './results.js';

export interface StepResult {
  index: number;
  offeredRate: number;
  achievedRate: number;
  /** seconds the statistics cover */
  windowSeconds: number;
  requests: number;
  completed: number;
  /** requests sent more than one interval behind their schedule */
  lateStarts: number;
  /** failed the cheap check (or the request itself failed) / requests */
  errorRate: number;
  /** transport errors and HTTP status outside 200–399, over requests */
  httpFailedRate: number;
  p50Ms?: number;
  p90Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  maxMs?: number;
  meanMs?: number;
  sampled: { pass: number; fail: number };
  reasons: Record<string, number>;
  /** responses whose content marker lay beyond the captured bytes (not judged cheaply) */
  beyondCapture: number;
}

export interface KneeCriteria {
  minAchievedRatio: number;
  errorRate: number;
  p99Ms: number;
  lateStartRate: number;
}

export interface StepVerdict {
  index: number;
  ok: boolean;
  problems: string[];
}

export interface KneeResult {
  /** the knee step, absent when even the first step was not sustained */
  knee?: { index: number; rate: number; achievedRate: number; p99Ms?: number };
  /** the first step that was not sustained, absent when every step run was */
  firstFailure?: { index: number; rate: number; problems: string[] };
  /** true when a step failed: the knee is a measured limit, not only a lower bound */
  saturated: boolean;
  verdicts: StepVerdict[];
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/** One step's result from the records of every segment that ran it (or the run's totals). */
export function stepResult(window: StepWindow, records: readonly StepRecord[]): StepResult {
  const windowSeconds = (window.end - window.measureFrom) / 1000;
  const sum = (f: (r: StepRecord) => number) => records.reduce((n, r) => n + f(r), 0);
  const latency = LatencyHistogram.merged(records.map((r) => LatencyHistogram.decode(r.histogram)));
  const requests = sum((r) => r.requests);
  const completed = sum((r) => r.completed);
  const ok = sum((r) => r.ok);
  const notOk = sum((r) => r.notOk);
  const httpFailed = sum((r) => r.httpFailed);
  const judged = ok + notOk;
  const reasons: Record<string, number> = {};
  for (const r of records) for (const [k, v] of Object.entries(r.reasons)) reasons[k] = (reasons[k] ?? 0) + v;
  const pct = (p: number) => {
    const v = latency.percentileMs(p);
    return v === undefined ? undefined : round(v);
  };
  const sumUs = sum((r) => r.sumUs);
  return {
    index: window.index,
    offeredRate: records.length > 0 ? round(sum((r) => r.offeredRate)) : window.rate,
    achievedRate: round(windowSeconds > 0 ? completed / windowSeconds : 0),
    windowSeconds,
    requests,
    completed,
    lateStarts: sum((r) => r.lateStarts),
    errorRate: round(judged > 0 ? notOk / judged : requests > 0 ? httpFailed / requests : 0, 6),
    httpFailedRate: round(requests > 0 ? httpFailed / requests : 0, 6),
    p50Ms: pct(50),
    p90Ms: pct(90),
    p95Ms: pct(95),
    p99Ms: pct(99),
    maxMs: requests === 0 ? undefined : round(Math.max(...records.map((r) => r.maxUs ?? (r.requests > 0 ? (LatencyHistogram.decode(r.histogram).maxMs ?? 0) * 1000 : 0))) / 1000),
    meanMs: requests > 0 ? round(sumUs / requests / 1000) : undefined,
    sampled: { pass: sum((r) => r.sampledPass), fail: sum((r) => r.sampledFail) },
    reasons,
    beyondCapture: sum((r) => r.beyondCapture ?? 0),
  };
}

/**
 * How many late starts a run of `requests` may have: the rate's share, but never fewer than two,
 * so that a scheduler hiccup on a busy generator is not read as saturation in a short run.
 */
export function lateStartsAllowed(rate: number, requests: number): number {
  return Math.max(2, rate * requests);
}

export function judgeStep(s: StepResult, c: KneeCriteria): StepVerdict {
  const problems: string[] = [];
  if (s.requests === 0) problems.push('no request completed');
  if (s.achievedRate < c.minAchievedRatio * s.offeredRate) {
    problems.push(`achieved ${s.achievedRate} req/s < ${Math.round(c.minAchievedRatio * 100)}% of offered ${s.offeredRate} req/s`);
  }
  if (s.lateStarts > lateStartsAllowed(c.lateStartRate, s.requests)) problems.push(`${s.lateStarts} requests started late (every worker busy: requests piled up)`);
  if (s.errorRate > c.errorRate) problems.push(`error rate ${(s.errorRate * 100).toFixed(2)}% > budget ${(c.errorRate * 100).toFixed(2)}%`);
  if (s.p99Ms !== undefined && s.p99Ms >= c.p99Ms) problems.push(`p99 ${s.p99Ms} ms ≥ SLO ${c.p99Ms} ms`);
  return { index: s.index, ok: problems.length === 0, problems };
}

export function findKnee(steps: readonly StepResult[], c: KneeCriteria): KneeResult {
  const verdicts = steps.map((s) => judgeStep(s, c));
  const failAt = verdicts.findIndex((v) => !v.ok);
  const lastGood = failAt < 0 ? steps.length - 1 : failAt - 1;
  const result: KneeResult = { saturated: failAt >= 0, verdicts };
  if (lastGood >= 0) {
    const s = steps[lastGood]!;
    result.knee = { index: s.index, rate: s.offeredRate, achievedRate: s.achievedRate, ...(s.p99Ms !== undefined && { p99Ms: s.p99Ms }) };
  }
  if (failAt >= 0) result.firstFailure = { index: steps[failAt]!.index, rate: steps[failAt]!.offeredRate, problems: verdicts[failAt]!.problems };
  return result;
}
