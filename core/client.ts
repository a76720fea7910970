/**
 * The target client: undici with keep-alive, bounded concurrency and rate, and a circuit breaker
 * so that a target that does not answer ends the run quickly instead of after dozens of timeouts.
 *
 * Whatever the target does, `send()` resolves (never rejects) with either a complete response or
 * an error that says what was received, how much and after how long:
 * - separate deadlines for the response headers and for the whole body (a trickle of one byte a
 *   second, or a chunked body that never ends, cannot keep a request alive), and the run's own
 *   deadline (client.timeBudgetMs) aborts whatever is still in flight;
 * - a cap on the body (client.maxResponseBytes): a declared Content-Length over it is refused
 *   before reading, a body without one is cut at the cap;
 * - nothing is decompressed (undici's request does not, and no Accept-Encoding is sent): a gzip
 *   or deflate bomb stays its few compressed bytes, and the response says which coding it has;
 * - redirects are never followed (undici's request does not follow them): a 3xx is a response,
 *   with a note naming the Location and whether it is another host;
 * - 1xx interim responses are counted; an unsolicited 100 Continue is refused by undici and
 *   reported as such.
 * Large bodies are read into one buffer when Content-Length is known and held as those bytes
 * only: their `text` is decoded on each access (protocol/body.ts reads their XML from the bytes, so a
 * 20 MB certificate never becomes a string), and the exchange log keeps an excerpt.
 */
import { Agent, request } from 'undici';
import { isUtf8 } from 'node:buffer';
import { rememberUtf8, sniffEncoding, utf8DecodeStrict } from '../protocol/bytes.js';
import { Pacer } from './pacer.js';
import { RETRY_AFTER_CAP_MS, retryAfterMs, throttleForm } from './throttle.js';

export interface ClientOptions {
  /** the default of the two phase timeouts below, and the connect timeout */
  timeoutMs: number;
  /** time allowed from sending the request to complete response headers (default timeoutMs) */
  headersTimeoutMs?: number;
  /** time allowed for the whole body once the headers are in (default timeoutMs) */
  bodyTimeoutMs?: number;
  concurrency: number;
  maxResponseBytes: number;
  /** consecutive transport failures (refused, reset, timeout, over the cap) that open the circuit */
  breakerThreshold?: number;
  maxRequestsPerSecond?: number;
  /** absolute deadline (epoch ms): no request starts after it, and requests in flight are aborted */
  deadline?: number;
  /** bodies longer than this are kept in `exchanges` as an excerpt of this many bytes (default 64 KiB) */
  logBodyBytes?: number;
  /**
   * false: a throttle answer is marked but neither waited for, slowed down for nor retried (the
   * load sampler, whose pace is the load's); default true
   */
  retryThrottled?: boolean;
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
  /** the body */
  bytes: Uint8Array;
  /**
   * UTF-8 decoding of the bytes (lenient: invalid sequences become U+FFFD). For a body over 1 MiB
   * (`lazyText`) a getter that decodes on each access: read `bytes`, bodyExcerpt() or
   * readResponseBytes() where you can.
   */
  text: string;
  /** `text` is decoded from `bytes` on each access (the body is over 1 MiB) */
  lazyText?: boolean;
  /**
   * Whether the whole body is valid UTF-8 (then `text` is its exact decoding), as the client found
   * when it read it; checks use it instead of decoding `bytes` again. Undefined for responses not
   * read by the client.
   */
  utf8?: boolean;
  /** `bytes` and `text` are not the whole body (the excerpt kept in `exchanges` for a large body) */
  truncated: boolean;
  /** the whole body's length in bytes */
  size?: number;
  /** milliseconds from sending the request to complete response headers */
  headersMs?: number;
  /** status codes of interim 1xx responses received before this one */
  interim?: number[];
  /** what stands out about the response, in words: a redirect, a content coding, UTF-16, … */
  notes?: string[];
}

export type TransportErrorKind = 'timeout' | 'refused' | 'reset' | 'circuit-open' | 'budget' | 'other';

