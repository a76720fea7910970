/**
 * The statistical side-channel tests: two classes of requests that a correct issuer refuses in
 * the same way, differing only in how much of a secret comparison they get right (or in their
 * ts), timed in interleaved pairs; the verdict is a robust test on the paired differences.
 */
import type { Outcome } from '../../conformance/index.js';
import { readResponse } from '../../protocol/responses.js';
import { TIMING_CLAUSES } from './clauses.js';
import { commonPrefix } from './nearmiss.js';
import type { TimingRequests } from './requests.js';
import type { Built, PairSamples, TimedResponse } from './sampler.js';
import { blockMinimumDifferences, minimumDetectable, median, tCritical, trimmedMean, trimmedOneSample, winsorizedVariance, yuen } from './stats.js';

const TRIM = 0.2;
/** pairs per block: the statistic is the difference of the classes' minima in each block */
const BLOCK = 5;

export interface SideChannelTest {
  id: 'timing.keyhash-compare' | 'timing.hmac-compare' | 'timing.ts-path';
  title: string;
  clause: (typeof TIMING_CLAUSES)[keyof typeof TIMING_CLAUSES];
  /** why it cannot run with this config, if it cannot */
  notApplicable?(f: TimingRequests): string | undefined;
  buildA(f: TimingRequests): Built;
  buildB(f: TimingRequests): Built;
  /** the two classes in words, for messages */
  describe(f: TimingRequests, exampleA?: Built, exampleB?: Built): { a: string; b: string; what: string; advice: string };
  /** the conformance check to look at when the near misses are served */
  servedHint: string;
}

const DAY = 86_400;

export const SIDE_CHANNEL_TESTS: readonly SideChannelTest[] = [
  {
    id: 'timing.keyhash-compare',
    title: 'the keyhash comparison takes the same time however much of the keyhash is right',
    clause: TIMING_CLAUSES.constantTime,
    buildA: (f) => f.build({ keyhash: { prefix: 'long' } }),
    buildB: (f) => f.build({ keyhash: { prefix: 'short' } }),
    describe: () => ({
      what: 'the keyhash comparison leaks timing',
      a: 'a keyhash right in its first 63 of 64 characters',
      b: 'a keyhash wrong in its first character',
      advice:
        'An attacker can learn the keyhash for a chosen ts one character at a time and replay it. Compare in constant time (Node crypto.timingSafeEqual, Python hmac.compare_digest, Java MessageDigest.isEqual, PHP hash_equals).',
    }),
    servedHint: 'pulluri.auth.wrong-keyhash',
  },
  {
    id: 'timing.hmac-compare',
    title: 'the x-digilocker-hmac comparison takes the same time however much of the HMAC is right',
    clause: TIMING_CLAUSES.constantTime,
    notApplicable: (f) => (f.hasHmac ? undefined : 'the config sends no x-digilocker-hmac (hmac "none")'),
    buildA: (f) => f.build({ hmac: { prefix: 'long' } }),
    buildB: (f) => f.build({ hmac: { prefix: 'short' } }),
    describe: (f, exA, exB) => {
      const agree = (ex?: Built) => {
        if (!ex) return '';
        const sent = ex.headers['x-digilocker-hmac'] ?? '';
        const agreed = commonPrefix(sent, f.correctHmac(ex.body));
        return agreed === 0 ? ' (the header differs from the correct one in its first character)' : ` (the header agrees with the correct one in its first ${agreed} of ${sent.length} characters)`;
      };
      return {
        what: 'the x-digilocker-hmac comparison leaks timing',
        a: `an HMAC whose digest is right but for its last ${f.hmacEncoding === 'raw-base64' ? 'byte' : 'hex digit'}${agree(exA)}`,
        b: `an HMAC whose digest is wrong from its first ${f.hmacEncoding === 'raw-base64' ? 'byte' : 'hex digit'}${agree(exB)}`,
        advice:
          'An attacker can learn the HMAC of a chosen body one character at a time and forge a request. Compare in constant time (Node crypto.timingSafeEqual, Python hmac.compare_digest, Java MessageDigest.isEqual, PHP hash_equals).',
      };
    },
    servedHint: 'pulluri.auth.wrong-hmac',
  },
  {
    id: 'timing.ts-path',
    title: 'a request that fails authentication takes the same time whatever its ts',
    clause: TIMING_CLAUSES.tsPath,
    buildA: (f) => f.build({ ts: f.tsAt(-DAY), keyhash: { prefix: 'short' } }),
    buildB: (f) => f.build({ ts: f.tsAt(0), keyhash: { prefix: 'short' } }),
    describe: () => ({
      what: 'unauthenticated requests take a ts-dependent path',
      a: 'a wrongly signed request with a ts 1 day old',
      b: 'the same with the current ts',
      advice: 'The issuer does work that depends on ts before it verifies the keyhash (a freshness check, a replay cache, logging): verify the keyhash first, or make that work independent of ts.',
    }),
    servedHint: 'pulluri.auth.wrong-keyhash',
  },
];

/** `HTTP 401 Status 0`: how a response is tallied. */
export function answerOf(res: TimedResponse): string {
  if (res.error) return `error (${res.error})`;
  const status = res.text === undefined ? undefined : readResponse('pulluri', res.text).status;
  return `HTTP ${res.http} Status ${status ?? '-'}`;
}

