import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './types.js';
import { loadWaivers, parseWaivers } from './waivers.js';

const problem = (text: string): string => {
  try {
    parseWaivers(text, 'waivers.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('no error');
};

const GOOD = `$schema: ./node_modules/dlconform/core/config/waivers.schema.json
waivers:
  - check: pulluri.echo.txn
    reason: the txn echo is fixed in release 4.2
    owner: issuer-team@example.gov.in
    expires: 2026-06-30
  - selector: pulluri.content.*
    reason: "PDF content: vendor ticket 1234"
    owner: vendor
    expires: "2026-12-31"
`;

describe('the waivers file', () => {
  it('reads YAML, with the date unquoted or quoted, and JSON alike', () => {
    const waivers = parseWaivers(GOOD, 'waivers.yaml');
    expect(waivers).toEqual([
      { check: 'pulluri.echo.txn', reason: 'the txn echo is fixed in release 4.2', owner: 'issuer-team@example.gov.in', expires: '2026-06-30' },
      { selector: 'pulluri.content.*', reason: 'PDF content: vendor ticket 1234', owner: 'vendor', expires: '2026-12-31' },
    ]);
    expect(parseWaivers(JSON.stringify({ waivers }), 'waivers.json')).toEqual(waivers);
    expect(parseWaivers('waivers: []\n', 'w.yaml')).toEqual([]);
  });

  it('names the waiver by index and field, where it is, and what to write', () => {
    const text = 'waivers:\n  - check: pulluri.echo.txn\n    reason: r\n    owner: o\n    expires: 30-06-2026\n';
    expect(problem(text)).toBe(
      'waivers waivers.yaml: waivers[0].expires: must match ^\\d{4}-\\d{2}-\\d{2}$ (got "30-06-2026"); expected the last day the waiver holds, a date YYYY-MM-DD such as "2026-06-30" (quote it in YAML or not: both read as text); it holds through that day in UTC and blocks again from the next (line 5, column 14)',
    );
    expect(problem('waivers:\n  - check: a.b\n    reason: r\n    expires: 2026-06-30\n')).toMatch(
      /^waivers waivers\.yaml: waivers\[0\]\.owner: is required; expected who answers for the waiver.* \(line 2, column 5\)$/,
    );
    expect(problem('waivers:\n  - check: a.b\n    reason: r\n    owner: o\n    expires: 2026-06-30\n    until: 2026-07-01\n')).toContain(
      'waivers[0].until: unknown field (known fields here: check, selector, reason, owner, expires) (line 6, column 5)',
    );
  });

  it('needs exactly one of check and selector, and a calendar date', () => {
    expect(problem('waivers:\n  - reason: r\n    owner: o\n    expires: 2026-06-30\n')).toContain('waivers[0]: has neither check nor selector; give exactly one');
    expect(problem('waivers:\n  - check: a.b\n    selector: a\n    reason: r\n    owner: o\n    expires: 2026-06-30\n')).toContain('waivers[0]: has both check and selector');
    expect(problem('waivers:\n  - check: a.b\n    reason: r\n    owner: o\n    expires: 2026-02-30\n')).toContain('waivers[0].expires: is not a calendar date (got "2026-02-30")');
    // a glob in check: it is an exact id; a selector takes globs
    expect(problem('waivers:\n  - check: pulluri.*\n    reason: r\n    owner: o\n    expires: 2026-06-30\n')).toContain('waivers[0].check: must match');
  });

  it('a syntax error gives its line and column; a file of another shape says what it must be', () => {
    expect(problem('waivers:\n  - check: a\n   reason: [x\n')).toMatch(/^waivers waivers\.yaml: is not valid YAML or JSON \(line \d+, column \d+: /);
    expect(problem('{"waivers": [ }')).toMatch(/is not valid YAML or JSON \(line 1, column \d+/);
    expect(problem('- check: a\n')).toContain('waivers waivers.yaml: must be an object');
    expect(problem('')).toContain('must be an object');
  });

  it("the README's example is a valid waivers file", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const example = readme.split('## Waivers and baselines')[1]!.match(/```yaml\n([\s\S]*?)```/)![1]!;
    expect(parseWaivers(example, 'README.md').map((w) => w.check ?? w.selector)).toEqual(['pulluri.echo.txn', 'pulluri.content.format-*']);
  });

  it('a missing file says to fix the config\'s "waivers"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlconform-waivers-'));
    await expect(loadWaivers(join(dir, 'nope.yaml'))).rejects.toThrow(/nope\.yaml: file not found; the config's "waivers" names it relative to the config file/);
    writeFileSync(join(dir, 'w.yaml'), GOOD);
    expect(await loadWaivers(join(dir, 'w.yaml'))).toHaveLength(2);
  });
});
