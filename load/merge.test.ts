/**
 * Merging segments (one per host, or `--segments N` here) into one report, on synthetic segment
 * files: rates add up, percentiles come from the merged HdrHistogram, thresholds and the knee are
 * judged on the merged figures, and anything that is not one whole test is refused or an error.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../protocol/time.js';
import { LatencyHistogram } from './histogram.js';
import { checkSegments, MergeError, mergeSampled, mergeSegments, type MergeInput } from './merge.js';
import type { LoadPlan, LoadProfileName, StepWindow } from './plan.js';
import type { StepRecord } from './results.js';
import type { SampledTally } from './sampled.js';
import type { SegmentFile } from './segment.js';
import { LOAD_DEFAULTS } from './settings.js';

const round3 = (n: number) => Math.round(n * 1000) / 1000;

const SMOKE_STEPS: StepWindow[] = [{ index: 0, rate: 40, start: 0, measureFrom: 0, end: 10_000 }];
const CAPACITY_STEPS: StepWindow[] = [0, 1, 2, 3].map((i) => ({ index: i, rate: 100 * (i + 1), start: i * 10_000, measureFrom: i * 10_000 + 2000, end: (i + 1) * 10_000 }));

function plan(index: number, count: number, o: { profile?: LoadProfileName; steps?: StepWindow[]; url?: string } = {}): LoadPlan {
  return {
    planVersion: 1,
    runId: '0123456789abcdef',
    segment: { index, count },
    scenario: 'pull-doc',
    profile: o.profile ?? 'smoke',
    url: o.url ?? 'http://127.0.0.1:8080/pulldoc',
    specProfile: '3.0',
    orgId: 'in.gov.example',
    issuerId: 'in.gov.example',
    hmac: 'hex-base64',
    namespace: 'none',
    tsOffset: '+05:30',
    format: 'pdf',
    apiKeyEnv: 'K',
    sampleRate: 0.001,
    requestTimeoutMs: 10_000,
    captureBytes: 4096,
    expectPdf: true,
    expectXml: false,
    steps: o.steps ?? (o.profile === 'capacity' ? CAPACITY_STEPS : SMOKE_STEPS),
    limits: { workers: 10, maxWorkers: 120, maxConnections: 120 },
  };
}

/** Latencies in ms, log-normal-ish around `medianMs`. */
function latencies(seed: number, n: number, medianMs: number): number[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => Math.round(medianMs * Math.exp((r() - 0.5) * 2) * 1000) / 1000);
}

/** A step record as an attack's collector makes it. */
function record(index: number, offeredRate: number, samplesMs: readonly number[], extra: Partial<StepRecord> = {}): StepRecord {
  const h = new LatencyHistogram();
  let sumUs = 0;
  for (const v of samplesMs) {
    h.addMs(v);
    sumUs += Math.max(1, Math.round(v * 1000));
  }
  return {
    index,
    offeredRate,
    windowSeconds: 8,
    requests: samplesMs.length,
    completed: samplesMs.length,
    lateStarts: 0,
    httpFailed: 0,
    ok: samplesMs.length,
    notOk: 0,
    reasons: {},
    beyondCapture: 0,
    sampledPass: 0,
    sampledFail: 0,
    histogram: h.encode(),
    sumUs,
    maxUs: Math.max(0, ...samplesMs.map((v) => v * 1000)),
    ...extra,
  };
}

/** The segment's totals: its step records added up, as the runner does. */
function totalOf(steps: readonly StepRecord[]): StepRecord {
  const sum = (f: (r: StepRecord) => number) => steps.reduce((n, r) => n + f(r), 0);
  const reasons: Record<string, number> = {};
  for (const r of steps) for (const [k, v] of Object.entries(r.reasons)) reasons[k] = (reasons[k] ?? 0) + v;
  return {
    index: 0,
    offeredRate: steps.at(-1)?.offeredRate ?? 0,
    windowSeconds: 0,
    requests: sum((r) => r.requests),
    completed: sum((r) => r.completed),
    lateStarts: sum((r) => r.lateStarts),
    httpFailed: sum((r) => r.httpFailed),
    ok: sum((r) => r.ok),
    notOk: sum((r) => r.notOk),
    reasons,
    beyondCapture: sum((r) => r.beyondCapture),
    sampledPass: sum((r) => r.sampledPass),
    sampledFail: sum((r) => r.sampledFail),
    histogram: LatencyHistogram.merged(steps.map((r) => LatencyHistogram.decode(r.histogram))).encode(),
    sumUs: sum((r) => r.sumUs),
    maxUs: Math.max(0, ...steps.map((r) => r.maxUs)),
  };
}

const NO_SAMPLES: SampledTally = { samples: 0, pass: 0, fail: 0, byCheck: {}, failures: [] };

