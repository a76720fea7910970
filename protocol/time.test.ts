import { describe, expect, it } from 'vitest';
import { formatTs, newTxn, parseTs, seededRandom, tsLike, txnLike } from './time.js';

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

describe('ts and txn of the original shape', () => {
  const now = new Date(Date.UTC(2026, 11, 6, 3, 4, 5, 678));
  it('keeps the offset, the fraction digits, Z and epoch forms', () => {
    expect(tsLike('2018-07-18T10:33:53+02:00', now, '+05:30')).toBe('2026-12-06T05:04:05+02:00');
    expect(tsLike('2024-01-01T00:00:00.123456+05:30', now, '+05:30')).toBe('2026-12-06T08:34:05.678000+05:30');
    expect(tsLike('2024-01-01T00:00:00.1Z', now, '+05:30')).toBe('2026-12-06T03:04:05.6Z');
    expect(tsLike('1678875640887', now, '+05:30')).toBe(String(now.getTime()));
    expect(tsLike('1678875640', now, '+05:30')).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(tsLike('yesterday', now, '+05:30')).toBe('2026-12-06T08:34:05+05:30');
  });
  it('a fresh txn of the same shape', () => {
    const random = seededRandom(3);
    const digits = txnLike('1531902833', random);
    expect(digits).toMatch(/^\d{10}$/);
    expect(digits).not.toBe('1531902833');
    expect(txnLike('562ae0e699e2521ac4bd55f5ca61e553', random)).toMatch(/^[0-9a-f]{32}$/);
    expect(txnLike('123e4567-e89b-12d3-a456-426655440000', random)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
