import { describe, expect, it } from 'vitest';
import { retryAfterMs, throttleForm } from './throttle.js';

const NOW = Date.UTC(2026, 0, 15, 10, 0, 0);

describe('Retry-After', () => {
  it('reads delay-seconds', () => {
    expect(retryAfterMs('120', NOW)).toBe(120_000);
    expect(retryAfterMs(' 0 ', NOW)).toBe(0);
  });
  it('reads an HTTP-date as the time left until it (IMF-fixdate and the RFC 850 form)', () => {
    expect(retryAfterMs('Thu, 15 Jan 2026 10:00:30 GMT', NOW)).toBe(30_000);
    expect(retryAfterMs('Thursday, 15-Jan-26 10:01:00 GMT', NOW)).toBe(60_000);
  });
  it('a date in the past asks for no wait', () => {
    expect(retryAfterMs('Wed, 14 Jan 2026 10:00:00 GMT', NOW)).toBe(0);
  });
  it('ignores what is neither', () => {
    for (const v of [undefined, '', 'soon', '-5', '1.5', 'Thu, 15 Jan 2026 10:00:30']) expect(retryAfterMs(v, NOW), String(v)).toBeUndefined();
  });
});

describe('the form of a throttle answer', () => {
  const html = '<!DOCTYPE html><html><body>Forbidden</body></html>';
  it('403, 429 and 503 with an HTML page or Retry-After', () => {
    expect(throttleForm(403, { 'content-type': 'text/html; charset=utf-8' }, html)).toBe('HTTP 403 with an HTML page');
    expect(throttleForm(429, { 'content-type': 'text/plain', 'retry-after': '5' }, 'slow down')).toBe('HTTP 429 with Retry-After: 5');
    expect(throttleForm(503, { 'retry-after': '5' }, html)).toBe('HTTP 503 with an HTML page and Retry-After: 5');
    // an HTML page sent with another content type is still one
    expect(throttleForm(403, { 'content-type': 'application/octet-stream' }, html)).toBe('HTTP 403 with an HTML page');
  });
  it('not other statuses, nor an XML or plain refusal without Retry-After', () => {
    expect(throttleForm(401, { 'content-type': 'text/html' }, html)).toBeUndefined();
    // the body of an answer that is no throttle status is never read
    expect(
      throttleForm(200, {}, () => {
        throw new Error('read');
      }),
    ).toBeUndefined();
    expect(throttleForm(403, {}, () => html)).toBe('HTTP 403 with an HTML page');
    expect(throttleForm(500, { 'retry-after': '5' }, '')).toBeUndefined();
    expect(throttleForm(403, { 'content-type': 'application/xml' }, '<PullURIResponse><ResponseStatus Status="0"/></PullURIResponse>')).toBeUndefined();
    expect(throttleForm(429, { 'content-type': 'text/plain' }, 'Too Many Requests')).toBeUndefined();
  });
});