export interface TransportError {
  kind: TransportErrorKind;
  /** what happened, what was received, how much, after how long */
  message: string;
  /** where it failed: before complete response headers, or while reading the body */
  phase?: 'headers' | 'body';
  /** HTTP status and headers, when they arrived */
  status?: number;
  headers?: Record<string, string>;
  /** body bytes received before the failure */
  bytesReceived?: number;
  /** the Content-Length the target declared */
  declaredLength?: number;
}

/**
 * A throttle answer (core/throttle.ts): HTTP 403/429/503 with an HTML page or Retry-After after the
 * target had served answers of another form in this run. It judges the target's rate limit, not
 * the request.
 */
export interface ThrottleNote {
  /** the answer, in words: "HTTP 403 with an HTML page", "HTTP 429 with Retry-After: 5" */
  answer: string;
  /** answers of another form the target had given earlier in the run */
  servedBefore: number;
  /** whether the one retry was sent (it follows this exchange, or this exchange is its answer) */
  retried: boolean;
  /** ms the retry waited for the target's Retry-After (bounded by RETRY_AFTER_CAP_MS) */
  waitedMs: number;
  /** the request rate after throttling, per second */
  ratePerSecond?: number;
  /** why there was no retry */
  notRetried?: string;
}

export interface RawExchange {
  request: RawRequest & { method: string };
  response?: RawResponse;
  error?: TransportError;
  startedAt: number;
  durationMs: number;
  /**
   * set when the response is a throttle answer: on the first answer (the retry follows in the log)
   * and on the retry's answer when the throttling persisted; the runner makes the verdict of a
   * check that judged it inconclusive
   */
  throttled?: ThrottleNote;
}

const DEFAULT_LOG_BODY_BYTES = 64 * 1024;

/** Why our own AbortController fired. */
class Stop extends Error {
  constructor(readonly why: 'headers-timeout' | 'body-timeout' | 'budget' | 'closed') {
    super(why);
  }
}

class TooLarge extends Error {}

interface Progress {
  phase: 'headers' | 'body';
  status?: number;
  headers?: Record<string, string>;
  headersAt?: number;
  bytes: number;
  declared?: number;
  interim: number[];
}

export class TargetClient {
  private readonly agent: Agent;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private consecutiveFailures = 0;
  private readonly pacer: Pacer;
  private openReason?: string;
  private closed = false;
  private readonly inFlight = new Set<AbortController>();
  /** answers that were not throttle answers: throttling is recognised only after one */
  private servedAnswers = 0;
  /** throttle answers keep coming since the rate was last halved */
  private throttleEpisode = false;
  /** the cap before the episode's halving, and how many requests the episode throttled */
  private episode?: { rateBefore: number | undefined; requests: number };
  /** how many times the rate was halved: a request remembers the rate it was sent at */
  private rateEpoch = 0;
  readonly exchanges: RawExchange[] = [];
  requestCount = 0;

  constructor(private readonly options: ClientOptions) {
    this.pacer = new Pacer(options.maxRequestsPerSecond);
    this.agent = new Agent({
      keepAliveTimeout: 10_000,
      connections: Math.max(1, options.concurrency),
      connect: { timeout: Math.min(options.timeoutMs, options.headersTimeoutMs ?? options.timeoutMs) },
    });
  }

  /** The reason the circuit opened, when it did. */
  get circuitOpen(): string | undefined {
    return this.openReason;
  }

  private get headersTimeoutMs(): number {
    return this.options.headersTimeoutMs ?? this.options.timeoutMs;
  }

  private get bodyTimeoutMs(): number {
    return this.options.bodyTimeoutMs ?? this.options.timeoutMs;
  }

  /** The request rate now, per second (undefined: no cap); throttling lowers it. */
  get ratePerSecond(): number | undefined {
    return this.pacer.ratePerSecond;
  }

