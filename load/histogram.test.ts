import { describe, expect, it } from 'vitest';
import { seededRandom } from '../protocol/time.js';
import { exactPercentile, LatencyHistogram } from './histogram.js';

const PCTS = [50, 90, 95, 99, 99.9, 100];

function samples(seed: number, n: number): number[] {
  const r = seededRandom(seed);
  // log-normal-ish latencies from 0.1 ms to a few seconds, in ms with µs precision
  return Array.from({ length: n }, () => Math.round(Math.exp(r() * 10 - 2) * 1000) / 1000);
}

function histogramOf(values: readonly number[]): LatencyHistogram {
  const h = new LatencyHistogram();
  for (const v of values) h.addMs(v);
  return h;
}

describe('latency histogram (HdrHistogram)', () => {
  it('percentiles are within 0.1% of the exact nearest-rank values', () => {
    const values = samples(7, 20_000);
    const h = histogramOf(values);
    for (const p of PCTS) {
      const exact = exactPercentile(values, p)!;
      expect(Math.abs(h.percentileMs(p)! - exact)).toBeLessThanOrEqual(Math.max(0.001, exact * 0.001));
    }
    expect(h.count).toBe(values.length);
  });

  it('merging histograms gives exactly the histogram of the union of their samples', () => {
    const a = samples(1, 5000);
    const b = samples(2, 3000).map((v) => v * 3);
    const merged = LatencyHistogram.merged([histogramOf(a), histogramOf(b)]);
    const union = histogramOf([...a, ...b]);
    for (const p of PCTS) expect(merged.percentileMs(p)).toBe(union.percentileMs(p));
    expect(merged.count).toBe(8000);
    expect(merged.meanMs).toBeCloseTo(union.meanMs!, 6);
    expect(merged.maxMs).toBe(union.maxMs);
  });

  it('the compressed encoding round-trips and merges across hosts like the originals', () => {
    const a = histogramOf(samples(3, 4000));
    const b = histogramOf(samples(4, 4000));
    const decoded = LatencyHistogram.merged([LatencyHistogram.decode(a.encode()), LatencyHistogram.decode(b.encode())]);
    const direct = LatencyHistogram.merged([a, b]);
    for (const p of PCTS) expect(decoded.percentileMs(p)).toBe(direct.percentileMs(p));
    expect(decoded.count).toBe(8000);
  });

  it('an empty histogram reports nothing rather than zeros', () => {
    const h = new LatencyHistogram();
    expect(h.percentileMs(99)).toBeUndefined();
    expect(h.meanMs).toBeUndefined();
    expect(h.maxMs).toBeUndefined();
    expect(LatencyHistogram.decode(h.encode()).count).toBe(0);
  });
});
