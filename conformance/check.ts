/**
 * What a check is: an id, the clause it enforces, and a short body that returns an outcome.
 * Checks never throw on purpose; a throw becomes an `error` verdict in the runner.
 */
import type { Clause, ClauseId } from '../protocol/clauses.js';
import type { Profile } from '../protocol/profiles.js';
import type { RunContext, SentExchange } from './context.js';
import type { Config } from '../core/config/index.js';
import type { Api, Level } from '../core/types.js';

export interface Outcome {
  verdict: 'pass' | 'fail' | 'warn' | 'skip';
  message: string;
  expected?: string;
  actual?: string;
  evidence?: SentExchange[];
}

/** A check; `Id` is the registry its clause ids come from (protocol/clauses.ts unless said otherwise). */
export interface Check<Id extends string = ClauseId> {
  id: string;
  api: Api;
  /** spec section group: transport, echo, auth, success, content, negative, robustness, security */
  section: string;
  title: string;
  tags?: string[];
  /** the clause enforced; a function when it depends on the profile */
  clause: Id | ((profile: Profile) => Id);
  /** overrides the clause level (rarely needed) */
  level?: Level;
  /** the level in a run whose config raises it (expect.signed makes signature presence a MUST); undefined: `level` */
  levelIn?(config: Config): Level | undefined;
  /**
   * The check judges how a request that must not be served is refused (auth, not found, probes,
   * the variants robustness compares with the plain request). A refusal proves something only
   * where the correctly signed baseline request of the same API is served in the same run; the
   * runner makes the verdict `inconclusive` otherwise.
   */
  judgesRefusal?: boolean;
  /**
   * A refusal check whose failure is a leak in the error body itself (a stack trace, an echoed
   * secret): that defect is shown whatever the baseline, so its failure stands where its pass
   * would be inconclusive.
   */
  failsOnLeak?: boolean;
  /** returns a reason when the check does not apply to this profile/config */
  notApplicable?(ctx: RunContext): string | undefined;
  run(ctx: RunContext): Promise<Outcome>;
}

export const pass = (message: string, evidence: SentExchange[] = []): Outcome => ({ verdict: 'pass', message, evidence });
export const skip = (message: string, evidence: SentExchange[] = []): Outcome => ({ verdict: 'skip', message, evidence });
export const fail = (message: string, detail: { expected?: string; actual?: string } = {}, evidence: SentExchange[] = []): Outcome => ({
  verdict: 'fail',
  message,
  ...detail,
  evidence,
});
export const warn = (message: string, detail: { expected?: string; actual?: string } = {}, evidence: SentExchange[] = []): Outcome => ({
  verdict: 'warn',
  message,
  ...detail,
  evidence,
});

export function clauseOf<Id extends string>(check: Check<Id>, profile: Profile): Id {
  return typeof check.clause === 'function' ? check.clause(profile) : check.clause;
}

/** The effective level: a SHOULD/MAY clause turns failures into warnings. Without a config: the level by default. */
export function levelOf(check: Check, clause: Clause, config?: Config): Level {
  return (config && check.levelIn?.(config)) ?? check.level ?? clause.level;
}
