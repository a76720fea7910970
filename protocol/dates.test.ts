import { describe, expect, it } from 'vitest';
import { isCalendarDate, isDdMmYyyy } from './dates.js';
import { isCsvDate, isDdmmyyyy } from './push.js';

describe('isCalendarDate', () => {
  it('accepts days that exist, leap days by the Gregorian rule', () => {
    expect(isCalendarDate(31, 12, 1990)).toBe(true);
    expect(isCalendarDate(29, 2, 2000)).toBe(true);
    expect(isCalendarDate(29, 2, 2024)).toBe(true);
    expect(isCalendarDate(1, 1, 100)).toBe(true);
  });

  it('rejects days that do not exist, and years Date.UTC would shift', () => {
    for (const [d, m, y] of [
      [29, 2, 1900],
      [29, 2, 2023],
      [31, 4, 2020],
      [0, 1, 2020],
      [32, 1, 2020],
      [1, 0, 2020],
      [1, 13, 2020],
      [1, 1, 0],
      [1, 1, 1],
      [1, 1, 50],
      [1.5, 1, 2020],
    ] as const) {
      expect(isCalendarDate(d, m, y), `${d}-${m}-${y}`).toBe(false);
    }
  });

  it('is the one rule behind the DOB form and the Push CSV forms', () => {
    expect([isDdMmYyyy('29-02-2000'), isCsvDate('29/02/2000'), isDdmmyyyy('29022000')]).toEqual([true, true, true]);
    expect([isDdMmYyyy('29-02-1900'), isCsvDate('29/02/1900'), isDdmmyyyy('29021900')]).toEqual([false, false, false]);
  });
});

describe('isDdMmYyyy', () => {
  it('DD-MM-YYYY with a real calendar', () => {
    expect(isDdMmYyyy('31-12-1990')).toBe(true);
    expect(isDdMmYyyy('29-02-2000')).toBe(true);
    expect(isDdMmYyyy('29-02-1900')).toBe(false);
    expect(isDdMmYyyy('1990-12-31')).toBe(false);
    expect(isDdMmYyyy('31/12/1990')).toBe(false);
  });
});
