/**
 * Robust statistics for the timing side-channel tests, pure TypeScript (no node: imports).
 *
 * Requests are sent in pairs (one of each class, in a seeded random order), so slow drift of a
 * shared, noisy machine falls on both classes alike. The verdict is the Tukey–McLaughlin
 * trimmed-mean t test applied to differences of block minima (blockMinimumDifferences): the
 * minimum of a few requests is one the scheduler did not interrupt, and trimming 20 % of each
 * tail discards the blocks where every request was. The trimmed test on all paired differences
 * and Yuen's two-sample test (the trimmed-mean Welch test) are computed too, for comparison.
 */

/** Sorted copy, ascending. */
function sorted(xs: readonly number[]): number[] {
  return Array.from(Float64Array.from(xs).sort());
}

function trimCount(n: number, gamma: number): number {
  return Math.floor(gamma * n);
}

/** The mean of the values left after removing floor(gamma·n) from each end. */
export function trimmedMean(xs: readonly number[], gamma = 0.2): number {
  const s = sorted(xs);
  const n = s.length;
  if (n === 0) return NaN;
  const g = trimCount(n, gamma);
  let sum = 0;
  for (let i = g; i < n - g; i++) sum += s[i]!;
  return sum / (n - 2 * g);
}

/** Sample variance (n − 1) of the gamma-winsorized values. */
export function winsorizedVariance(xs: readonly number[], gamma = 0.2): number {
  const s = sorted(xs);
  const n = s.length;
  if (n < 2) return NaN;
  const g = trimCount(n, gamma);
  const lo = s[g]!;
  const hi = s[n - g - 1]!;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.min(hi, Math.max(lo, s[i]!));
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.min(hi, Math.max(lo, s[i]!)) - mean;
    ss += d * d;
  }
  return ss / (n - 1);
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Linear-interpolation quantile (type 7). */
export function quantile(xs: readonly number[], q: number): number {
  const s = sorted(xs);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const i = Math.floor(pos);
  const frac = pos - i;
  return i + 1 < s.length ? s[i]! + frac * (s[i + 1]! - s[i]!) : s[i]!;
}

// ---------------------------------------------------------------------------------------------
// the t distribution

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/** Two-sided p-value of Student's t with df degrees of freedom: P(|T| ≥ |t|). */
export function tTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  if (!(df > 0)) return NaN;
  return regularizedBeta(df / (df + t * t), df / 2, 0.5);
}

/** The t quantile: the value q with P(|T| ≥ q) = pTwoSided (bisection on tTwoSidedP). */
export function tCritical(pTwoSided: number, df: number): number {
  let lo = 0;
  let hi = 1;
  while (tTwoSidedP(hi, df) > pTwoSided && hi < 1e6) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (tTwoSidedP(mid, df) > pTwoSided) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

// ---------------------------------------------------------------------------------------------
// the tests

export interface TestResult {
  /** the estimated difference (trimmed mean of differences, or difference of trimmed means) */
  estimate: number;
  se: number;
  t: number;
  df: number;
  /** two-sided */
  p: number;
}

/**
 * Tukey–McLaughlin test that the gamma-trimmed mean of `d` is 0 (d: paired differences).
 * SE = s_w / ((1 − 2γ)·√n), df = n − 2g − 1.
 */
export function trimmedOneSample(d: readonly number[], gamma = 0.2): TestResult {
  const n = d.length;
  const g = trimCount(n, gamma);
  const estimate = trimmedMean(d, gamma);
  const se = Math.sqrt(winsorizedVariance(d, gamma)) / ((1 - (2 * g) / n) * Math.sqrt(n));
  const df = n - 2 * g - 1;
  const t = se > 0 ? estimate / se : estimate === 0 ? 0 : Math.sign(estimate) * Infinity;
  return { estimate, se, t, df, p: tTwoSidedP(t, df) };
}

/** Yuen's test of equal gamma-trimmed means of two independent samples (Welch's test when gamma = 0). */
export function yuen(a: readonly number[], b: readonly number[], gamma = 0.2): TestResult {
  const part = (xs: readonly number[]) => {
    const n = xs.length;
    const h = n - 2 * trimCount(n, gamma);
    return { tm: trimmedMean(xs, gamma), h, d: ((n - 1) * winsorizedVariance(xs, gamma)) / (h * (h - 1)) };
  };
  const pa = part(a);
  const pb = part(b);
  const estimate = pa.tm - pb.tm;
  const se = Math.sqrt(pa.d + pb.d);
  const df = (pa.d + pb.d) ** 2 / (pa.d ** 2 / (pa.h - 1) + pb.d ** 2 / (pb.h - 1));
  const t = se > 0 ? estimate / se : estimate === 0 ? 0 : Math.sign(estimate) * Infinity;
  return { estimate, se, t, df, p: tTwoSidedP(t, df) };
}

/** Bonferroni: the per-test level that keeps the family-wise false-alarm rate at alpha. */
export function bonferroni(alpha: number, tests: number): number {
  return alpha / Math.max(1, tests);
}

/**
 * The smallest true difference the test would detect with the given power at level alphaPerTest,
 * for a standard error `se` (normal approximation: (z_{1−α/2} + z_power)·SE).
 */
export function minimumDetectable(se: number, alphaPerTest: number, power = 0.8, df = 1e6): number {
  return (tCritical(alphaPerTest, df) + tCritical(2 * (1 - power), df)) * se;
}

// ---------------------------------------------------------------------------------------------
// seeded order

/**
 * Paired differences of block minima: pairs are grouped in consecutive blocks of k, and each block
 * gives min(a in block) − min(b in block). On a machine where many requests are delayed by
 * preemption (whole scheduler time slices), the minimum of a few requests is one that was not,
 * so the shift between the classes shows through; within a block the order of each pair was
 * random, so under no leak the two minima are exchangeable and the difference is centred on 0.
 */
export function blockMinimumDifferences(a: readonly number[], b: readonly number[], k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i + k <= a.length; i += k) {
    let ma = Infinity;
    let mb = Infinity;
    for (let j = i; j < i + k; j++) {
      ma = Math.min(ma, a[j]!);
      mb = Math.min(mb, b[j]!);
    }
    out.push(ma - mb);
  }
  return out;
}
