/** Dates of birth as DD-MM-YYYY (C22), valid on the calendar and each way invalid. */
import fc from 'fast-check';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export interface CalendarDate {
  day: number;
  month: number;
  year: number;
}

/** A real calendar date between 1900 and 2030 (leap days included). */
const calendarDate = (): fc.Arbitrary<CalendarDate> =>
  fc
    .date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2030, 11, 31)), noInvalidDate: true })
    .map((d) => ({ day: d.getUTCDate(), month: d.getUTCMonth() + 1, year: d.getUTCFullYear() }));

const ddMmYyyy = (d: CalendarDate) => `${pad(d.day)}-${pad(d.month)}-${pad(d.year, 4)}`;

/** A valid DOB in the spec's form. */
export const validDob = (): fc.Arbitrary<string> => calendarDate().map(ddMmYyyy);

export type InvalidDobKind = 'not-a-day' | 'iso' | 'slashes' | 'compact' | 'two-digit-year' | 'unpadded';

/** A DOB that protocol/dates.ts `isDdMmYyyy` rejects: impossible days, or the other forms seen in the wild (C22). */
export function invalidDob(kinds?: readonly InvalidDobKind[]): fc.Arbitrary<{ kind: InvalidDobKind; value: string }> {
  const all: InvalidDobKind[] = ['not-a-day', 'iso', 'slashes', 'compact', 'two-digit-year', 'unpadded'];
  return fc.record({ kind: fc.constantFrom(...(kinds ?? all)), d: calendarDate(), k: fc.nat() }).map(({ kind, d, k }) => {
    switch (kind) {
      case 'not-a-day': {
        const bad = [
          `31-02-${d.year}`,
          `30-02-${d.year}`,
          `29-02-1900`,
          `00-${pad(d.month)}-${d.year}`,
          `32-${pad(d.month)}-${d.year}`,
          `${pad(d.day)}-13-${d.year}`,
          `${pad(d.day)}-00-${d.year}`,
          `31-04-${d.year}`,
        ];
        return { kind, value: bad[k % bad.length]! };
      }
      case 'iso':
        return { kind, value: `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}` };
      case 'slashes':
        return { kind, value: ddMmYyyy(d).replace(/-/g, '/') };
      case 'compact':
        return { kind, value: ddMmYyyy(d).replace(/-/g, '') };
      case 'two-digit-year':
        return { kind, value: `${pad(d.day)}-${pad(d.month)}-${pad(d.year % 100)}` };
      case 'unpadded':
        // at least one of day and month below 10, written without the leading zero
        return { kind, value: `${d.day < 10 ? d.day : 1}-${d.month < 10 ? d.month : 1}-${d.year}` };
      default:
        throw new Error(`no invalid DOB of kind ${kind satisfies never}`);
    }
  });
}