  /**
   * Sends one request. A throttle answer (see ThrottleNote) is retried once: after the target's
   * Retry-After (when it fits the time budget), at half the request rate.
   */
  async send(req: RawRequest): Promise<RawExchange> {
    const method = req.method ?? 'POST';
    const refusal = this.refusal();
    if (refusal) return this.record({ request: { ...req, method }, startedAt: Date.now(), durationMs: 0, error: refusal });
    await this.acquire();
    try {
      const first = await this.attempt(req, method);
      const form = this.throttleOf(first.exchange);
      if (!form) return this.record(first.exchange);
      return await this.retryThrottled(req, method, first, form);
    } finally {
      this.release();
    }
  }

  private record(ex: RawExchange): RawExchange {
    this.exchanges.push(this.forLog(ex));
    return ex;
  }

  /** One paced request, not yet recorded; `epoch` is the rate it was sent at. */
  private async attempt(req: RawRequest, method: string): Promise<{ exchange: RawExchange; epoch: number }> {
    const startedAt = Date.now();
    const done = (partial: Pick<RawExchange, 'response' | 'error'>) => ({ request: { ...req, method }, startedAt, durationMs: Date.now() - startedAt, ...partial });
    const epoch = this.rateEpoch;
    try {
      await this.pace();
      const late = this.refusal();
      if (late) return { exchange: done({ error: late }), epoch };
      this.requestCount++;
      const response = await this.exchange(req, method);
      this.consecutiveFailures = 0;
      return { exchange: done({ response }), epoch };
    } catch (err) {
      const error = err as TransportError;
      if (error.kind !== 'budget' && error.kind !== 'circuit-open') this.noteFailure(req.url, error);
      return { exchange: done({ error }), epoch };
    }
  }

  /**
   * The answer in words when it is a throttle answer: the form (core/throttle.ts) after the target
   * had answered otherwise in this run (a target that answers every request so, from the first,
   * is refusing them, which the checks judge). Counts the other answers.
   */
  private throttleOf(ex: RawExchange): string | undefined {
    const r = ex.response;
    if (!r) return undefined;
    const form = throttleForm(r.status, r.headers, () => bodyExcerpt(r, 4096).text);
    if (form === undefined) {
      this.servedAnswers++;
      // no more requests refused in that form than were in flight together, and the next one
      // answered: a firewall refusing those requests, not a rate limit (which refuses what
      // follows too), so the rate is given back
      if (this.throttleEpisode && this.episode && this.episode.requests <= Math.max(1, this.options.concurrency)) this.pacer.restore(this.episode.rateBefore);
      this.throttleEpisode = false;
      this.episode = undefined;
      return undefined;
    }
    return this.servedAnswers > 0 ? form : undefined;
  }

  /**
   * Honours Retry-After (capped at RETRY_AFTER_CAP_MS; no retry when it reaches past the time
   * budget), halves the rate once per throttle episode, and retries once. The first answer is
   * logged marked; the retry's answer is returned, marked when the throttling persisted.
   */
  private async retryThrottled(req: RawRequest, method: string, first: { exchange: RawExchange; epoch: number }, answer: string): Promise<RawExchange> {
    const now = Date.now();
    if (this.options.retryThrottled === false) {
      return this.record({ ...first.exchange, throttled: { answer, servedBefore: this.servedAnswers, retried: false, waitedMs: 0, notRetried: 'this client does not retry (load sampling)' } });
    }
    const asked = retryAfterMs(first.exchange.response!.headers['retry-after'], now);
    const waitedMs = Math.min(asked ?? 0, RETRY_AFTER_CAP_MS);
    // a throttle answer to a request sent before the last halving, or while throttled answers
    // keep coming, is the same episode: the rate is halved once for it
    if (!this.throttleEpisode && first.epoch === this.rateEpoch) {
      this.episode = { rateBefore: this.pacer.ratePerSecond, requests: 0 };
      this.pacer.halve(now);
      this.rateEpoch++;
      this.throttleEpisode = true;
    }
    if (this.episode) this.episode.requests++;
    const note: ThrottleNote = { answer, servedBefore: this.servedAnswers, retried: true, waitedMs, ratePerSecond: this.pacer.ratePerSecond };
    const left = this.options.deadline === undefined ? Number.POSITIVE_INFINITY : this.options.deadline - now;
    if (waitedMs >= left) {
      const why =
        asked === undefined
          ? 'the run time budget (client.timeBudgetMs) is exhausted'
          : `its Retry-After asks for ${asked} ms, beyond the ${Math.max(0, left)} ms left of the run time budget (client.timeBudgetMs)`;
      return this.record({ ...first.exchange, throttled: { ...note, retried: false, waitedMs: 0, notRetried: why } });
    }
    this.record({ ...first.exchange, throttled: note });
    if (waitedMs > 0) this.pacer.pauseUntil(now + waitedMs);
    const retry = (await this.attempt(req, method)).exchange;
    const again = this.throttleOf(retry);
    if (again) return this.record({ ...retry, throttled: { ...note, answer: again, ratePerSecond: this.pacer.ratePerSecond } });
    if (retry.response) {
      const waited = waitedMs > 0 ? `, after the ${waitedMs} ms its Retry-After asked for` : '';
      retry.response.notes = [...(retry.response.notes ?? []), `answered on the one retry after a throttle answer (${answer})${waited}`];
    }
    return this.record(retry);
  }

