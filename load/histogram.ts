/**
 * A mergeable latency histogram. Raw samples from every k6 instance go into one histogram per
 * step (never an average of per-instance percentiles, which is meaningless). Values are kept in
 * integer microseconds: exact below 2048 µs, then 1024 buckets per power of two (relative error
 * under 0.1%), so merging two histograms gives exactly the histogram of the union of their
 * samples, and a percentile is the nearest-rank sample rounded to its bucket.
 */

const SUB = 1024;
/** values at or above this (about 35 minutes) land in the last bucket */
const MAX_US = 2 ** 31 - 1;
export const BUCKETS = SUB * 21 + SUB;

export function bucketOf(us: number): number {
  const v = Math.min(MAX_US, Math.max(0, Math.round(us)));
  if (v < 2 * SUB) return v;
  const e = 31 - Math.clz32(v) - 10; // v >> e is in [1024, 2047]
  return SUB * (e + 1) + ((v >>> e) - SUB);
}

/** The smallest value (µs) of a bucket, and its width. */
export function bucketRange(index: number): { low: number; width: number } {
  if (index < 2 * SUB) return { low: index, width: 1 };
  const e = Math.floor(index / SUB) - 1;
  const m = (index % SUB) + SUB;
  return { low: m * 2 ** e, width: 2 ** e };
}

/** The value a bucket reports: the sample itself below 2048 µs, else the middle of the bucket. */
export function bucketValue(index: number): number {
  const { low, width } = bucketRange(index);
  return width === 1 ? low : low + (width - 1) / 2;
}

/** Rounds a value to what the histogram would report for it (µs). */
export const quantize = (us: number) => bucketValue(bucketOf(us));

export interface HistogramJson {
  count: number;
  /** µs */
  min: number;
  max: number;
  sum: number;
  /** [bucket index, count] pairs, ascending */
  buckets: Array<[number, number]>;
}

export class Histogram {
  private counts = new Float64Array(BUCKETS);
  count = 0;
  min = Infinity;
  max = -Infinity;
  sum = 0;

  /** Adds one sample in milliseconds (what k6 reports). */
  addMs(ms: number): void {
    this.addUs(ms * 1000);
  }

  addUs(us: number): void {
    this.counts[bucketOf(us)]! += 1;
    this.count++;
    this.sum += us;
    if (us < this.min) this.min = us;
    if (us > this.max) this.max = us;
  }

  merge(other: Histogram): this {
    for (let i = 0; i < BUCKETS; i++) if (other.counts[i]) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    return this;
  }

  static merged(parts: readonly Histogram[]): Histogram {
    const out = new Histogram();
    for (const p of parts) out.merge(p);
    return out;
  }

  /** Nearest-rank percentile in µs (p in 0..100); undefined when empty. */
  percentileUs(p: number): number | undefined {
    if (this.count === 0) return undefined;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return bucketValue(i);
    }
    return bucketValue(BUCKETS - 1);
  }

  percentileMs(p: number): number | undefined {
    const us = this.percentileUs(p);
    return us === undefined ? undefined : us / 1000;
  }

  get meanMs(): number | undefined {
    return this.count === 0 ? undefined : this.sum / this.count / 1000;
  }

  toJSON(): HistogramJson {
    const buckets: Array<[number, number]> = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]) buckets.push([i, this.counts[i]!]);
    return { count: this.count, min: this.count ? this.min : 0, max: this.count ? this.max : 0, sum: this.sum, buckets };
  }

  static fromJSON(json: HistogramJson): Histogram {
    const h = new Histogram();
    for (const [i, n] of json.buckets) h.counts[i] = n;
    h.count = json.count;
    h.sum = json.sum;
    h.min = json.count ? json.min : Infinity;
    h.max = json.count ? json.max : -Infinity;
    return h;
  }
}

/** Nearest-rank percentile of raw values (the reference the histogram is tested against). */
export function exactPercentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}
