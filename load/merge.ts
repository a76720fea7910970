/**
 * One report from any number of segments: per step, the records of every segment that ran it are
 * summed (rates add up on the shared schedule) and their HdrHistograms merged, so percentiles come
 * from the merged histogram, never from averaging. The thresholds, the capacity knee and the
 * verdict are judged on the merged figures. Used by a local run (one or `--segments N`) and by
 * `dlconform load merge DIR…` for segments run on other hosts.
 */
import { EXIT } from '../core/types.js';
import { LatencyHistogram } from './histogram.js';
import { findKnee, lateStartsAllowed, stepResult, type KneeCriteria, type StepResult } from './knee.js';
import type { StepWindow } from './plan.js';
import type { LoadResult, SegmentResult, ThresholdResult } from './report.js';
import type { StepRecord } from './results.js';
import type { SampledTally } from './sampled.js';
import type { SegmentFile } from './segment.js';
import type { Thresholds } from './settings.js';

export class MergeError extends Error {}

/** Refuses segments that are not parts of the same test. */
export function checkSegments(segments: readonly SegmentFile[]): void {
  if (segments.length === 0) throw new MergeError('no segment to merge');
  const first = segments[0]!.plan;
  const sameAs = (what: string, a: unknown, b: unknown, i: number) => {
    if (JSON.stringify(a) !== JSON.stringify(b))
      throw new MergeError(
        `segment ${segments[i]!.plan.segment.index}/${segments[i]!.plan.segment.count} has a different ${what} than segment ${first.segment.index}/${first.segment.count}: they are not parts of one test`,
      );
  };
  const seen = new Set<number>();
  segments.forEach((s, i) => {
    const p = s.plan;
    sameAs('profile', p.profile, first.profile, i);
    sameAs('scenario', p.scenario, first.scenario, i);
    sameAs('target', p.url, first.url, i);
    sameAs('segment count', p.segment.count, first.segment.count, i);
    sameAs('schedule (steps)', p.steps, first.steps, i);
    if (!(p.segment.index >= 1 && p.segment.index <= p.segment.count)) throw new MergeError(`segment ${p.segment.index}/${p.segment.count} is not one of 1…${p.segment.count}`);
    if (seen.has(p.segment.index)) throw new MergeError(`segment ${p.segment.index}/${p.segment.count} is given twice`);
    seen.add(p.segment.index);
  });
}

export function mergeSampled(parts: readonly SampledTally[]): SampledTally {
  const out: SampledTally = { samples: 0, pass: 0, fail: 0, byCheck: {}, failures: [] };
  for (const t of parts) {
    out.samples += t.samples;
    out.pass += t.pass;
    out.fail += t.fail;
    for (const [id, c] of Object.entries(t.byCheck)) {
      const into = out.byCheck[id] ?? { pass: 0, fail: 0, warn: 0, skip: 0 };
      out.byCheck[id] = into;
      into.pass += c.pass;
      into.fail += c.fail;
      into.warn += c.warn;
      into.skip += c.skip;
    }
    for (const f of t.failures) if (!out.failures.some((g) => g.id === f.id)) out.failures.push(f);
  }
  return out;
}

function thresholdResults(total: StepResult, cheap: { ok: number; notOk: number }, sampled: SampledTally, th: Thresholds): ThresholdResult[] {
  const ok = cheap.ok;
  const judged = cheap.ok + cheap.notOk + sampled.pass + sampled.fail;
  const checksRate = judged > 0 ? (ok + sampled.pass) / judged : 0;
  const lateRate = total.requests > 0 ? total.lateStarts / total.requests : 0;
  const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
  return [
    { metric: 'latency', expression: `p(95)<${th.p95Ms}`, actual: total.p95Ms ?? 0, ok: total.p95Ms !== undefined && total.p95Ms < th.p95Ms },
    { metric: 'http_failed', expression: `rate<${th.errorRate}`, actual: total.httpFailedRate, ok: total.requests > 0 && total.httpFailedRate < th.errorRate },
    { metric: 'checks', expression: `rate>${th.checksRate}`, actual: round6(checksRate), ok: checksRate > th.checksRate },
    { metric: 'late_starts', expression: `rate<=${th.lateStartRate}`, actual: round6(lateRate), ok: total.requests > 0 && total.lateStarts <= lateStartsAllowed(th.lateStartRate, total.requests) },
  ];
}

export interface MergeInput {
  segments: readonly SegmentFile[];
  thresholds: Thresholds;
  minAchievedRatio: number;
  toolVersion: string;
  /** stopped by the local runner (capacity past the knee, a signal, the time bound) */
  stopped?: { reason: string };
  /** the steps a capacity run judged before it stopped (undefined: every step run) */
  judgedSteps?: number;
  datasetSize: number;
  profileSettings: Record<string, number>;
  files: string[];
  /** one segment of several run alone: the others are not missing, they run elsewhere */
  allowMissing?: boolean;
}

