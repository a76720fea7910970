/**
 * One `dlconform load` run: check the target is allowed, preflight one request from Node,
 * bundle the script, start N k6 instances (execution segments of the same test), stream their
 * progress, follow their raw samples as they are written (capacity stops at the first step past
 * the knee), bound the whole run in time, then merge the samples and write the reports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import type { Config } from '../conformance/config.js';
import { nodeHash } from '../conformance/node-hash.js';
import type { Redactor } from '../conformance/redact.js';
import { EXIT } from '../conformance/types.js';
import { PROFILES } from '../spec/profiles.js';
import { bundleK6 } from './bundle.js';
import type { K6Binary } from './k6bin.js';
import { findKnee, judgeStep, stepResult, type StepResult } from './knee.js';
import type { DatasetItem, K6Plan, LoadProfileName, StepWindow } from './plan.js';
import { writeLoadReports, type LoadResult, type SegmentResult, type ThresholdResult } from './report.js';
import { buildLoadRequest, cheapCheck, contentExpectation } from './request.js';
import { assertLoadTarget } from './safety.js';
import { FileTail, SampleAggregator, type Tally } from './samples.js';
import { gracefulStopSeconds, k6Options, plannedSeconds, stepsOf, type LoadSettings } from './settings.js';

export interface LoadRunOptions {
  config: Config;
  apiKey: string;
  settings: LoadSettings;
  profile: LoadProfileName;
  dataset: DatasetItem[];
  k6: K6Binary;
  reportDir: string;
  /** k6 instances, each running 1/N of the test (execution segments) */
  segments: number;
  redactor: Redactor;
  toolVersion: string;
  /** keep the raw k6 CSV files in the report dir (they are large) */
  keepRaw?: boolean;
  /** no k6 progress lines */
  quiet?: boolean;
  /** one request from Node before k6 starts (default true) */
  preflight?: boolean;
  /** the k6 web dashboard HTML export (default true) */
  dashboard?: boolean;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}

export interface LoadRunOutcome {
  result?: LoadResult;
  exitCode: number;
  message: string;
}

/** Segment boundaries of k6's execution segments: 0, 1/N, …, 1. */
export function segmentSequence(n: number): string[] {
  return Array.from({ length: n + 1 }, (_, i) => (i === 0 ? '0' : i === n ? '1' : `${i}/${n}`));
}

export function buildPlan(o: Pick<LoadRunOptions, 'config' | 'settings' | 'profile'>, runId: string): K6Plan {
  const { config, settings, profile } = o;
  const specProfile = PROFILES[config.profile];
  const url = settings.scenario === 'pull-doc' ? config.target.pullDoc! : config.target.pullUri;
  const format = specProfile.sendsFormat ? settings.format : undefined;
  return {
    planVersion: 1,
    runId,
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
    ...contentExpectation(config.profile, format),
    steps: stepsOf(settings, profile),
    options: k6Options(settings, profile),
  };
}

