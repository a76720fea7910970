/**
 * A requester run: opens the document server for the run, sends the valid share first (a service
 * that does not answer it ends the run, exit 3), runs the requester checks one after another
 * (the service stores per user, so nothing is sent in parallel), makes each outcome a verdict
 * under the policy with its evidence redacted where it is recorded (core/evidence.ts), and closes
 * everything it opened. The RunResult is the suite's, so every report writer and exit code applies.
 */
import { clause as clauseById } from '../../protocol/clauses.js';
import { ANSWER_LIMIT_BYTES, DEFAULT_MAX_DOCUMENT_BYTES } from '../../protocol/requester.js';
import { TargetClient } from '../../core/client.js';
import { Evidence } from '../../core/evidence.js';
import { policyNote, verdictUnder, type Policy } from '../../core/policy.js';
import { Redactor } from '../../core/redact.js';
import { runResult } from '../../core/run-result.js';
import { matchesSelector } from '../../core/selector.js';
import { EXIT, type CheckResult, type Exchange, type RunResult } from '../../core/types.js';
import { REQUESTER_CHECKS, describeShare, type RequesterCheck, type RequesterOutcome } from './checks.js';
import { RequesterContext } from './context.js';
import { deadDocumentUrl, DocumentServer } from './documents.js';

export interface RequesterRunOptions {
  /** per request: connect, answer and body (default 10 s); a service that hangs is cut off here */
  timeoutMs?: number;
  /** the whole run (default 120 s) */
  timeBudgetMs?: number;
  /** the size limit a stored document is judged by; the oversized doc_url serves 1 MiB more (default 10 MiB) */
  maxDocumentBytes?: number;
  /** the address the document server listens on and doc_url names (default 127.0.0.1) */
  documentHost?: string;
  policy?: Policy;
  runId?: string;
  /** the run's redactor (a new one by default) */
  redactor?: Redactor;
  /** called as each check completes */
  onResult?: (result: CheckResult) => void;
  /** the checks; tests pass a subset */
  checks?: readonly RequesterCheck[];
}

