/**
 * `dlconform timing`: the ts window properties and the statistical side-channel tests against
 * one configured target, as a RunResult of the same shape as `dlconform run` (result.json,
 * junit.xml, summary.md), plus the raw samples and statistics (timing.json).
 *
 * Bounded: requests go only to config.target.pullUri, one at a time, at most
 * 2 + |window probes| + |tests| × (2 + 2 × (warm-up + samples)) of them, within
 * config.client.timeBudgetMs and under config.client.maxRequestsPerSecond.
 */
import { diagnoseBaselines, RunContext, selectChecks, type Check, type Outcome } from '../../conformance/index.js';
import { TargetClient, type RawExchange } from '../../core/client.js';
import type { Config } from '../../core/config/index.js';
import { Evidence } from '../../core/evidence.js';
import type { Redactor } from '../../core/redact.js';
import { runResult } from '../../core/run-result.js';
import { EXIT, type CheckResult, type Diagnosis, type Level, type RunResult, type TimingMeasurement } from '../../core/types.js';
import { PROFILES } from '../../protocol/profiles.js';
import { seededRandom } from '../../protocol/time.js';
import { TIMING_CLAUSES, type TimingClause, type TimingClauseId } from './clauses.js';
import { TimingRequests } from './requests.js';
import { samplePairs, TimingClient, type Built, type TimedResponse } from './sampler.js';
import { analyse, answerOf, judgeSideChannel, served, SIDE_CHANNEL_TESTS, type Analysis, type SideChannelTest } from './sidechannel.js';
import { bonferroni } from './stats.js';
import { judgeOffsets, judgeWindow, probeOffsets, probeWindow, type WindowProbe } from './window.js';
import { policyNote, verdictUnder } from '../../core/policy.js';

export const DEFAULT_SAMPLES = 2000;
export const DEFAULT_ALPHA = 0.001;
export const MIN_SAMPLES = 100;
export const MAX_SAMPLES = 100_000;
/** fewer measured pairs than this (time budget, errors) and a test cannot conclude: 10 blocks */
const MIN_PAIRS_FOR_VERDICT = 50;

export interface TimingOptions {
  config: Config;
  apiKey: string;
  redactor: Redactor;
  /** measured pairs per side-channel test (default 2000) */
  samples?: number;
  /** discarded pairs before each test (default: a tenth of samples, 20 to 200) */
  warmup?: number;
  seed?: number;
  /** family-wise false-alarm rate over the side-channel tests run (default 0.001) */
  alpha?: number;
  only?: string[];
  skip?: string[];
  runId?: string;
  onResult?: (result: CheckResult) => void;
  /** a line of progress, e.g. before a test starts sampling */
  onProgress?: (text: string) => void;
  /** called once, before any check runs, when the baseline was refused (conformance/diagnosis.ts) */
  onDiagnosis?: (diagnosis: Diagnosis) => void;
}

export interface SideChannelDetail {
  id: string;
  analysis?: Analysis;
  answers?: { a: Record<string, number>; b: Record<string, number> };
  stopped?: string;
  /** raw durations in µs, in the order measured (pair i: a[i], b[i]) */
  samplesUs?: { a: number[]; b: number[] };
}

/** timing.json: everything the verdicts were computed from. */
export interface TimingDetails {
  schemaVersion: 1;
  seed: number;
  alpha: number;
  samplesRequested: number;
  warmup: number;
  trim: number;
  window?: Array<{ offsetSeconds: number; utcOffset: string; outcome: string; detail: string; expected?: string }>;
  sideChannel: SideChannelDetail[];
}

export interface TimingRun {
  result: RunResult;
  details: TimingDetails;
}

interface TimingCheck extends Check<TimingClauseId> {
  clauseRef: TimingClause;
  levelFor(config: Config): Level;
}

const noRun = async (): Promise<Outcome> => ({ verdict: 'skip', message: 'run by the timing suite' });

