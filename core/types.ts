/** Shared shapes of the conformance runner: checks, verdicts, evidence, run results. */
import type { PullApi } from '../protocol/requests.js';
import type { Policy } from './policy.js';

export type { PullApi };

export type Level = 'MUST' | 'SHOULD' | 'MAY' | 'SECURITY';
/**
 * `inconclusive`: the check ran where its verdict could not mean anything (a refusal judged while
 * the correctly signed baseline was not served either); it counts like a failure for the exit code.
 */
export type Verdict = 'pass' | 'fail' | 'warn' | 'skip' | 'error' | 'inconclusive' | 'waived';
/** A DigiLocker-like push endpoint (target.pushCsv / target.pushUri / target.pushUriAccount, the partner form). */
export type PushApi = 'pushcsv' | 'pushuri' | 'pushuriacct';
/** Checks that join both sides: what the issuer pushed must be pullable (conformance/checks/consistency.ts). */
export type CrossApi = 'consistency';
/** A Requester's upload service, judged by `dlconform requester` (conformance/requester/). */
export type RequesterApi = 'requester';
/** API Setu's publisher form of the issuer's documents (profile apisetu, conformance/checks/apisetu.ts). */
export type ApiSetuApi = 'apisetu';
/** A partner page's Save to Locker or Requester widget, checked in a browser (`dlconform widget`). */
export type WidgetApi = 'widget';
export type Api = PullApi | PushApi | CrossApi | RequesterApi | ApiSetuApi | WidgetApi;

export interface ClauseRef {
  id: string;
  document: string;
  section: string;
  text: string;
}

/** One HTTP exchange, already redacted, kept as evidence. */
export interface Exchange {
  request: { method: string; url: string; headers: Record<string, string>; body: string };
  response?: { status: number; headers: Record<string, string>; body: string; truncated: boolean };
  error?: string;
  durationMs: number;
  /** A curl line reproducing the request, secrets replaced by shell variables / placeholders. */
  curl: string;
}

export interface CheckResult {
  id: string;
  title: string;
  api: Api;
  section: string;
  tags: string[];
  level: Level;
  clause: ClauseRef;
  verdict: Verdict;
  message: string;
  expected?: string;
  actual?: string;
  evidence: Exchange[];
  durationMs: number;
  /** the waiver that matched this check, and what it did: accepted the failure, expired, or is stale (the check passes now) */
  waiver?: WaiverState;
  /** set by the timing side-channel tests (dlconform timing): what was measured, for the reports to show as numbers */
  timing?: TimingMeasurement;
}

/** What one timing side-channel test measured, in microseconds (properties/timing/sidechannel.ts). */
export interface TimingMeasurement {
  /** pairs of requests measured */
  pairs: number;
  /** the estimated difference: the first class (near miss) minus the second (far miss) */
  differenceUs: number;
  /** the confidence interval of the difference, at `confidence` (1 − the per-test level) */
  ciUs: [number, number];
  confidence: number;
  p: number;
  /** the smallest difference this run would have detected with 80% power: smaller leaks are not ruled out */
  minimumDetectableUs: number;
}

/** A waiver as it applied to one check of a run. */
export interface WaiverState {
  /** the check id or selector the waiver was written with */
  selector: string;
  reason: string;
  owner: string;
  /** the last day the waiver holds, YYYY-MM-DD */
  expires: string;
  /** `active`: the failure is waived; `expired`: the failure blocks again; `stale`: the check passes now, the waiver can go */
  state: 'active' | 'expired' | 'stale';
}

/** How this run differs from a previous one (`--baseline PREVIOUS/result.json`): check ids in each group. */
export interface BaselineDiff {
  path: string;
  runId: string;
  newFailures: string[];
  fixed: string[];
  stillFailing: string[];
  newChecks: string[];
  removedChecks: string[];
}

export interface RunSummary {
  total: number;
  pass: number;
  fail: number;
  warn: number;
  skip: number;
  error: number;
  /** checks whose verdict would prove nothing in this run (a refusal while nothing was served): exit 1 */
  inconclusive: number;
  /** failures an active waiver accepts: not blocking */
  waived: number;
  /** fail verdicts: MUST and SECURITY failures, and under policy strict SHOULD failures and warnings too; these set exit code 1 */
  blocking: number;
}

/**
 * Why the correctly signed baseline request was refused, found by one triage
 * (conformance/diagnosis.ts) and shown before everything else: what the user should fix first.
 */
export interface Diagnosis {
  /** the API whose baseline was refused (Pull URI first) */
  api: PullApi;
  /**
   * `hmac-encoding`: served when signed with the other HMAC encoding; `credentials`: refused as
   * unauthenticated with both; `search-names`: Status 0 for a configured document; `url-path`:
   * HTTP 404/405; `html-page`: an HTML page came back; `not-served`: any other refusal
   */
  cause: 'hmac-encoding' | 'credentials' | 'search-names' | 'url-path' | 'html-page' | 'not-served';
  /** one paragraph for a person, redacted */
  summary: string;
  /** the config fields to look at, by their JSON path (`hmac`, `apiKeyEnv`, `target.pullUri`, …) */
  suspects: string[];
  /** the baseline and, when one was sent, its retry with the other HMAC encoding; redacted */
  evidence?: Exchange[];
}

export interface RunResult {
  schemaVersion: 3;
  tool: { name: 'dlconform'; version: string };
  /** set when the baseline request was refused: the first thing to read */
  diagnosis?: Diagnosis;
  runId: string;
  profile: string;
  /** how levels became verdicts: `conformance` (SHOULD warns) or `strict` (SHOULD blocks) */
  policy: Policy;
  target: { pullUri: string; pullDoc?: string; pushCsv?: string; pushUri?: string; pushUriAccount?: string; requester?: string; certificate?: string; widget?: string };
  startedAt: string;
  endedAt: string;
  seed: number;
  summary: RunSummary;
  /** set when the run stopped early: target unreachable, time budget exhausted */
  aborted?: { reason: string; exitCode: number };
  exitCode: number;
  /** set with `--baseline`: new failures, fixed, still failing, new and removed checks */
  baseline?: BaselineDiff;
  /** `new`: only failures absent from the baseline block (`--fail-on new`); `any` when unset */
  failOn?: 'any' | 'new';
  checks: CheckResult[];
}

/** Exit codes: the user contract of DESIGN.md. */
export const EXIT = {
  ok: 0,
  conformanceFailure: 1,
  usage: 2,
  unreachable: 3,
  nothingExecuted: 4,
  /** the reader closed the output early (`| head`): what a process killed by SIGPIPE returns, 128 + 13 */
  brokenPipe: 141,
} as const;
