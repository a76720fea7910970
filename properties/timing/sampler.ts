/**
 * The measuring side of the timing tests: one keep-alive connection to the configured target,
 * one request at a time, timed with the monotonic high-resolution clock from just before the
 * request is written until the last byte of the response is read. Requests are built before the
 * clock starts, and are sent in pairs (one per class, in a seeded random order), so slow drift of
 * the machine falls equally on both classes and cancels in each pair's difference.
 */
import { Client } from 'undici';
import type { Random } from '../../protocol/time.js';
import { Pacer } from '../../core/pacer.js';

export interface Built {
  body: string;
  headers: Record<string, string>;
}

export interface TimedResponse {
  /** elapsed nanoseconds, request write to last response byte */
  ns: number;
  http?: number;
  text?: string;
  error?: string;
}

export interface SamplerOptions {
  timeoutMs: number;
  /** absolute deadline (epoch ms): no request starts after it */
  deadline: number;
  /** pause so that no more than this many requests start per second */
  maxRequestsPerSecond?: number;
  /** largest response body kept, in bytes (the rest is read and dropped) */
  maxResponseBytes?: number;
}

export class TimingClient {
  private readonly client: Client;
  private readonly path: string;
  private readonly pacer: Pacer;
  requestCount = 0;

  constructor(
    url: string,
    private readonly options: SamplerOptions,
  ) {
    this.pacer = new Pacer(options.maxRequestsPerSecond);
    const u = new URL(url);
    this.path = `${u.pathname}${u.search}`;
    this.client = new Client(u.origin, {
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: { timeout: options.timeoutMs },
    });
  }

  get expired(): boolean {
    return Date.now() >= this.options.deadline;
  }

  async send(req: Built): Promise<TimedResponse> {
    await this.pace();
    this.requestCount++;
    const limit = this.options.maxResponseBytes ?? 1024 * 1024;
    const start = process.hrtime.bigint();
    try {
      const res = await this.client.request({ path: this.path, method: 'POST', headers: req.headers, body: req.body });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        const b = chunk as Buffer;
        if (size < limit) chunks.push(b);
        size += b.length;
      }
      const ns = Number(process.hrtime.bigint() - start);
      return { ns, http: res.statusCode, text: Buffer.concat(chunks).subarray(0, limit).toString('utf8') };
    } catch (err) {
      const ns = Number(process.hrtime.bigint() - start);
      const e = err as { code?: string; message?: string };
      return { ns, error: `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`.slice(0, 300) };
    }
  }

  private async pace(): Promise<void> {
    const wait = this.pacer.nextDelay();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}

export interface PairSamples {
  /** nanoseconds, one per completed pair, in the order sent */
  a: number[];
  b: number[];
  /** how each class was answered: "401/0" (HTTP status / Status attribute), counts */
  answers: { a: Map<string, number>; b: Map<string, number> };
  /** why sampling stopped before the requested number of pairs, if it did */
  stopped?: string;
  /** sampling stopped because the target stopped answering */
  transportFailure?: boolean;
  /** the first request and response of each class, for evidence */
  example: { a?: { req: Built; res: TimedResponse }; b?: { req: Built; res: TimedResponse } };
}

export interface PairOptions {
  pairs: number;
  /** pairs sent first and discarded (connection set-up, JIT warm-up on both sides) */
  warmup: number;
  random: Random;
  /** how a response is summarised for the answers tally */
  classify(res: TimedResponse): string;
  /** stop after this many consecutive transport errors */
  maxConsecutiveErrors?: number;
}

/**
 * Sends `warmup + pairs` pairs, one request of class a and one of class b per pair, the order
 * within each pair drawn from `random`, and returns the timings of the measured pairs.
 */
export async function samplePairs(client: TimingClient, buildA: () => Built, buildB: () => Built, o: PairOptions): Promise<PairSamples> {
  const out: PairSamples = { a: [], b: [], answers: { a: new Map(), b: new Map() }, example: {} };
  let errors = 0;
  const tally = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
  for (let i = 0; i < o.warmup + o.pairs; i++) {
    if (client.expired) {
      out.stopped = `the time budget ran out after ${Math.max(0, i - o.warmup)} of ${o.pairs} pairs`;
      break;
    }
    const reqA = buildA();
    const reqB = buildB();
    const aFirst = o.random() < 0.5;
    const first = await client.send(aFirst ? reqA : reqB);
    const second = await client.send(aFirst ? reqB : reqA);
    const resA = aFirst ? first : second;
    const resB = aFirst ? second : first;
    if (resA.error || resB.error) {
      errors++;
      if (errors >= (o.maxConsecutiveErrors ?? 3)) {
        out.stopped = `${errors} consecutive transport errors: ${(resA.error ?? resB.error)!}`;
        out.transportFailure = true;
        break;
      }
      continue;
    }
    errors = 0;
    if (i < o.warmup) continue;
    out.a.push(resA.ns);
    out.b.push(resB.ns);
    tally(out.answers.a, o.classify(resA));
    tally(out.answers.b, o.classify(resB));
    out.example.a ??= { req: reqA, res: resA };
    out.example.b ??= { req: reqB, res: resB };
  }
  return out;
}
