/**
 * The target client against hostile servers (the chaos target, and raw sockets where HTTP itself
 * is the problem): every exchange resolves, says what was received, how much and after how long;
 * the header and body deadlines are separate; the size cap holds; nothing is decompressed or
 * followed; close() ends what is in flight.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChaos, type ChaosBehaviourName, type RunningChaos } from '../fixtures/chaos/index.js';
import { utf8DecodeStrict } from '../protocol/bytes.js';
import { bodyExcerpt, TargetClient, type ClientOptions, type RawExchange } from './client.js';

let chaos: RunningChaos;
const clients: TargetClient[] = [];

beforeAll(async () => {
  chaos = await startChaos({ apiKey: 'client-test-key', dripMs: 50, trickleMs: 1000, keepAliveRequests: 2, bombMebibytes: 64 });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await chaos.close();
  // with --expose-gc: collect what is merely unreferenced, so --detectAsyncLeaks sees real leaks only
  (globalThis as { gc?: () => void }).gc?.();
});

function client(options: Partial<ClientOptions> = {}): TargetClient {
  const c = new TargetClient({ timeoutMs: 2000, concurrency: 2, maxResponseBytes: 1024 * 1024, ...options });
  clients.push(c);
  return c;
}

const post = (c: TargetClient, behaviour: ChaosBehaviourName, body = '<PullURIRequest/>') => c.send({ url: chaos.urls(behaviour).pullUri, headers: { 'content-type': 'application/xml' }, body });

/** A raw TCP server that answers every connection with `script`. */
const rawSockets = new WeakMap<Server, Set<Socket>>();