export function mergeSegments(m: MergeInput): LoadResult {
  checkSegments(m.segments);
  const segments = [...m.segments].sort((a, b) => a.plan.segment.index - b.plan.segment.index);
  const plan = segments[0]!.plan;
  const capacity = plan.profile === 'capacity';
  const count = plan.segment.count;

  const windows = plan.steps;
  const ranSteps = Math.max(...segments.map((s) => s.steps.length));
  const measuredSteps = m.judgedSteps !== undefined ? Math.min(m.judgedSteps, ranSteps) : ranSteps;
  const stepResults: StepResult[] = [];
  for (let k = 0; k < measuredSteps; k++) {
    const records = segments.map((s) => s.steps[k]).filter((r): r is StepRecord => r !== undefined);
    stepResults.push(stepResult(windows[k]!, records));
  }
  const last = windows[Math.max(0, measuredSteps - 1)] ?? windows[0]!;
  const totalWindow: StepWindow = { index: 0, rate: last.rate, start: 0, measureFrom: 0, end: capacity ? last.end : windows[0]!.end };
  const total = stepResult(
    totalWindow,
    segments.map((s) => s.total),
  );
  if (!capacity && stepResults[0]) {
    total.achievedRate = stepResults[0].achievedRate;
    total.offeredRate = stepResults[0].offeredRate;
  }
  const sampled = mergeSampled(segments.map((s) => s.sampled));
  total.sampled = { pass: sampled.pass, fail: sampled.fail };

  const segmentResults: SegmentResult[] = segments.map((s) => {
    const r = stepResult({ ...totalWindow, rate: 0 }, [s.total]);
    const failedExit = s.exitCodes.find((c) => c !== 0);
    return {
      index: s.plan.segment.index,
      segment: `${s.plan.segment.index}/${count}`,
      exitCode: failedExit === undefined ? 0 : failedExit,
      requests: r.requests,
      ...(r.p95Ms !== undefined && { p95Ms: r.p95Ms }),
      lateStarts: r.lateStarts,
      ...(s.error && { error: s.error }),
    };
  });

  const criteria: KneeCriteria = { minAchievedRatio: m.minAchievedRatio, errorRate: m.thresholds.errorRate, p99Ms: m.thresholds.p99Ms, lateStartRate: m.thresholds.lateStartRate };
  const cheap = { ok: segments.reduce((n, s) => n + s.total.ok, 0), notOk: segments.reduce((n, s) => n + s.total.notOk, 0) };
  const thresholds = capacity ? [] : thresholdResults(total, cheap, sampled, m.thresholds);
  const knee = capacity ? findKnee(stepResults, criteria) : undefined;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !segments.some((s) => s.plan.segment.index === i));
  const errors = segments.filter((s) => s.error).map((s) => `segment ${s.plan.segment.index}/${count}: ${s.error}`);

  let verdict: LoadResult['verdict'];
  let message: string;
  let exitCode: number;
  if (errors.length > 0 || total.requests === 0) {
    verdict = 'error';
    exitCode = EXIT.conformanceFailure;
    message = errors.length > 0 ? errors.join('; ') : 'vegeta sent no request';
  } else if (missing.length > 0 && !m.allowMissing) {
    verdict = 'error';
    exitCode = EXIT.conformanceFailure;
    message = `segments ${missing.map((i) => `${i}/${count}`).join(', ')} are missing: the merged rates are not the planned ones`;
  } else if (m.stopped && !capacity) {
    verdict = 'error';
    exitCode = EXIT.conformanceFailure;
    message = `the run was stopped before its end (${m.stopped.reason}); the thresholds were not judged on a full run`;
  } else if (knee) {
    verdict = knee.knee ? 'pass' : 'fail';
    exitCode = knee.knee ? EXIT.ok : EXIT.conformanceFailure;
    message = knee.knee
      ? `Capacity knee: ${knee.knee.rate} req/s${knee.saturated ? ` (step ${knee.firstFailure!.index} at ${knee.firstFailure!.rate} req/s was not sustained)` : ' (every step was sustained: the capacity is at least this)'}.`
      : `No step was sustained: ${knee.firstFailure?.problems.join('; ') ?? 'nothing measured'}.`;
  } else {
    const failed = thresholds.filter((t) => !t.ok);
    verdict = failed.length === 0 ? 'pass' : 'fail';
    exitCode = failed.length === 0 ? EXIT.ok : EXIT.conformanceFailure;
    message = failed.length === 0 ? 'All thresholds met.' : `Thresholds failed: ${failed.map((t) => `${t.metric} ${t.expression} (actual ${t.actual})`).join('; ')}.`;
  }
  if (sampled.fail > 0) message += ` Sampled conformance: ${sampled.fail} check result${sampled.fail === 1 ? '' : 's'} failed (${sampled.failures.map((f) => f.id).join(', ')}).`;

  const histogram = LatencyHistogram.merged(segments.map((s) => LatencyHistogram.decode(s.total.histogram))).encode();
  const startedAt = segments.map((s) => s.startedAt).sort()[0]!;
  const endedAt = segments
    .map((s) => s.endedAt)
    .sort()
    .at(-1)!;
  return {
    schemaVersion: 2,
    tool: { name: 'dlconform', version: m.toolVersion },
    runId: plan.runId,
    profile: plan.profile,
    scenario: plan.scenario,
    specProfile: plan.specProfile,
    target: plan.url,
    startedAt,
    endedAt,
    engine: { name: 'vegeta', version: segments[0]!.engine.version, segments: count },
    settings: {
      ...(plan.format && { format: plan.format }),
      sampleRate: plan.sampleRate,
      captureBytes: plan.captureBytes,
      requestTimeoutMs: plan.requestTimeoutMs,
      thresholds: m.thresholds,
      datasetSize: m.datasetSize,
      profile: m.profileSettings,
      limits: plan.limits,
    },
    steps: stepResults,
    total,
    segments: segmentResults,
    thresholds,
    ...(knee && { capacity: knee }),
    ...(m.stopped && { stopped: m.stopped }),
    conformance: sampled,
    verdict,
    message,
    exitCode,
    histogram,
    files: m.files,
  };
}
