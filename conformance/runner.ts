/**
 * The runner: selects checks, probes the target once, runs checks with bounded concurrency,
 * turns outcomes into verdicts with evidence redacted where it is recorded (core/evidence.ts);
 * the exit code follows from the verdicts (core/run-result.ts).
 */
import { clause as clauseById } from '../protocol/clauses.js';
import { PROFILES } from '../protocol/profiles.js';
import { seededRandom } from '../protocol/time.js';
import { clauseOf, levelOf, type Check, type Outcome } from './check.js';
import { ALL_CHECKS } from './checks/index.js';
import { capturedReplayChecks } from './checks/replay.js';
import { TargetClient } from '../core/client.js';
import type { Config, PartnerCredentials } from '../core/config/index.js';
import { RunContext, type SentExchange } from './context.js';
import { Evidence, type EvidenceMaker } from '../core/evidence.js';
import type { Redactor } from '../core/redact.js';
import { selectChecks } from './select.js';
import { describeResponse, served } from './checks/judge.js';
import { runResult } from '../core/run-result.js';
import { policyNote, verdictUnder } from '../core/policy.js';
import { EXIT, type CheckResult, type Diagnosis, type Exchange, type RunResult } from '../core/types.js';
import { diagnoseBaselines } from './diagnosis.js';
import { runRequesterChecks, selectRequesterChecks } from './requester/run.js';
import { apiSetuBaseline } from './checks/apisetu.js';

export interface RunOptions {
  config: Config;
  apiKey: string;
  redactor: Redactor;
  /** target.pushUriAccount's partner clientid and secret (parseConfig reads them from the environment) */
  partner?: PartnerCredentials;
  only?: string[];
  skip?: string[];
  seed?: number;
  runId?: string;
  /** called as each check completes, in completion order */
  onResult?: (result: CheckResult) => void;
  /** the check list; tests pass a subset */
  checks?: readonly Check[];
  /** called once, before any check runs, when the baseline was refused (conformance/diagnosis.ts) */
  onDiagnosis?: (diagnosis: Diagnosis) => void;
}

export interface SuiteRun {
  result: RunResult;
  /** every exchange of the run, in order, redacted */
  transcript: Exchange[];
}