  /** Why a request must not start now, if it must not. */
  private refusal(): TransportError | undefined {
    if (this.closed) return { kind: 'circuit-open', message: 'not sent: the client is closed' };
    if (this.openReason) return { kind: 'circuit-open', message: `not sent: ${this.openReason}` };
    if (this.options.deadline !== undefined && Date.now() >= this.options.deadline) {
      return { kind: 'budget', message: 'not sent: the run time budget (client.timeBudgetMs) is exhausted' };
    }
    return undefined;
  }

  /** One HTTP exchange; throws a TransportError describing any failure. */
  private async exchange(req: RawRequest, method: string): Promise<RawResponse> {
    const started = Date.now();
    const controller = new AbortController();
    const timers = new Set<NodeJS.Timeout>();
    const arm = (ms: number, why: Stop['why']) => {
      const timer = setTimeout(() => controller.abort(new Stop(why)), Math.max(0, ms));
      timers.add(timer);
      return timer;
    };
    const p: Progress = { phase: 'headers', bytes: 0, interim: [] };
    const headersTimer = arm(this.headersTimeoutMs, 'headers-timeout');
    if (this.options.deadline !== undefined) arm(this.options.deadline - started, 'budget');
    this.inFlight.add(controller);
    try {
      const res = await request(req.url, {
        method: method as 'POST',
        headers: req.headers,
        body: method === 'GET' || method === 'HEAD' ? undefined : req.body,
        dispatcher: this.agent,
        signal: controller.signal,
        // undici's own timers are backstops; ours fire first and say more
        headersTimeout: this.headersTimeoutMs + 1000,
        bodyTimeout: this.bodyTimeoutMs + 1000,
        onInfo: (info) => {
          p.interim.push(info.statusCode);
        },
      });
      clearTimeout(headersTimer);
      timers.delete(headersTimer);
      p.phase = 'body';
      p.headersAt = Date.now();
      p.status = res.statusCode;
      p.headers = flatHeaders(res.headers);
      arm(this.bodyTimeoutMs, 'body-timeout');
      const cap = this.options.maxResponseBytes;
      const declared = contentLength(p.headers['content-length']);
      p.declared = declared;
      if (declared !== undefined && declared > cap) {
        res.body.destroy();
        throw new TooLarge();
      }
      // one buffer when the length is known; chunks (then one copy) when it is not
      let buffer: Uint8Array | undefined = declared !== undefined ? new Uint8Array(declared) : undefined;
      const chunks: Uint8Array[] = [];
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        if (p.bytes + chunk.length > cap) {
          res.body.destroy();
          throw new TooLarge();
        }
        if (buffer && p.bytes + chunk.length <= buffer.length) buffer.set(chunk, p.bytes);
        else {
          if (buffer) {
            chunks.push(buffer.subarray(0, p.bytes));
            buffer = undefined;
          }
          chunks.push(chunk);
        }
        p.bytes += chunk.length;
      }
      const bytes = buffer ? (p.bytes === buffer.length ? buffer : buffer.subarray(0, p.bytes)) : concat(chunks, p.bytes);
      const response = {
        status: res.statusCode,
        headers: p.headers,
        bytes,
        truncated: false,
        size: bytes.length,
        headersMs: p.headersAt - started,
      } as RawResponse;
      if (bytes.length > EAGER_BYTES) {
        response.utf8 = isUtf8(bytes);
        textOnDemand(response, bytes);
      } else {
        const strict = utf8DecodeStrict(bytes);
        response.utf8 = strict !== undefined;
        response.text = strict ?? lenientUtf8(bytes);
        if (strict !== undefined) rememberUtf8(bytes, strict);
      }
      if (p.interim.length) response.interim = p.interim;
      const notes = responseNotes(req.url, response);
      if (notes.length) response.notes = notes;
      return response;
    } catch (err) {
      throw this.describe(err, controller.signal.reason, p, started);
    } finally {
      for (const t of timers) clearTimeout(t);
      this.inFlight.delete(controller);
    }
  }

  /** Turns whatever was thrown into a TransportError that says what was received, how much, when. */
  private describe(err: unknown, abortReason: unknown, p: Progress, started: number): TransportError {
    const ms = Date.now() - started;
    const cap = this.options.maxResponseBytes;
    const base: Omit<TransportError, 'kind' | 'message'> = { phase: p.phase };
    if (p.status !== undefined) Object.assign(base, { status: p.status, headers: p.headers, bytesReceived: p.bytes, declaredLength: p.declared });
    const stop = err instanceof Stop ? err : abortReason instanceof Stop ? abortReason : undefined;
    // the body phase: what came before the failure
    const head = () => `HTTP ${p.status} headers after ${p.headersAt! - started} ms, then`;
    const got = () => `${p.bytes} body byte${p.bytes === 1 ? '' : 's'} received${p.declared !== undefined ? ` of ${p.declared} declared by Content-Length` : chunkedOrOpen(p.headers)}`;
    const interim = () => (p.interim.length ? `; ${p.interim.length} interim 1xx response${p.interim.length === 1 ? '' : 's'} (${summarizeCodes(p.interim)}) came instead` : '');

    if (err instanceof TooLarge) {
      const message =
        p.declared !== undefined && p.declared > cap && p.bytes === 0
          ? `HTTP ${p.status} declares a body of ${p.declared} bytes (Content-Length), over the ${cap}-byte cap (client.maxResponseBytes); not read (after ${ms} ms)`
          : `${head()} the body exceeded the ${cap}-byte cap (client.maxResponseBytes): stopped reading at ${p.bytes} bytes${p.declared === undefined ? chunkedOrOpen(p.headers) : ''} after ${ms} ms`;
      return { ...base, kind: 'other', message };
    }
    if (stop) {
      switch (stop.why) {
        case 'headers-timeout':
          return { ...base, kind: 'timeout', message: `no response headers within ${this.headersTimeoutMs} ms (request sent, connection open${interim()})` };
        case 'body-timeout':
          return { ...base, kind: 'timeout', message: `${head()} the body was not complete within ${this.bodyTimeoutMs} ms: ${got()}` };
        case 'budget':
          return {
            ...base,
            kind: 'budget',
            message: `the run time budget (client.timeBudgetMs) ran out after ${ms} ms, while ${p.phase === 'headers' ? 'waiting for the response headers' : `reading the body (${got()})`}`,
          };
        case 'closed':
          return { ...base, kind: 'budget', message: `the run ended while the request was in flight (after ${ms} ms)` };
      }
    }
    const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string }; socket?: { bytesRead?: number } };
    const code = e.code ?? e.cause?.code ?? '';
    const text = e.message ?? String(err);
    const where = p.phase === 'headers' ? `before any response headers (after ${ms} ms)` : undefined;
    const earlier = p.phase === 'headers' && (e.socket?.bytesRead ?? 0) > 0 ? `; ${e.socket!.bytesRead} bytes had been received on this connection before` : '';
    if (code === 'UND_ERR_CONNECT_TIMEOUT') return { ...base, kind: 'timeout', message: `could not connect within ${Math.min(this.options.timeoutMs, this.headersTimeoutMs)} ms` };
    if (code === 'ECONNREFUSED') return { ...base, kind: 'refused', message: `connection refused (after ${ms} ms)` };
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { ...base, kind: 'refused', message: `host not found (${code})` };
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return { ...base, kind: 'refused', message: `host unreachable (${code}, after ${ms} ms)` };
    if (code === 'UND_ERR_HEADERS_TIMEOUT') return { ...base, kind: 'timeout', message: `no response headers within ${this.headersTimeoutMs} ms${interim()}` };
    if (code === 'UND_ERR_BODY_TIMEOUT') return { ...base, kind: 'timeout', message: `${head()} no body data for ${this.bodyTimeoutMs} ms: ${got()}` };
    if (code === 'UND_ERR_SOCKET' && /bad response/.test(text)) {
      return {
        ...base,
        kind: 'other',
        message: `the target sent an interim "100 Continue" although the request had no Expect: 100-continue, and the HTTP client (undici) refuses such a response (after ${ms} ms). RFC 9110 lets clients ignore it; DigiLocker's client may or may not`,
      };
    }
    if (code === 'UND_ERR_SOCKET' && /bad upgrade/.test(text)) return { ...base, kind: 'other', message: `the target answered with an unrequested protocol upgrade (HTTP 101) (after ${ms} ms)` };
    if (code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED' || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
      return where
        ? { ...base, kind: 'reset', message: `the target closed the connection without answering, ${where}${earlier}` }
        : { ...base, kind: 'reset', message: `${head()} the target closed the connection after ${ms} ms: ${got()}` };
    }
    if (code === 'ECONNRESET' || code === 'EPIPE') {
      return where
        ? { ...base, kind: 'reset', message: `the connection was reset (${code}) ${where}${earlier}` }
        : { ...base, kind: 'reset', message: `${head()} the connection was reset (${code}) after ${ms} ms: ${got()}` };
    }
    if (code === 'UND_ERR_HEADERS_OVERFLOW') return { ...base, kind: 'other', message: `the response headers are larger than the HTTP client accepts (16 KiB) (after ${ms} ms)` };
    if (e.name === 'HTTPParserError' || /^HPE_/.test(code)) {
      const reason = text.replace(/^Response does not match the HTTP\/1\.1 protocol\s*/, '').replace(/^\((.*)\)$/, '$1');
      return where
        ? { ...base, kind: 'other', message: `the response is not valid HTTP/1.1 (${reason}) ${where}` }
        : { ...base, kind: 'other', message: `${head()} the body is not valid HTTP/1.1 (${reason}) after ${ms} ms: ${got()}` };
    }
    return { ...base, kind: 'other', message: `${code ? `${code}: ` : ''}${text}${where ? ` ${where}` : ` after ${ms} ms`}`.slice(0, 400) };
  }

  /** The log keeps large bodies as an excerpt: a run against big documents holds each body once. */
  private forLog(ex: RawExchange): RawExchange {
    const r = ex.response;
    const limit = this.options.logBodyBytes ?? DEFAULT_LOG_BODY_BYTES;
    const size = r?.size ?? r?.bytes.length ?? 0;
    if (!r || size <= limit) return ex;
    // the first `limit` bytes as a copy (a view would keep the whole body alive)
    const bytes = r.bytes.slice(0, limit);
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
    return { ...ex, response: { status: r.status, headers: r.headers, bytes, text, truncated: true, utf8: r.utf8, size, headersMs: r.headersMs, interim: r.interim, notes: r.notes } };
  }

  private noteFailure(url: string, error: TransportError): void {
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
    const now = Date.now();
    let wait = this.pacer.nextDelay(now);
    if (this.options.deadline !== undefined) wait = Math.min(wait, Math.max(0, this.options.deadline - now));
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }

  /**
   * Aborts whatever is still in flight and closes every connection. Resolves within about a
   * second whatever the target does; no socket or timer of the client outlives it.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.inFlight) c.abort(new Stop('closed'));
    // graceful first; after a second, destroy (which also settles the graceful close)
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.agent.destroy().then(resolve, resolve), 1000);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.agent.close().then(done, done);
    });
  }
}

function flatHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return headers;
}

function contentLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

function chunkedOrOpen(headers: Record<string, string> | undefined): string {
  return /chunked/i.test(headers?.['transfer-encoding'] ?? '') ? ' (chunked, no end seen)' : ' (no Content-Length)';
}

function summarizeCodes(codes: number[]): string {
  const counts = new Map<number, number>();
  for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts].map(([c, n]) => (n === 1 ? `${c}` : `${n}× ${c}`)).join(', ');
}

/** Bodies up to this size keep their text beside their bytes; larger ones decode it on access. */
const EAGER_BYTES = 1024 * 1024;

