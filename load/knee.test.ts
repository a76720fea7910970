import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './histogram.js';
import { findKnee, judgeStep, stepResult, type StepResult } from './knee.js';
import type { StepRecord } from './results.js';

const criteria = { minAchievedRatio: 0.99, errorRate: 0.01, p99Ms: 500, lateStartRate: 0.001 };

function step(index: number, offered: number, achieved: number, extra: Partial<StepResult> = {}): StepResult {
  return {
    index,
    offeredRate: offered,
    achievedRate: achieved,
    windowSeconds: 10,
    requests: Math.round(achieved * 10),
    completed: Math.round(achieved * 10),
    lateStarts: 0,
    errorRate: 0,
    httpFailedRate: 0,
    p50Ms: 5,
    p90Ms: 8,
    p95Ms: 10,
    p99Ms: 20,
    sampled: { pass: 1, fail: 0 },
    reasons: {},
    beyondCapture: 0,
    ...extra,
  };
}

/** A step record as one attack's collector makes it, from latencies in ms. */
function record(latenciesMs: readonly number[], extra: Partial<StepRecord> = {}): StepRecord {
  const h = new LatencyHistogram();
  let sumUs = 0;
  for (const v of latenciesMs) {
    h.addMs(v);
    sumUs += Math.max(1, Math.round(v * 1000));
  }
  return {
    index: 0,
    offeredRate: 10,
    windowSeconds: 10,
    requests: latenciesMs.length,
    completed: latenciesMs.length,
    lateStarts: 0,
    httpFailed: 0,
    ok: latenciesMs.length,
    notOk: 0,
    reasons: {},
    beyondCapture: 0,
    sampledPass: 0,
    sampledFail: 0,
    histogram: h.encode(),
    sumUs,
    maxUs: Math.max(0, ...latenciesMs.map((v) => v * 1000)),
    ...extra,
  };
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

describe('knee finder on synthetic steps', () => {
  it('the last sustained step before the first failure; the failure says why', () => {
    const steps = [step(0, 100, 100), step(1, 200, 199.5), step(2, 300, 298), step(3, 400, 310, { lateStarts: 120, p99Ms: 900 }), step(4, 500, 312)];
    const k = findKnee(steps, criteria);
    expect(k.knee).toEqual({ index: 2, rate: 300, achievedRate: 298, p99Ms: 20 });
    expect(k.saturated).toBe(true);
    expect(k.firstFailure?.index).toBe(3);
    expect(k.firstFailure?.problems.join(' | ')).toMatch(/achieved 310 req\/s < 99% of offered 400.*120 requests started late \(every worker busy.*p99 900 ms ≥ SLO 500 ms/);
    expect(k.verdicts.map((v) => v.ok)).toEqual([true, true, true, false, false]);
  });

  it('each criterion alone makes a step unsustained', () => {
    expect(judgeStep(step(0, 100, 98.9), criteria).ok).toBe(false); // achieved < 99%
    expect(judgeStep(step(0, 100, 99), criteria).ok).toBe(true); // exactly 99% is enough
    // late starts: within lateStartRate of the requests, and never fewer than two, are tolerated
    expect(judgeStep(step(0, 100, 100, { lateStarts: 2 }), criteria).ok).toBe(true);
    expect(judgeStep(step(0, 100, 100, { lateStarts: 3 }), criteria).problems).toEqual(['3 requests started late (every worker busy: requests piled up)']);
    expect(judgeStep(step(0, 100, 100, { lateStarts: 3 }), { ...criteria, lateStartRate: 0 }).ok).toBe(false);
    expect(judgeStep(step(0, 100, 100, { errorRate: 0.011 }), criteria).problems[0]).toMatch(/error rate 1.10% > budget 1.00%/);
    expect(judgeStep(step(0, 100, 100, { errorRate: 0.01 }), criteria).ok).toBe(true);
    expect(judgeStep(step(0, 100, 100, { p99Ms: 500 }), criteria).ok).toBe(false);
    expect(judgeStep(step(0, 100, 100, { p99Ms: undefined }), criteria).ok).toBe(true);
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
});

describe('stepResult from step records', () => {
  it('turns one record into rates, percentiles, late starts and an error rate', () => {
    const latencies = Array.from({ length: 100 }, (_, i) => i + 1);
    const r = stepResult({ index: 4, rate: 10, start: 0, measureFrom: 2000, end: 12_000 }, [
      record(latencies, { index: 4, completed: 95, lateStarts: 2, ok: 97, notOk: 3, httpFailed: 1, reasons: { 'no-pdf': 3 }, beyondCapture: 4, sampledPass: 5, sampledFail: 1 }),
    ]);
    expect(r).toMatchObject({ index: 4, offeredRate: 10, achievedRate: 9.5, windowSeconds: 10, requests: 100, completed: 95, lateStarts: 2, errorRate: 0.03, httpFailedRate: 0.01, meanMs: 50.5 });
    expect(r.sampled).toEqual({ pass: 5, fail: 1 });
    expect(r.reasons).toEqual({ 'no-pdf': 3 });
    expect(r.beyondCapture).toBe(4);
    // HdrHistogram's values, rounded to µs, within its 3 significant digits of the exact ones
    const h = LatencyHistogram.decode(record(latencies).histogram);
    for (const [key, p, exact] of [
      ['p50Ms', 50, 50],
      ['p99Ms', 99, 99],
    ] as const) {
      expect(r[key]).toBe(round3(h.percentileMs(p)!));
      expect(Math.abs(r[key]! - exact)).toBeLessThanOrEqual(exact * 0.001);
    }
    expect(Math.abs(r.maxMs! - 100)).toBeLessThanOrEqual(0.1);
  });

  it('records of several segments add up; percentiles come from the merged histogram', () => {
    const a = Array.from({ length: 300 }, (_, i) => 1 + (i % 50));
    const b = Array.from({ length: 200 }, (_, i) => 40 + i * 3);
    const r = stepResult({ index: 1, rate: 50, start: 10_000, measureFrom: 15_000, end: 25_000 }, [
      record(a, { offeredRate: 25, completed: 250, lateStarts: 1, ok: 299, notOk: 1, reasons: { 'http-500': 1 }, httpFailed: 1 }),
      record(b, { offeredRate: 25, completed: 245, ok: 198, notOk: 2, reasons: { 'http-500': 1, timeout: 1 }, httpFailed: 2, beyondCapture: 7 }),
    ]);
    expect(r).toMatchObject({ offeredRate: 50, achievedRate: 49.5, windowSeconds: 10, requests: 500, completed: 495, lateStarts: 1, errorRate: 0.006, httpFailedRate: 0.006 });
    expect(r.reasons).toEqual({ 'http-500': 2, timeout: 1 });
    expect(r.beyondCapture).toBe(7);
    const union = new LatencyHistogram();
    for (const v of [...a, ...b]) union.addMs(v);
    for (const [key, p] of [
      ['p50Ms', 50],
      ['p90Ms', 90],
      ['p95Ms', 95],
      ['p99Ms', 99],
    ] as const)
      expect(r[key], key).toBe(round3(union.percentileMs(p)!));
    expect(Math.abs(r.maxMs! - 637)).toBeLessThanOrEqual(0.637);
  });

  it('without cheap-check results the error rate is the HTTP failure rate; with no records the planned rate and no figures', () => {
    const r = stepResult({ index: 0, rate: 10, start: 0, measureFrom: 0, end: 1000 }, [record([1, 2, 3, 4], { ok: 0, notOk: 0, httpFailed: 1 })]);
    expect(r.errorRate).toBe(0.25);
    const empty = stepResult({ index: 3, rate: 70, start: 0, measureFrom: 0, end: 1000 }, []);
    expect(empty).toMatchObject({ index: 3, offeredRate: 70, achievedRate: 0, requests: 0, errorRate: 0, httpFailedRate: 0 });
    expect([empty.p50Ms, empty.p99Ms, empty.maxMs, empty.meanMs]).toEqual([undefined, undefined, undefined, undefined]);
    expect(judgeStep(empty, criteria).ok).toBe(false);
  });
});
