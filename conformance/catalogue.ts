/**
 * The fingerprint of the check catalogue: which checks exist, at which level, enforcing which
 * clause text. Two runs with the same fingerprint judged by the same rules, whatever the tool
 * version says; the evidence bundle records it.
 */
import { createHash } from 'node:crypto';
import { clause as clauseById } from '../protocol/clauses.js';
import { PROFILES, type ProfileId } from '../protocol/profiles.js';
import { clauseOf, levelOf } from './check.js';
import { ALL_CHECKS } from './checks/index.js';

/** SHA-256 of the canonical JSON of every check, per profile (a check's clause may depend on it): id, api, level, clause id and text. */
export function catalogueDigest(): { checks: number; sha256: string } {
  const entries: unknown[] = [];
  for (const profileId of (Object.keys(PROFILES) as ProfileId[]).sort()) {
    for (const check of [...ALL_CHECKS].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      const clause = clauseById(clauseOf(check, PROFILES[profileId]));
      entries.push({ profile: profileId, id: check.id, api: check.api, level: levelOf(check, clause), clause: { id: clause.id, text: clause.text } });
    }
  }
  return { checks: ALL_CHECKS.length, sha256: createHash('sha256').update(canonicalJson(entries)).digest('hex') };
}

/** JSON with object keys sorted at every depth: the same data always gives the same bytes. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
