/**
 * Recognising throttling: a target that has served requests and then answers 403, 429 or 503
 * with an HTML page or a Retry-After header is limiting the request rate (a gateway's or the
 * application's rate limit), not refusing this request for what it is. Such an answer says
 * nothing about the issuer's conformance; the client (core/client.ts) waits, slows down and
 * retries once, and the runner makes the verdict of a check that still met it inconclusive.
 */
import { isHtmlPage } from '../protocol/xml.js';

/** The statuses a rate limit answers with: a gateway's 403 page, 429 Too Many Requests, 503. */
const THROTTLE_STATUSES = new Set([403, 429, 503]);

/** The longest Retry-After the client waits for: a target asking for more is not waited for. */
export const RETRY_AFTER_CAP_MS = 60_000;

/**
 * What the answer is, in words, when it has the form of a throttle answer (403/429/503 that is an
 * HTML page or carries Retry-After); undefined otherwise. Whether it *is* throttling also depends
 * on the run: the target must have served an answer of another form before (the client decides).
 */
export function throttleForm(status: number, headers: Record<string, string>, text: string | (() => string)): string | undefined {
  if (!THROTTLE_STATUSES.has(status)) return undefined;
  const retryAfter = headers['retry-after'];
  // the body is read only for a throttle status: every other answer (a 20 MB document too) passes here
  const html = /^\s*text\/html\b/i.test(headers['content-type'] ?? '') || isHtmlPage((typeof text === 'string' ? text : text()).slice(0, 4096));
  if (!html && retryAfter === undefined) return undefined;
  const parts = [html ? 'an HTML page' : undefined, retryAfter !== undefined ? `Retry-After: ${retryAfter.slice(0, 60)}` : undefined].filter(Boolean);
  return `HTTP ${status} with ${parts.join(' and ')}`;
}

/**
 * The wait a Retry-After value asks for, in ms from `now`: delay-seconds or an HTTP-date (RFC 9110
 * §10.2.3: IMF-fixdate or the obsolete RFC 850 form); 0 for a date in the past; undefined when the value is neither (then it is ignored).
 */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // an HTTP-date names its weekday and GMT; Date.parse alone would take "1" or "2024" as dates
  if (!/^[A-Za-z]{3,9},?\s.*\bGMT$/.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
