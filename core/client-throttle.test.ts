/**
 * The client and a target that throttles: after the target served an answer, a 403/429/503 that
 * is an HTML page or carries Retry-After is retried once, after the Retry-After (bounded by the
 * time budget), at half the rate; an answer that stays throttled is marked for the runner.
 * Real HTTP on 127.0.0.1: a scripted server, and the reference issuer's rate-limit fault.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startIssuer, type RunningIssuer } from '../fixtures/issuer/index.js';
import { TargetClient, type ClientOptions } from './client.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

function client(options: Partial<ClientOptions> = {}): TargetClient {
  const c = new TargetClient({ timeoutMs: 5000, concurrency: 1, maxResponseBytes: 1024 * 1024, ...options });
  open.push(c);
  return c;
}

interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

const XML_OK: Scripted = { status: 200, headers: { 'content-type': 'application/xml' }, body: '<PullURIResponse><ResponseStatus Status="1"/></PullURIResponse>' };
const HTML_403: Scripted = { status: 403, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><body>Forbidden</body></html>' };

/** A server answering its requests in the order of `script` (the last answer repeats). */
async function scripted(script: Scripted[]): Promise<{ url: string; received: () => number }> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const a = script[Math.min(n++, script.length - 1)]!;
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  open.push({ close: () => new Promise<void>((r) => server.close(() => r())) });
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/pulluri`, received: () => n };
}

const post = (c: TargetClient, url: string) => c.send({ url, headers: {}, body: '<PullURIRequest/>' });

describe('throttle answers after served ones', () => {
  it('are retried once; a served retry is the answer, with a note', async () => {
    const target = await scripted([XML_OK, { status: 503, headers: { 'retry-after': '0' }, body: 'busy' }, XML_OK]);
    const c = client();
    await post(c, target.url);
    const ex = await post(c, target.url);
    expect(ex.response?.status).toBe(200);
    expect(ex.throttled).toBeUndefined();
    expect(ex.response?.notes).toContain('answered on the one retry after a throttle answer (HTTP 503 with Retry-After: 0)');
    expect(target.received()).toBe(3);
    // the log keeps the throttle answer, marked, before the retry
    expect(c.exchanges.map((e) => [e.response?.status, !!e.throttled])).toEqual([
      [200, false],
      [503, true],
      [200, false],
    ]);
  });

  it('persisting: the retry answer is marked, and the rate is halved (from the observed rate without a cap)', async () => {
    const target = await scripted([XML_OK, XML_OK, HTML_403]);
    const c = client();
    await post(c, target.url);
    await post(c, target.url);
    expect(c.ratePerSecond).toBeUndefined();
    const ex = await post(c, target.url);
    expect(ex.response?.status).toBe(403);
    expect(ex.throttled).toMatchObject({ answer: 'HTTP 403 with an HTML page', servedBefore: 2, retried: true, waitedMs: 0 });
    expect(c.ratePerSecond).toBeGreaterThan(0);
    expect(ex.throttled!.ratePerSecond).toBe(c.ratePerSecond);
    expect(target.received()).toBe(4);
    // one halving per throttle episode: more throttle answers keep the rate
    const rate = c.ratePerSecond;
    expect((await post(c, target.url)).throttled?.retried).toBe(true);
    expect(c.ratePerSecond).toBe(rate);
  });

  it('a client that does not retry (the load sampler) marks the answer and keeps its pace', async () => {
    const target = await scripted([XML_OK, { status: 429, headers: { 'retry-after': '60' }, body: 'slow down' }]);
    const c = client({ retryThrottled: false });
    await post(c, target.url);
    const ex = await post(c, target.url);
    expect(ex.throttled).toMatchObject({ answer: 'HTTP 429 with Retry-After: 60', retried: false, notRetried: 'this client does not retry (load sampling)' });
    expect(target.received()).toBe(2);
    expect(c.ratePerSecond).toBeUndefined();
  });

  it('a configured cap is halved', async () => {
    const target = await scripted([XML_OK, HTML_403]);
    const c = client({ maxRequestsPerSecond: 50 });
    await post(c, target.url);
    await post(c, target.url);
    expect(c.ratePerSecond).toBe(25);
  });
});

describe('one request refused in the throttle form, the next served (a firewall refusing that request)', () => {
  it('gives the rate back once the next request is answered; a run of refusals keeps it halved', async () => {
    const target = await scripted([XML_OK, HTML_403, HTML_403, XML_OK, HTML_403, HTML_403, HTML_403, HTML_403, XML_OK]);
    const c = client({ maxRequestsPerSecond: 400 });
    await post(c, target.url);
    expect((await post(c, target.url)).throttled).toBeDefined();
    expect(c.ratePerSecond).toBe(200);
    await post(c, target.url);
    expect(c.ratePerSecond).toBe(400);
    // two requests refused one after the other (more than were in flight together): a rate limit
    await post(c, target.url);
    await post(c, target.url);
    expect(c.ratePerSecond).toBe(200);
    await post(c, target.url);
    expect(c.ratePerSecond).toBe(200);
  });
});

describe('not throttling', () => {
  it('an HTML 403 from the first answer on is a refusal, judged as it is (not retried)', async () => {
    const target = await scripted([HTML_403]);
    const c = client();
    for (let i = 0; i < 3; i++) expect((await post(c, target.url)).throttled).toBeUndefined();
    expect(target.received()).toBe(3);
    expect(c.ratePerSecond).toBeUndefined();
  });

  it('an XML 403 or a plain 429 without Retry-After after served answers', async () => {
    const target = await scripted([XML_OK, { status: 403, headers: { 'content-type': 'application/xml' }, body: '<PullURIResponse/>' }, { status: 429, body: 'no' }]);
    const c = client();
    for (let i = 0; i < 3; i++) expect((await post(c, target.url)).throttled).toBeUndefined();
    expect(target.received()).toBe(3);
  });
});

describe("the reference issuer's rate-limit fault", () => {
  async function issuer(retryAfter: number): Promise<RunningIssuer> {
    const i = await startIssuer({ apiKey: 'throttle-test-key', faults: ['rate-limit'], rateLimitPerMinute: 1, rateLimitRetryAfterSeconds: retryAfter });
    open.push(i);
    return i;
  }

  it('Retry-After is honoured before the one retry', async () => {
    const i = await issuer(1);
    const c = client({ deadline: Date.now() + 20_000 });
    expect((await post(c, i.pullUriUrl)).response?.status).toBe(401); // served: an answer of the issuer
    const ex = await post(c, i.pullUriUrl);
    // the limit is per minute: the retry, sent after the second asked for, is throttled again
    expect(ex.response?.status).toBe(429);
    expect(ex.throttled).toMatchObject({ answer: 'HTTP 429 with an HTML page and Retry-After: 1', retried: true, waitedMs: 1000 });
    expect(c.exchanges.map((e) => e.response?.status)).toEqual([401, 429, 429]);
  });

  it('a Retry-After past the time budget is not waited for: no retry, marked with why', async () => {
    const i = await issuer(30);
    const c = client({ deadline: Date.now() + 10_000 });
    await post(c, i.pullUriUrl);
    const ex = await post(c, i.pullUriUrl);
    expect(ex.throttled).toMatchObject({ retried: false, waitedMs: 0 });
    expect(ex.throttled!.notRetried).toMatch(/^its Retry-After asks for 30000 ms, beyond the \d+ ms left of the run time budget \(client\.timeBudgetMs\)$/);
    expect(c.exchanges).toHaveLength(2);
  });

  it('a Retry-After over the cap is waited for only up to the cap (60 s), then within the budget', async () => {
    const i = await issuer(3600);
    const c = client({ deadline: Date.now() + 10_000 });
    await post(c, i.pullUriUrl);
    // capped at 60 s, which is still past this run's budget: not retried
    expect((await post(c, i.pullUriUrl)).throttled?.notRetried).toMatch(/asks for 3600000 ms/);
  });
});