function checkOf(id: string, title: string, tags: string[], clause: TimingClause, levelFor?: (c: Config) => Level): TimingCheck {
  return { id, api: 'pulluri', section: 'timing', title, tags: ['timing', ...tags], clause: clause.id, clauseRef: clause, levelFor: levelFor ?? (() => clause.level), run: noRun };
}

const TIMING_CHECKS: readonly TimingCheck[] = [
  checkOf('timing.ts-window', 'the ts freshness window: ts from 1 day in the past to 1 day in the future', ['window'], TIMING_CLAUSES.tsWindow, (c) => (c.tsWindow ? 'MUST' : 'MAY')),
  checkOf('timing.ts-offsets', 'the current time written with other UTC offsets (+00:00, +02:00, -05:00, Z)', ['window'], TIMING_CLAUSES.tsOffsets, (c) => (c.tsWindow ? 'SHOULD' : 'MAY')),
  ...SIDE_CHANNEL_TESTS.map((t) => checkOf(t.id, t.title, ['sidechannel', ...(t.clause.level === 'SECURITY' ? ['security'] : [])], t.clause)),
];

export function selectTimingChecks(config: Config, only: string[] = [], skip: string[] = []): TimingCheck[] {
  return selectChecks(TIMING_CHECKS, PROFILES[config.profile], only, skip);
}

type AnyOutcome = Outcome | { verdict: 'error'; message: string; expected?: string; actual?: string };

