/**
 * The requester runner on hostile or broken services (real HTTP on loopback): a refusal proves
 * nothing while the valid share is refused too; an answer too long or not a word becomes a
 * verdict, never a crash; the transport check judges the URL it is given.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { REQUESTER_CHECKS } from './checks.js';
import type { RequesterContext } from './context.js';
import { DocumentServer } from './documents.js';
import { runRequesterChecks } from './run.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A service answering every POST with `status` and `body`, reading nothing. */
async function answering(status: number, body: string): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`;
}

const verdicts = (checks: ReadonlyArray<{ id: string; verdict: string }>) => Object.fromEntries(checks.map((c) => [c.id, c.verdict]));

describe('runRequesterChecks', () => {
  it('a service answering FAILURE to everything: the valid share fails, every refusal is inconclusive, exit 1', async () => {
    const { result } = await runRequesterChecks(await answering(200, 'FAILURE'), { timeoutMs: 3000 });
    expect(verdicts(result.checks)).toEqual({
      'requester.share.stored': 'fail',
      'requester.params.user-ref': 'inconclusive',
      'requester.params.doc-id': 'inconclusive',
      'requester.params.doc-url': 'inconclusive',
      'requester.doc-url.unreachable': 'inconclusive',
      'requester.doc-url.not-a-document': 'inconclusive',
      'requester.doc-url.oversized': 'inconclusive',
      'requester.transport.https': 'pass',
      'requester.share.repeat': 'skip',
    });
    expect(result.exitCode).toBe(1);
  });

  it('a service answering 500 to everything is judged, not counted unreachable', async () => {
    const { result } = await runRequesterChecks(await answering(500, 'Internal Server Error'), { timeoutMs: 3000 });
    expect(result.aborted).toBeUndefined();
    expect(result.checks.find((c) => c.id === 'requester.share.stored')?.actual).toContain('HTTP 500');
    expect(result.exitCode).toBe(1);
  });

  it('an answer over the read limit becomes a failed verdict with evidence, not a crash', async () => {
    const { result } = await runRequesterChecks(await answering(200, `SUCCESS${' '.repeat(1024 * 1024)}`), { timeoutMs: 3000 });
    const stored = result.checks.find((c) => c.id === 'requester.share.stored');
    expect(stored?.verdict).toBe('fail');
    expect(stored?.evidence.length).toBe(1);
    expect(result.exitCode).not.toBe(0);
  });

  it('refuses an upload URL that is not http(s), naming the fix', async () => {
    await expect(runRequesterChecks('ftp://clientapp.gov.in/upload')).rejects.toThrow(/https:/);
    await expect(runRequesterChecks('clientapp.gov.in/upload')).rejects.toThrow(/e\.g\. https:\/\/clientapp\.gov\.in\/upload/);
  });

  it('the transport check warns on plain http outside loopback and passes https', async () => {
    const check = REQUESTER_CHECKS.find((c) => c.id === 'requester.transport.https')!;
    const on = (uploadUrl: string) => check.run({ uploadUrl } as RequesterContext);
    expect((await on('http://clientapp.gov.in/upload')).verdict).toBe('warn');
    expect((await on('https://clientapp.gov.in/upload')).verdict).toBe('pass');
  });
});

describe('the document server', () => {
  it('serves the oversized body to its announced length and stops; every fetch counts against its own doc_url', async () => {
    const documents = await DocumentServer.open({ maxDocumentBytes: 1024 * 1024 });
    try {
      const big = documents.share('oversized');
      const pdf = documents.share('pdf');
      const got = await request(big);
      let size = 0;
      for await (const chunk of got.body) size += (chunk as Buffer).length;
      expect(Number(got.headers['content-length'])).toBe(2 * 1024 * 1024);
      expect(size).toBe(2 * 1024 * 1024);
      const head = Buffer.from(await (await request(pdf)).body.arrayBuffer())
        .subarray(0, 5)
        .toString('latin1');
      expect(head).toBe('%PDF-');
      expect(documents.fetchesOf(big).count).toBe(1);
      expect(documents.fetchesOf(pdf).count).toBe(1);
      expect((await request(`${documents.origin}/dlconform/${'0'.repeat(32)}.pdf`)).statusCode).toBe(404);
    } finally {
      await documents.close();
    }
  });
});

/** A service that stores a PDF it can fetch and answers missing fields FAILURE, but leaves every other share unanswered. */
async function hangingOnBadDocuments(): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', async () => {
      const fields = new URLSearchParams(body);
      const docUrl = fields.get('doc_url');
      if (!fields.get('user_ref') || !fields.get('doc_id') || !docUrl) {
        res.end('FAILURE');
        return;
      }
      try {
        const got = await request(docUrl);
        const head = Buffer.from(await got.body.arrayBuffer())
          .subarray(0, 5)
          .toString('latin1');
        if (got.statusCode === 200 && head === '%PDF-' && Number(got.headers['content-length']) < 1024 * 1024) res.end('SUCCESS');
      } catch {
        // unreachable: no answer either
      }
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`;
}

describe('bounds', () => {
  it('a service that never answers the bad doc_urls is judged on each: no circuit breaker calls it unreachable', async () => {
    const { result } = await runRequesterChecks(await hangingOnBadDocuments(), { timeoutMs: 500, maxDocumentBytes: 1024 * 1024 });
    const byId = verdicts(result.checks);
    expect(byId).toMatchObject({
      'requester.share.stored': 'pass',
      'requester.doc-url.unreachable': 'fail',
      'requester.doc-url.not-a-document': 'fail',
      'requester.doc-url.oversized': 'warn',
      'requester.share.repeat': 'pass',
    });
    expect(result.checks.find((c) => c.id === 'requester.doc-url.unreachable')?.actual).toMatch(/no answer/);
    expect(result.aborted).toBeUndefined();
  });

  it('a spent time budget makes the checks it stopped errors, never passes', async () => {
    const { result } = await runRequesterChecks(await hangingOnBadDocuments(), { timeoutMs: 1000, timeBudgetMs: 1200, maxDocumentBytes: 1024 * 1024 });
    const bad = result.checks.filter((c) => c.id.startsWith('requester.doc-url.'));
    expect(bad.map((c) => c.verdict).filter((v) => v === 'pass')).toEqual([]);
    expect(bad.some((c) => c.verdict === 'error')).toBe(true);
    expect(result.exitCode).toBe(1);
  });
});
