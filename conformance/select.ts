/** --only / --skip: a selector matches a check by id or any run of its dot-separated segments, clause, API, section or tag; `*` globs. */
import type { Check } from './check.js';
import { clauseOf } from './check.js';
import { requirementOf } from '../protocol/clauses.js';
import type { Profile } from '../protocol/profiles.js';

function matcher(selector: string): (value: string) => boolean {
  if (selector.includes('*')) {
    const re = new RegExp(
      `^${selector
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    return (v) => re.test(v);
  }
  // segment-aligned: "auth" and "content.format-pdf" match inside "pulluri.auth.…", "pulldoc.content.format-pdf"
  return (v) => `.${v}.`.includes(`.${selector}.`);
}

function matches(check: Check<string>, profile: Profile, selector: string): boolean {
  const m = matcher(selector.trim());
  const clauseId = clauseOf(check, profile);
  // a clause id selects the requirement under both APIs: `keyhash` also selects the check citing `keyhash-pulldoc`
  const keys = [check.id, clauseId, requirementOf(clauseId), check.api, check.section, ...(check.tags ?? [])];
  return keys.some(m);
}

export function selectChecks<C extends Check<string>>(checks: readonly C[], profile: Profile, only: string[], skipList: string[]): C[] {
  return checks.filter((c) => (only.length === 0 || only.some((s) => matches(c, profile, s))) && !skipList.some((s) => matches(c, profile, s)));
}