export async function runTiming(o: TimingOptions): Promise<TimingRun> {
  const { config, apiKey, redactor } = o;
  const profile = PROFILES[config.profile];
  const seed = o.seed ?? Date.now() % 2 ** 31;
  const samples = Math.min(MAX_SAMPLES, Math.max(MIN_SAMPLES, o.samples ?? DEFAULT_SAMPLES));
  const warmup = o.warmup ?? Math.min(200, Math.max(20, Math.round(samples / 10)));
  const alpha = o.alpha ?? DEFAULT_ALPHA;
  const startedAt = new Date();
  const deadline = startedAt.getTime() + config.client.timeBudgetMs;
  const selected = selectTimingChecks(config, o.only, o.skip);
  const client = new TargetClient({
    timeoutMs: config.client.timeoutMs,
    concurrency: 1,
    maxResponseBytes: config.client.maxResponseBytes,
    maxRequestsPerSecond: config.client.maxRequestsPerSecond,
    deadline,
  });
  const ctx = new RunContext(config, profile, apiKey, client, seededRandom(seed), (value, label) => redactor.addSecret(value, label));
  const details: TimingDetails = { schemaVersion: 1, seed, alpha, samplesRequested: samples, warmup, trim: 0.2, sideChannel: [] };
  const evidence = new Evidence(redactor, config, apiKey);
  const results: CheckResult[] = [];
  let aborted: RunResult['aborted'];
  let timingClient: TimingClient | undefined;

  const record = (check: TimingCheck, started: number, outcome: AnyOutcome, exchanges: RawExchange[], timing?: TimingMeasurement) => {
    const level = check.levelFor(config);
    const verdict = verdictUnder(config.policy, level, outcome.verdict);
    const c = check.clauseRef;
    const result: CheckResult = {
      id: check.id,
      title: check.title,
      api: 'pulluri',
      section: 'timing',
      tags: check.tags ?? [],
      level,
      clause: { id: c.id, document: c.document, section: c.section, text: c.text },
      verdict,
      message: evidence.text(outcome.message + policyNote(config.policy, outcome.verdict, verdict)),
      expected: evidence.value(outcome.expected),
      actual: evidence.value(outcome.actual),
      evidence: exchanges.map((e) => evidence.exchange(e)),
      durationMs: Date.now() - started,
      ...(timing && { timing }),
    };
    results.push(result);
    o.onResult?.(result);
  };

  let diagnosis: Diagnosis | undefined;
  try {
    let notServed: string | undefined;
    if (selected.length > 0) {
      const probe = await ctx.baseline('pulluri');
      if (probe.raw.error && probe.raw.error.kind !== 'other') {
        aborted = { reason: `${config.target.pullUri} is unreachable: ${probe.raw.error.message}`, exitCode: EXIT.unreachable };
      } else if (probe.parsed?.status !== '1') {
        const got = probe.raw.error ? probe.raw.error.message : `HTTP ${probe.raw.response!.status}, ${probe.parsed?.status === undefined ? 'no Status' : `Status ${probe.parsed.status}`}`;
        notServed = `a correctly signed request for the first configured document is not served (${got}), so nothing here can be judged; see pulluri.success.status-1 in dlconform run`;
        diagnosis = await diagnoseBaselines(ctx, ['pulluri'], evidence);
        if (diagnosis) o.onDiagnosis?.(diagnosis);
      }
    }

    const windowChecks = selected.filter((c) => c.tags?.includes('window'));
    for (const check of aborted ? [] : windowChecks) {
      const started = Date.now();
      if (notServed) {
        record(check, started, { verdict: 'skip', message: notServed }, []);
        continue;
      }
      const probes: WindowProbe[] = check.id === 'timing.ts-window' ? await probeWindow(ctx, config.tsWindow) : await probeOffsets(ctx);
      details.window = [...(details.window ?? []), ...probes.map((p) => ({ offsetSeconds: p.offsetSeconds, utcOffset: p.utcOffset, outcome: p.outcome, detail: p.detail, expected: p.expected }))];
      const fatal = probes.find((p) => p.exchange.raw.error?.kind === 'circuit-open' || p.exchange.raw.error?.kind === 'budget');
      const outcome: AnyOutcome = fatal
        ? { verdict: 'error', message: `not completed: ${fatal.exchange.raw.error!.message}` }
        : check.id === 'timing.ts-window'
          ? judgeWindow(probes, config.tsWindow)
          : judgeOffsets(probes, config.tsWindow);
      record(
        check,
        started,
        outcome,
        ((outcome as Outcome).evidence ?? []).map((e) => e.raw),
      );
    }

    const sideChecks = selected.filter((c) => c.tags?.includes('sidechannel'));
    if (!aborted && sideChecks.length > 0) {
      const factory = new TimingRequests({ config, apiKey, identity: ctx.identityFor(ctx.firstDocument), digiLockerId: ctx.digiLockerId, random: seededRandom(seed ^ 0x5bd1e995) });
      const tests = sideChecks.map((c) => SIDE_CHANNEL_TESTS.find((t) => t.id === c.id)!);
      const family = { alpha, tests: tests.filter((t) => !t.notApplicable?.(factory)).length };
      timingClient = new TimingClient(config.target.pullUri, {
        timeoutMs: config.client.timeoutMs,
        deadline,
        maxRequestsPerSecond: config.client.maxRequestsPerSecond,
        maxResponseBytes: config.client.maxResponseBytes,
      });
      for (const [i, test] of tests.entries()) {
        const check = sideChecks[i]!;
        const started = Date.now();
        const detail: SideChannelDetail = { id: test.id };
        details.sideChannel.push(detail);
        const reason = notServed ?? test.notApplicable?.(factory);
        if (reason) {
          record(check, started, { verdict: 'skip', message: reason }, []);
          continue;
        }
        o.onProgress?.(`${test.id}: timing ${samples} pairs of requests (after ${warmup} warm-up pairs)…`);
        const { outcome, evidence, unreachable } = await runSideChannel(test, factory, timingClient, config, detail, { samples, warmup, seed, family });
        record(check, started, outcome, evidence, detail.analysis && measurementOf(detail.analysis));
        if (unreachable) {
          aborted = { reason: `the target stopped answering: ${unreachable}`, exitCode: EXIT.unreachable };
          break;
        }
      }
    }
  } finally {
    await client.close();
    await timingClient?.close();
  }

  const order = new Map(selected.map((c, i) => [c.id, i]));
  results.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const result = runResult({
    runId: o.runId ?? `timing-${startedAt.toISOString().replace(/[:.]/g, '-')}`,
    profile: profile.id,
    policy: config.policy,
    target: evidence.deep({ pullUri: config.target.pullUri }),
    startedAt,
    seed,
    aborted,
    diagnosis,
    checks: results,
  });
  return { result, details: evidence.deep(details) };
}