export async function runSuite(options: RunOptions): Promise<SuiteRun> {
  const { config, apiKey, redactor } = options;
  const profile = PROFILES[config.profile];
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const startedAt = new Date();
  const pullDocAvailable = profile.pullDoc && !!config.target.pullDoc;
  // Push checks run only against a configured push endpoint (target.pushCsv / target.pushUri),
  // the consistency check only when the config says what was pushed (pushed).
  const availableInPullForm = (c: Check) =>
    c.api === 'pulluri' ||
    (c.api === 'pulldoc' && pullDocAvailable) ||
    (c.api === 'pushcsv' && !!config.target.pushCsv) ||
    (c.api === 'pushuri' && !!config.target.pushUri) ||
    (c.api === 'pushuriacct' && !!config.target.pushUriAccount) ||
    (c.api === 'consistency' && !!config.pushed);
  // profile apisetu judges API Setu's publisher form alone: none of the Pull or push checks apply
  const available = (c: Check) => (config.apiSetu ? c.api === 'apisetu' : availableInPullForm(c));
  // captured requests (config.replay) join the suite as checks of their own
  const candidates = (options.checks ?? [...ALL_CHECKS, ...capturedReplayChecks(config)]).filter(available);
  const selected = selectChecks(candidates, profile, options.only ?? [], options.skip ?? []);
  const client = new TargetClient({
    timeoutMs: config.client.timeoutMs,
    concurrency: config.client.concurrency,
    maxResponseBytes: config.client.maxResponseBytes,
    maxRequestsPerSecond: config.client.maxRequestsPerSecond,
    deadline: startedAt.getTime() + config.client.timeBudgetMs,
  });
  // the partner's secret signs every Push URI to Account hmac: redacted wherever it could appear
  if (options.partner) redactor.addSecret(options.partner.clientSecret, 'clientSecret');
  const ctx = new RunContext(config, profile, apiKey, client, seededRandom(seed), (value, label) => redactor.addSecret(value, label), options.partner);
  const evidence = new Evidence(redactor, config, apiKey);
  const results: CheckResult[] = [];
  let aborted: RunResult['aborted'];
  let diagnosis: Diagnosis | undefined;
  let requesterRun: Awaited<ReturnType<typeof runRequesterChecks>> | undefined;

  try {
    if (selected.length > 0) {
      // One probe before the suite: a target that does not answer at all ends the run at once.
      // Pull checks selected: the Pull URI baseline. Only push checks selected (e.g. --only push):
      // a GET on the push endpoint, which sends no upload (any HTTP answer, even 405, is reachable).
      const pullSelected = selected.some((c) => c.api === 'pulluri' || c.api === 'pulldoc');
      const apiSetuSelected = selected.some((c) => c.api === 'apisetu');
      const pushUrl = selected.some((c) => c.api === 'pushcsv') ? config.target.pushCsv : selected.some((c) => c.api === 'pushuri') ? config.target.pushUri : config.target.pushUriAccount?.url;
      const probeUrl = apiSetuSelected ? config.target.certificate! : pullSelected || !pushUrl ? config.target.pullUri : pushUrl;
      // profile apisetu: the valid certificate request is the probe (and the refusal checks' baseline)
      const raw = apiSetuSelected
        ? (await apiSetuBaseline(ctx).exchange).raw
        : pullSelected || !pushUrl
          ? (await ctx.baseline('pulluri')).raw
          : await client.send({ method: 'GET', url: pushUrl, headers: {}, body: '' });
      if (raw.error && raw.error.kind !== 'other') {
        const what = raw.error.phase === 'body' ? 'does not complete a response' : 'is unreachable';
        client.open(`target ${what}: ${raw.error.message}`);
        aborted = { reason: `${probeUrl} ${what}: ${raw.error.message}`, exitCode: EXIT.unreachable };
      }
      if (!aborted && pullSelected) {
        // why the baseline was refused comes before every verdict that depends on it
        const apis = selected.some((c) => c.api === 'pulldoc') ? (['pulluri', 'pulldoc'] as const) : (['pulluri'] as const);
        diagnosis = await diagnoseBaselines(ctx, apis, evidence);
        if (diagnosis) options.onDiagnosis?.(diagnosis);
      }
    }
    if (!aborted) {
      const queue = [...selected];
      const worker = async () => {
        for (let check = queue.shift(); check; check = queue.shift()) {
          const result = await runOne(check, ctx, evidence, startedAt.getTime() + config.client.timeBudgetMs);
          results.push(result);
          options.onResult?.(result);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, config.client.concurrency) }, worker));
      if (client.circuitOpen) aborted = { reason: `the target stopped answering: ${client.circuitOpen}`, exitCode: EXIT.unreachable };
    }
    // a Requester's upload service named in the config (target.requester): its checks join the run's
    const requesterChecks = config.target.requester !== undefined && !options.checks ? selectRequesterChecks(options.only ?? [], options.skip ?? []) : [];
    if (!aborted && requesterChecks.length > 0) {
      const requester = await runRequesterChecks(config.target.requester!, {
        timeoutMs: config.client.timeoutMs,
        timeBudgetMs: Math.max(1, startedAt.getTime() + config.client.timeBudgetMs - Date.now()),
        policy: config.policy,
        redactor,
        checks: requesterChecks,
        ...(options.onResult && { onResult: options.onResult }),
      });
      requesterRun = requester;
      aborted = requester.result.aborted;
    }
  } finally {
    await client.close();
    await ctx.close();
  }

  const order = new Map(selected.map((c, i) => [c.id, i]));
  results.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  results.push(...(requesterRun?.result.checks ?? []));
  const result = runResult({
    runId: options.runId ?? startedAt.toISOString().replace(/[:.]/g, '-'),
    profile: config.apiSetu ? 'apisetu' : profile.id,
    policy: config.policy,
    target: evidence.deep({
      pullUri: config.target.pullUri,
      pullDoc: pullDocAvailable ? config.target.pullDoc : undefined,
      ...(config.target.pushCsv !== undefined && { pushCsv: config.target.pushCsv }),
      ...(config.target.pushUri !== undefined && { pushUri: config.target.pushUri }),
      ...(config.target.pushUriAccount !== undefined && { pushUriAccount: config.target.pushUriAccount.url }),
      ...(config.target.requester !== undefined && { requester: config.target.requester }),
      ...(config.target.certificate !== undefined && { certificate: config.target.certificate }),
    }),
    startedAt,
    seed,
    aborted,
    diagnosis,
    checks: results,
  });
  return { result, transcript: [...client.exchanges.map((e) => evidence.exchange(e)), ...(requesterRun?.transcript ?? [])] };
}

