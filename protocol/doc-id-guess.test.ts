import { describe, expect, it } from 'vitest';
import { seededRandom } from './time.js';
import { DocIdGuess, DocIdProfile } from './doc-id-guess.js';

function profile(ids: Iterable<string>, docType = 'INCER') {
  const p = new DocIdProfile(docType);
  for (const id of ids) p.add(id);
  return p.report();
}

const random = seededRandom(5);
const randomId = (len: number, alphabet: string) => Array.from({ length: len }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

function shuffle<T>(xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

describe('doc ID guessability (SEED-001 §7: at least 10n random space)', () => {
  it('random 10-character alphanumeric IDs are ok', () => {
    const r = profile(range(2000, () => randomId(10, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789')));
    expect(r.verdict).toBe('ok');
    expect(r.log10Space).toBeGreaterThan(14);
    expect(r.sequentialShare).toBe(0);
  });
  it('random 10-digit numbers are ok', () => {
    const r = profile(range(2000, () => String(1 + Math.floor(random() * 9)) + randomId(9, '0123456789')));
    expect(r.verdict).toBe('ok');
    expect(r.numericRange).toBeGreaterThan(1e9);
  });
  it('sequential IDs are guessable: by range and by run', () => {
    const r = profile(range(5000, (i) => String(i + 1).padStart(10, '0')));
    expect(r.verdict).toBe('guessable');
    expect(r.numericRange).toBe(5000);
    expect(r.sequentialShare).toBe(1);
    expect(r.log10Space).toBeLessThan(r.log10Required);
    expect(r.reasons.join(' ')).toMatch(/below the 10n/);
  });
  it('shuffled sequential IDs with a constant prefix are guessable by their range', () => {
    const r = profile(shuffle(range(5000, (i) => `CERT${String(i * 3 + 100).padStart(6, '0')}`)));
    expect(r.verdict).toBe('guessable');
    expect(r.positions.slice(0, 4)).toEqual([1, 1, 1, 1]);
    expect(r.sequentialShare!).toBeLessThan(0.5);
    expect(r.numericRange).toBe(3 * 4999 + 1);
  });
  it('an arithmetic run with a large step is guessable in sequence though its range is wide', () => {
    const r = profile(range(1000, (i) => String(1_000_000 + i * 100_003)));
    expect(r.log10Space).toBeGreaterThan(r.log10Required);
    expect(r.sequentialShare).toBeGreaterThan(0.99);
    expect(r.verdict).toBe('guessable');
  });
  it('a small alphabet over few positions is too small a space even when random', () => {
    const r = profile(range(2000, () => randomId(3, 'ABCDEFGHIJ')));
    expect(r.verdict).toBe('guessable');
    expect(r.positions).toEqual([10, 10, 10]);
  });
  it('below the minimum sample nothing is judged', () => {
    expect(profile(['1', '2', '3']).verdict).toBe('too-few');
    expect(profile(range(49, (i) => String(i))).verdict).toBe('too-few');
    expect(profile(range(50, (i) => String(i))).verdict).toBe('guessable');
  });
  it('is kept per doc_type, bounded in the number of doc types', () => {
    const g = new DocIdGuess(2);
    for (let i = 0; i < 100; i++) {
      g.add('INCER', String(i + 1));
      g.add('CASTE', randomId(10, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'));
      g.add(`T${i}`, 'X');
    }
    const reports = g.reports();
    expect(reports.map((r) => [r.docType, r.verdict])).toEqual([
      ['INCER', 'guessable'],
      ['CASTE', 'ok'],
      ['(other doc types)', 'guessable'],
    ]);
    expect(new DocIdGuess(1).reports()).toEqual([]);
  });
});
