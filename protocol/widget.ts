/**
 * DigiLocker's two browser widgets as a partner page embeds them: Save to Locker (SEED-003, and its
 * copy in SEED-001) and the Requester ("Choose from DigiLocker", SEED-001). What the documents say a
 * page must carry, the app hash, the time-stamp forms and the rules the `widget` command judges by.
 * Pure: the hash function is injected, the clock is passed in.
 */
import type { HashFunctions } from './auth.js';
import { toHex } from './bytes.js';
import { formatTs, parseTs } from './time.js';

export type WidgetKind = 'save-to-locker' | 'requester';

/** The script URLs the documents give; the widget command recognises the script by its path's last segment on any host. */
export const WIDGET_SCRIPT_URL: Readonly<Record<WidgetKind, string>> = {
  'save-to-locker': 'https://services.digitallocker.gov.in/savelocker/api/1/savelocker.js',
  requester: 'https://services.digitallocker.gov.in/requester/api/1/dl.js',
};

/** The attributes the script tag carries: the Requester adds data-upload-url. */
export const WIDGET_ATTRIBUTES: Readonly<Record<WidgetKind, readonly string[]>> = {
  'save-to-locker': ['id', 'data-app-id', 'data-app-hash', 'time-stamp'],
  requester: ['id', 'data-app-id', 'data-app-hash', 'time-stamp', 'data-upload-url'],
};

/** The id the documents give the script tag. */
export const WIDGET_SCRIPT_ID = 'dlshare';

/** The button each widget turns into: its CSS selector. */
export const WIDGET_BUTTON: Readonly<Record<WidgetKind, string>> = {
  'save-to-locker': 'a.locker-saver',
  requester: 'div.share_fm_dl',
};

/** Which widget a script URL loads: the last path segment savelocker.js or dl.js, on any host. */
export function widgetKindOf(scriptUrl: string): WidgetKind | undefined {
  let path: string;
  try {
    path = new URL(scriptUrl).pathname;
  } catch {
    return undefined;
  }
  if (/\/savelocker\.js$/i.test(path)) return 'save-to-locker';
  if (/\/dl\.js$/i.test(path)) return 'requester';
  return undefined;
}

/**
 * The widgets' error codes and their descriptions, as the tables print them. The Requester's table
 * stops at 206; 207 is in the Save to Locker table only.
 */
export const WIDGET_ERROR_CODES = {
  203: 'Invalid app hash. One of app id, app key or timestamp is incorrect.',
  204: 'Invalid app id.',
  205: 'The app domain is not registered.',
  206: 'The timestamp is older than 30 minutes.',
  207: 'Not authorized for service.',
} as const;
export type WidgetErrorCode = keyof typeof WIDGET_ERROR_CODES;

export function errorCodesOf(kind: WidgetKind): WidgetErrorCode[] {
  return kind === 'save-to-locker' ? [203, 204, 205, 206, 207] : [203, 204, 205, 206];
}

/** The values of the `result` attribute Save to Locker adds to the <a> tag. */
export const WIDGET_RESULTS = ['SUCCESS', 'FAILURE'] as const;
export type WidgetResult = (typeof WIDGET_RESULTS)[number];

/**
 * "SHA-256 encrypted value of your app id, app key and the timestamp values in this sequence": the
 * UTF-8 concatenation, as lowercase hex (the documents name no encoding; hex is what keyhash uses,
 * FACTS C3). The comparison ignores hex case, which the documents do not fix either.
 */
export function appHash(hash: Pick<HashFunctions, 'sha256'>, appId: string, appKey: string, timestamp: string): string {
  return toHex(hash.sha256(`${appId}${appKey}${timestamp}`));
}

export type AppHashPart = 'app id' | 'app key' | 'timestamp';
const PART_ORDERS: readonly (readonly AppHashPart[])[] = [
  ['app id', 'app key', 'timestamp'],
  ['app key', 'app id', 'timestamp'],
  ['app id', 'timestamp', 'app key'],
  ['app key', 'timestamp', 'app id'],
  ['timestamp', 'app id', 'app key'],
  ['timestamp', 'app key', 'app id'],
];

export interface AppHashJudgement {
  ok: boolean;
  /** the order of the parts the given hash is the SHA-256 of, when it is one of them (the first is the documents') */
  order?: readonly AppHashPart[];
  /** the given value is 64 hex digits (else it is not a SHA-256 in hex at all) */
  hex: boolean;
  /** upper-case hex: accepted, and said */
  upperCase: boolean;
}

/** Judges a page's data-app-hash, and names the order of the parts when the page used another one. */
export function judgeAppHash(hash: Pick<HashFunctions, 'sha256'>, given: string, parts: { appId: string; appKey: string; timestamp: string }): AppHashJudgement {
  const hex = /^[0-9a-fA-F]{64}$/.test(given);
  const upperCase = hex && /[A-F]/.test(given);
  const value: Record<AppHashPart, string> = { 'app id': parts.appId, 'app key': parts.appKey, timestamp: parts.timestamp };
  const order = hex ? PART_ORDERS.find((o) => toHex(hash.sha256(o.map((p) => value[p]).join(''))) === given.toLowerCase()) : undefined;
  return { ok: order === PART_ORDERS[0], ...(order && { order }), hex, upperCase };
}

/** IST is UTC+05:30, with no daylight saving. */
const IST_OFFSET = '+05:30';
const IST_OFFSET_MS = (5 * 60 + 30) * 60_000;

