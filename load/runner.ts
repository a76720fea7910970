/**
 * One `dlconform load` run: check the target is allowed, preflight one request from Node, then
 * run the profile's steps one vegeta attack at a time (per local segment, side by side), with the
 * sampled conformance stream alongside. Capacity stops at the first step past the knee when every
 * segment runs here. Each segment writes its records (segment.json, results.json); the report is
 * their merge, so a local run and `dlconform load merge` of segments from several hosts give the
 * same figures.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Config, DocumentSpec } from '../core/config/index.js';
import { nodeHash } from '../core/node-hash.js';
import type { Redactor } from '../core/redact.js';
import { Evidence, type EvidenceMaker } from '../core/evidence.js';
import { diagnosisText } from '../core/report/console.js';
import { EXIT, type Diagnosis, type PullApi } from '../core/types.js';
import { triageBaseline, type BaselineAnswer } from '../conformance/index.js';
import type { HmacEncoding } from '../protocol/auth.js';
import { PROFILES } from '../protocol/profiles.js';
import { readResponse } from '../protocol/responses.js';
import { startAttack, type RunningAttack } from './attack.js';
import { LatencyHistogram } from './histogram.js';
import { judgeStep, stepResult } from './knee.js';
import { mergeSegments } from './merge.js';
import type { DatasetItem, LoadPlan, LoadProfileName, StepWindow } from './plan.js';
import { plotLatency } from './plot.js';
import { LATENCY_HTML, writeLoadReports, type LoadResult } from './report.js';
import { buildLoadRequest, cheapCheck, contentExpectation, txnFor } from './request.js';
import { AttackCollector, type StepRecord } from './results.js';
import { assertLoadTarget } from './safety.js';
import { SampledConformance } from './sampled.js';
import { RESULTS_JSON, slimResultLine, writeSegment, type SegmentFile } from './segment.js';
import { attackLimits, drainSeconds, plannedSeconds, stepsOf, type LoadSettings } from './settings.js';
import { SignedTargets } from './targets.js';
import type { VegetaBinary } from './vegeta-bin.js';

export interface LoadRunOptions {
  config: Config;
  apiKey: string;
  settings: LoadSettings;
  profile: LoadProfileName;
  /** what each request asks for, and the documents they come from (same order) */
  dataset: DatasetItem[];
  documents: DocumentSpec[];
  vegeta: VegetaBinary;
  reportDir: string;
  /**
   * Which segments run here, of how many: `{ count: N, indices: [1..N] }` for `--segments N` (all
   * local, merged here), `{ count: N, indices: [i] }` for `--segment i/N` (one share; merged later).
   */
  segments: { count: number; indices: number[] };
  redactor: Redactor;
  toolVersion: string;
  /** a run id shared by the segments of one test (default: random) */
  runId?: string;
  /** keep results.json (vegeta's results without bodies) in the report dir; segments always keep it */
  keepRaw?: boolean;
  /** no progress lines */
  quiet?: boolean;
  /** one request from Node before vegeta starts (default true) */
  preflight?: boolean;
  /** the sampled conformance stream (default true) */
  sampled?: boolean;
  /** tests: keep every latency in the collectors */
  keepLatencies?: boolean;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}

export interface LoadRunOutcome {
  result?: LoadResult;
  exitCode: number;
  message: string;
  /** per segment index: every latency measured in its steps' windows, in ms (keepLatencies) */
  latencies?: Map<number, number[]>;
}

export function buildPlan(o: Pick<LoadRunOptions, 'config' | 'settings' | 'profile'>, runId: string, segment: { index: number; count: number } = { index: 1, count: 1 }): LoadPlan {
  const { config, settings, profile } = o;
  const specProfile = PROFILES[config.profile];
  const url = settings.scenario === 'pull-doc' ? config.target.pullDoc! : config.target.pullUri;
  const format = specProfile.sendsFormat ? settings.format : undefined;
  return {
    planVersion: 1,
    runId,
    segment,
    scenario: settings.scenario,
    profile,
    url,
    specProfile: config.profile,
    orgId: config.orgId,
    issuerId: config.issuerId,
    hmac: config.hmac,
    namespace: config.namespace,
    tsOffset: config.tsOffset,
    ...(format && { format }),
    apiKeyEnv: config.apiKeyEnv,
    sampleRate: settings.sampleRate,
    requestTimeoutMs: settings.requestTimeoutMs,
    captureBytes: settings.captureBytes,
    ...contentExpectation(config.profile, format),
    steps: stepsOf(settings, profile),
    limits: attackLimits(settings, profile),
  };
}

/** What the target sent back to one request from Node. */
type NodeAnswer = { unreachable: string } | { status: number; contentType?: string; body: string };

