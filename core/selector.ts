/**
 * The selector language of --only / --skip and of waivers: a selector matches a check by its id or
 * any run of its dot-separated segments, its clause (either API's restatement), API, section or
 * tag; `*` globs. One definition, so a waiver selects exactly what `--only` with the same words runs.
 */
import { requirementOf } from '../protocol/clauses.js';

/** What a selector is matched against: a check's id, clause id, API, section and tags. */
export interface SelectorKeys {
  id: string;
  clauseId: string;
  api: string;
  section: string;
  tags: readonly string[];
}

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

export function matchesSelector(keys: SelectorKeys, selector: string): boolean {
  const m = matcher(selector.trim());
  // a clause id selects the requirement under both APIs: `keyhash` also selects the check citing `keyhash-pulldoc`
  return [keys.id, keys.clauseId, requirementOf(keys.clauseId), keys.api, keys.section, ...keys.tags].some(m);
}
