/**
 * Reads k6's raw samples (its CSV output, timestamps in milliseconds) from one or more k6
 * instances and folds them into per-step statistics: a latency histogram of the requests started
 * in the step's measured window (tagged `step` by the script), their errors and checks, and, by
 * timestamp, the iterations dropped in that window. Completions are kept in 10 ms bins of time,
 * so the achieved rate can be counted over the window in which a step's requests complete (see
 * completedBetween). Instances are merged sample by sample, so N segments give the same
 * statistics as one instance would.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { Histogram } from './histogram.js';
import { CHECK_OK, CHECK_SAMPLED, METRIC_FAILURE, METRIC_SCENARIO_START, STEP_TAG, stepAt, type StepWindow } from './plan.js';

export interface Tally {
  latency: Histogram;
  /** requests whose response came back (or failed), by the step tag */
  requests: number;
  /** k6's http_req_failed: transport errors and non-2xx/3xx */
  httpFailed: number;
  /** the cheap per-response check */
  ok: number;
  notOk: number;
  /** the sampled full validation */
  sampledPass: number;
  sampledFail: number;
  /** why responses failed the cheap check, with counts */
  reasons: Record<string, number>;
  /** by timestamp: responses completed (totals and sources only; steps use completedBetween) and iterations dropped */
  completed: number;
  dropped: number;
}

export function newTally(): Tally {
  return { latency: new Histogram(), requests: 0, httpFailed: 0, ok: 0, notOk: 0, sampledPass: 0, sampledFail: 0, reasons: {}, completed: 0, dropped: 0 };
}

export function mergeTally(into: Tally, from: Tally): Tally {
  into.latency.merge(from.latency);
  into.requests += from.requests;
  into.httpFailed += from.httpFailed;
  into.ok += from.ok;
  into.notOk += from.notOk;
  into.sampledPass += from.sampledPass;
  into.sampledFail += from.sampledFail;
  into.completed += from.completed;
  into.dropped += from.dropped;
  for (const [k, v] of Object.entries(from.reasons)) into.reasons[k] = (into.reasons[k] ?? 0) + v;
  return into;
}

/** Splits one CSV record (RFC 4180 quoting as Go's encoding/csv writes it). */
export function splitCsv(line: string): string[] {
  if (line.indexOf('"') < 0) return line.split(',');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

function tagValue(extra: string | undefined, name: string): string | undefined {
  if (!extra) return undefined;
  for (const pair of extra.split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq) === name) return pair.slice(eq + 1);
  }
  return undefined;
}

interface Source {
  columns?: Record<string, number>;
  /** the scenario's start (ms since the epoch) reported by the script */
  t0?: number;
  /** completions per 10 ms bin since t0 */
  bins: Map<number, number>;
  /** timestamped events seen before t0 was known */
  pending: Array<{ kind: 'completed' | 'dropped'; at: number; n: number }>;
  /** a partial line at the end of the last chunk */
  rest: string;
  lines: number;
}

const BIN_MS = 10;

export class SampleAggregator {
  readonly steps: StepWindow[];
  readonly perStep: Tally[];
  /** every sample of the run, whatever its step (settle phases included) */
  readonly total: Tally = newTally();
  /** per source (k6 instance), so each segment's share can be shown */
  readonly perSource: Tally[] = [];
  private readonly sources: Source[] = [];
  /** raw latencies per source, kept only when asked (tests) */
  readonly raw?: number[][];

  constructor(steps: StepWindow[], opts: { keepRaw?: boolean } = {}) {
    this.steps = steps;
    this.perStep = steps.map(() => newTally());
    if (opts.keepRaw) this.raw = [];
  }

  private source(i: number): Source {
    while (this.sources.length <= i) {
      this.sources.push({ pending: [], rest: '', lines: 0, bins: new Map() });
      this.perSource.push(newTally());
      this.raw?.push([]);
    }
    return this.sources[i]!;
  }

  /** the scenario start of a source, once its script reported it */
  startOf(i: number): number | undefined {
    return this.sources[i]?.t0;
  }

  /** Feeds a chunk of CSV text from source `i` (lines may be split across chunks). */
  feedText(i: number, text: string): void {
    const src = this.source(i);
    const all = src.rest + text;
    const lines = all.split('\n');
    src.rest = lines.pop() ?? '';
    for (const line of lines) this.feedLine(i, line);
  }

  /** Feeds whatever partial line is left at the end of a source. */
  endSource(i: number): void {
    const src = this.source(i);
    if (src.rest !== '') this.feedLine(i, src.rest);
    src.rest = '';
  }

