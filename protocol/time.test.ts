import { describe, expect, it } from 'vitest';
import { formatTs, newTxn, parseTs, seededRandom } from './time.js';

describe('timestamps', () => {
  const instant = new Date(Date.UTC(2016, 0, 11, 9, 14, 48, 123));
  it('formats IST by default, as the template does', () => {
    expect(formatTs(instant)).toBe('2016-01-11T14:44:48+05:30');
  });
  it('honours other offsets and fractions', () => {
    expect(formatTs(instant, '+02:00')).toBe('2016-01-11T11:14:48+02:00');
    expect(formatTs(instant, '-03:30', 3)).toBe('2016-01-11T05:44:48.123-03:30');
  });
  it('round-trips through parseTs', () => {
    expect(parseTs(formatTs(instant, '+05:30', 3))?.getTime()).toBe(instant.getTime());
    expect(parseTs('2018-07-18T10:33:53+02:00')?.toISOString()).toBe('2018-07-18T08:33:53.000Z');
  });
  it('rejects other forms', () => {
    for (const bad of ['1678875640887', '2016-01-11 14:44:48', '2016-01-11T14:44:48+0530', '2016-02-30T00:00:00+05:30', '21-08-2016 03:04:05']) expect(parseTs(bad)).toBeUndefined();
  });
  it('rejects a malformed offset', () => {
    expect(() => formatTs(instant, '+5:30')).toThrow(/±hh:mm/);
  });
});

describe('txn and dates', () => {
  it('txn shapes: 10 digits or 32 hex, reproducible from a seed', () => {
    expect(newTxn(seededRandom(1))).toMatch(/^[1-9]\d{9}$/);
    expect(newTxn(seededRandom(1), 'hex32')).toMatch(/^[0-9a-f]{32}$/);
    expect(newTxn(seededRandom(42))).toBe(newTxn(seededRandom(42)));
  });
});
