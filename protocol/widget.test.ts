import { describe, expect, it } from 'vitest';
import { nodeHash } from '../core/node-hash.js';
import { clause } from './clauses.js';
import { absoluteHttpUrl, appHash, errorCodesOf, formatWidgetTimestamp, judgeAppHash, judgeFreshness, judgeIst, parseWidgetTimestamp, repeatedIds, WIDGET_SCRIPT_URL, widgetKindOf } from './widget.js';

const TS = '2016-01-11T14:44:48+05:30';
const parts = { appId: 'APP123', appKey: 'partner-key', timestamp: TS };
// node -e "crypto.createHash('sha256').update('APP123'+'partner-key'+'2016-01-11T14:44:48+05:30').digest('hex')"
const HASH = 'd553fff7b383c533cc2e5b387ca56c6b7f5adf33de59ef03216939649c82682e';

describe('app hash', () => {
  it('is lowercase hex of SHA-256(app id ‖ app key ‖ timestamp)', () => {
    expect(appHash(nodeHash, parts.appId, parts.appKey, TS)).toBe(HASH);
    expect(judgeAppHash(nodeHash, HASH, parts)).toEqual({ ok: true, order: ['app id', 'app key', 'timestamp'], hex: true, upperCase: false });
  });

  it('accepts upper-case hex and says so', () => {
    expect(judgeAppHash(nodeHash, HASH.toUpperCase(), parts)).toMatchObject({ ok: true, upperCase: true });
  });

  it('names the order of a hash made in another sequence', () => {
    const swapped = appHash(nodeHash, parts.appKey, parts.appId, TS);
    expect(judgeAppHash(nodeHash, swapped, parts)).toMatchObject({ ok: false, order: ['app key', 'app id', 'timestamp'] });
  });

  it('a wrong key matches no order; a value that is not 64 hex digits is not a hash', () => {
    expect(judgeAppHash(nodeHash, appHash(nodeHash, parts.appId, 'other-key', TS), parts)).toEqual({ ok: false, hex: true, upperCase: false });
    expect(judgeAppHash(nodeHash, 'not-a-hash', parts)).toMatchObject({ ok: false, hex: false });
  });
});

describe('time-stamp', () => {
  const servedAt = new Date('2026-12-06T03:00:00Z');

  it('the reference form is the 2016 ts template in IST', () => {
    expect(formatWidgetTimestamp(servedAt)).toBe('2026-12-06T08:30:00+05:30');
  });

  it('reads ISO 8601 with an offset, without one (as IST), and UNIX seconds', () => {
    expect(parseWidgetTimestamp('2026-12-06T08:30:00+05:30')).toEqual({ form: 'iso-offset', instant: servedAt, offset: '+05:30' });
    expect(parseWidgetTimestamp('2026-12-06T03:00:00Z')).toEqual({ form: 'iso-offset', instant: servedAt, offset: 'Z' });
    expect(parseWidgetTimestamp('2026-12-06 08:30:00')).toEqual({ form: 'iso-local', instant: servedAt });
    expect(parseWidgetTimestamp(String(servedAt.getTime() / 1000))).toEqual({ form: 'unix-seconds', instant: servedAt });
    expect(parseWidgetTimestamp('06/12/2026 08:30')).toEqual({ form: 'unknown' });
    expect(parseWidgetTimestamp(String(servedAt.getTime()))).toEqual({ form: 'unknown' });
  });

  it('IST: +05:30 passes; Z, another offset, a UTC wall clock without offset and an unreadable value fail', () => {
    const ist = (text: string) => judgeIst(parseWidgetTimestamp(text), servedAt).ok;
    expect(ist('2026-12-06T08:30:00+05:30')).toBe(true);
    expect(ist('2026-12-06T08:29:00')).toBe(true);
    expect(ist('1796526000')).toBe(true);
    expect(ist('2026-12-06T03:00:00Z')).toBe(false);
    expect(ist('2026-12-06T03:00:00+00:00')).toBe(false);
    expect(judgeIst(parseWidgetTimestamp('2026-12-06 03:00:00'), servedAt)).toMatchObject({ ok: false, reason: expect.stringContaining('UTC') });
    expect(ist('yesterday')).toBe(false);
  });

  it('fresh: at most 30 minutes old; more than 5 minutes ahead is reported apart', () => {
    const at = (iso: string) => judgeFreshness(parseWidgetTimestamp(iso) as Exclude<ReturnType<typeof parseWidgetTimestamp>, { form: 'unknown' }>, servedAt);
    expect(at('2026-12-06T08:00:00+05:30')).toEqual({ verdict: 'ok', ageMs: 30 * 60_000 });
    expect(at('2026-12-06T07:59:59+05:30').verdict).toBe('old');
    expect(at('2026-12-06T08:35:00+05:30').verdict).toBe('ok');
    expect(at('2026-12-06T08:35:01+05:30').verdict).toBe('ahead');
  });
});

describe('the page around the widget', () => {
  it('knows the script by its last path segment on any host', () => {
    expect(widgetKindOf(WIDGET_SCRIPT_URL['save-to-locker'])).toBe('save-to-locker');
    expect(widgetKindOf(WIDGET_SCRIPT_URL.requester)).toBe('requester');
    expect(widgetKindOf('http://127.0.0.1:8080/vendor/savelocker.js?v=2')).toBe('save-to-locker');
    expect(widgetKindOf('https://example.org/handl.js')).toBeUndefined();
    expect(widgetKindOf('not a url')).toBeUndefined();
  });

  it('the Requester lists error codes 203–206; Save to Locker adds 207', () => {
    expect(errorCodesOf('requester')).toEqual([203, 204, 205, 206]);
    expect(errorCodesOf('save-to-locker')).toEqual([203, 204, 205, 206, 207]);
  });

  it('repeated and missing ids', () => {
    expect(repeatedIds(['a', 'b', 'c'])).toEqual([]);
    expect(repeatedIds(['share_id', 'x', 'share_id', 'share_id'])).toEqual(['share_id']);
    expect(repeatedIds([null, ''])).toEqual(['']);
  });

  it('absolute URLs only', () => {
    expect(absoluteHttpUrl('https://partner.gov.in/doc.pdf')?.host).toBe('partner.gov.in');
    expect(absoluteHttpUrl('/documents/doc.pdf')).toBeUndefined();
    expect(absoluteHttpUrl('//partner.gov.in/doc.pdf')).toBeUndefined();
    expect(absoluteHttpUrl('javascript:alert(1)')).toBeUndefined();
  });

  it('every widget clause quotes the documents and has a level', () => {
    expect(clause('widget-app-hash').text).toContain('Provide SHA-256 encrypted value of your app id, app key and the timestamp values in this sequence in `data-app-hash` parameter.');
    expect(clause('widget-timestamp-fresh').text).toContain('This timestamp value must not be older than 30 minutes.');
    expect(clause('widget-outcome-result').level).toBe('SHOULD');
  });
});
