/**
 * The runner: selects checks, probes the target once, runs checks with bounded concurrency,
 * turns outcomes into verdicts with redacted evidence, and decides the exit code (DESIGN.md).
 */
import { clause as clauseById } from '../protocol/clauses.js';
import { PROFILES } from '../protocol/profiles.js';
import { seededRandom } from '../protocol/time.js';
import { clauseOf, levelOf, type Check, type Outcome } from './check.js';
import { ALL_CHECKS } from './checks/index.js';
import { bodyExcerpt, TargetClient, type RawExchange } from '../core/client.js';
import type { Config } from '../core/config/index.js';
import { RunContext, type SentExchange } from './context.js';
import { curlLine } from '../core/curl.js';
import type { Redactor } from '../core/redact.js';
import { selectChecks } from './select.js';
import { EXIT, type CheckResult, type Exchange, type RunResult, type RunSummary } from '../core/types.js';

export { TOOL_VERSION } from '../core/version.js';
import { TOOL_VERSION } from '../core/version.js';

export interface RunOptions {
  config: Config;
  apiKey: string;
  redactor: Redactor;
  only?: string[];
  skip?: string[];
  seed?: number;
  runId?: string;
  /** called as each check completes, in completion order */
  onResult?: (result: CheckResult) => void;
  /** the check list; tests pass a subset */
  checks?: readonly Check[];
}

const EXCERPT = 4000;
/** expected/actual come from the target: a hostile one must not bloat the reports */
const VALUE_LIMIT = 500;
const bounded = (text: string) => (text.length > VALUE_LIMIT ? `${text.slice(0, VALUE_LIMIT)}… (${text.length} characters)` : text);

/** A redacted record of one exchange, with a curl line that reproduces it. */
export function toEvidence(r: RawExchange, redactor: Redactor, config: Config, apiKey: string): Exchange {
  const body = typeof r.request.body === 'string' ? r.request.body : Buffer.from(r.request.body).toString('utf8');
  const request = { method: r.request.method, url: r.request.url, headers: redactor.redactHeaders(r.request.headers), body: redactor.redact(body) };
  const excerpt = r.response && bodyExcerpt(r.response, EXCERPT);
  const response = r.response && {
    status: r.response.status,
    headers: redactor.redactHeaders(r.response.headers),
    body: redactor.redact(excerpt!.text),
    truncated: r.response.truncated || excerpt!.truncated,
  };
  return {
    request,
    response,
    error: r.error?.message,
    durationMs: r.durationMs,
    curl: curlLine(
      { method: r.request.method, url: r.request.url, headers: r.request.headers, body },
      { redactor, apiKey, apiKeyEnv: config.apiKeyEnv, timeoutMs: config.client.timeoutMs },
    ),
  };
}

/** The RunResult every command writes (run, fuzz, timing): summary and exit code from the checks. */
export function runResult(fields: {
  runId: string;
  profile: string;
  target: RunResult['target'];
  startedAt: Date;
  endedAt?: Date;
  seed: number;
  aborted?: RunResult['aborted'];
  checks: CheckResult[];
}): RunResult {
  const summary = summarize(fields.checks);
  return {
    schemaVersion: 1,
    tool: { name: 'dlconform', version: TOOL_VERSION },
    runId: fields.runId,
    profile: fields.profile,
    target: fields.target,
    startedAt: fields.startedAt.toISOString(),
    endedAt: (fields.endedAt ?? new Date()).toISOString(),
    seed: fields.seed,
    summary,
    aborted: fields.aborted,
    exitCode: exitCodeFor(summary, fields.aborted),
    checks: fields.checks,
  };
}

/** Counts by verdict; `blocking` = fail at MUST or SECURITY level (what sets exit 1). */
export function summarize(checks: readonly CheckResult[]): RunSummary {
  const s: RunSummary = { total: checks.length, pass: 0, fail: 0, warn: 0, skip: 0, error: 0, blocking: 0 };
  for (const c of checks) {
    s[c.verdict]++;
    if (c.verdict === 'fail' && (c.level === 'MUST' || c.level === 'SECURITY')) s.blocking++;
  }
  return s;
}

