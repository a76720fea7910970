import { describe, expect, it } from 'vitest';
import type { StepWindow } from './plan.js';
import { AttackCollector, parseGoTime, parseResultLine, transportReason, type VegetaResult } from './results.js';

describe('parseGoTime: RFC 3339 with nanoseconds to ms since the epoch', () => {
  it('keeps microseconds; Z and numeric offsets; no fraction', () => {
    const whole = Date.UTC(2026, 11, 5, 8, 59, 25);
    expect(parseGoTime('2026-12-05T08:59:25.747811887Z')).toBeCloseTo(whole + 747.811887, 3);
    expect(parseGoTime('2026-12-05T14:29:25.747811887+05:30')).toBeCloseTo(whole + 747.811887, 3);
    // Go trims trailing zeros: a single digit is tenths
    expect(parseGoTime('2026-12-05T03:59:25.5-05:00')).toBe(whole + 500);
    expect(parseGoTime('2026-12-05T08:59:25Z')).toBe(whole);
    expect(parseGoTime('2026-12-05T14:29:25+05:30')).toBe(whole);
    expect(parseGoTime('2026-12-05T08:59:25.000001Z')).toBeCloseTo(whole + 0.001, 4);
    // two results 1 µs apart stay apart
    expect(parseGoTime('2026-12-05T08:59:25.000002Z') - parseGoTime('2026-12-05T08:59:25.000001Z')).toBeCloseTo(0.001, 4);
  });
});

describe('parseResultLine', () => {
  it("reads vegeta's JSON result line: seq, code, start, latency in µs, the captured body", () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?><PullDocResponse><ResponseStatus Status="1" ts="x" txn="y">1</ResponseStatus><DocDetails><DocContent>JVBERi0xLjQK';
    const line = JSON.stringify({
      attack: 'step-0-segment-1',
      seq: 42,
      code: 200,
      timestamp: '2026-12-05T14:29:25.747811887+05:30',
      latency: 4317802,
      bytes_out: 690,
      bytes_in: 4096,
      error: '',
      body: Buffer.from(xml).toString('base64'),
      method: 'POST',
      url: 'http://127.0.0.1:8080/pulldoc',
      headers: { 'Content-Type': ['application/xml'] },
    });
    const r = parseResultLine(line);
    expect(r).toMatchObject({ seq: 42, code: 200, error: '', body: xml, captured: 4096 });
    expect(r.latencyUs).toBeCloseTo(4317.802, 6);
    expect(r.startMs).toBeCloseTo(Date.UTC(2026, 11, 5, 8, 59, 25) + 747.811887, 3);
  });

  it('a request that got no response: body null, the error kept', () => {
    const line =
      '{"attack":"","seq":0,"code":0,"timestamp":"2026-12-05T08:59:27.259962578Z","latency":470279,"bytes_out":0,"bytes_in":0,"error":"Post \\"http://127.0.0.1:1/\\": dial tcp 0.0.0.0:0-\\u003e127.0.0.1:1: connect: connection refused","body":null,"method":"POST","url":"http://127.0.0.1:1/","headers":null}';
    const r = parseResultLine(line);
    expect(r).toMatchObject({ seq: 0, code: 0, body: '', captured: 0 });
    expect(r.error).toMatch(/connect: connection refused/);
    expect(transportReason(r.error)).toBe('connection-refused');
  });

  it('a body with bytes outside ASCII decodes byte for byte (Latin-1), so markers are still found', () => {
    const bytes = Buffer.concat([Buffer.from('<a Status="1">'), Buffer.from([0xe0, 0xa4, 0xb8]), Buffer.from('JVBERi0')]);
    const r = parseResultLine(JSON.stringify({ seq: 1, code: 200, timestamp: '2026-12-05T08:59:25Z', latency: 1000, error: '', body: bytes.toString('base64'), bytes_in: bytes.length }));
    expect(r.body).toHaveLength(bytes.length);
    expect(r.body.endsWith('JVBERi0')).toBe(true);
  });
});

describe('transportReason', () => {
  it("names Go's transport errors", () => {
    expect(transportReason('Post "http://x/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)')).toBe('timeout');
    expect(transportReason('Post "http://x/": net/http: timeout awaiting response headers')).toBe('timeout');
    expect(transportReason('Post "http://x/": dial tcp 127.0.0.1:1: connect: connection refused')).toBe('connection-refused');
    expect(transportReason('Post "http://x/": read tcp 127.0.0.1:5->127.0.0.1:6: read: connection reset by peer')).toBe('connection-reset');
    expect(transportReason('Post "http://x/": EOF')).toBe('connection-reset');
    expect(transportReason('write: broken pipe')).toBe('connection-reset');
    expect(transportReason('stopped after 0 redirects')).toBe('redirect');
    expect(transportReason('tls: handshake failure')).toBe('transport-error');
  });
});

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const GOOD = '<PullDocResponse><ResponseStatus Status="1" ts="x" txn="y">1</ResponseStatus><DocDetails><DocContent>JVBERi0xLjQK</DocContent></DocDetails></PullDocResponse>';
const PLAN = { expectPdf: true, expectXml: false, captureBytes: 4096 };