export interface RequesterRun {
  result: RunResult;
  /** every exchange with the upload service, in order, redacted */
  transcript: Exchange[];
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** --only / --skip over the requester checks, in the selector language of every other check (core/selector.ts). */
export function selectRequesterChecks(only: readonly string[], skipList: readonly string[]): RequesterCheck[] {
  const matches = (c: RequesterCheck, selector: string) => matchesSelector({ id: c.id, clauseId: c.clause, api: 'requester', section: c.section, tags: [] }, selector);
  return REQUESTER_CHECKS.filter((c) => (only.length === 0 || only.some((s) => matches(c, s))) && !skipList.some((s) => matches(c, s)));
}
const DEFAULT_BUDGET_MS = 120_000;

/**
 * Judges the upload service at `uploadUrl` (the data-upload-url of a page that embeds the
 * DigiLocker Requestor widget). Throws when `uploadUrl` is not an http(s) URL.
 */
export async function runRequesterChecks(uploadUrl: string, options: RequesterRunOptions = {}): Promise<RequesterRun> {
  let url: URL;
  try {
    url = new URL(uploadUrl);
  } catch {
    throw new Error(`the upload URL ${JSON.stringify(uploadUrl)} is not a URL; give the service's full address, e.g. https://clientapp.gov.in/upload`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`the upload URL must be https: (or http: on loopback), got ${url.protocol}`);
  const policy = options.policy ?? 'conformance';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeBudgetMs = options.timeBudgetMs ?? DEFAULT_BUDGET_MS;
  const maxDocumentBytes = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  const redactor = options.redactor ?? new Redactor();
  const startedAt = new Date();
  const clientSettings = { timeoutMs, concurrency: 1, timeBudgetMs, maxResponseBytes: ANSWER_LIMIT_BYTES };
  // every request is bounded by timeoutMs and a run sends about 8: a service that hangs on each bad
  // doc_url is judged on each, not cut off by the circuit breaker as unreachable
  const client = new TargetClient({ ...clientSettings, deadline: startedAt.getTime() + timeBudgetMs, retryThrottled: false, breakerThreshold: Number.MAX_SAFE_INTEGER });
  const evidence = new Evidence(redactor, { apiKeyEnv: 'DLCONFORM_API_KEY', client: clientSettings }, '');
  const documents = await DocumentServer.open({ maxDocumentBytes, ...(options.documentHost !== undefined && { host: options.documentHost }) });
  const checks = options.checks ?? REQUESTER_CHECKS;
  const results: CheckResult[] = [];
  let aborted: RunResult['aborted'];
  try {
    const ctx = new RequesterContext(uploadUrl, client, documents, await deadDocumentUrl(options.documentHost));
    if (checks.length > 0) {
      // the valid share is the probe: a service that gives no HTTP answer to it ends the run
      const valid = await ctx.valid();
      if (valid.raw.error && valid.raw.error.kind !== 'other') {
        aborted = { reason: `${uploadUrl} is unreachable: ${describeShare(valid)}`, exitCode: EXIT.unreachable };
      }
    }
    if (!aborted) {
      for (const check of checks) {
        const result = await runRequesterCheck(check, ctx, startedAt.getTime() + timeBudgetMs);
        const recorded = record(check, result, policy, evidence);
        results.push(recorded);
        options.onResult?.(recorded);
      }
    }
  } finally {
    await client.close();
    await documents.close();
  }
  const result = runResult({
    runId: options.runId ?? startedAt.toISOString().replace(/[:.]/g, '-'),
    profile: 'requester',
    policy,
    target: evidence.deep({ pullUri: '', requester: uploadUrl }),
    startedAt,
    seed: 0,
    aborted,
    checks: results,
  });
  return { result, transcript: client.exchanges.map((e) => evidence.exchange(e)) };
}

type Judged = RequesterOutcome | { verdict: 'error' | 'inconclusive'; message: string; expected?: string; actual?: string; evidence?: RequesterOutcome['evidence'] };

/** Runs one check: a throw is an error verdict; a refusal judged while the valid share was refused proves nothing. */
async function runRequesterCheck(check: RequesterCheck, ctx: RequesterContext, deadline: number): Promise<Judged & { durationMs: number }> {
  const started = Date.now();
  let outcome: Judged;
  if (Date.now() >= deadline) outcome = { verdict: 'error', message: 'not run: the time budget is exhausted' };
  else {
    try {
      outcome = await check.run(ctx);
      const stopped = outcome.evidence?.find((e) => e.error?.kind === 'budget' || e.error?.kind === 'circuit-open');
      if (stopped) outcome = { verdict: 'error', message: `not completed: ${stopped.error!.message}`, evidence: outcome.evidence };
    } catch (err) {
      outcome = { verdict: 'error', message: `the check crashed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}` };
    }
    if (outcome.verdict !== 'error' && check.judgesRefusal) {
      const valid = await ctx.valid();
      const served = !valid.raw.error && valid.raw.response!.status < 500 && valid.answer === 'SUCCESS';
      if (!served) {
        outcome = {
          verdict: 'inconclusive',
          message: 'inconclusive: the valid share was not answered SUCCESS either, so a refusal here proves nothing; see requester.share.stored',
          expected: 'the valid share answered SUCCESS',
          actual: describeShare(valid),
          evidence: [valid.raw, ...(outcome.evidence ?? []).filter((e) => e !== valid.raw)],
        };
      }
    }
  }
  return { ...outcome, durationMs: Date.now() - started };
}

function record(check: RequesterCheck, outcome: Judged & { durationMs: number }, policy: Policy, evidence: Evidence): CheckResult {
  const clause = clauseById(check.clause);
  const verdict = verdictUnder(policy, clause.level, outcome.verdict);
  return {
    id: check.id,
    title: check.title,
    api: 'requester',
    section: check.section,
    tags: [],
    level: clause.level,
    clause: { id: clause.id, document: clause.document, section: clause.section, text: clause.text },
    verdict,
    message: evidence.text(outcome.message + policyNote(policy, outcome.verdict, verdict)),
    expected: evidence.value(outcome.expected),
    actual: evidence.value(outcome.actual),
    evidence: (outcome.evidence ?? []).map((e) => evidence.exchange(e)),
    durationMs: outcome.durationMs,
  };
}