/** Sends the first dataset item once from Node with the same request builder; undefined when it is served. */
export async function preflight(plan: K6Plan, apiKey: string, item: DatasetItem, timeoutMs: number): Promise<{ unreachable?: string; problem?: string }> {
  const request = buildLoadRequest(plan, PROFILES[plan.specProfile], { hash: nodeHash, apiKey, hmac: plan.hmac }, item, 0, new Date());
  let status: number;
  let body: string;
  try {
    const res = await fetch(plan.url, { method: 'POST', body: request.body, headers: request.headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    status = res.status;
    body = await res.text();
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { unreachable: `${plan.url}: ${cause?.code ?? cause?.message ?? (err as Error).message}` };
  }
  const problem = cheapCheck(plan, status, body);
  return problem ? { problem: `the first request (sent from Node before k6 starts) was not served: ${problem}` } : {};
}

function thresholdResults(total: StepResult, t: Tally, s: LoadSettings): ThresholdResult[] {
  const judged = t.ok + t.notOk + t.sampledPass + t.sampledFail;
  const checksRate = judged > 0 ? (t.ok + t.sampledPass) / judged : 0;
  const th = s.thresholds;
  return [
    { metric: 'http_req_duration', expression: `p(95)<${th.p95Ms}`, actual: total.p95Ms ?? 0, ok: total.p95Ms !== undefined && total.p95Ms < th.p95Ms },
    { metric: 'http_req_failed', expression: `rate<${th.errorRate}`, actual: total.httpFailedRate, ok: total.requests > 0 && total.httpFailedRate < th.errorRate },
    { metric: 'checks', expression: `rate>${th.checksRate}`, actual: Math.round(checksRate * 1e6) / 1e6, ok: checksRate > th.checksRate },
    { metric: 'dropped_iterations', expression: 'count==0', actual: t.dropped, ok: t.dropped === 0 },
  ];
}

const K6_THRESHOLDS_FAILED = 99;
const K6_EXTERNAL_ABORT = 105;

export async function runLoad(o: LoadRunOptions): Promise<LoadRunOutcome> {
  const runId = randomBytes(8).toString('hex');
  const plan = buildPlan(o, runId);
  assertLoadTarget(plan.url, o.config.loadAllowedHosts);

  if (o.preflight !== false) {
    const pre = await preflight(plan, o.apiKey, o.dataset[0]!, o.settings.requestTimeoutMs);
    if (pre.unreachable) return { exitCode: EXIT.unreachable, message: `target unreachable: ${pre.unreachable}` };
    if (pre.problem) return { exitCode: EXIT.conformanceFailure, message: `${pre.problem}. Run \`dlconform run\` against this config first: a load test of requests that fail measures nothing.` };
  }

  // the dataset may hold owners' names and dates of birth: a private temporary file, never the report dir
  const secretDir = await mkdtemp(join(tmpdir(), 'dlconform-load-'));
  try {
    await chmod(secretDir, 0o700);
    return await runK6(o, plan, secretDir);
  } finally {
    await rm(secretDir, { recursive: true, force: true });
  }
}

async function runK6(o: LoadRunOptions, plan: K6Plan, secretDir: string): Promise<LoadRunOutcome> {
  const out = o.out ?? process.stdout;
  const err = o.err ?? process.stderr;
  const say = (line: string) => out.write(o.redactor.redact(line) + '\n');
  const runId = plan.runId;
  const dir = o.reportDir;
  const k6dir = join(dir, 'k6');
  const rawDir = join(dir, 'raw');
  await mkdir(k6dir, { recursive: true });
  await mkdir(rawDir, { recursive: true });
  const datasetPath = join(secretDir, 'dataset.json');
  await writeFile(datasetPath, JSON.stringify(o.dataset), { mode: 0o600 });
  const planPath = join(k6dir, 'plan.json');
  await writeFile(planPath, JSON.stringify(plan, null, 2) + '\n');
  const scripts = await bundleK6(k6dir, ['main']);

  const n = o.segments;
  const sequence = segmentSequence(n);
  const steps = plan.steps;
  const agg = new SampleAggregator(steps);
  const csvPaths = Array.from({ length: n }, (_, i) => join(rawDir, n === 1 ? 'samples.csv' : `samples-${i + 1}.csv`));
  const tails = csvPaths.map((p, i) => new FileTail(p, (text) => agg.feedText(i, text)));
  const dashboards = Array.from({ length: n }, (_, i) => (n === 1 ? 'dashboard.html' : `dashboard-${i + 1}.html`));
  const startedAt = new Date();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    LANG: process.env.LANG,
    DLCONFORM_PLAN: planPath,
    DLCONFORM_DATASET: datasetPath,
    [o.config.apiKeyEnv]: o.apiKey,
    K6_NO_USAGE_REPORT: 'true',
    // the dashboard's HTML export needs two snapshots at least: about 30 per run, 1 to 10 s apart
    ...(o.dashboard !== false && {
      K6_WEB_DASHBOARD: 'true',
      K6_WEB_DASHBOARD_PORT: '-1',
      K6_WEB_DASHBOARD_OPEN: 'false',
      K6_WEB_DASHBOARD_PERIOD: `${Math.min(10, Math.max(1, Math.floor(plannedSeconds(o.settings, o.profile) / 30)))}s`,
    }),
  };

  const children: ChildProcess[] = [];
  const exits: Array<Promise<number | null>> = [];
  for (let i = 0; i < n; i++) {
    const args = [
      'run',
      '--no-usage-report',
      '--address=',
      '--no-color',
      '--log-format=raw',
      `--out=csv=fileName=${csvPaths[i]},timeFormat=unix_milli`,
      ...(o.quiet ? ['--quiet'] : []),
      ...(n > 1 ? [`--execution-segment=${sequence[i]}:${sequence[i + 1]}`, `--execution-segment-sequence=${sequence.join(',')}`, '--summary-mode=disabled'] : []),
      scripts.main,
    ];
    const childEnv = { ...env, ...(o.dashboard !== false && { K6_WEB_DASHBOARD_EXPORT: join(dir, dashboards[i]!) }) };
    const child = spawn(o.k6.path, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const prefix = n > 1 ? `[k6 ${i + 1}/${n}] ` : '';
    for (const [stream, sink] of [
      [child.stdout!, out],
      [child.stderr!, err],
    ] as const) {
      createInterface({ input: stream }).on('line', (line) => {
        sink.write(o.redactor.redact(prefix + line) + '\n');
      });
    }
    exits.push(
      new Promise((resolve) => {
        child.on('error', (e) => {
          err.write(`dlconform load: cannot start k6 (${o.k6.path}): ${e.message}\n`);
          resolve(null);
        });
        child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null)));
      }),
    );
  }

  let stopped: { reason: string } | undefined;
  const stopAll = (reason: string) => {
    if (stopped) return;
    stopped = { reason };
    say(`dlconform: stopping k6: ${reason}`);
    for (const c of children) if (c.exitCode === null) c.kill('SIGINT');
  };
  const onSignal = () => stopAll('interrupted');
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  // every run is bounded: the plan, the graceful stop, and a margin for VU start-up
  const boundMs = (plannedSeconds(o.settings, o.profile) + gracefulStopSeconds(o.settings) + 60) * 1000;
  const bound = setTimeout(() => stopAll(`the run passed its time bound of ${Math.round(boundMs / 1000)} s`), boundMs);
  const kill = setTimeout(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  }, boundMs + 20_000);

  /** a step's statistics; its achieved rate counts completions in its window shifted by its median latency (≤ 1 s) */
  const shiftOf = (s: StepWindow) => Math.min(1000, Math.round(agg.perStep[s.index]!.latency.percentileMs(50) ?? 0));
  const measure = (s: StepWindow) => stepResult(s, agg.perStep[s.index]!, agg.completedBetween(s.measureFrom + shiftOf(s), s.end + shiftOf(s)));
  const judged = new Set<number>();
  const criteria = { minAchievedRatio: o.settings.capacity.minAchievedRatio, errorRate: o.settings.thresholds.errorRate, p99Ms: o.settings.thresholds.p99Ms };
  const watchSteps = () => {
    if (o.profile !== 'capacity') return;
    const starts = Array.from({ length: n }, (_, i) => agg.startOf(i));
    if (starts.some((s) => s === undefined)) return;
    const t0 = Math.max(...(starts as number[]));
    for (const s of steps) {
      // a step is judged once its window has closed and k6 has flushed it (every second)
      if (judged.has(s.index) || Date.now() < t0 + s.end + shiftOf(s) + 2500) continue;
      judged.add(s.index);
      const r = measure(s);
      const v = judgeStep(r, criteria);
      say(`step ${s.index}: offered ${r.offeredRate} req/s, achieved ${r.achievedRate}, p95 ${r.p95Ms ?? '–'} ms, p99 ${r.p99Ms ?? '–'} ms, errors ${(r.errorRate * 100).toFixed(2)}%, dropped ${r.dropped} → ${v.ok ? 'sustained' : `not sustained (${v.problems.join('; ')})`}`);
      if (!v.ok) stopAll(`step ${s.index} (${s.rate} req/s) is past the knee`);
    }
  };
  let polling = true;
  const poller = (async () => {
    while (polling) {
      await new Promise((r) => setTimeout(r, 500));
      for (const t of tails) await t.poll();
      watchSteps();
    }
  })();

  let exitCodes: Array<number | null>;
  try {
    exitCodes = await Promise.all(exits);
  } finally {
    clearTimeout(bound);
    clearTimeout(kill);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    polling = false;
    await poller;
    for (let i = 0; i < n; i++) {
      await tails[i]!.poll();
      await tails[i]!.close();
      agg.endSource(i);
    }
  }
  const endedAt = new Date();

  // ---- results
  // capacity stopped early: only the steps judged while it ran (a step cut short would look unsustained)
  const measured = steps.filter((s) => (o.profile !== 'capacity' ? true : stopped ? judged.has(s.index) : agg.perStep[s.index]!.requests > 0));
  const stepResults = measured.map(measure);
  const totalWindow: StepWindow = { index: 0, rate: steps[0]!.rate, start: 0, measureFrom: 0, end: steps[steps.length - 1]!.end };
  if (o.profile === 'capacity') totalWindow.rate = steps[Math.max(0, measured.length - 1)]?.rate ?? steps[0]!.rate;
  const total = stepResult(totalWindow, { ...agg.total, completed: agg.total.completed });
  if (o.profile !== 'capacity' && stepResults[0]) total.achievedRate = stepResults[0].achievedRate;
  const segments: SegmentResult[] = agg.perSource.map((t, i) => {
    const r = stepResult({ ...totalWindow, rate: 0 }, t);
    return { index: i, segment: `${sequence[i]}:${sequence[i + 1]}`, exitCode: exitCodes[i] ?? null, requests: t.requests, achievedRate: r.achievedRate, ...(r.p95Ms !== undefined && { p95Ms: r.p95Ms }), dropped: t.dropped };
  });
  while (segments.length < n) segments.push({ index: segments.length, segment: `${sequence[segments.length]}:${sequence[segments.length + 1]}`, exitCode: exitCodes[segments.length] ?? null, requests: 0, achievedRate: 0, dropped: 0 });

  const thresholds = o.profile === 'capacity' ? [] : thresholdResults(total, agg.total, o.settings);
  const capacity = o.profile === 'capacity' ? findKnee(stepResults, criteria) : undefined;
  const crashed = exitCodes
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c !== 0 && c !== K6_THRESHOLDS_FAILED && !(stopped && c === K6_EXTERNAL_ABORT));
  let verdict: LoadResult['verdict'];
  let message: string;
  let exitCode: number;
  if (crashed.length > 0 || agg.total.requests === 0) {
    verdict = 'error';
    exitCode = EXIT.conformanceFailure;
    message = crashed.length > 0 ? `k6 failed (exit ${crashed.map(({ c, i }) => (n > 1 ? `${c} in segment ${i + 1}` : String(c))).join(', ')}); see its output above` : 'k6 sent no request';
  } else if (stopped && o.profile !== 'capacity') {
    verdict = 'error';
    exitCode = EXIT.conformanceFailure;
    message = `the run was stopped before its end (${stopped.reason}); the thresholds were not judged on a full run`;
  } else if (capacity) {
    verdict = capacity.knee ? 'pass' : 'fail';
    exitCode = capacity.knee ? EXIT.ok : EXIT.conformanceFailure;
    message = capacity.knee
      ? `Capacity knee: ${capacity.knee.rate} req/s${capacity.saturated ? ` (step ${capacity.firstFailure!.index} at ${capacity.firstFailure!.rate} req/s was not sustained)` : ' (every step was sustained: the capacity is at least this)'}.`
      : `No step was sustained: ${capacity.firstFailure?.problems.join('; ') ?? 'nothing measured'}.`;
  } else {
    const failed = thresholds.filter((t) => !t.ok);
    verdict = failed.length === 0 ? 'pass' : 'fail';
    exitCode = failed.length === 0 ? EXIT.ok : EXIT.conformanceFailure;
    message = failed.length === 0 ? 'All thresholds met.' : `Thresholds failed: ${failed.map((t) => `${t.metric} ${t.expression} (actual ${t.actual})`).join('; ')}.`;
  }

  const files = [relative(dir, planPath), relative(dir, scripts.main)];
  if (o.dashboard !== false) files.push(...dashboards.filter((d) => existsSync(join(dir, d))));
  if (o.keepRaw) files.push(...csvPaths.map((p) => relative(dir, p)));
  else await rm(rawDir, { recursive: true, force: true });

  const profileSettings: Record<string, number> = o.profile === 'capacity' ? { ...o.settings.capacity } : { ...o.settings[o.profile] };
  const result: LoadResult = {
    schemaVersion: 1,
    tool: { name: 'dlconform', version: o.toolVersion },
    runId,
    profile: o.profile,
    scenario: plan.scenario,
    specProfile: plan.specProfile,
    target: plan.url,
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    k6: { version: o.k6.version, segments: n },
    settings: {
      ...(plan.format && { format: plan.format }),
      sampleRate: plan.sampleRate,
      requestTimeoutMs: plan.requestTimeoutMs,
      thresholds: o.settings.thresholds,
      datasetSize: o.dataset.length,
      profile: profileSettings,
    },
    steps: stepResults,
    total,
    segments,
    thresholds,
    ...(capacity && { capacity }),
    ...(stopped && { stopped }),
    verdict,
    message,
    exitCode,
    histogram: agg.total.latency.toJSON(),
    files,
  };
  await writeLoadReports(result, dir, o.redactor);
  return { result, exitCode, message };
}