function segment(p: LoadPlan, steps: StepRecord[], extra: Partial<SegmentFile> = {}): SegmentFile {
  return {
    segmentVersion: 1,
    tool: { name: 'dlconform', version: 'test' },
    engine: { name: 'vegeta', version: 'v12.13.0' },
    plan: p,
    settings: { thresholds: { ...LOAD_DEFAULTS.thresholds }, minAchievedRatio: 0.99, datasetSize: 3, profile: { rate: 40, durationSeconds: 10 } },
    startedAt: `2026-01-01T00:00:0${p.segment.index}.000Z`,
    endedAt: `2026-01-01T00:00:1${p.segment.index}.000Z`,
    steps,
    total: totalOf(steps),
    sampled: NO_SAMPLES,
    exitCodes: steps.map(() => 0),
    ...extra,
  };
}

function merge(segments: SegmentFile[], extra: Partial<MergeInput> = {}) {
  return mergeSegments({
    segments,
    thresholds: { ...LOAD_DEFAULTS.thresholds },
    minAchievedRatio: 0.99,
    toolVersion: 'test',
    datasetSize: 3,
    profileSettings: { rate: 40, durationSeconds: 10 },
    files: [],
    ...extra,
  });
}

/** Two smoke segments of 20 req/s each over 10 s, with the given records. */
function smokePair(a: Partial<StepRecord> = {}, b: Partial<StepRecord> = {}, samples: [number[], number[]] = [latencies(1, 200, 5), latencies(2, 200, 9)]) {
  return [segment(plan(1, 2), [record(0, 20, samples[0], { windowSeconds: 10, ...a })]), segment(plan(2, 2), [record(0, 20, samples[1], { windowSeconds: 10, ...b })])];
}