/** Runs one check and records its verdict: the message, values and exchanges redacted as they are recorded. */
export async function runOne(check: Check, ctx: RunContext, evidence: EvidenceMaker, deadline: number): Promise<CheckResult> {
  const started = Date.now();
  const clause = clauseById(clauseOf(check, ctx.profile));
  const level = levelOf(check, clause, ctx.config);
  let outcome: Outcome | { verdict: 'error' | 'inconclusive'; message: string; evidence?: SentExchange[]; expected?: string; actual?: string };
  const reason = check.notApplicable?.(ctx);
  if (reason) outcome = { verdict: 'skip', message: reason };
  else if (ctx.client.circuitOpen) outcome = { verdict: 'error', message: `not run: ${ctx.client.circuitOpen}` };
  else if (Date.now() >= deadline) outcome = { verdict: 'error', message: 'not run: the time budget (client.timeBudgetMs) is exhausted' };
  else {
    try {
      outcome = await check.run(ctx);
      const fatal = outcome.evidence?.find((e) => e.raw.error?.kind === 'circuit-open' || e.raw.error?.kind === 'budget');
      if (fatal) outcome = { verdict: 'error', message: `not completed: ${fatal.raw.error!.message}`, evidence: outcome.evidence };
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      outcome = { verdict: 'error', message: `the check crashed: ${message}` };
    }
    // when everything is refused, a refusal check's verdict proves nothing, but for a leak the
    // error body shows by itself; a crash stays an error
    const leak = outcome.verdict === 'fail' && check.failsOnLeak;
    // a throttle page judges the target's rate limit, not the issuer: never a pass or a fail
    if (outcome.verdict !== 'error') {
      outcome = (await throttled(check, ctx, outcome.evidence ?? [])) ?? (leak ? outcome : ((await baselineNotServed(check, ctx, outcome.evidence ?? [])) ?? outcome));
    }
  }
  const verdict = verdictUnder(ctx.config.policy, level, outcome.verdict);
  return {
    id: check.id,
    title: check.title,
    api: check.api,
    section: check.section,
    tags: check.tags ?? [],
    level,
    clause: { id: clause.id, document: clause.document, section: clause.section, text: clause.text },
    verdict,
    message: evidence.text(outcome.message + policyNote(ctx.config.policy, outcome.verdict, verdict)),
    expected: evidence.value(outcome.expected),
    actual: evidence.value(outcome.actual),
    evidence: (outcome.evidence ?? []).map((e) => evidence.exchange(e.raw)),
    durationMs: Date.now() - started,
  };
}

/**
 * The throttling gate: a check whose exchanges (or, for a refusal check, its API's baseline) met
 * a throttle answer that persisted after the client's one retry (core/client.ts ThrottleNote)
 * judged the target's rate limit; its verdict is inconclusive, naming the rate setting.
 */
async function throttled(
  check: Check,
  ctx: RunContext,
  evidence: SentExchange[],
): Promise<{ verdict: 'inconclusive'; message: string; expected: string; actual: string; evidence: SentExchange[] } | undefined> {
  const seen = [...evidence];
  if (check.judgesRefusal && (check.api === 'pulluri' || check.api === 'pulldoc')) seen.push(await ctx.baseline(check.api));
  const hit = seen.find((e) => e.raw.throttled);
  if (!hit) return undefined;
  if (await refusedAlone(check, ctx, hit)) return undefined;
  const note = hit.raw.throttled!;
  const cap = ctx.config.client.maxRequestsPerSecond;
  const rate = note.ratePerSecond === undefined ? '' : ` at ${formatRate(note.ratePerSecond)} requests/s`;
  const then = note.retried ? `and again on the one retry${rate}${note.waitedMs > 0 ? ` after the ${note.waitedMs} ms its Retry-After asked for` : ''}` : `and it was not retried: ${note.notRetried}`;
  return {
    verdict: 'inconclusive',
    message:
      `inconclusive: the target throttled (${note.answer} after ${note.servedBefore} answer${note.servedBefore === 1 ? '' : 's'} served in this run) ${then}; ` +
      `a verdict would judge the rate limit, not the issuer. Set client.maxRequestsPerSecond below the target's limit ` +
      `(${cap === undefined ? 'it is unset: no cap' : `it is ${cap}`}) and run again`,
    expected: "the issuer's answer, not its rate limit's",
    actual: note.answer,
    evidence: [hit, ...evidence.filter((e) => e !== hit)],
  };
}

