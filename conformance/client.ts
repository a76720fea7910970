/**
 * The target client: undici with keep-alive, a per-request timeout, bounded concurrency and
 * rate, a byte limit on responses, and a circuit breaker so that a target that does not answer
 * ends the run quickly instead of after dozens of timeouts.
 */
import { Agent, request } from 'undici';

export interface ClientOptions {
  timeoutMs: number;
  concurrency: number;
  maxResponseBytes: number;
  /** consecutive transport failures (refused, reset, timeout) that open the circuit */
  breakerThreshold?: number;
  maxRequestsPerSecond?: number;
  /** absolute deadline (epoch ms) after which no request is started */
  deadline?: number;
}

export interface RawRequest {
  url: string;
  method?: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  bytes: Uint8Array;
  /** lenient UTF-8 decoding of the bytes (invalid sequences become U+FFFD) */
  text: string;
  truncated: boolean;
}

export type TransportErrorKind = 'timeout' | 'refused' | 'reset' | 'circuit-open' | 'budget' | 'other';

export interface RawExchange {
  request: RawRequest & { method: string };
  response?: RawResponse;
  error?: { kind: TransportErrorKind; message: string };
  startedAt: number;
  durationMs: number;
}

export class CircuitOpenError extends Error {}

/** Raised inside checks when the run can no longer reach the target. */
export function isFatalTransport(kind: TransportErrorKind | undefined): boolean {
  return kind === 'circuit-open' || kind === 'budget';
}

export class TargetClient {
  private readonly agent: Agent;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private consecutiveFailures = 0;
  private nextStart = 0;
  private openReason?: string;
  readonly exchanges: RawExchange[] = [];
  requestCount = 0;

  constructor(private readonly options: ClientOptions) {
    this.agent = new Agent({
      keepAliveTimeout: 10_000,
      connections: Math.max(1, options.concurrency),
      connect: { timeout: options.timeoutMs },
    });
  }

  /** The reason the circuit opened, when it did. */
  get circuitOpen(): string | undefined {
    return this.openReason;
  }

  async send(req: RawRequest): Promise<RawExchange> {
    const method = req.method ?? 'POST';
    const startedAt = Date.now();
    const record = (partial: Omit<RawExchange, 'request' | 'startedAt' | 'durationMs'>): RawExchange => {
      const ex: RawExchange = { request: { ...req, method }, startedAt, durationMs: Date.now() - startedAt, ...partial };
      this.exchanges.push(ex);
      return ex;
    };
    if (this.openReason) return record({ error: { kind: 'circuit-open', message: `not sent: ${this.openReason}` } });
    if (this.options.deadline !== undefined && Date.now() >= this.options.deadline) {
      return record({ error: { kind: 'budget', message: 'not sent: the run time budget is exhausted' } });
    }
    await this.acquire();
    try {
      await this.pace();
      this.requestCount++;
      const response = await this.exchange(req, method);
      this.consecutiveFailures = 0;
      return record({ response });
    } catch (err) {
      const error = classify(err, this.options.timeoutMs);
      this.noteFailure(req.url, error);
      return record({ error });
    } finally {
      this.release();
    }
  }

  private async exchange(req: RawRequest, method: string): Promise<RawResponse> {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    const res = await request(req.url, {
      method: method as 'POST',
      headers: req.headers,
      body: method === 'GET' || method === 'HEAD' ? undefined : req.body,
      dispatcher: this.agent,
      signal,
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
    });
    const chunks: Uint8Array[] = [];
    let size = 0;
    let truncated = false;
    for await (const chunk of res.body) {
      const bytes = chunk as Uint8Array;
      if (size + bytes.length > this.options.maxResponseBytes) {
        chunks.push(bytes.subarray(0, this.options.maxResponseBytes - size));
        size = this.options.maxResponseBytes;
        truncated = true;
        res.body.destroy();
        break;
      }
      chunks.push(bytes);
      size += bytes.length;
    }
    const bytes = Buffer.concat(chunks, size);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    return { status: res.statusCode, headers, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), text: bytes.toString('utf8'), truncated };
  }

  private noteFailure(url: string, error: { kind: TransportErrorKind; message: string }): void {
    this.consecutiveFailures++;
    if (this.consecutiveFailures >= (this.options.breakerThreshold ?? 3)) {
      this.openReason = `${this.consecutiveFailures} consecutive transport failures, last on ${url}: ${error.message}`;
    }
  }

  /** Opens the circuit from outside (the preflight probe). */
  open(reason: string): void {
    this.openReason = reason;
  }

  private async acquire(): Promise<void> {
    if (this.active < this.options.concurrency) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }

  private async pace(): Promise<void> {
    const rate = this.options.maxRequestsPerSecond;
    if (!rate) return;
    const now = Date.now();
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + 1000 / rate;
    if (start > now) await new Promise((r) => setTimeout(r, start - now));
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }
}

function classify(err: unknown, timeoutMs: number): { kind: TransportErrorKind; message: string } {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || /TIMEOUT/.test(code)) {
    return { kind: 'timeout', message: `no response within ${timeoutMs} ms` };
  }
  if (code === 'ECONNREFUSED') return { kind: 'refused', message: 'connection refused' };
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return { kind: 'reset', message: `connection reset (${code})` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'refused', message: `host not found (${code})` };
  return { kind: 'other', message: `${code ? code + ': ' : ''}${e.message ?? String(err)}`.slice(0, 300) };
}
