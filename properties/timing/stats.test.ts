import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../protocol/time.js';
import { bonferroni, logGamma, minimumDetectable, quantile, tCritical, trimmedMean, trimmedOneSample, tTwoSidedP, winsorizedVariance, yuen } from './stats.js';

describe('the t distribution', () => {
  it('matches closed forms (df 1: Cauchy, df 2) and tables', () => {
    for (const t of [0.3, 1, 2.5, 10]) {
      expect(tTwoSidedP(t, 1)).toBeCloseTo(1 - (2 * Math.atan(t)) / Math.PI, 10);
      expect(tTwoSidedP(t, 2)).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 10);
    }
    expect(tTwoSidedP(2.228138851986274, 10)).toBeCloseTo(0.05, 8);
    expect(tTwoSidedP(1.959963984540054, 1e8)).toBeCloseTo(0.05, 6);
    expect(tTwoSidedP(-2.228138851986274, 10)).toBeCloseTo(0.05, 8);
    expect(tTwoSidedP(0, 7)).toBe(1);
    expect(tTwoSidedP(Infinity, 7)).toBe(0);
    expect(tTwoSidedP(40, 300)).toBeGreaterThan(0);
    expect(tTwoSidedP(40, 300)).toBeLessThan(1e-100);
  });

  it('tCritical inverts it', () => {
    expect(tCritical(0.05, 10)).toBeCloseTo(2.228138851986274, 6);
    expect(tCritical(0.001, 1e6)).toBeCloseTo(3.2905, 3);
  });

  it('logGamma', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 10);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10);
  });
});

describe('trimmed statistics', () => {
  const oneToTen = [7, 3, 10, 1, 5, 9, 2, 8, 4, 6];
  it('trimmed mean and winsorized variance', () => {
    expect(trimmedMean(oneToTen, 0.2)).toBe(5.5);
    expect(winsorizedVariance(oneToTen, 0.2)).toBeCloseTo(42.5 / 9, 12);
    expect(trimmedMean([1, 2, 3, 1000], 0.25)).toBe(2.5);
    expect(quantile(oneToTen, 0.5)).toBe(5.5);
  });

  it('with no trimming, the one-sample test is Student and Yuen is Welch', () => {
    const one = trimmedOneSample([1, 2, 3, 4], 0);
    expect(one.t).toBeCloseTo(2.5 / (Math.sqrt(5 / 3) / 2), 10);
    expect(one.df).toBe(3);
    const w = yuen([1, 2, 3, 4], [2, 4, 6, 8, 10], 0);
    expect(w.estimate).toBe(-3.5);
    expect(w.t).toBeCloseTo(-3.5 / Math.sqrt(5 / 12 + 2), 10);
    expect(w.df).toBeCloseTo((5 / 12 + 2) ** 2 / ((5 / 12) ** 2 / 3 + 4 / 4), 10);
  });

  it('trimming makes the test robust to a few huge outliers', () => {
    const random = seededRandom(3);
    const d = Array.from({ length: 400 }, () => random() - 0.5 + 0.2);
    for (let i = 0; i < 20; i++) d[i * 20] = -1e6; // scheduler stalls in one class
    const robust = trimmedOneSample(d);
    expect(robust.p).toBeLessThan(1e-10);
    expect(robust.estimate).toBeCloseTo(0.2, 1);
    expect(trimmedOneSample(d, 0).estimate).toBeLessThan(-1000); // the plain mean follows the stalls
  });

  it('bonferroni and the minimum detectable difference', () => {
    expect(bonferroni(0.001, 3)).toBeCloseTo(0.001 / 3, 15);
    expect(bonferroni(0.01, 0)).toBe(0.01);
    // z(1 - 0.05/2) + z(0.8) = 1.960 + 0.842
    expect(minimumDetectable(1, 0.05)).toBeCloseTo(2.8016, 3);
  });
});