async function rawServer(script: (socket: Socket) => void): Promise<{ url: string; server: Server }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => script(socket));
  });
  rawSockets.set(server, sockets);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/pulluri`, server };
}

async function closeRaw(server: Server): Promise<void> {
  const closed = new Promise<void>((r) => server.close(() => r()));
  for (const s of rawSockets.get(server) ?? []) s.destroy();
  await closed;
}

describe('timeouts: headers and body separately', () => {
  it('no headers: phase headers, the header deadline named', async () => {
    const ex = await post(client({ headersTimeoutMs: 300, bodyTimeoutMs: 5000 }), 'never-answer');
    expect(ex.error).toMatchObject({ kind: 'timeout', phase: 'headers' });
    expect(ex.error!.message).toBe('no response headers within 300 ms (request sent, connection open)');
  });

  it('a body that never ends: phase body, the body deadline named, the bytes received counted', async () => {
    const ex = await post(client({ headersTimeoutMs: 5000, bodyTimeoutMs: 400 }), 'chunked-forever');
    expect(ex.error).toMatchObject({ kind: 'timeout', phase: 'body', status: 200 });
    expect(ex.error!.bytesReceived).toBeGreaterThan(0);
    expect(ex.error!.message).toMatch(/^HTTP 200 headers after \d+ ms, then the body was not complete within 400 ms: \d+ body bytes received \(chunked, no end seen\)$/);
  });

  it('slowloris: a trickle of bytes does not extend the header deadline', async () => {
    const ex = await post(client({ headersTimeoutMs: 300 }), 'slowloris');
    expect(ex.error).toMatchObject({ kind: 'timeout', phase: 'headers' });
    expect(ex.durationMs).toBeLessThan(10_000);
  });

  it('interim 1xx responses are counted and do not extend the header deadline', async () => {
    const ex = await post(client({ headersTimeoutMs: 400 }), 'interim-flood');
    expect(ex.error!.message).toMatch(/^no response headers within 400 ms \(request sent, connection open; \d+ interim 1xx responses \(\d+× 102\) came instead\)$/);
  });
});

describe('sizes: the cap holds, nothing is decompressed', () => {
  it('a declared Content-Length over the cap is refused before reading', async () => {
    const ex = await post(client({ maxResponseBytes: 100_000 }), 'huge-body');
    expect(ex.error).toMatchObject({ kind: 'other', phase: 'body', bytesReceived: 0, declaredLength: 1024 ** 3 });
    expect(ex.error!.message).toMatch(/^HTTP 200 declares a body of 1073741824 bytes \(Content-Length\), over the 100000-byte cap \(client\.maxResponseBytes\); not read/);
  });

  it('a chunked body is cut at the cap', async () => {
    const ex = await post(client({ maxResponseBytes: 300_000 }), 'huge-chunked');
    expect(ex.error).toMatchObject({ kind: 'other', phase: 'body' });
    expect(ex.error!.bytesReceived).toBeLessThanOrEqual(300_000);
    expect(ex.error!.message).toMatch(/the body exceeded the 300000-byte cap \(client\.maxResponseBytes\): stopped reading at \d+ bytes \(chunked, no end seen\)/);
  });

  it('a gzip bomb stays its compressed bytes, with a note naming the coding', async () => {
    const ex = await post(client({ maxResponseBytes: 4 * 1024 * 1024 }), 'gzip-bomb');
    const r = ex.response!;
    expect(r.headers['content-encoding']).toBe('gzip');
    expect([r.bytes[0], r.bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(r.bytes.length).toBeLessThan(200_000); // 64 MiB of zeros, compressed
    expect(r.notes?.join('\n')).toMatch(/Content-Encoding: gzip: the body is \d+ compressed bytes, which dlconform does not decompress/);
  });

  it('a deflate bomb likewise', async () => {
    const ex = await post(client(), 'deflate-bomb');
    expect(ex.response!.bytes[0]).toBe(0x78);
    expect(ex.response!.notes?.join('\n')).toMatch(/Content-Encoding: deflate/);
  });
});

describe('HTTP that goes wrong', () => {
  it('a redirect is a response, not followed; another host is named and gets nothing', async () => {
    const before = chaos.otherHostHits;
    const ex = await post(client(), 'redirect-other-host');
    expect(ex.response!.status).toBe(307);
    expect(ex.response!.notes?.[0]).toMatch(/^HTTP 307 redirect to http:\/\/127\.0\.0\.1:\d+\/pulluri \(another host: 127\.0\.0\.1:\d+\), not followed/);
    expect(chaos.otherHostHits).toBe(before);
    const loop = await post(client(), 'redirect-loop');
    expect(loop.response!.notes?.[0]).toMatch(/\(the same URL: a redirect loop\)/);
  });

  it('a reset before any response', async () => {
    const ex = await post(client(), 'reset-before-headers');
    expect(ex.error).toMatchObject({ kind: 'reset', phase: 'headers' });
  });

  it('a body shorter than its Content-Length: how much of how much', async () => {
    const ex = await post(client(), 'truncated-body');
    // the chaos server's answer to this unsigned request is the issuer's 401, 1000 bytes short
    expect(ex.error).toMatchObject({ kind: 'reset', phase: 'body', status: 401 });
    expect(ex.error!.declaredLength! - ex.error!.bytesReceived!).toBe(1000);
    expect(ex.error!.message).toMatch(new RegExp(`: ${ex.error!.bytesReceived} body bytes received of ${ex.error!.declaredLength} declared by Content-Length$`));
  });

  it('an unsolicited 100 Continue is reported as such', async () => {
    const ex = await post(client(), 'continue-unsolicited');
    expect(ex.error!.message).toMatch(/interim "100 Continue" although the request had no Expect: 100-continue/);
  });

  it('not HTTP at all', async () => {
    const ex = await post(client(), 'not-http');
    expect(ex.error).toMatchObject({ kind: 'other', phase: 'headers' });
    expect(ex.error!.message).toMatch(/^the response is not valid HTTP\/1\.1 \(/);
  });

  it('headers too large for the client', async () => {
    const { url, server } = await rawServer((s) => s.write(`HTTP/1.1 200 OK\r\nX-Junk: ${'a'.repeat(70_000)}\r\n\r\n`));
    try {
      const ex = await client().send({ url, headers: {}, body: 'x' });
      expect(ex.error!.message).toMatch(/the response headers are larger than the HTTP client accepts/);
    } finally {
      await closeRaw(server);
    }
  });

  it('a keep-alive connection closed mid-run: the request on it fails, the next connection works', async () => {
    const c = client({ concurrency: 1 });
    const results: RawExchange[] = [];
    for (let i = 0; i < 4; i++) results.push(await post(c, 'keepalive-close'));
    // (the issuer answers these unsigned requests with 401: an answer is all that matters here)
    expect(results.map((r) => (r.error ? r.error.kind : r.response!.status))).toEqual([401, 401, 'reset', 401]);
    expect(results[2]!.error!.message).toMatch(
      /^the target closed the connection without answering, before any response headers \(after \d+ ms\); \d+ bytes had been received on this connection before$/,
    );
  });
});

describe('the client itself', () => {
  it('send() never rejects, and failures open the circuit after breakerThreshold in a row', async () => {
    const { url, server } = await rawServer((s) => s.resetAndDestroy());
    try {
      const c = client({ breakerThreshold: 2 });
      const a = await c.send({ url, headers: {}, body: 'x' });
      const b = await c.send({ url, headers: {}, body: 'x' });
      const d = await c.send({ url, headers: {}, body: 'x' });
      expect([a.error?.kind, b.error?.kind, d.error?.kind]).toEqual(['reset', 'reset', 'circuit-open']);
      expect(c.circuitOpen).toMatch(/^2 consecutive transport failures, last on http:\/\/127\.0\.0\.1:\d+\/pulluri: the connection was reset/);
    } finally {
      await closeRaw(server);
    }
  });

  it('the run deadline aborts a request in flight', async () => {
    const c = client({ timeoutMs: 60_000, deadline: Date.now() + 300 });
    const ex = await post(c, 'never-answer');
    expect(ex.error).toMatchObject({ kind: 'budget', phase: 'headers' });
    expect(ex.error!.message).toMatch(/^the run time budget \(client\.timeBudgetMs\) ran out after \d+ ms, while waiting for the response headers$/);
    expect((await post(c, 'ok')).error?.kind).toBe('budget');
  });

  it('close() ends what is in flight, quickly', async () => {
    const c = client({ timeoutMs: 60_000 });
    const pending = post(c, 'never-answer');
    await expect.poll(() => chaos.hits('never-answer')).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await c.close();
    const ex = await pending;
    expect(ex.error!.message).toMatch(/^the run ended while the request was in flight/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await post(c, 'ok')).error?.message).toBe('not sent: the client is closed');
  });

  it('a large body: one buffer, decoded once (a strict decode of the same bytes is the same string), an excerpt in the log', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 'A');
    const { url, server } = await rawServer((s) => {
      s.write(`HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: ${big.length}\r\n\r\n`);
      s.write(big);
    });
    try {
      const c = client({ maxResponseBytes: 4 * 1024 * 1024, logBodyBytes: 1024 });
      const ex = await c.send({ url, headers: {}, body: 'x' });
      expect(ex.response!.bytes.length).toBe(big.length);
      expect(ex.response!.bytes.byteLength).toBe(ex.response!.bytes.buffer.byteLength); // not a view into something larger
      expect(utf8DecodeStrict(ex.response!.bytes)).toBe(ex.response!.text);
      const logged = c.exchanges.at(-1)!.response!;
      expect(logged).toMatchObject({ truncated: true, size: big.length });
      expect(logged.bytes.length).toBe(1024);
      expect(logged.bytes.buffer.byteLength).toBe(1024);
    } finally {
      await closeRaw(server);
    }
  });

  it('a large valid UTF-8 body is held once, as bytes: text is decoded on access, exactly; the excerpt decodes only a prefix', async () => {
    const big = Buffer.from(`<a>${'é'.repeat(700_000)}</a>`, 'utf8');
    const { url, server } = await rawServer((s) => s.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\n\r\n`), big])));
    try {
      const ex = await client({ maxResponseBytes: 4 * 1024 * 1024 }).send({ url, headers: {}, body: 'x' });
      const r = ex.response!;
      expect(r.lazyText).toBe(true);
      expect(Object.getOwnPropertyDescriptor(r, 'text')?.get).toBeTypeOf('function');
      expect(Buffer.from(r.bytes).equals(big)).toBe(true);
      expect(r.text).toBe(big.toString('utf8'));
      expect(r.size).toBe(big.length);
      expect(r.utf8).toBe(true);
      expect(bodyExcerpt(r, 10)).toEqual({ text: '<a>ééééééé', truncated: true });
      expect(JSON.stringify(r)).not.toContain('éééé'); // the text is not a property anything copies by accident
    } finally {
      await closeRaw(server);
    }
  });

  it('bodyExcerpt of a small body is its text, cut at the limit', () => {
    const r = { status: 200, headers: {}, bytes: Buffer.from('<a>xyz</a>'), text: '<a>xyz</a>', truncated: false };
    expect(bodyExcerpt(r, 100)).toEqual({ text: '<a>xyz</a>', truncated: false });
    expect(bodyExcerpt(r, 4)).toEqual({ text: '<a>x', truncated: true });
  });

  it('a large body that is not UTF-8 keeps its exact bytes', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'A');
    big[1_500_000] = 0xff;
    const { url, server } = await rawServer((s) => s.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\n\r\n`), big])));
    try {
      const c = client({ maxResponseBytes: 4 * 1024 * 1024 });
      const ex = await c.send({ url, headers: {}, body: 'x' });
      expect(Buffer.from(ex.response!.bytes).equals(big)).toBe(true);
      expect(ex.response!.lazyText).toBe(true);
      expect(ex.response!.text.charAt(1_500_000)).toBe('\uFFFD');
      expect(utf8DecodeStrict(ex.response!.bytes)).toBeUndefined();
      expect(ex.response!.utf8).toBe(false);
      expect(c.exchanges.at(-1)!.response).toMatchObject({ truncated: true, utf8: false }); // the excerpt says what the whole body was
    } finally {
      await closeRaw(server);
    }
  });

  it('UTF-16 and empty bodies get a note', async () => {
    expect((await post(client(), 'utf16-bom')).response!.notes).toContain('the body is UTF-16LE with a byte-order mark, not UTF-8');
    expect((await post(client(), 'utf16-no-bom')).response!.notes).toContain('the body is UTF-16LE without a byte-order mark, not UTF-8');
    expect((await post(client(), 'empty-200')).response!.notes).toContain('the body is empty (HTTP 200, 0 bytes)');
  });
});