/** The time-stamp the reference partner page writes: the 2016 documents' ts template, in IST. */
export function formatWidgetTimestamp(date: Date): string {
  return formatTs(date, IST_OFFSET);
}

/**
 * A time-stamp in one of the forms dlconform reads (the documents give none for the widgets):
 *  - `iso-offset`: ISO 8601 with an offset, the ts template of the same 2016 document set
 *    (`YYYY-MM-DDThh:mm:ss+05:30`); in IST when the offset is +05:30;
 *  - `iso-local`: the same without an offset (a `T` or a space between date and time), read as the
 *    IST wall clock the documents ask for;
 *  - `unix-seconds`: 10 digits, as DigiLocker's partner API takes its ts ("UNIX (or POSIX) format in
 *    IST time zone in seconds"); an instant, with no zone to be wrong.
 */
export type WidgetTimestamp = { form: 'iso-offset'; instant: Date; offset: string } | { form: 'iso-local'; instant: Date } | { form: 'unix-seconds'; instant: Date } | { form: 'unknown' };

const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?$/;

export function parseWidgetTimestamp(text: string): WidgetTimestamp {
  const value = text.trim();
  if (/^\d{10}$/.test(value)) return { form: 'unix-seconds', instant: new Date(Number(value) * 1000) };
  const withOffset = parseTs(value.replace(' ', 'T'));
  if (withOffset) return { form: 'iso-offset', instant: withOffset, offset: value.endsWith('Z') ? 'Z' : value.slice(-6) };
  const local = ISO_LOCAL.exec(value);
  if (local) {
    const asIst = parseTs(`${local[1]}-${local[2]}-${local[3]}T${local[4]}:${local[5]}:${local[6]}${local[7] ?? ''}${IST_OFFSET}`);
    if (asIst) return { form: 'iso-local', instant: asIst };
  }
  return { form: 'unknown' };
}

/** How far a zone-less wall clock may be from IST now and still be read as IST (the page's clock may drift; 30 minutes is the documents' window). */
const WALL_CLOCK_SLACK_MS = 30 * 60_000;

export interface IstJudgement {
  ok: boolean;
  /** why not, or what was read, in words */
  reason: string;
}

/** "Provide a timestamp value in IST time zone": judged against the harness's clock at page load. */
export function judgeIst(ts: WidgetTimestamp, servedAt: Date): IstJudgement {
  switch (ts.form) {
    case 'unknown':
      return { ok: false, reason: 'not a time-stamp dlconform can read: use YYYY-MM-DDThh:mm:ss+05:30 (ISO 8601 in IST), or UNIX seconds' };
    case 'unix-seconds':
      return { ok: true, reason: 'UNIX seconds: an instant, with no zone to get wrong' };
    case 'iso-offset':
      return ts.offset === IST_OFFSET
        ? { ok: true, reason: 'ISO 8601 with offset +05:30 (IST)' }
        : { ok: false, reason: `the offset is ${ts.offset === 'Z' ? 'Z (UTC)' : ts.offset}, not +05:30 (IST)` };
    case 'iso-local': {
      // the wall clock read as IST: near now in IST, or 5 h 30 min behind it (a server clock in UTC)
      const drift = servedAt.getTime() - ts.instant.getTime();
      if (Math.abs(drift - IST_OFFSET_MS) <= WALL_CLOCK_SLACK_MS && Math.abs(drift) > WALL_CLOCK_SLACK_MS) {
        return { ok: false, reason: 'no offset, and the wall clock is about 5 h 30 min behind IST: it is UTC' };
      }
      return { ok: true, reason: 'no offset: read as the IST wall clock' };
    }
  }
}

/** "This timestamp value must not be older than 30 minutes." */
const WIDGET_TIMESTAMP_MAX_AGE_MS = 30 * 60_000;
/** A time-stamp this far ahead of the harness's clock is reported as a warning: the documents bound only its age. */
const WIDGET_TIMESTAMP_MAX_AHEAD_MS = 5 * 60_000;

export interface FreshnessJudgement {
  verdict: 'ok' | 'old' | 'ahead';
  /** milliseconds from the time-stamp to the page load (negative: ahead) */
  ageMs: number;
}

export function judgeFreshness(ts: Exclude<WidgetTimestamp, { form: 'unknown' }>, servedAt: Date): FreshnessJudgement {
  const ageMs = servedAt.getTime() - ts.instant.getTime();
  if (ageMs > WIDGET_TIMESTAMP_MAX_AGE_MS) return { verdict: 'old', ageMs };
  if (-ageMs > WIDGET_TIMESTAMP_MAX_AHEAD_MS) return { verdict: 'ahead', ageMs };
  return { verdict: 'ok', ageMs };
}

/** The ids that occur more than once, each once, in order of first repeat; a missing or blank id counts as a repeat of "". */
export function repeatedIds(ids: readonly (string | null | undefined)[]): string[] {
  const seen = new Set<string>();
  const repeated: string[] = [];
  for (const raw of ids) {
    const id = (raw ?? '').trim();
    if (seen.has(id) && !repeated.includes(id)) repeated.push(id);
    seen.add(id);
  }
  return repeated;
}

/** An absolute URL with a scheme and host (http or https), as a server elsewhere can fetch; undefined when it is not one. */
export function absoluteHttpUrl(text: string): URL | undefined {
  if (!/^https?:\/\//i.test(text.trim())) return undefined;
  try {
    return new URL(text.trim());
  } catch {
    return undefined;
  }
}
