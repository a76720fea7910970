import { describe, expect, it } from 'vitest';
import { policyNote, verdictUnder } from './policy.js';

describe('verdictUnder', () => {
  it('conformance: MUST and SECURITY failures block, SHOULD failures warn, MAY never blocks', () => {
    expect(verdictUnder('conformance', 'MUST', 'fail')).toBe('fail');
    expect(verdictUnder('conformance', 'SECURITY', 'fail')).toBe('fail');
    expect(verdictUnder('conformance', 'SHOULD', 'fail')).toBe('warn');
    expect(verdictUnder('conformance', 'MAY', 'fail')).toBe('warn');
    expect(verdictUnder('conformance', 'MUST', 'warn')).toBe('warn');
  });
  it('strict: SHOULD failures and every warning block; MAY still only warns', () => {
    expect(verdictUnder('strict', 'SHOULD', 'fail')).toBe('fail');
    expect(verdictUnder('strict', 'MUST', 'warn')).toBe('fail');
    expect(verdictUnder('strict', 'SHOULD', 'warn')).toBe('fail');
    expect(verdictUnder('strict', 'MAY', 'fail')).toBe('warn');
    expect(verdictUnder('strict', 'MAY', 'warn')).toBe('warn');
  });
  it('other verdicts are never changed', () => {
    for (const policy of ['conformance', 'strict'] as const) {
      for (const v of ['pass', 'skip', 'error', 'inconclusive'] as const) expect(verdictUnder(policy, 'SHOULD', v)).toBe(v);
    }
  });
  it('a warning made blocking says so; nothing else gets a note', () => {
    expect(policyNote('strict', 'warn', 'fail')).toContain('blocking under policy strict');
    expect(policyNote('strict', 'fail', 'fail')).toBe('');
    expect(policyNote('conformance', 'fail', 'warn')).toBe('');
  });
});