/**
 * Sends the first dataset item once from Node with the same request builder; empty when it is
 * served. A refused answer comes with the diagnosis of conformance/diagnosis.ts when `triage` is
 * given (at most one more request: the other HMAC encoding).
 */
export async function preflight(
  plan: LoadPlan,
  apiKey: string,
  item: DatasetItem,
  timeoutMs: number,
  triage?: { config: Config; evidence: EvidenceMaker },
): Promise<{ unreachable?: string; problem?: string; diagnosis?: Diagnosis }> {
  const profile = PROFILES[plan.specProfile];
  const sendOnce = async (hmac: HmacEncoding, counter: number): Promise<NodeAnswer> => {
    const request = buildLoadRequest(plan, profile, { hash: nodeHash, apiKey, hmac }, item, txnFor(plan.runId, 0, 255, counter), new Date());
    try {
      const res = await fetch(plan.url, { method: 'POST', body: request.body, headers: request.headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      return { status: res.status, contentType: res.headers.get('content-type') ?? undefined, body: await res.text() };
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      return { unreachable: `${plan.url}: ${cause?.code ?? cause?.message ?? (err as Error).message}` };
    }
  };
  const first = await sendOnce(plan.hmac, 0);
  if ('unreachable' in first) return { unreachable: first.unreachable };
  const problem = cheapCheck(plan, first.status, first.body);
  if (!problem) return {};
  const api: PullApi = plan.scenario === 'pull-doc' ? 'pulldoc' : 'pulluri';
  const answer = (a: NodeAnswer): BaselineAnswer => ('unreachable' in a ? { error: a.unreachable } : { http: a.status, contentType: a.contentType, body: a.body, parsed: readResponse(api, a.body) });
  const diagnosis =
    triage && (await triageBaseline({ api, config: triage.config, profile, baseline: answer(first), resend: async (hmac) => answer(await sendOnce(hmac, 1)), evidence: triage.evidence }));
  return { problem: `the first request (sent from Node before vegeta starts) was not served: ${problem}`, ...(diagnosis && { diagnosis }) };
}

/** A segment's share of a rate: the rate split evenly, in requests per second. */
export const shareOf = (rate: number, count: number) => rate / count;

interface LocalSegment {
  index: number;
  plan: LoadPlan;
  dir: string;
  results: WriteStream;
  records: StepRecord[];
  total: AttackCollector[];
  exitCodes: Array<number | null>;
  sampler?: SampledConformance;
  startedAt: Date;
  error?: string;
  latencies?: number[];
}

export async function runLoad(o: LoadRunOptions): Promise<LoadRunOutcome> {
  const runId = o.runId ?? randomBytes(8).toString('hex');
  const count = o.segments.count;
  const plans = o.segments.indices.map((index) => buildPlan(o, runId, { index, count }));
  const first = plans[0]!;
  assertLoadTarget(first.url, o.config.loadAllowedHosts);
  const out = o.out ?? process.stdout;
  const say = (line: string) => {
    if (!o.quiet) out.write(`${line}\n`);
  };

  if (o.preflight !== false) {
    const pre = await preflight(first, o.apiKey, o.dataset[0]!, o.settings.requestTimeoutMs, { config: o.config, evidence: new Evidence(o.redactor, o.config, o.apiKey) });
    // the transport's words may quote the URL: redacted here, where the message is made
    if (pre.unreachable) return { exitCode: EXIT.unreachable, message: o.redactor.redact(`target unreachable: ${pre.unreachable}`) };
    if (pre.problem) {
      // the diagnosis opens the message, as it opens the output of run, fuzz and timing
      const diagnosis = pre.diagnosis ? `${diagnosisText(pre.diagnosis, { color: false })}\n` : '';
      return { exitCode: EXIT.conformanceFailure, message: `${diagnosis}${pre.problem}. Run \`dlconform run\` against this config first: a load test of requests that fail measures nothing.` };
    }
  }

  const dir = o.reportDir;
  const oneShare = o.segments.indices.length === 1 && count > 1;
  const signer = { hash: nodeHash, apiKey: o.apiKey, hmac: first.hmac };
  const locals: LocalSegment[] = [];
  for (const plan of plans) {
    const segDir = oneShare ? dir : join(dir, 'segments', String(plan.segment.index));
    await mkdir(segDir, { recursive: true });
    const local: LocalSegment = {
      index: plan.segment.index,
      plan,
      dir: segDir,
      results: createWriteStream(join(segDir, RESULTS_JSON)),
      records: [],
      total: [],
      exitCodes: [],
      startedAt: new Date(),
      ...(o.keepLatencies && { latencies: [] }),
    };
    if (o.sampled !== false) {
      local.sampler = new SampledConformance({
        config: o.config,
        apiKey: o.apiKey,
        redactor: o.redactor,
        scenario: plan.scenario,
        ...(plan.format && { format: plan.format }),
        documents: o.documents,
        timeoutMs: plan.requestTimeoutMs,
        offset: Math.floor(((plan.segment.index - 1) * o.documents.length) / count),
      });
    }
    locals.push(local);
  }

  // every run is bounded: each attack by its step, the drain and a margin; the whole run by the plan
  const drain = drainSeconds(o.settings);
  const steps = first.steps;
  const runBoundMs = (plannedSeconds(o.settings, o.profile) + steps.length * (drain + 10) + 60) * 1000;
  let stopped: { reason: string } | undefined;
  let running: RunningAttack[] = [];
  const stopAll = (reason: string) => {
    if (stopped) return;
    stopped = { reason };
    say(`dlconform: stopping vegeta: ${reason}`);
    for (const a of running) a.stop(reason);
  };
  const onSignal = () => stopAll('interrupted');
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const runBound = setTimeout(() => stopAll(`the run passed its time bound of ${Math.round(runBoundMs / 1000)} s`), runBoundMs);

  const capacity = o.profile === 'capacity';
  // a capacity staircase stops at the knee only when every segment runs here
  const judgeHere = capacity && !oneShare;
  const criteria = {
    minAchievedRatio: o.settings.capacity.minAchievedRatio,
    errorRate: o.settings.thresholds.errorRate,
    p99Ms: o.settings.thresholds.p99Ms,
    lateStartRate: o.settings.thresholds.lateStartRate,
  };
  let judgedSteps: number | undefined;
  try {
    for (const step of steps) {
      if (stopped) break;
      const rate = shareOf(step.rate, count);
      const before = locals.map((l) => ({ pass: l.sampler?.tally.pass ?? 0, fail: l.sampler?.tally.fail ?? 0 }));
      const attacks = locals.map((l) => {
        const collector = new AttackCollector(step, rate, l.plan, { keepRaw: o.keepLatencies });
        const targets = new SignedTargets(l.plan, signer, o.dataset, step.index);
        const attack = startAttack(
          {
            vegeta: o.vegeta,
            rate,
            durationSeconds: (step.end - step.start) / 1000,
            ...l.plan.limits,
            timeoutMs: l.plan.requestTimeoutMs,
            captureBytes: l.plan.captureBytes,
            name: `step-${step.index}-segment-${l.index}`,
          },
          targets,
          (r, line) => {
            collector.add(r);
            l.results.write(`${slimResultLine(line)}\n`);
          },
          { deadlineMs: ((step.end - step.start) / 1000 + drain + 10) * 1000 },
        );
        l.sampler?.start(Math.max(o.settings.sampleRate * rate, 1 / count));
        return { local: l, collector, attack };
      });
      running = attacks.map((a) => a.attack);
      const already = stopped as { reason: string } | undefined;
      if (already) for (const a of running) a.stop(already.reason);
      const outcomes = await Promise.all(attacks.map((a) => a.attack.done));
      running = [];
      for (const l of locals) await l.sampler?.stop();
      attacks.forEach(({ local, collector }, i) => {
        const outcome = outcomes[i]!;
        const sampled = { pass: (local.sampler?.tally.pass ?? 0) - before[i]!.pass, fail: (local.sampler?.tally.fail ?? 0) - before[i]!.fail };
        local.records.push(collector.finish(sampled));
        local.total.push(collector);
        local.exitCodes.push(outcome.exitCode);
        if (collector.raw) local.latencies!.push(...collector.raw);
        // vegeta's own words go into segment.json and the report: redacted here, where they are recorded
        const said = outcome.stderr ? `: ${o.redactor.redact(outcome.stderr.split('\n').slice(-2).join(' | '))}` : '';
        if (outcome.spawnError) local.error ??= outcome.spawnError;
        else if (outcome.exitCode !== 0 && !outcome.stopped && !stopped) local.error ??= `vegeta attack exited with ${outcome.exitCode}${said}`;
        else if (outcome.results === 0 && !stopped) local.error ??= `vegeta sent no request in step ${step.index}${said}`;
      });
      if (locals.some((l) => l.error)) {
        stopAll(locals.find((l) => l.error)!.error!);
        break;
      }
      const merged = stepResult(
        step,
        locals.map((l) => l.records.at(-1)!),
      );
      const v = judgeStep(merged, criteria);
      const verdict = capacity ? (v.ok ? ' → sustained' : ` → not sustained (${v.problems.join('; ')})`) : '';
      say(
        `step ${step.index}: offered ${merged.offeredRate} req/s, achieved ${merged.achievedRate}, p95 ${merged.p95Ms ?? '–'} ms, p99 ${merged.p99Ms ?? '–'} ms, errors ${(merged.errorRate * 100).toFixed(2)}%, late starts ${merged.lateStarts}${verdict}`,
      );
      if (judgeHere && !v.ok) {
        judgedSteps = step.index + 1;
        stopAll(`step ${step.index} (${step.rate} req/s) is past the knee`);
      }
    }
  } finally {
    clearTimeout(runBound);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const l of locals) {
      await l.sampler?.close();
      await new Promise<void>((resolve) => l.results.end(resolve));
    }
  }

  const endedAt = new Date();
  const profileSettings: Record<string, number> = capacity ? { ...o.settings.capacity } : { ...o.settings[o.profile as 'smoke'] };
  const segmentFiles: SegmentFile[] = locals.map((l) => {
    const totalWindow: StepWindow = { index: 0, rate: 0, start: 0, measureFrom: 0, end: steps.at(-1)!.end };
    const totalRecord = totalOf(l, totalWindow);
    return {
      segmentVersion: 1,
      tool: { name: 'dlconform', version: o.toolVersion },
      engine: { name: 'vegeta', version: o.vegeta.version },
      plan: l.plan,
      settings: { thresholds: o.settings.thresholds, minAchievedRatio: o.settings.capacity.minAchievedRatio, datasetSize: o.dataset.length, profile: profileSettings },
      startedAt: l.startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      steps: l.records,
      total: totalRecord,
      // the kept failures were redacted where their evidence was made (sampled.ts)
      sampled: l.sampler ? l.sampler.tally : { samples: 0, pass: 0, fail: 0, byCheck: {}, failures: [] },
      exitCodes: l.exitCodes,
      ...(stopped && { stopped: stopped.reason }),
      ...((l.error ?? (l.records.length === 0 ? 'no step ran' : undefined)) && { error: l.error ?? 'no step ran' }),
    };
  });
  for (const [i, s] of segmentFiles.entries()) await writeSegment(locals[i]!.dir, s);

  const files: string[] = [];
  const resultFiles = locals.map((l) => join(l.dir, RESULTS_JSON));
  const plotted = await plotLatency(o.vegeta, resultFiles, join(dir, LATENCY_HTML), `dlconform load ${o.profile} (${first.scenario})`);
  if (plotted) files.push(LATENCY_HTML);
  if (oneShare) files.push('segment.json', RESULTS_JSON);
  else if (o.keepRaw) files.push(...locals.flatMap((l) => [relative(dir, join(l.dir, 'segment.json')), relative(dir, join(l.dir, RESULTS_JSON))]));
  else await rm(join(dir, 'segments'), { recursive: true, force: true });

  const result = mergeSegments({
    segments: segmentFiles,
    thresholds: o.settings.thresholds,
    minAchievedRatio: o.settings.capacity.minAchievedRatio,
    toolVersion: o.toolVersion,
    ...(stopped && { stopped }),
    ...(judgedSteps !== undefined && { judgedSteps }),
    datasetSize: o.dataset.length,
    profileSettings,
    files,
    allowMissing: oneShare,
  });
  await writeLoadReports(result, dir);
  const latencies = o.keepLatencies ? new Map(locals.map((l) => [l.index, l.latencies!])) : undefined;
  if (oneShare && result.verdict !== 'error') {
    const message = `Segment ${first.segment.index}/${count} done (${result.total.requests} requests). Its share alone is not judged: merge the ${count} segment folders with \`dlconform load merge DIR…\`.`;
    return { result, exitCode: EXIT.ok, message, ...(latencies && { latencies }) };
  }
  return { result, exitCode: result.exitCode, message: result.message, ...(latencies && { latencies }) };
}

/** The segment's totals: every result of every step, settle parts included. */
function totalOf(l: LocalSegment, window: StepWindow): StepRecord {
  const sum = (f: (r: StepRecord) => number) => l.records.reduce((n, r) => n + f(r), 0);
  const reasons: Record<string, number> = {};
  for (const r of l.records) for (const [k, v] of Object.entries(r.reasons)) reasons[k] = (reasons[k] ?? 0) + v;
  return {
    index: 0,
    offeredRate: l.records.at(-1)?.offeredRate ?? 0,
    windowSeconds: (window.end - window.measureFrom) / 1000,
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
    histogram: LatencyHistogram.merged(l.total.map((c) => c.latency)).encode(),
    sumUs: sum((r) => r.sumUs),
    maxUs: Math.max(0, ...l.records.map((r) => r.maxUs)),
  };
}