export const served = (answer: string) => /Status 1$/.test(answer);

export interface Analysis {
  pairs: number;
  blockSize: number;
  blocks: number;
  /** µs: 20%-trimmed mean over the blocks of min(a in block) − min(b in block) */
  estimateUs: number;
  seUs: number;
  t: number;
  df: number;
  p: number;
  /** the per-test level (alpha / tests) and the confidence interval at 1 − that level */
  alphaPerTest: number;
  ciUs: [number, number];
  /** the difference this run would have detected with 80 % power */
  minimumDetectableUs: number;
  /** estimate / winsorized SD of the differences */
  effectSize: number;
  medianUs: { a: number; b: number };
  trimmedMeanUs: { a: number; b: number };
  /** for comparison only (the verdict uses the block minima): the trimmed test on all paired differences, and Yuen's two-sample test */
  allPairs: { estimateUs: number; seUs: number; p: number };
  yuen: { estimateUs: number; p: number };
  detected: boolean;
}

export function analyse(aNs: readonly number[], bNs: readonly number[], alphaPerTest: number): Analysis {
  const a = aNs.map((x) => x / 1000);
  const b = bNs.map((x) => x / 1000);
  const d = blockMinimumDifferences(a, b, BLOCK);
  const test = trimmedOneSample(d, TRIM);
  const all = trimmedOneSample(
    a.map((x, i) => x - b[i]!),
    TRIM,
  );
  const crit = tCritical(alphaPerTest, test.df);
  const sd = Math.sqrt(winsorizedVariance(d, TRIM));
  const y = yuen(a, b, TRIM);
  return {
    pairs: a.length,
    blockSize: BLOCK,
    blocks: d.length,
    estimateUs: test.estimate,
    seUs: test.se,
    t: test.t,
    df: test.df,
    p: test.p,
    alphaPerTest,
    ciUs: [test.estimate - crit * test.se, test.estimate + crit * test.se],
    minimumDetectableUs: minimumDetectable(test.se, alphaPerTest, 0.8, test.df),
    effectSize: sd > 0 ? test.estimate / sd : 0,
    medianUs: { a: median(a), b: median(b) },
    trimmedMeanUs: { a: trimmedMean(a, TRIM), b: trimmedMean(b, TRIM) },
    allPairs: { estimateUs: all.estimate, seUs: all.se, p: all.p },
    yuen: { estimateUs: y.estimate, p: y.p },
    detected: test.p < alphaPerTest,
  };
}

const us = (x: number) => `${x.toFixed(Math.abs(x) < 10 ? 2 : 1)} µs`;
const formatP = (p: number) => (p === 0 ? '< 1e-300' : p < 0.001 ? `= ${p.toExponential(1)}` : `= ${p.toFixed(3)}`);
const pct = (alpha: number) => `${+(100 * (1 - alpha)).toPrecision(4)}%`;

/** The verdict of one side-channel test from its samples. */
export function judgeSideChannel(test: SideChannelTest, f: TimingRequests, samples: PairSamples, analysis: Analysis, family: { alpha: number; tests: number }): Outcome {
  const words = test.describe(f, samples.example.a?.req, samples.example.b?.req);
  const x = analysis;
  const stats =
    `${x.pairs} pairs in ${x.blocks} blocks of ${x.blockSize}, 20%-trimmed mean of the differences of block minima; ${pct(x.alphaPerTest)} CI ${us(x.ciUs[0])} to ${us(x.ciUs[1])}; ` +
    `t = ${x.t.toFixed(2)}, df = ${x.df}, p ${formatP(x.p)}; α = ${family.alpha} over ${family.tests} test${family.tests === 1 ? '' : 's'} (Bonferroni) = ${x.alphaPerTest.toPrecision(2)} per test`;
  const stopped = samples.stopped ? ` Sampling stopped early: ${samples.stopped}.` : '';
  const answersA = [...samples.answers.a.keys()].sort().join(', ');
  const answersB = [...samples.answers.b.keys()].sort().join(', ');
  if (answersA !== answersB) {
    return {
      verdict: 'fail',
      message: `the answers themselves differ: ${words.a} got ${answersA}; ${words.b} got ${answersB}. The response tells the two apart without any timing.`,
      expected: 'the same answer to both classes',
      actual: `${answersA} / ${answersB}`,
    };
  }
  if (x.detected) {
    return {
      verdict: 'fail',
      message: `${words.what}: ${words.a} is answered ${us(Math.abs(x.estimateUs))} ${x.estimateUs > 0 ? 'later' : 'sooner'} than ${words.b} (${stats}; effect size ${x.effectSize.toFixed(2)}). ${words.advice}${stopped}`,
      expected: `no timing difference (p ≥ ${x.alphaPerTest.toPrecision(2)})`,
      actual: `difference ${us(x.estimateUs)}, p ${formatP(x.p)}`,
    };
  }
  return {
    verdict: 'pass',
    message:
      `no timing difference detected between ${words.a} and ${words.b}: ${us(x.estimateUs)} (${stats}). ` +
      `At this noise a difference of ${us(x.minimumDetectableUs)} or more would have been detected with 80% power; smaller leaks are not ruled out.${stopped}`,
  };
}
