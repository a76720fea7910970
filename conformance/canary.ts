/**
 * The XXE canary: a loopback HTTP listener the suite opens for one run (127.0.0.1, a free port,
 * a random path). A request declares an external entity whose system id is a URL on it; a parser
 * that resolves external entities fetches that URL, and the hit, or the random content the
 * listener serves appearing in a response, shows it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** hits kept beyond this are counted, not stored: a loop of fetches cannot grow the run's memory */
const MAX_RECORDED_HITS = 20;

export interface CanaryHit {
  /** the request line as the listener received it, e.g. `GET /…/pulluri HTTP/1.1` */
  requestLine: string;
  /** the peer address */
  from: string;
}

export class Canary {
  private readonly recorded: { path: string; hit: CanaryHit }[] = [];

  private constructor(
    private readonly server: Server,
    private readonly origin: string,
    /** the random path segment of this run: nothing but a resolving parser can know it */
    private readonly token: string,
    /** what the listener serves: a random value no issuer could produce by chance */
    readonly content: string,
  ) {
    server.on('request', (req, res) => {
      const path = req.url ?? '/';
      if (this.recorded.length < MAX_RECORDED_HITS) {
        this.recorded.push({ path, hit: { requestLine: `${req.method} ${path} HTTP/${req.httpVersion}`, from: req.socket.remoteAddress ?? 'unknown' } });
      }
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end(this.content);
    });
  }

  /** Opens the listener on 127.0.0.1 at a free port. */
  static async open(): Promise<Canary> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    return new Canary(server, `http://127.0.0.1:${port}`, randomBytes(12).toString('hex'), `dlconform-canary-${randomBytes(12).toString('hex')}`);
  }

  /** The system id one probe declares: the run's random path, then the probe's name. */
  url(probe: string): string {
    return `${this.origin}/${this.token}/${probe}`;
  }

  /** A `file:` system id that names no file, unique to this run and probe. */
  missingFile(probe: string): string {
    return `file:///nonexistent/dlconform-${this.token}-${probe}`;
  }

  /** The requests that reached the listener for one probe's URL. */
  hitsOn(probe: string): CanaryHit[] {
    const path = new URL(this.url(probe)).pathname;
    return this.recorded.filter((r) => r.path === path || r.path.startsWith(`${path}?`)).map((r) => r.hit);
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
