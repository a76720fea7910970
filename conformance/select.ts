/** --only / --skip: the selector language is core/selector.ts's, matched against a check and the clause it cites in the profile. */
import type { Check } from './check.js';
import { clauseOf } from './check.js';
import { matchesSelector } from '../core/selector.js';
import type { Profile } from '../protocol/profiles.js';

function matches(check: Check<string>, profile: Profile, selector: string): boolean {
  return matchesSelector({ id: check.id, clauseId: clauseOf(check, profile), api: check.api, section: check.section, tags: check.tags ?? [] }, selector);
}

export function selectChecks<C extends Check<string>>(checks: readonly C[], profile: Profile, only: string[], skipList: string[]): C[] {
  return checks.filter((c) => (only.length === 0 || only.some((s) => matches(c, profile, s))) && !skipList.some((s) => matches(c, profile, s)));
}
