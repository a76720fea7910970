/**
 * Waivers applied to a run's verdicts, after the policy made them (core/policy.ts): a `fail`
 * that an active waiver covers becomes `waived` (not blocking); one whose waiver expired stays
 * `fail` and says so; a waiver whose checks all pass now is stale, marked on those checks so it
 * can be removed (the ratchet). What can be waived is a failure the target was judged on: an
 * `error` or `inconclusive` check reached no verdict, so no waiver hides it, and a warning does
 * not block, so there is nothing to waive. A SECURITY failure is waived only by a waiver that
 * names its check exactly (`check:`): a selector written for a group of checks must not hide one.
 * The clock is a parameter: a waiver holds through its `expires` day in UTC.
 */
import type { Waiver } from './config/waivers.js';
import { closest } from './config/schema-errors.js';
import { matchesSelector } from './selector.js';
import type { CheckResult, WaiverState } from './types.js';

/** A waiver and its place in the file (0-based), for messages that point at it. */
interface Numbered {
  waiver: Waiver;
  index: number;
}

export interface WaiversApplied {
  checks: CheckResult[];
  /** waivers that match no check of the run: a typo in an id or a selector, or checks not selected */
  unmatched: Array<{ index: number; waiver: Waiver; suggestion?: string }>;
}

/** `today` in UTC as YYYY-MM-DD: a waiver with `expires` on or after it holds. */
function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function applyWaivers(checks: readonly CheckResult[], waivers: readonly Waiver[], now: Date): WaiversApplied {
  const today = utcDay(now);
  const numbered = waivers.map((waiver, index) => ({ waiver, index }));
  const matching = checks.map((c) => numbered.filter((n) => covers(n.waiver, c)));
  // a waiver is in use when a failure it may waive exists; otherwise, if a check it covers passes, it is stale
  const inUse = new Set<number>();
  checks.forEach((c, i) => {
    if (c.verdict === 'fail') for (const n of matching[i]!) if (mayWaive(n.waiver, c)) inUse.add(n.index);
  });
  const out = checks.map((c, i) => judged(c, matching[i]!, inUse, today));
  const matched = new Set(matching.flatMap((m) => m.map((n) => n.index)));
  const unmatched = numbered
    .filter((n) => !matched.has(n.index))
    .map((n) => {
      const suggestion =
        n.waiver.check === undefined
          ? undefined
          : closest(
              n.waiver.check,
              checks.map((c) => c.id),
            );
      return { ...n, ...(suggestion && { suggestion }) };
    });
  return { checks: out, unmatched };
}

function judged(c: CheckResult, matching: readonly Numbered[], inUse: ReadonlySet<number>, today: string): CheckResult {
  if (matching.length === 0) return c;
  switch (c.verdict) {
    case 'fail': {
      const eligible = matching.filter((n) => mayWaive(n.waiver, c));
      if (eligible.length === 0) {
        const n = matching[0]!;
        return {
          ...c,
          message: `${c.message} (the waiver by ${n.waiver.owner}, selector "${n.waiver.selector}", does not waive a SECURITY-level failure: a waiver names it exactly, with check: ${c.id})`,
        };
      }
      // an active waiver first; among expired ones, the one that held longest says when the failure came back
      const active = eligible.find((n) => n.waiver.expires >= today);
      if (active)
        return {
          ...c,
          verdict: 'waived',
          message: `${c.message} (waived through ${active.waiver.expires} by ${active.waiver.owner}: ${active.waiver.reason})`,
          waiver: state(active.waiver, 'active'),
        };
      const expired = eligible.reduce((a, b) => (b.waiver.expires > a.waiver.expires ? b : a));
      return {
        ...c,
        message: `${c.message} (the waiver by ${expired.waiver.owner} expired on ${expired.waiver.expires}: fix the failure, or renew the waiver with a new expiry date)`,
        waiver: state(expired.waiver, 'expired'),
      };
    }
    case 'pass': {
      const stale = matching.find((n) => !inUse.has(n.index));
      return stale ? { ...c, waiver: state(stale.waiver, 'stale') } : c;
    }
    case 'error':
    case 'inconclusive':
      return { ...c, message: `${c.message} (not waived: an ${c.verdict} verdict is no judgement of the target, so the waiver by ${matching[0]!.waiver.owner} does not apply)` };
    default:
      return c;
  }
}

function state(w: Waiver, s: WaiverState['state']): WaiverState {
  return { selector: w.check ?? w.selector!, reason: w.reason, owner: w.owner, expires: w.expires, state: s };
}

function covers(w: Waiver, c: CheckResult): boolean {
  if (w.check !== undefined) return w.check === c.id;
  return matchesSelector({ id: c.id, clauseId: c.clause.id, api: c.api, section: c.section, tags: c.tags }, w.selector!);
}

/** Whether the waiver may waive this check's failure: a SECURITY failure only by its exact id. */
function mayWaive(w: Waiver, c: CheckResult): boolean {
  return c.level !== 'SECURITY' || w.check === c.id;
}
