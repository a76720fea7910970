import { describe, expect, it } from 'vitest';
import { Histogram, quantize } from './histogram.js';
import { findKnee, judgeStep, stepResult, type StepResult } from './knee.js';
import { newTally } from './samples.js';

const criteria = { minAchievedRatio: 0.99, errorRate: 0.01, p99Ms: 500 };

function step(index: number, offered: number, achieved: number, extra: Partial<StepResult> = {}): StepResult {
  return {
    index,
    offeredRate: offered,
    achievedRate: achieved,
    windowSeconds: 10,
    requests: Math.round(achieved * 10),
    completed: Math.round(achieved * 10),
    dropped: 0,
    errorRate: 0,
    httpFailedRate: 0,
    p50Ms: 5,
    p90Ms: 8,
    p95Ms: 10,
    p99Ms: 20,
    sampled: { pass: 1, fail: 0 },
    reasons: {},
    ...extra,
  };
}

describe('knee finder on synthetic steps', () => {
  it('the last sustained step before the first failure; the failure says why', () => {
    const steps = [step(0, 100, 100), step(1, 200, 199.5), step(2, 300, 298), step(3, 400, 310, { dropped: 120, p99Ms: 900 }), step(4, 500, 312)];
    const k = findKnee(steps, criteria);
    expect(k.knee).toEqual({ index: 2, rate: 300, achievedRate: 298, p99Ms: 20 });
    expect(k.saturated).toBe(true);
    expect(k.firstFailure?.index).toBe(3);
    expect(k.firstFailure?.problems.join(' | ')).toMatch(/achieved 310 req\/s < 99% of offered 400.*120 iterations dropped.*p99 900 ms ≥ SLO 500 ms/);
    expect(k.verdicts.map((v) => v.ok)).toEqual([true, true, true, false, false]);
  });

  it('each criterion alone makes a step unsustained', () => {
    expect(judgeStep(step(0, 100, 98.9), criteria).ok).toBe(false); // achieved < 99%
    expect(judgeStep(step(0, 100, 99), criteria).ok).toBe(true); // exactly 99% is enough
    expect(judgeStep(step(0, 100, 100, { dropped: 1 }), criteria).ok).toBe(false);
    expect(judgeStep(step(0, 100, 100, { errorRate: 0.011 }), criteria).problems[0]).toMatch(/error rate 1.10% > budget 1.00%/);
    expect(judgeStep(step(0, 100, 100, { errorRate: 0.01 }), criteria).ok).toBe(true);
    expect(judgeStep(step(0, 100, 100, { p99Ms: 500 }), criteria).ok).toBe(false);
    expect(judgeStep(step(0, 100, 100, { requests: 0 }), criteria).problems).toContain('no request completed');
  });

  it('a step that passes after a failed one does not raise the knee (noise)', () => {
    const k = findKnee([step(0, 100, 100), step(1, 200, 150), step(2, 300, 300)], criteria);
    expect(k.knee?.rate).toBe(100);
    expect(k.firstFailure?.rate).toBe(200);
  });

  it('no knee when the first step fails; not saturated when every step passes', () => {
    const none = findKnee([step(0, 100, 50)], criteria);
    expect(none.knee).toBeUndefined();
    expect(none.saturated).toBe(true);
    const all = findKnee([step(0, 100, 100), step(1, 200, 200)], criteria);
    expect(all).toMatchObject({ knee: { rate: 200 }, saturated: false });
    expect(all.firstFailure).toBeUndefined();
    expect(findKnee([], criteria)).toMatchObject({ saturated: false, verdicts: [] });
  });

  it('stepResult turns a tally into rates, percentiles and an error rate', () => {
    const t = newTally();
    t.latency = new Histogram();
    for (let i = 1; i <= 100; i++) t.latency.addMs(i);
    Object.assign(t, { requests: 100, completed: 95, dropped: 2, ok: 97, notOk: 3, httpFailed: 1 });
    const r = stepResult({ index: 4, rate: 10, start: 0, measureFrom: 2000, end: 12_000 }, t);
    expect(r).toMatchObject({ index: 4, offeredRate: 10, achievedRate: 9.5, windowSeconds: 10, dropped: 2, errorRate: 0.03, httpFailedRate: 0.01, p50Ms: 50, maxMs: 100 });
    expect(r.p99Ms).toBe(Math.round(quantize(99_000)) / 1000);
  });
});
