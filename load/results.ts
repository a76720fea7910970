/**
 * Reads vegeta's per-request results (`vegeta encode -to json`, one JSON object a line) as they
 * are written, and folds one attack's results into its step record: latencies in HdrHistogram,
 * the cheap check on the captured body prefix, HTTP failures, and late starts.
 *
 * A late start is a request sent more than one interval behind its place in vegeta's schedule
 * (the attack's start + seq × interval): the open-model sign that the generator or the target
 * could not keep up (every worker busy waiting for answers). Completions are kept in 10 ms bins,
 * so the achieved rate can be counted over the window in which the step's own requests complete.
 */
import { LatencyHistogram } from './histogram.js';
import type { LoadPlan, StepWindow } from './plan.js';
import { BEYOND_CAPTURE, cheapCheck } from './request.js';

/** One vegeta result, as much of it as dlconform reads. */
export interface VegetaResult {
  seq: number;
  code: number;
  /** when vegeta started the request, ms since the epoch (µs precision) */
  startMs: number;
  latencyUs: number;
  error: string;
  /** the captured body prefix, Latin-1 decoded (the markers are ASCII) */
  body: string;
  /** bytes captured (vegeta's bytes_in counts what it kept) */
  captured: number;
}

/** RFC 3339 with nanoseconds (Go's time.Time in JSON) to ms since the epoch, keeping µs. */
export function parseGoTime(text: string): number {
  const dot = text.indexOf('.', 17);
  if (dot < 0) return Date.parse(text);
  let end = dot + 1;
  while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
  const whole = Date.parse(text.slice(0, dot) + text.slice(end));
  const fraction = Number(`0${text.slice(dot, end)}`);
  return whole + fraction * 1000;
}

export function parseResultLine(line: string): VegetaResult {
  const r = JSON.parse(line) as { seq: number; code: number; timestamp: string; latency: number; error: string; body: string | null; bytes_in: number };
  return {
    seq: r.seq,
    code: r.code,
    startMs: parseGoTime(r.timestamp),
    latencyUs: r.latency / 1000,
    error: r.error ?? '',
    body: r.body ? Buffer.from(r.body, 'base64').toString('latin1') : '',
    captured: r.bytes_in,
  };
}

/** What one attack (one step of one segment) measured; serialisable, so segments merge later. */
export interface StepRecord {
  index: number;
  /** the rate this attack offered (a segment's share of the step's rate) */
  offeredRate: number;
  /** seconds the statistics cover (the step minus its settle part) */
  windowSeconds: number;
  /** results of requests started in the measured window */
  requests: number;
  /** responses completed in the window shifted by the step's median latency */
  completed: number;
  lateStarts: number;
  /** transport errors and HTTP status outside 200–399 */
  httpFailed: number;
  /** the cheap per-response check */
  ok: number;
  notOk: number;
  /** why responses failed the cheap check, with counts */
  reasons: Record<string, number>;
  /** responses longer than the capture whose content marker lay beyond it (counted ok; the sampled checks judge content) */
  beyondCapture: number;
  /** the full checks of the sampled stream, by check: pass and fail counts */
  sampledPass: number;
  sampledFail: number;
  /** HdrHistogram, compressed base64, of the latencies in µs */
  histogram: string;
  /** µs, exact */
  sumUs: number;
  /** µs, exact (the histogram's own max is its bucket's value) */
  maxUs: number;
}

const BIN_MS = 10;

/** Folds one attack's results; `finish()` gives its record. */
export class AttackCollector {
  readonly latency = new LatencyHistogram();
  private readonly intervalMs: number;
  private began?: number;
  private pending: VegetaResult[] = [];
  private readonly bins = new Map<number, number>();
  private requests = 0;
  private lateStarts = 0;
  private httpFailed = 0;
  private ok = 0;
  private notOk = 0;
  private beyondCapture = 0;
  private sumUs = 0;
  private maxUs = 0;
  private readonly reasons: Record<string, number> = {};
  /** raw latencies in ms, kept only when asked (tests) */
  readonly raw?: number[];
  results = 0;

  constructor(
    private readonly window: StepWindow,
    /** this attack's rate, requests per second */
    private readonly rate: number,
    private readonly plan: Pick<LoadPlan, 'expectPdf' | 'expectXml' | 'captureBytes'>,
    opts: { keepRaw?: boolean } = {},
  ) {
    this.intervalMs = 1000 / rate;
    if (opts.keepRaw) this.raw = [];
  }

