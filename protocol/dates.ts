/**
 * Calendar dates as the protocol writes them: the DOB of a Pull request (DD-MM-YYYY) and the
 * Push CSV and Push URI dates (DD/MM/YYYY, DDMMYYYY). Each form has its own pattern; whether the
 * day exists is decided here once, so every form rejects 31-04 and 29-02-1900 alike.
 */

/**
 * Whether the day exists on the Gregorian calendar (leap years included). Years below 100 are
 * refused: Date.UTC reads them as 1900–1999, and no date of birth or issue is that old.
 */
export function isCalendarDate(day: number, month: number, year: number): boolean {
  if (!Number.isInteger(day) || !Number.isInteger(month) || !Number.isInteger(year)) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** DD-MM-YYYY, the DOB form of the spec (C22), on the calendar. */
export function isDdMmYyyy(value: string): boolean {
  const m = /^(\d{2})-(\d{2})-(\d{4})$/.exec(value);
  return m !== null && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}
