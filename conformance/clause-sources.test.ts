/**
 * Every check cites a source that defines its API: SPEC-1.13 removed Pull Doc, so no Pull Doc
 * check cites it, in any profile; a Pull Doc clause keeps the level of the Pull URI requirement it restates.
 */
import { describe, expect, it } from 'vitest';
import { clause, clauseFor } from '../protocol/clauses.js';
import { PROFILES } from '../protocol/profiles.js';
import { clauseOf } from './check.js';
import { ALL_CHECKS } from './checks/index.js';

describe('clause sources', () => {
  it('no pulldoc check cites SPEC-1.13, in any profile', () => {
    const pullDoc = ALL_CHECKS.filter((c) => c.api === 'pulldoc');
    expect(pullDoc.length).toBeGreaterThan(30);
    const citing = pullDoc.flatMap((c) => Object.values(PROFILES).map((p) => clause(clauseOf(c, p)))).filter((c) => c.document === 'SPEC-1.13');
    expect(citing.map((c) => c.id)).toEqual([]);
  });

  it('a Pull Doc clause has the level of the requirement it restates; Pull URI keeps its own', () => {
    for (const id of ['keyhash', 'hmac', 'orgid', 'echo-ts', 'not-found', 'doccontent-pdf'] as const) {
      const pullDoc = clause(clauseFor('pulldoc', id));
      expect(pullDoc.id).toBe(`${id}-pulldoc`);
      expect(pullDoc.level).toBe(clause(id).level);
      expect(clauseFor('pulluri', id)).toBe(id);
    }
    expect(clauseFor('pulldoc', 'namespace-forms')).toBe('namespace-forms');
  });
});
