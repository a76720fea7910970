/** Shared shapes of the conformance runner: checks, verdicts, evidence, run results. */
import type { PullApi } from '../protocol/requests.js';
import type { Policy } from './policy.js';

export type { PullApi };

export type Level = 'MUST' | 'SHOULD' | 'MAY' | 'SECURITY';
/**
 * `inconclusive`: the check ran where its verdict could not mean anything (a refusal judged while
 * the correctly signed baseline was not served either); it counts like a failure for the exit code.
 */
export type Verdict = 'pass' | 'fail' | 'warn' | 'skip' | 'error' | 'inconclusive';
/** A DigiLocker-like push endpoint the issuer uploads to (target.pushCsv / target.pushUri). */
export type PushApi = 'pushcsv' | 'pushuri';
/** Checks that join both sides: what the issuer pushed must be pullable (conformance/checks/consistency.ts). */
export type CrossApi = 'consistency';
export type Api = PullApi | PushApi | CrossApi;

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
  /** fail verdicts: MUST and SECURITY failures, and under policy strict SHOULD failures and warnings too; these set exit code 1 */
  blocking: number;
}

export interface RunResult {
  schemaVersion: 3;
  tool: { name: 'dlconform'; version: string };
  runId: string;
  profile: string;
  /** how levels became verdicts: `conformance` (SHOULD warns) or `strict` (SHOULD blocks) */
  policy: Policy;
  target: { pullUri: string; pullDoc?: string; pushCsv?: string; pushUri?: string };
  startedAt: string;
  endedAt: string;
  seed: number;
  summary: RunSummary;
  /** set when the run stopped early: target unreachable, time budget exhausted */
  aborted?: { reason: string; exitCode: number };
  exitCode: number;
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
