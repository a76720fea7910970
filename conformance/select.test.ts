import { describe, expect, it } from 'vitest';
import { PROFILES } from '../protocol/profiles.js';
import { ALL_CHECKS } from './checks/index.js';
import { selectChecks } from './select.js';

const ids = (only: string[], skip: string[] = []) => selectChecks(ALL_CHECKS, PROFILES['3.0'], only, skip).map((c) => c.id);

describe('--only / --skip selectors', () => {
  it('nothing selected means everything', () => {
    expect(ids([])).toHaveLength(ALL_CHECKS.length);
  });
  it('by exact id', () => {
    expect(ids(['pulluri.echo.ts'])).toEqual(['pulluri.echo.ts']);
  });
  it('by API, section, or a run of id segments', () => {
    expect(ids(['pulldoc']).every((id) => id.startsWith('pulldoc.'))).toBe(true);
    expect(ids(['auth'])).toContain('pulldoc.auth.wrong-hmac');
    expect(ids(['content.format-pdf'])).toEqual(['pulluri.content.format-pdf', 'pulldoc.content.format-pdf']);
    expect(ids(['pulluri.auth'])).toHaveLength(8);
  });
  it('by clause id and by tag', () => {
    expect(ids(['echo-ts'])).toEqual(['pulluri.echo.ts', 'pulldoc.echo.ts']);
    expect(ids(['echo-ts-pulldoc'])).toEqual(['pulldoc.echo.ts']);
    expect(ids(['security']).length).toBeGreaterThan(8);
  });
  it('globs', () => {
    expect(ids(['pulluri.*.format-*'])).toEqual(['pulluri.content.format-pdf', 'pulluri.content.format-xml', 'pulluri.content.format-both', 'pulluri.content.format-absent']);
  });
  it('skip wins over only; a partial word does not match', () => {
    expect(ids(['pulluri.echo'], ['echo-txn'])).toEqual(['pulluri.echo.ts', 'pulluri.echo.status-text']);
    expect(ids(['ech'])).toEqual([]);
  });
});