  feedLine(i: number, rawLine: string): void {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '') return;
    const src = this.source(i);
    const f = splitCsv(line);
    if (!src.columns) {
      src.columns = Object.fromEntries(f.map((name, k) => [name, k]));
      return;
    }
    src.lines++;
    const col = src.columns;
    const metric = f[0]!;
    const at = Number(f[1]);
    const value = Number(f[2]);
    const extra = f[col.extra_tags!];
    const stepTag = tagValue(extra, STEP_TAG);
    const step = stepTag === undefined ? undefined : this.perStep[Number(stepTag)];
    const tallies = step ? [this.total, this.perSource[i]!, step] : [this.total, this.perSource[i]!];
    switch (metric) {
      case 'http_req_duration':
        for (const t of tallies) t.latency.addMs(value);
        this.raw?.[i]!.push(value);
        break;
      case 'http_reqs':
        for (const t of tallies) t.requests += value;
        this.timed(i, 'completed', at, value);
        break;
      case 'http_req_failed':
        if (value !== 0) for (const t of tallies) t.httpFailed += 1;
        break;
      case 'checks': {
        const name = f[col.check!];
        if (name === CHECK_OK) for (const t of tallies) value !== 0 ? t.ok++ : t.notOk++;
        else if (name === CHECK_SAMPLED) for (const t of tallies) value !== 0 ? t.sampledPass++ : t.sampledFail++;
        break;
      }
      case 'dropped_iterations':
        this.timed(i, 'dropped', at, value);
        break;
      case METRIC_FAILURE: {
        const reason = decodeURIComponentSafe(tagValue(extra, 'reason') ?? 'unknown');
        for (const t of tallies) t.reasons[reason] = (t.reasons[reason] ?? 0) + value;
        break;
      }
      case METRIC_SCENARIO_START:
        if (src.t0 === undefined) {
          src.t0 = value;
          for (const e of src.pending) this.place(src, src.t0, e.kind, e.at, e.n);
          src.pending = [];
        }
        break;
      default:
        break;
    }
  }

  private timed(i: number, kind: 'completed' | 'dropped', at: number, n: number): void {
    const src = this.sources[i]!;
    if (kind === 'dropped') {
      this.total.dropped += n;
      this.perSource[i]!.dropped += n;
    } else {
      this.total.completed += n;
      this.perSource[i]!.completed += n;
    }
    if (src.t0 === undefined) src.pending.push({ kind, at, n });
    else this.place(src, src.t0, kind, at, n);
  }

  private place(src: Source, t0: number, kind: 'completed' | 'dropped', at: number, n: number): void {
    if (kind === 'completed') {
      const bin = Math.floor((at - t0) / BIN_MS);
      src.bins.set(bin, (src.bins.get(bin) ?? 0) + n);
      return;
    }
    const s = stepAt(this.steps, at - t0);
    if (s >= 0) this.perStep[s]!.dropped += n;
  }

  /**
   * Responses completed, over all sources, between `from` and `to` ms after each source's
   * scenario start (10 ms resolution). For a step, the runner shifts its measured window by the
   * step's median latency: the window in which the step's own requests complete. Unshifted, the
   * requests in flight at the two edges make a count that is off by a few at low rates.
   */
  completedBetween(from: number, to: number): number {
    const lo = Math.floor(from / BIN_MS);
    const hi = Math.floor(to / BIN_MS);
    let n = 0;
    for (const src of this.sources) for (const [bin, count] of src.bins) if (bin >= lo && bin < hi) n += count;
    return n;
  }

  /** Rows read from a source so far (header excluded). */
  linesOf(i: number): number {
    return this.sources[i]?.lines ?? 0;
  }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Follows a file another process appends to: `poll()` hands over what was added since. */
export class FileTail {
  private handle?: FileHandle;
  private offset = 0;
  private readonly decoder = new StringDecoder('utf8');
  /** read in slices, yielding between them, so parsing never blocks an issuer in the same process for long */
  private readonly buffer = Buffer.alloc(256 * 1024);

  constructor(
    readonly path: string,
    private readonly onText: (text: string) => void,
  ) {}

  /** Reads everything appended since the last call; returns the number of bytes read. */
  async poll(): Promise<number> {
    if (!this.handle) {
      try {
        this.handle = await open(this.path, 'r');
      } catch {
        return 0; // not created yet
      }
    }
    let total = 0;
    for (;;) {
      const { bytesRead } = await this.handle.read(this.buffer, 0, this.buffer.length, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      total += bytesRead;
      this.onText(this.decoder.write(this.buffer.subarray(0, bytesRead)));
      await new Promise((r) => setImmediate(r));
    }
    return total;
  }

  async close(): Promise<void> {
    const tail = this.decoder.end();
    if (tail) this.onText(tail);
    await this.handle?.close();
    this.handle = undefined;
  }
}
