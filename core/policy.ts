/**
 * The verdict policy: how a finding's level becomes a verdict. The specs say MUST for some
 * requirements and SHOULD or "strongly recommended" for others (verifying the HMAC, for one);
 * an issuer is certified on the MUSTs, and a department that wants the SHOULDs enforced too
 * asks for `strict`.
 */
import type { Level, Verdict } from './types.js';

export const POLICIES = ['conformance', 'strict'] as const;
/** `conformance` (default): MUST and SECURITY block, SHOULD warns. `strict`: SHOULD blocks too. MAY never blocks. */
export type Policy = (typeof POLICIES)[number];

export const DEFAULT_POLICY: Policy = 'conformance';

/**
 * The verdict of a check's outcome at its level under the policy. A check may itself return a
 * warning for the SHOULD part of a MUST requirement (a PDF whose xref viewers repair): under
 * `strict` that blocks as well.
 */
export function verdictUnder(policy: Policy, level: Level, outcome: Verdict): Verdict {
  if (level === 'MAY') return outcome === 'fail' ? 'warn' : outcome;
  if (policy === 'strict') return outcome === 'warn' ? 'fail' : outcome;
  return outcome === 'fail' && level === 'SHOULD' ? 'warn' : outcome;
}

/** What a verdict the policy changed says about it, appended to the check's message. */
export function policyNote(policy: Policy, outcome: Verdict, verdict: Verdict): string {
  return policy === 'strict' && outcome === 'warn' && verdict === 'fail' ? ' (a warning under the conformance policy; blocking under policy strict)' : '';
}
