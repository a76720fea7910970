import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../protocol/profiles.js';
import { catalogueDigest } from './catalogue.js';
import { ALL_CHECKS } from './checks/index.js';

describe('catalogueDigest', () => {
  it('counts every check and is the same on every call', () => {
    const a = catalogueDigest();
    expect(a.checks).toBe(ALL_CHECKS.length);
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(catalogueDigest()).toEqual(a);
  });

  it('changes when a check changes level, however small the change', () => {
    const before = catalogueDigest().sha256;
    const check = ALL_CHECKS[0]!;
    const level = check.level;
    try {
      (check as { level?: string }).level = level === 'MAY' ? 'MUST' : 'MAY';
      expect(catalogueDigest().sha256).not.toBe(before);
    } finally {
      (check as { level?: string }).level = level;
    }
    expect(catalogueDigest().sha256).toBe(before);
    // not a hash of nothing: the profiles and checks are in it
    expect(before).not.toBe(createHash('sha256').update('[]').digest('hex'));
    expect(Object.keys(PROFILES).length).toBeGreaterThan(1);
  });
});
