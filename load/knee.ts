/**
 * Per-step results and the capacity knee: the highest offered rate the target sustains. A step
 * is sustained when the achieved rate is at least minAchievedRatio (99%) of the offered rate, no
 * iteration was dropped (k6 had no free VU: requests piled up), the error rate is within budget
 * and p99 is under the SLO. The knee is the last step of the sustained run of steps from the
 * first one: a step that passes after a failed one (noise, a garbage collector pause) does not
 * raise it, so the figure is one the target met at every rate up to it.
 */
import type { Tally } from './samples.js';
import type { StepWindow } from './plan.js';

export interface StepResult {
  index: number;
  offeredRate: number;
  achievedRate: number;
  /** seconds the statistics cover */
  windowSeconds: number;
  requests: number;
  completed: number;
  dropped: number;
  /** failed the cheap check (or the request itself failed) / requests */
  errorRate: number;
  /** k6 http_req_failed rate */
  httpFailedRate: number;
  p50Ms?: number;
  p90Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  maxMs?: number;
  meanMs?: number;
  sampled: { pass: number; fail: number };
  reasons: Record<string, number>;
}

export interface KneeCriteria {
  minAchievedRatio: number;
  errorRate: number;
  p99Ms: number;
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

/** `completed`: responses completed in the step's window (default: the tally's own count). */
export function stepResult(window: StepWindow, t: Tally, completed = t.completed): StepResult {
  const windowSeconds = (window.end - window.measureFrom) / 1000;
  const judged = t.ok + t.notOk;
  const errorRate = judged > 0 ? t.notOk / judged : t.requests > 0 ? t.httpFailed / t.requests : 0;
  const pct = (p: number) => {
    const v = t.latency.percentileMs(p);
    return v === undefined ? undefined : round(v);
  };
  return {
    index: window.index,
    offeredRate: window.rate,
    achievedRate: round(windowSeconds > 0 ? completed / windowSeconds : 0),
    windowSeconds,
    requests: t.requests,
    completed,
    dropped: t.dropped,
    errorRate: round(errorRate, 6),
    httpFailedRate: round(t.requests > 0 ? t.httpFailed / t.requests : 0, 6),
    p50Ms: pct(50),
    p90Ms: pct(90),
    p95Ms: pct(95),
    p99Ms: pct(99),
    maxMs: t.latency.count ? round(t.latency.max / 1000) : undefined,
    meanMs: t.latency.meanMs === undefined ? undefined : round(t.latency.meanMs),
    sampled: { pass: t.sampledPass, fail: t.sampledFail },
    reasons: { ...t.reasons },
  };
}

export function judgeStep(s: StepResult, c: KneeCriteria): StepVerdict {
  const problems: string[] = [];
  if (s.requests === 0) problems.push('no request completed');
  if (s.achievedRate < c.minAchievedRatio * s.offeredRate) {
    problems.push(`achieved ${s.achievedRate} req/s < ${Math.round(c.minAchievedRatio * 100)}% of offered ${s.offeredRate} req/s`);
  }
  if (s.dropped > 0) problems.push(`${s.dropped} iterations dropped (no free VU: requests piled up)`);
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