  /** The attack's start (ms since the epoch) its schedule is anchored to, once known. */
  get startedAt(): number | undefined {
    return this.began;
  }

  add(r: VegetaResult): void {
    this.results++;
    if (this.began === undefined) {
      // the attack's start is where its schedule is anchored: the earliest start, less its place
      // in the schedule, of the results seen up to and including request 0's
      this.pending.push(r);
      if (r.seq !== 0 && this.pending.length < 10_000) return;
      this.began = Math.min(...this.pending.map((p) => p.startMs - p.seq * this.intervalMs));
      const held = this.pending;
      this.pending = [];
      for (const p of held) this.fold(p);
      return;
    }
    this.fold(r);
  }

  private fold(r: VegetaResult): void {
    const began = this.began!;
    const at = r.startMs - began;
    if (r.code !== 0) {
      const bin = Math.floor((at + r.latencyUs / 1000) / BIN_MS);
      this.bins.set(bin, (this.bins.get(bin) ?? 0) + 1);
    }
    const from = this.window.measureFrom - this.window.start;
    const to = this.window.end - this.window.start;
    if (at < from || at >= to) return;
    this.requests++;
    this.latency.addUs(r.latencyUs);
    this.sumUs += Math.max(1, Math.round(r.latencyUs));
    if (r.latencyUs > this.maxUs) this.maxUs = r.latencyUs;
    this.raw?.push(r.latencyUs / 1000);
    if (r.startMs - (began + r.seq * this.intervalMs) > this.intervalMs) this.lateStarts++;
    if (r.error !== '' || r.code < 200 || r.code >= 400) this.httpFailed++;
    const problem = r.error !== '' && r.code === 0 ? transportReason(r.error) : cheapCheck(this.plan, r.code, r.body, r.captured >= this.plan.captureBytes);
    if (problem === BEYOND_CAPTURE) {
      this.beyondCapture++;
      this.ok++;
    } else if (problem) {
      this.notOk++;
      this.reasons[problem] = (this.reasons[problem] ?? 0) + 1;
    } else this.ok++;
  }

  /** Responses completed between `from` and `to` ms after the attack's start. */
  completedBetween(from: number, to: number): number {
    const lo = Math.floor(from / BIN_MS);
    const hi = Math.floor(to / BIN_MS);
    let n = 0;
    for (const [bin, count] of this.bins) if (bin >= lo && bin < hi) n += count;
    return n;
  }

  /** The record of the attack; `sampled` are the full checks judged while it ran. */
  finish(sampled: { pass: number; fail: number } = { pass: 0, fail: 0 }): StepRecord {
    if (this.began === undefined && this.pending.length > 0) {
      this.began = Math.min(...this.pending.map((p) => p.startMs - p.seq * this.intervalMs));
      const held = this.pending;
      this.pending = [];
      for (const p of held) this.fold(p);
    }
    const from = this.window.measureFrom - this.window.start;
    const to = this.window.end - this.window.start;
    // the window in which the step's own requests complete: shifted by its median latency (≤ 1 s)
    const shift = Math.min(1000, Math.round(this.latency.percentileMs(50) ?? 0));
    return {
      index: this.window.index,
      offeredRate: this.rate,
      windowSeconds: (to - from) / 1000,
      requests: this.requests,
      completed: this.completedBetween(from + shift, to + shift),
      lateStarts: this.lateStarts,
      httpFailed: this.httpFailed,
      ok: this.ok,
      notOk: this.notOk,
      reasons: { ...this.reasons },
      beyondCapture: this.beyondCapture,
      sampledPass: sampled.pass,
      sampledFail: sampled.fail,
      histogram: this.latency.encode(),
      sumUs: this.sumUs,
      maxUs: this.maxUs,
    };
  }
}

/** A short reason for a request that got no HTTP response. */
export function transportReason(error: string): string {
  if (/timeout|deadline exceeded/i.test(error)) return 'timeout';
  if (/connection refused/i.test(error)) return 'connection-refused';
  if (/connection reset|broken pipe|EOF/i.test(error)) return 'connection-reset';
  if (/redirect/i.test(error)) return 'redirect';
  return 'transport-error';
}
