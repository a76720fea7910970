import { describe, expect, it } from 'vitest';
import { seededRandom } from '../spec/time.js';
import { bucketOf, bucketRange, BUCKETS, exactPercentile, Histogram, quantize } from './histogram.js';

const PCTS = [50, 90, 95, 99, 99.9, 100];

function samples(seed: number, n: number): number[] {
  const r = seededRandom(seed);
  // log-normal-ish latencies from 0.1 ms to a few seconds, in ms with µs precision
  return Array.from({ length: n }, () => Math.round(Math.exp(r() * 10 - 2) * 1000) / 1000);
}

describe('latency histogram', () => {
  it('buckets are contiguous, exact below 2048 µs and within 0.1% above', () => {
    let next = 0;
    for (let i = 0; i < BUCKETS; i++) {
      const { low, width } = bucketRange(i);
      expect(low).toBe(next);
      next = low + width;
    }
    for (const us of [0, 1, 2047, 2048, 2049, 4095, 4096, 123_456, 9_999_999, 2 ** 31 - 1]) {
      const { low, width } = bucketRange(bucketOf(us));
      expect(us).toBeGreaterThanOrEqual(low);
      expect(us).toBeLessThan(low + width);
      expect(Math.abs(quantize(us) - us)).toBeLessThanOrEqual(Math.max(0, us * 0.001));
    }
    expect(bucketOf(2 ** 40)).toBe(BUCKETS - 1);
  });

  it('merging histograms gives exactly the histogram of the union of their samples', () => {
    const a = samples(1, 3000);
    const b = samples(2, 5000);
    const ha = new Histogram();
    const hb = new Histogram();
    const union = new Histogram();
    a.forEach((v) => (ha.addMs(v), union.addMs(v)));
    b.forEach((v) => (hb.addMs(v), union.addMs(v)));
    const merged = Histogram.merged([ha, hb]);
    expect(merged.toJSON()).toEqual(union.toJSON());
    for (const p of PCTS) {
      const exact = exactPercentile([...a, ...b], p)! * 1000;
      expect(merged.percentileUs(p)).toBe(quantize(exact));
      expect(Math.abs(merged.percentileUs(p)! - exact)).toBeLessThanOrEqual(exact * 0.001 + 0.5);
    }
    // averaging per-part percentiles is not the same thing (the reason it is never done)
    expect((ha.percentileUs(99)! + hb.percentileUs(99)!) / 2).not.toBe(merged.percentileUs(99));
  });

  it('min, max, mean, empty histograms and JSON round trips', () => {
    const h = new Histogram();
    expect(h.percentileMs(99)).toBeUndefined();
    expect(h.meanMs).toBeUndefined();
    [0.1, 0.2, 0.3, 0.4].forEach((v) => h.addMs(v));
    expect([h.min, h.max, h.meanMs]).toEqual([100, 400, 0.25]);
    expect(h.percentileMs(50)).toBe(0.2);
    expect(h.percentileMs(75)).toBe(0.3);
    expect(h.percentileMs(100)).toBe(0.4);
    const back = Histogram.fromJSON(JSON.parse(JSON.stringify(h.toJSON())));
    expect(back.toJSON()).toEqual(h.toJSON());
    expect(Histogram.merged([new Histogram(), back]).percentileMs(99)).toBe(0.4);
  });
});
