/**
 * Latencies of a load run, in HdrHistogram (hdr-histogram-js): integer microseconds to three
 * significant digits, from 1 µs to an hour. A histogram encodes to HdrHistogram's compressed
 * base64 form, so segments run on other hosts merge exactly: the merged histogram is the
 * histogram of the union of every segment's samples, and percentiles of a merge are read from it,
 * never averaged from per-segment percentiles.
 */
import * as hdr from 'hdr-histogram-js';

const SETTINGS = { lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: true } as const;

export class LatencyHistogram {
  private readonly h: hdr.Histogram;
  /** exact sum of the samples (HdrHistogram's mean is of bucket values) */
  private sumUs = 0;
  private minUs = Infinity;
  private maxUs = -Infinity;

  constructor(h?: hdr.Histogram) {
    this.h = h ?? hdr.build(SETTINGS);
    if (h && h.totalCount > 0) {
      this.sumUs = h.mean * h.totalCount;
      this.minUs = h.minNonZeroValue;
      this.maxUs = h.maxValue;
    }
  }

  get count(): number {
    return this.h.totalCount;
  }

  addUs(us: number): void {
    const v = Math.max(1, Math.round(us));
    this.h.recordValue(v);
    this.sumUs += v;
    if (v < this.minUs) this.minUs = v;
    if (v > this.maxUs) this.maxUs = v;
  }

  addMs(ms: number): void {
    this.addUs(ms * 1000);
  }

  merge(other: LatencyHistogram): this {
    if (other.count === 0) return this;
    this.h.add(other.h);
    this.sumUs += other.sumUs;
    this.minUs = Math.min(this.minUs, other.minUs);
    this.maxUs = Math.max(this.maxUs, other.maxUs);
    return this;
  }

  /** HdrHistogram's value at a percentile (0..100), in ms; undefined when empty. */
  percentileMs(p: number): number | undefined {
    if (this.count === 0) return undefined;
    return this.h.getValueAtPercentile(p) / 1000;
  }

  get meanMs(): number | undefined {
    return this.count === 0 ? undefined : this.sumUs / this.count / 1000;
  }

  get maxMs(): number | undefined {
    return this.count === 0 ? undefined : this.maxUs / 1000;
  }

  /** HdrHistogram's compressed base64 encoding (readable by any HdrHistogram implementation). */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.h);
  }

  static decode(encoded: string): LatencyHistogram {
    return new LatencyHistogram(hdr.decodeFromCompressedBase64(encoded));
  }

  static merged(parts: readonly LatencyHistogram[]): LatencyHistogram {
    const out = new LatencyHistogram();
    for (const p of parts) out.merge(p);
    return out;
  }
}

/** Nearest-rank percentile of raw values (the reference the histogram is tested against). */
export function exactPercentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}