export function exitCodeFor(summary: RunSummary, aborted?: { exitCode: number }): number {
  if (aborted) return aborted.exitCode;
  if (summary.pass + summary.fail + summary.warn === 0) return EXIT.nothingExecuted;
  if (summary.blocking > 0 || summary.error > 0) return EXIT.conformanceFailure;
  return EXIT.ok;
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
  const available = (c: Check) =>
    c.api === 'pulluri' ||
    (c.api === 'pulldoc' && pullDocAvailable) ||
    (c.api === 'pushcsv' && !!config.target.pushCsv) ||
    (c.api === 'pushuri' && !!config.target.pushUri) ||
    (c.api === 'consistency' && !!config.pushed);
  const candidates = (options.checks ?? ALL_CHECKS).filter(available);
  const selected = selectChecks(candidates, profile, options.only ?? [], options.skip ?? []);
  const client = new TargetClient({
    timeoutMs: config.client.timeoutMs,
    concurrency: config.client.concurrency,
    maxResponseBytes: config.client.maxResponseBytes,
    maxRequestsPerSecond: config.client.maxRequestsPerSecond,
    deadline: startedAt.getTime() + config.client.timeBudgetMs,
  });
  const ctx = new RunContext(config, profile, apiKey, client, seededRandom(seed), (value, label) => redactor.addSecret(value, label));
  const results: CheckResult[] = [];
  let aborted: RunResult['aborted'];

  try {
    if (selected.length > 0) {
      // One probe before the suite: a target that does not answer at all ends the run at once.
      // Pull checks selected: the Pull URI baseline. Only push checks selected (e.g. --only push):
      // a GET on the push endpoint, which sends no upload (any HTTP answer, even 405, is reachable).
      const pullSelected = selected.some((c) => c.api === 'pulluri' || c.api === 'pulldoc');
      const pushUrl = selected.some((c) => c.api === 'pushcsv') ? config.target.pushCsv : config.target.pushUri;
      const probeUrl = pullSelected || !pushUrl ? config.target.pullUri : pushUrl;
      const raw = pullSelected || !pushUrl ? (await ctx.baseline('pulluri')).raw : await client.send({ method: 'GET', url: pushUrl, headers: {}, body: '' });
      if (raw.error && raw.error.kind !== 'other') {
        const what = raw.error.phase === 'body' ? 'does not complete a response' : 'is unreachable';
        client.open(`target ${what}: ${raw.error.message}`);
        aborted = { reason: `${probeUrl} ${what}: ${raw.error.message}`, exitCode: EXIT.unreachable };
      }
    }
    if (!aborted) {
      const queue = [...selected];
      const worker = async () => {
        for (let check = queue.shift(); check; check = queue.shift()) {
          const result = await runOne(check, ctx, (e) => toEvidence(e, redactor, config, apiKey), redactor, startedAt.getTime() + config.client.timeBudgetMs);
          results.push(result);
          options.onResult?.(result);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, config.client.concurrency) }, worker));
      if (client.circuitOpen) aborted = { reason: `the target stopped answering: ${client.circuitOpen}`, exitCode: EXIT.unreachable };
    }
  } finally {
    await client.close();
  }

  const order = new Map(selected.map((c, i) => [c.id, i]));
  results.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const result = runResult({
    runId: options.runId ?? startedAt.toISOString().replace(/[:.]/g, '-'),
    profile: profile.id,
    target: {
      pullUri: config.target.pullUri,
      pullDoc: pullDocAvailable ? config.target.pullDoc : undefined,
      ...(config.target.pushCsv !== undefined && { pushCsv: config.target.pushCsv }),
      ...(config.target.pushUri !== undefined && { pushUri: config.target.pushUri }),
    },
    startedAt,
    seed,
    aborted,
    checks: results,
  });
  return { result, transcript: client.exchanges.map((e) => toEvidence(e, redactor, config, apiKey)) };
}

export async function runOne(check: Check, ctx: RunContext, evidence: (e: RawExchange) => Exchange, redactor: Redactor, deadline: number): Promise<CheckResult> {
  const started = Date.now();
  const clause = clauseById(clauseOf(check, ctx.profile));
  const level = levelOf(check, clause);
  let outcome: Outcome | { verdict: 'error'; message: string; evidence?: SentExchange[]; expected?: string; actual?: string };
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
  }
  const verdict = outcome.verdict === 'fail' && (level === 'SHOULD' || level === 'MAY') ? 'warn' : outcome.verdict;
  return {
    id: check.id,
    title: check.title,
    api: check.api,
    section: check.section,
    tags: check.tags ?? [],
    level,
    clause: { id: clause.id, document: clause.document, section: clause.section, text: clause.text },
    verdict,
    message: redactor.redact(outcome.message),
    expected: outcome.expected === undefined ? undefined : redactor.redact(bounded(outcome.expected)),
    actual: outcome.actual === undefined ? undefined : redactor.redact(bounded(outcome.actual)),
    evidence: (outcome.evidence ?? []).map((e) => evidence(e.raw)),
    durationMs: Date.now() - started,
  };
}