/**
 * A large body is held once, as bytes: `text` becomes a getter that decodes it on each access (a
 * 27 MB string each time, which only code that cannot use the bytes pays for).
 */
function textOnDemand(response: RawResponse, bytes: Uint8Array): void {
  response.lazyText = true;
  Object.defineProperty(response, 'text', {
    enumerable: false,
    configurable: true,
    get: (): string => lenientUtf8(bytes),
  });
}

function lenientUtf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}

/**
 * The first `chars` characters of the body, for evidence, without decoding all of a large one;
 * `truncated` when the body is longer.
 */
export function bodyExcerpt(r: RawResponse, chars: number): { text: string; truncated: boolean } {
  if (!r.lazyText) return r.text.length > chars ? { text: r.text.slice(0, chars), truncated: true } : { text: r.text, truncated: false };
  // a character is at most 4 bytes: this prefix holds the first `chars` characters
  const head = lenientUtf8(r.bytes.subarray(0, chars * 4));
  return { text: head.slice(0, chars), truncated: head.length > chars || chars * 4 < r.bytes.length };
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const ENCODING_NAMES: Record<string, string> = {
  'utf-16le-bom': 'UTF-16LE with a byte-order mark',
  'utf-16be-bom': 'UTF-16BE with a byte-order mark',
  'utf-16le': 'UTF-16LE without a byte-order mark',
  'utf-16be': 'UTF-16BE without a byte-order mark',
};

/** What stands out about a complete response, in words, for the verdict messages. */
function responseNotes(url: string, r: Pick<RawResponse, 'status' | 'headers' | 'bytes' | 'interim'>): string[] {
  const notes: string[] = [];
  if (r.status >= 300 && r.status < 400) {
    const location = r.headers.location;
    if (location === undefined) notes.push(`HTTP ${r.status} without a Location header`);
    else {
      let where = '';
      try {
        const to = new URL(location, url);
        const from = new URL(url);
        if (to.host !== from.host || to.protocol !== from.protocol) where = ` (another host: ${to.host})`;
        else if (to.pathname === from.pathname && to.search === from.search) where = ' (the same URL: a redirect loop)';
      } catch {
        where = ' (not a valid URL)';
      }
      notes.push(`HTTP ${r.status} redirect to ${location}${where}, not followed: DigiLocker calls the configured URL`);
    }
  }
  const coding = r.headers['content-encoding'];
  if (coding && !/^\s*identity\s*$/i.test(coding)) {
    notes.push(`Content-Encoding: ${coding}: the body is ${r.bytes.length} compressed bytes, which dlconform does not decompress (the request sent no Accept-Encoding)`);
  }
  const sniffed = sniffEncoding(r.bytes);
  if (sniffed && ENCODING_NAMES[sniffed]) notes.push(`the body is ${ENCODING_NAMES[sniffed]}, not UTF-8`);
  if (r.bytes.length === 0 && r.status !== 204 && r.status !== 304 && !(r.status >= 300 && r.status < 400)) notes.push(`the body is empty (HTTP ${r.status}, 0 bytes)`);
  if (r.interim?.length) notes.push(`preceded by ${r.interim.length} interim 1xx response${r.interim.length === 1 ? '' : 's'} (${summarizeCodes(r.interim)})`);
  return notes;
}