describe('mergeSegments', () => {
  it("two segments' rates add up; merged percentiles are those of the union of the samples", () => {
    const a = latencies(1, 200, 5);
    const b = latencies(2, 200, 40);
    const r = merge(smokePair({}, {}, [a, b]));
    expect(r.verdict, r.message).toBe('pass');
    expect(r.exitCode).toBe(0);
    expect(r.steps).toHaveLength(1);
    expect(r.steps[0]).toMatchObject({ offeredRate: 40, achievedRate: 40, requests: 400, completed: 400 });
    expect(r.total).toMatchObject({ offeredRate: 40, achievedRate: 40, requests: 400 });
    const union = new LatencyHistogram();
    for (const v of [...a, ...b]) union.addMs(v);
    for (const [key, p] of [
      ['p50Ms', 50],
      ['p90Ms', 90],
      ['p95Ms', 95],
      ['p99Ms', 99],
    ] as const) {
      expect(r.steps[0]![key], key).toBe(round3(union.percentileMs(p)!));
      expect(r.total[key], key).toBe(round3(union.percentileMs(p)!));
    }
    // the run's histogram is the union's, so runs can be merged again later
    const h = LatencyHistogram.decode(r.histogram);
    expect(h.count).toBe(400);
    expect(h.percentileMs(99)).toBe(union.percentileMs(99));
    expect(r.engine).toEqual({ name: 'vegeta', version: 'v12.13.0', segments: 2 });
    expect(r.segments.map((s) => [s.segment, s.requests, s.exitCode])).toEqual([
      ['1/2', 200, 0],
      ['2/2', 200, 0],
    ]);
    expect([r.startedAt, r.endedAt]).toEqual(['2026-01-01T00:00:01.000Z', '2026-01-01T00:00:12.000Z']);
    expect(r.schemaVersion).toBe(2);
    // given in any order, the same report
    expect(merge(smokePair({}, {}, [a, b]).reverse()).total).toEqual(r.total);
  });

  it('thresholds are judged on the merged figures: latency p95, HTTP failures, checks (sampled failures included), late starts', () => {
    const all = (r: ReturnType<typeof merge>) => Object.fromEntries(r.thresholds.map((t) => [t.metric, t.ok]));
    expect(all(merge(smokePair()))).toEqual({ latency: true, http_failed: true, checks: true, late_starts: true });

    // one slow segment: its half of the samples pushes the merged p95 over 1000 ms
    const slow = merge(smokePair({}, {}, [latencies(1, 200, 5), latencies(2, 200, 900)]));
    expect(slow.verdict).toBe('fail');
    expect(slow.exitCode).toBe(1);
    expect(all(slow)).toMatchObject({ latency: false, http_failed: true });
    expect(slow.message).toMatch(/Thresholds failed: latency p\(95\)<1000 \(actual \d+/);

    // 1% of HTTP failures in one segment is 0.5% merged: within the budget (rate<0.01)
    expect(all(merge(smokePair({ httpFailed: 2, ok: 198, notOk: 2, reasons: { 'http-500': 2 } }))).http_failed).toBe(true);
    const failed = merge(smokePair({ httpFailed: 3, ok: 197, notOk: 3 }, { httpFailed: 1, ok: 199, notOk: 1 }));
    expect(failed.thresholds.find((t) => t.metric === 'http_failed')).toMatchObject({ ok: false, actual: 0.01 });

    // late starts: the budget is 0.001 × 400 requests = 0.4, at least two: two pass, three fail
    expect(merge(smokePair({ lateStarts: 2 })).thresholds.find((t) => t.metric === 'late_starts')).toMatchObject({ ok: true, actual: 0.005 });
    const late = merge(smokePair({ lateStarts: 3 }));
    expect(late.thresholds.find((t) => t.metric === 'late_starts')).toMatchObject({ ok: false, actual: 0.0075, expression: 'rate<=0.001' });
    expect(merge(smokePair({ lateStarts: 3 }), { thresholds: { ...LOAD_DEFAULTS.thresholds, lateStartRate: 0.01 } }).verdict).toBe('pass');

    // checks: every cheap check passed, but the sampled stream failed: 400 + 5 passes of 400 + 5 + 5 = 98.8% < 99%
    const sampledFail: SampledTally = {
      samples: 5,
      pass: 5,
      fail: 5,
      byCheck: { 'pulldoc.echo.txn': { pass: 0, fail: 5, warn: 0, skip: 0 } },
      failures: [{ id: 'pulldoc.echo.txn', verdict: 'fail', level: 'MUST' } as unknown as SampledTally['failures'][number]],
    };
    const [one, two] = smokePair();
    const checks = merge([{ ...one!, sampled: sampledFail }, two!]);
    expect(checks.thresholds.find((t) => t.metric === 'checks')).toMatchObject({ ok: false, actual: Math.round((405 / 410) * 1e6) / 1e6 });
    expect(checks.conformance).toMatchObject({ samples: 5, pass: 5, fail: 5 });
    expect(checks.total.sampled).toEqual({ pass: 5, fail: 5 });
    expect(checks.message).toMatch(/Sampled conformance: 5 check results failed \(pulldoc\.echo\.txn\)\./);
    expect(checks.verdict).toBe('fail');
  });

  it('a missing segment makes the merge an error naming it, unless the segment runs alone on purpose', () => {
    const three = [1, 2, 3].map((i) => segment(plan(i, 3), [record(0, 40 / 3, latencies(i, 100, 5), { windowSeconds: 10 })]));
    const missing = merge([three[0]!, three[2]!]);
    expect(missing.verdict).toBe('error');
    expect(missing.exitCode).toBe(1);
    expect(missing.message).toMatch(/^segments 2\/3 are missing: the merged rates are not the planned ones/);
    expect(merge([three[0]!]).message).toMatch(/^segments 2\/3, 3\/3 are missing/);
    const alone = merge([three[1]!], { allowMissing: true });
    expect(alone.verdict).toBe('pass');
    expect(alone.total.offeredRate).toBe(round3(40 / 3));
    expect(merge(three).verdict).toBe('pass');
  });

  it('segments of different tests are refused, naming what differs', () => {
    const base = segment(plan(1, 2), [record(0, 20, [5])]);
    const other = (p: LoadPlan) => segment(p, [record(0, 20, [5])]);
    const refused = (s: SegmentFile) => {
      try {
        checkSegments([base, s]);
      } catch (err) {
        expect(err).toBeInstanceOf(MergeError);
        return (err as Error).message;
      }
      throw new Error('expected a MergeError');
    };
    expect(refused(other(plan(2, 2, { profile: 'ci' })))).toBe('segment 2/2 has a different profile than segment 1/2: they are not parts of one test');
    expect(refused(other(plan(2, 2, { url: 'http://127.0.0.1:9999/pulldoc' })))).toMatch(/segment 2\/2 has a different target than segment 1\/2/);
    expect(refused(other({ ...plan(2, 2), scenario: 'pull-uri' }))).toMatch(/different scenario/);
    expect(refused(other(plan(2, 3)))).toMatch(/segment 2\/3 has a different segment count than segment 1\/2/);
    expect(refused(other(plan(2, 2, { steps: [{ ...SMOKE_STEPS[0]!, end: 20_000 }] })))).toMatch(/different schedule \(steps\)/);
    expect(refused(other(plan(1, 2)))).toBe('segment 1/2 is given twice');
    expect(() => checkSegments([])).toThrow(new MergeError('no segment to merge'));
    expect(() => merge([base, other(plan(2, 2, { profile: 'ci' }))])).toThrow(MergeError);
  });

  it('capacity: the knee is found from the merged steps', () => {
    // four steps of 100..400 req/s split over two segments; segment 2 cannot keep up from step 2 on
    const seg = (i: number, slowFrom: number) =>
      segment(
        plan(i, 2, { profile: 'capacity' }),
        CAPACITY_STEPS.map((w) => {
          const n = (w.rate / 2) * 8;
          const slow = w.index >= slowFrom;
          return record(w.index, w.rate / 2, latencies(10 * i + w.index, n, slow ? 2500 : 10), { completed: slow ? Math.round(n * 0.8) : n });
        }),
      );
    const r = merge([seg(1, 99), seg(2, 2)], { profileSettings: { startRate: 100, stepRate: 100, maxSteps: 4, minAchievedRatio: 0.99 } });
    expect(r.thresholds).toEqual([]);
    expect(r.steps.map((s) => s.offeredRate)).toEqual([100, 200, 300, 400]);
    expect(r.steps.map((s) => s.achievedRate)).toEqual([100, 200, 270, 360]);
    expect(r.capacity?.knee).toMatchObject({ index: 1, rate: 200, achievedRate: 200 });
    expect(r.capacity?.firstFailure?.index).toBe(2);
    expect(r.capacity?.firstFailure?.problems.join('; ')).toMatch(/achieved 270 req\/s < 99% of offered 300 req\/s.*p99 \d+(\.\d+)? ms ≥ SLO 2000 ms/);
    expect(r.verdict).toBe('pass');
    expect(r.message).toBe('Capacity knee: 200 req/s (step 2 at 300 req/s was not sustained).');
    // each segment alone would have said something else: segment 1 sustains every step
    expect(merge([seg(1, 99)], { allowMissing: true }).capacity?.saturated).toBe(false);

    // judged up to the step the local run stopped at
    const stopped = merge([seg(1, 99), seg(2, 2)], { judgedSteps: 3, stopped: { reason: 'step 2 (300 req/s) is past the knee' } });
    expect(stopped.steps).toHaveLength(3);
    expect(stopped.verdict).toBe('pass');
    expect(stopped.stopped).toEqual({ reason: 'step 2 (300 req/s) is past the knee' });

    const none = merge([seg(1, 0), seg(2, 0)]);
    expect(none.verdict).toBe('fail');
    expect(none.capacity?.knee).toBeUndefined();
    expect(none.message).toMatch(/^No step was sustained: /);
  });

  it('fails closed: no request at all, a segment in error, or a constant run stopped early is an error', () => {
    const empty = merge([segment(plan(1, 1), [record(0, 40, [])])]);
    expect(empty.verdict).toBe('error');
    expect(empty.exitCode).toBe(1);
    expect(empty.message).toBe('vegeta sent no request');
    expect(merge([segment(plan(1, 1), [])]).verdict).toBe('error');

    const [one, two] = smokePair();
    const broken = merge([one!, { ...two!, error: 'vegeta attack exited with 2: bad flag', exitCodes: [2] }]);
    expect(broken.verdict).toBe('error');
    expect(broken.message).toBe('segment 2/2: vegeta attack exited with 2: bad flag');
    expect(broken.segments[1]).toMatchObject({ exitCode: 2, error: 'vegeta attack exited with 2: bad flag' });

    const interrupted = merge(smokePair(), { stopped: { reason: 'interrupted' } });
    expect(interrupted.verdict).toBe('error');
    expect(interrupted.message).toMatch(/the run was stopped before its end \(interrupted\)/);
  });
});

describe('mergeSampled', () => {
  it('adds counts per check and keeps the first failure of each check once', () => {
    const f = (id: string, message: string) => ({ id, message }) as unknown as SampledTally['failures'][number];
    const a: SampledTally = { samples: 3, pass: 20, fail: 1, byCheck: { x: { pass: 2, fail: 1, warn: 0, skip: 0 } }, failures: [f('x', 'first')] };
    const b: SampledTally = {
      samples: 2,
      pass: 10,
      fail: 2,
      byCheck: { x: { pass: 1, fail: 1, warn: 1, skip: 0 }, y: { pass: 0, fail: 1, warn: 0, skip: 2 } },
      failures: [f('x', 'second'), f('y', 'y')],
    };
    const m = mergeSampled([a, b]);
    expect(m).toMatchObject({ samples: 5, pass: 30, fail: 3, byCheck: { x: { pass: 3, fail: 2, warn: 1, skip: 0 }, y: { pass: 0, fail: 1, warn: 0, skip: 2 } } });
    expect(m.failures.map((x) => (x as unknown as { message: string }).message)).toEqual(['first', 'y']);
    expect(a.byCheck.x).toEqual({ pass: 2, fail: 1, warn: 0, skip: 0 });
  });
});