/** Results on vegeta's schedule at `rate`: request `seq` starts at T0 + seq/rate, plus `shiftMs`. */
function scheduled(n: number, rate: number, f: (seq: number) => Partial<VegetaResult> & { shiftMs?: number } = () => ({})): VegetaResult[] {
  return Array.from({ length: n }, (_, seq) => {
    const { shiftMs = 0, ...rest } = f(seq);
    return { seq, code: 200, startMs: T0 + (seq * 1000) / rate + shiftMs, latencyUs: 5000, error: '', body: GOOD, captured: GOOD.length, ...rest };
  });
}

function collect(window: StepWindow, rate: number, results: readonly VegetaResult[], plan = PLAN) {
  const c = new AttackCollector(window, rate, plan);
  for (const r of results) c.add(r);
  return { c, record: c.finish() };
}

const ONE_SECOND: StepWindow = { index: 0, rate: 10, start: 0, measureFrom: 0, end: 1000 };

describe('AttackCollector', () => {
  it('requests on schedule start on time (jitter within one interval is not late)', () => {
    const { c, record } = collect(
      ONE_SECOND,
      10,
      scheduled(10, 10, (seq) => ({ shiftMs: (seq % 3) * 30 })),
    );
    expect(c.startedAt).toBe(T0);
    expect(record).toMatchObject({ index: 0, offeredRate: 10, windowSeconds: 1, requests: 10, completed: 10, lateStarts: 0, httpFailed: 0, ok: 10, notOk: 0, reasons: {} });
    expect(c.results).toBe(10);
  });

  it('a request sent more than one interval behind its place in the schedule is a late start', () => {
    // interval 100 ms: 100 ms behind is the edge (not late), 101 ms and later are late
    const { record } = collect(
      ONE_SECOND,
      10,
      scheduled(10, 10, (seq) => ({ shiftMs: seq === 3 ? 100 : seq === 5 ? 101 : seq === 8 ? 150 : 0 })),
    );
    expect(record.lateStarts).toBe(2);
    expect(record.requests).toBe(10);
  });

  it('a backlog that grows (every worker busy) makes every later request late', () => {
    const { record } = collect(
      { index: 0, rate: 20, start: 0, measureFrom: 0, end: 4000 },
      20,
      scheduled(40, 20, (seq) => ({ shiftMs: seq < 20 ? 0 : (seq - 19) * 30 })),
    );
    // request 20 is 30 ms behind, 21 is 60 ms: from request 21 on, more than the 50 ms interval
    expect(record.lateStarts).toBe(19);
  });

  it('results arriving out of order (request 0 last) still anchor the schedule at its start', () => {
    const results = scheduled(10, 10, (seq) => ({ shiftMs: seq === 6 ? 250 : 0 }));
    const c = new AttackCollector(ONE_SECOND, 10, PLAN);
    for (const r of [...results.slice(1).reverse(), results[0]!]) {
      c.add(r);
      if (r.seq !== 0) expect(c.startedAt).toBeUndefined();
    }
    expect(c.startedAt).toBe(T0);
    expect(c.finish()).toMatchObject({ requests: 10, lateStarts: 1, completed: 10 });
  });

  it('request 0 itself late: the schedule is anchored by the others', () => {
    const results = scheduled(10, 10, (seq) => ({ shiftMs: seq === 0 ? 300 : 0 }));
    const { c, record } = collect(ONE_SECOND, 10, [...results.slice(1), results[0]!]);
    expect(c.startedAt).toBe(T0);
    expect(record.lateStarts).toBe(1);
  });

  it('without request 0 (lost), finish() anchors on what it read', () => {
    const { c, record } = collect(ONE_SECOND, 10, scheduled(10, 10).slice(1));
    expect(c.startedAt).toBe(T0);
    expect(record).toMatchObject({ requests: 9, lateStarts: 0 });
    expect(new AttackCollector(ONE_SECOND, 10, PLAN).finish()).toMatchObject({ requests: 0, completed: 0, lateStarts: 0, ok: 0, notOk: 0 });
  });

  it('the measured window leaves out the settle part; completions count in the window shifted by the median latency', () => {
    // a 5 s step at 10 req/s whose first 2 s settle: requests 20..49 are measured
    const window: StepWindow = { index: 2, rate: 10, start: 10_000, measureFrom: 12_000, end: 15_000 };
    const results = scheduled(50, 10, (seq) => ({
      // one settle-part request completes inside the window: it counts as completed, not as a request
      latencyUs: seq === 15 ? 700_000 : seq >= 45 ? 1_500_000 : 20_000,
      // a settle-part failure is not the step's
      ...(seq === 3 && { code: 500, error: '500 Internal Server Error', body: 'oops' }),
    }));
    const { record, c } = collect(window, 10, results);
    expect(record).toMatchObject({ index: 2, offeredRate: 10, windowSeconds: 3, requests: 30, lateStarts: 0, httpFailed: 0, ok: 30, notOk: 0 });
    // median 20 ms: window [2020, 5020) ms after the start; 20..44 complete in it, 45..49 after (1.5 s), 15 at 2200
    expect(record.completed).toBe(26);
    expect(c.latency.count).toBe(30);
    expect(c.latency.percentileMs(50)).toBeCloseTo(20, 1);
    expect(record.sumUs).toBe(25 * 20_000 + 5 * 1_500_000);
  });

  it('the cheap check on the captured prefix: reasons counted, transport errors named, HTTP failures counted', () => {
    const cases: Array<Partial<VegetaResult>> = [
      {},
      { body: GOOD.replace('Status="1"', 'Status="0"') },
      { body: GOOD.replace('JVBERi0', 'iVBORw0') },
      { code: 500, error: '500 Internal Server Error', body: 'Internal Server Error' },
      { code: 0, error: 'Post "http://127.0.0.1/pulldoc": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', body: '', captured: 0 },
      { code: 0, error: 'Post "http://127.0.0.1/pulldoc": dial tcp 127.0.0.1:1: connect: connection refused', body: '', captured: 0 },
      { code: 302, body: '' },
    ];
    const { record } = collect(
      { index: 0, rate: 10, start: 0, measureFrom: 0, end: 1000 },
      10,
      scheduled(cases.length, 10, (seq) => cases[seq]!),
    );
    expect(record.reasons).toEqual({ 'status-not-1': 1, 'no-pdf': 1, 'http-500': 1, timeout: 1, 'connection-refused': 1, 'http-302': 1 });
    expect(record).toMatchObject({ requests: 7, ok: 1, notOk: 6, httpFailed: 3 });
    // no response: not a completion
    expect(record.completed).toBe(5);
  });

  it('a body longer than the capture: a marker beyond it is not a failure, a wrong one within it is', () => {
    const prefix = '<PullDocResponse><ResponseStatus Status="1" ts="x" txn="y">1</ResponseStatus><DocDetails>';
    const cases: Array<Partial<VegetaResult>> = [
      // a large element before DocContent: the PDF marker lies beyond the capture
      { body: `${prefix}<Other>${'x'.repeat(200)}`, captured: 256 },
      // DocContent opens within the capture and is not a PDF's
      { body: `${prefix}<DocContent>${'iVBORw0KGgo'.repeat(10)}`, captured: 256 },
      // the same body, not truncated: the PDF is missing
      { body: `${prefix}<Other>${'x'.repeat(200)}`, captured: 200 },
    ];
    const { record } = collect(
      ONE_SECOND,
      10,
      scheduled(cases.length, 10, (seq) => cases[seq]!),
      { ...PLAN, captureBytes: 256 },
    );
    expect(record.beyondCapture).toBe(1);
    expect(record.reasons).toEqual({ 'no-pdf': 2 });
    expect(record).toMatchObject({ ok: 1, notOk: 2 });
  });

  it('a fractional rate (a segment share) keeps its schedule', () => {
    // 2.5 req/s: one every 400 ms
    const { record } = collect(
      { index: 0, rate: 5, start: 0, measureFrom: 0, end: 4000 },
      2.5,
      scheduled(10, 2.5, (seq) => ({ shiftMs: seq === 4 ? 399 : seq === 7 ? 401 : 0 })),
    );
    expect(record).toMatchObject({ offeredRate: 2.5, requests: 10, lateStarts: 1 });
  });

  it('anchors after 10 000 results even when request 0 never comes', () => {
    const c = new AttackCollector({ index: 0, rate: 1000, start: 0, measureFrom: 0, end: 20_000 }, 1000, PLAN);
    for (const r of scheduled(10_001, 1000).slice(1)) c.add(r);
    expect(c.startedAt).toBe(T0);
    expect(c.finish()).toMatchObject({ requests: 10_000, lateStarts: 0 });
  });
});