/**
 * A firewall in front of an issuer may answer one request it dislikes (a DTD, a long value) with
 * the same HTML 403 page a rate limit sends. Without a Retry-After, a plain request sent right
 * after tells them apart: a rate limit refuses it too, a firewall refusing that request serves it,
 * and then the 403 is the refusal the check judges.
 */
async function refusedAlone(check: Check, ctx: RunContext, hit: SentExchange): Promise<boolean> {
  const response = hit.raw.response;
  if (!check.judgesRefusal || (check.api !== 'pulluri' && check.api !== 'pulldoc') || !response || response.status !== 403) return false;
  if (response.headers['retry-after'] !== undefined || hit === (await ctx.baseline(check.api))) return false;
  const plain = await ctx.send(check.api, 'a plain request right after an HTML 403: a rate limit refuses it too, a firewall refusing one request does not');
  return !plain.raw.throttled && served(plain);
}

function formatRate(perSecond: number): string {
  return perSecond >= 10 ? String(Math.round(perSecond)) : String(Math.round(perSecond * 10) / 10);
}

/**
 * The gate of the refusal checks: when the correctly signed baseline of the check's API was not
 * served, every request is refused alike (a wrong API key, a wrong URL path, a gateway in front),
 * so a refusal proves nothing and the check's verdict is inconclusive. The success check of that
 * API owns the baseline's failure; a baseline stopped by the circuit breaker or the time budget is
 * the runner's.
 */
async function baselineNotServed(
  check: Check,
  ctx: RunContext,
  evidence: SentExchange[],
): Promise<{ verdict: 'inconclusive'; message: string; expected: string; actual: string; evidence: SentExchange[] } | undefined> {
  if (check.judgesRefusal && check.api === 'apisetu') return apiSetuBaselineNotServed(ctx, evidence);
  if (!check.judgesRefusal || (check.api !== 'pulluri' && check.api !== 'pulldoc')) return undefined;
  const base = await ctx.baseline(check.api);
  const kind = base.raw.error?.kind;
  if (kind === 'circuit-open' || kind === 'budget' || served(base)) return undefined;
  return {
    verdict: 'inconclusive',
    message: `inconclusive: the correctly signed baseline request was not served either, so a refusal here proves nothing; see ${check.api}.success.status-1`,
    expected: 'the baseline request served (Status="1" with the document)',
    actual: describeResponse(base),
    evidence: [base, ...evidence.filter((e) => e !== base)],
  };
}

/** The refusal gate of profile apisetu: its baseline is the valid certificate request (HTTP 200). */
async function apiSetuBaselineNotServed(
  ctx: RunContext,
  evidence: SentExchange[],
): Promise<{ verdict: 'inconclusive'; message: string; expected: string; actual: string; evidence: SentExchange[] } | undefined> {
  const baseline = apiSetuBaseline(ctx);
  const base = await baseline.exchange;
  const kind = base.raw.error?.kind;
  if (kind === 'circuit-open' || kind === 'budget' || base.raw.response?.status === 200) return undefined;
  const r = base.raw.response;
  return {
    verdict: 'inconclusive',
    message: `inconclusive: the valid certificate request was not served either, so a refusal here proves nothing; see ${baseline.check}`,
    expected: 'the valid request served (HTTP 200 with the certificate)',
    actual: r ? `HTTP ${r.status}` : `no answer: ${base.raw.error?.message ?? 'none'}`,
    evidence: [base, ...evidence.filter((e) => e !== base)],
  };
}
