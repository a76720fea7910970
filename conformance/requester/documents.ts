/**
 * The documents a requester run shares: a listener the run opens on a loopback (or the allowed)
 * address, serving each doc_url it hands out under a path of its own random token, so a fetch is
 * attributed to the check that sent that doc_url. It serves a real PDF, an HTML page (not a
 * document), and a body over the size limit streamed in bounded chunks and stopped there; and it
 * names a dead port (a listener opened and closed) for the unreachable doc_url.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildPdf } from '../../core/pdf.js';

export type SharedKind = 'pdf' | 'html' | 'oversized';

/** fetches recorded per token beyond this are counted, not stored */
const MAX_FETCHES_KEPT = 20;
/** the oversized body is written in chunks of this size, each after the last one drained */
const CHUNK_BYTES = 256 * 1024;

export interface DocumentFetch {
  /** `GET /… HTTP/1.1` as received */
  requestLine: string;
  from: string;
}

export class DocumentServer {
  private readonly served = new Map<string, { kind: SharedKind; fetches: DocumentFetch[]; count: number }>();
  private readonly pdf = buildPdf({ title: 'dlconform requester test document', lines: ['A document shared by the dlconform harness.', 'It has no personal data.'] });

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    /** the size of the oversized body: just over the run's limit */
    private readonly oversizedBytes: number,
  ) {
    server.on('request', (req, res) => {
      req.resume();
      const token = /^\/dlconform\/([0-9a-f]{32})(?:\.[a-z]+)?$/.exec(req.url ?? '')?.[1];
      const entry = token ? this.served.get(token) : undefined;
      if (!entry) {
        res.writeHead(404, { 'content-type': 'text/plain', connection: 'close' });
        res.end('not found');
        return;
      }
      entry.count++;
      if (entry.fetches.length < MAX_FETCHES_KEPT) entry.fetches.push({ requestLine: `${req.method} ${req.url} HTTP/${req.httpVersion}`, from: req.socket.remoteAddress ?? 'unknown' });
      if (entry.kind === 'pdf') {
        res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(this.pdf.length), connection: 'close' });
        res.end(this.pdf);
      } else if (entry.kind === 'html') {
        const page = '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><p>This is a web page, not a document.</p></body></html>\n';
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(page)), connection: 'close' });
        res.end(page);
      } else {
        this.streamOversized(res);
      }
    });
  }

  /** Opens the listener on `host` (127.0.0.1 unless the run allows another address). */
  static async open(options: { host?: string; maxDocumentBytes: number }): Promise<DocumentServer> {
    const host = options.host ?? '127.0.0.1';
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const shown = host.includes(':') ? `[${host}]` : host;
    return new DocumentServer(server, `http://${shown}:${port}`, options.maxDocumentBytes + 1024 * 1024);
  }

  /** A fresh doc_url serving `kind`. */
  share(kind: SharedKind): string {
    const token = randomBytes(16).toString('hex');
    this.served.set(token, { kind, fetches: [], count: 0 });
    // every kind ends in .pdf: a service must look at what it fetched, not at the name
    return `${this.origin}/dlconform/${token}.pdf`;
  }

  /** The fetches of one doc_url so far. */
  fetchesOf(docUrl: string): { count: number; fetches: DocumentFetch[] } {
    const token = /\/dlconform\/([0-9a-f]{32})/.exec(docUrl)?.[1];
    const entry = token ? this.served.get(token) : undefined;
    return { count: entry?.count ?? 0, fetches: entry?.fetches ?? [] };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * A PDF head, then zeros up to the oversized length, announced in Content-Length so a service
   * can refuse before reading; written a chunk at a time after the last drained, and stopped at
   * the length (or when the service hangs up), so it costs one chunk of memory.
   */
  private streamOversized(res: import('node:http').ServerResponse): void {
    const total = this.oversizedBytes;
    res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(total), connection: 'close' });
    const head = Buffer.from('%PDF-1.4\n%dlconform oversized document\n', 'latin1');
    const zeros = Buffer.alloc(CHUNK_BYTES);
    let sent = 0;
    const write = () => {
      while (sent < total && !res.destroyed) {
        const first = sent === 0;
        const size = Math.min(CHUNK_BYTES, total - sent);
        const chunk = first ? Buffer.concat([head, zeros]).subarray(0, size) : zeros.subarray(0, size);
        sent += size;
        if (sent >= total) {
          res.end(chunk);
          return;
        }
        if (!res.write(chunk)) {
          res.once('drain', write);
          return;
        }
      }
    };
    res.on('close', () => res.removeAllListeners('drain'));
    write();
  }
}

/** A URL on a port that was open a moment ago and is closed now: a connection to it is refused. */
export async function deadDocumentUrl(host = '127.0.0.1'): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const shown = host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}/dlconform/${randomBytes(16).toString('hex')}.pdf`;
}