function rawOf(url: string, req: Built, res: TimedResponse): RawExchange {
  return {
    request: { url, method: 'POST', headers: req.headers, body: req.body },
    response: res.error ? undefined : { status: res.http!, headers: {}, bytes: new Uint8Array(), text: res.text ?? '', truncated: false },
    error: res.error ? { kind: 'other', message: res.error } : undefined,
    startedAt: 0,
    durationMs: Math.round(res.ns / 1e6),
  };
}

async function runSideChannel(
  test: SideChannelTest,
  factory: TimingRequests,
  client: TimingClient,
  config: Config,
  detail: SideChannelDetail,
  o: { samples: number; warmup: number; seed: number; family: { alpha: number; tests: number } },
): Promise<{ outcome: AnyOutcome; evidence: RawExchange[]; unreachable?: string }> {
  const url = config.target.pullUri;
  // one of each first: a near miss that is served leaves no comparison to time
  const reqA = test.buildA(factory);
  const reqB = test.buildB(factory);
  const resA = await client.send(reqA);
  const resB = await client.send(reqB);
  const firstEvidence = [rawOf(url, reqA, resA), rawOf(url, reqB, resB)];
  if (resA.error || resB.error) {
    const message = `no answer: ${(resA.error ?? resB.error)!}`;
    return { outcome: { verdict: 'error', message }, evidence: firstEvidence, unreachable: message };
  }
  const servedOne = [resA, resB].find((r) => served(answerOf(r)));
  if (servedOne) {
    return {
      outcome: {
        verdict: 'skip',
        message: `the issuer serves a request that should be refused here (${answerOf(servedOne)}), so there is no comparison to time; see ${test.servedHint} in dlconform run`,
      },
      evidence: firstEvidence,
    };
  }
  const samples = await samplePairs(
    client,
    () => test.buildA(factory),
    () => test.buildB(factory),
    { pairs: o.samples, warmup: o.warmup, random: seededRandom((o.seed ^ hashId(test.id)) >>> 0), classify: answerOf },
  );
  detail.stopped = samples.stopped;
  detail.answers = { a: Object.fromEntries(samples.answers.a), b: Object.fromEntries(samples.answers.b) };
  detail.samplesUs = { a: samples.a.map((x) => Math.round(x) / 1000), b: samples.b.map((x) => Math.round(x) / 1000) };
  const evidence = samples.example.a && samples.example.b ? [rawOf(url, samples.example.a.req, samples.example.a.res), rawOf(url, samples.example.b.req, samples.example.b.res)] : firstEvidence;
  if (samples.a.length < MIN_PAIRS_FOR_VERDICT) {
    const message = `only ${samples.a.length} pairs measured (${samples.stopped ?? 'unknown reason'}); at least ${MIN_PAIRS_FOR_VERDICT} are needed`;
    return { outcome: { verdict: 'error', message }, evidence, unreachable: samples.transportFailure ? samples.stopped : undefined };
  }
  const analysis = analyse(samples.a, samples.b, bonferroni(o.family.alpha, o.family.tests));
  detail.analysis = analysis;
  return { outcome: judgeSideChannel(test, factory, samples, analysis, o.family), evidence };
}

/** The figures a report shows of one side-channel test; none when a statistic is not a number (too few distinct samples). */
function measurementOf(a: Analysis): TimingMeasurement | undefined {
  const m: TimingMeasurement = {
    pairs: a.pairs,
    differenceUs: a.estimateUs,
    ciUs: a.ciUs,
    confidence: 1 - a.alphaPerTest,
    p: a.p,
    minimumDetectableUs: a.minimumDetectableUs,
  };
  return [m.differenceUs, ...m.ciUs, m.confidence, m.p, m.minimumDetectableUs].every(Number.isFinite) ? m : undefined;
}

/** A small stable hash of a test id, so each test has its own order stream for a given seed. */
function hashId(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
}
