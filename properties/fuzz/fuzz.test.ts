/**
 * The fuzz engine against the reference issuer on 127.0.0.1, in process, rate cap lifted, fixed
 * seeds: the clean issuer keeps every invariant over thousands of cases in every profile; each
 * invariant is shown to catch a fault switch (and the fault breaks nothing else); a printed
 * SEED:PATH replays the same counterexample.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/index.js';
import { Redactor } from '../../core/redact.js';
import { startIssuer, type FaultName } from '../../fixtures/issuer/index.js';
import type { ProfileId } from '../../protocol/profiles.js';
import { parseReplay, runFuzz, type FuzzOptions, type FuzzRun } from './engine.js';
import { clause } from '../../protocol/clauses.js';
import { checkId, INVARIANT_IDS, INVARIANTS } from './invariants.js';

const KEY = 'fuzz-test-key-0123456789';

interface Setup {
  profile?: ProfileId;
  runs?: number;
  seed?: number;
  timeoutMs?: number;
  slowMs?: number;
  configPatch?: Record<string, unknown>;
  engine?: Partial<FuzzOptions>;
}

async function fuzz(faults: FaultName[], s: Setup = {}): Promise<FuzzRun> {
  const issuer = await startIssuer({ profile: s.profile ?? '3.0', apiKey: KEY, faults, documents: 8, slowMs: s.slowMs });
  try {
    const json = { ...(issuer.config('FUZZ_TEST_KEY') as object), ...s.configPatch, client: { timeoutMs: s.timeoutMs ?? 10_000, concurrency: 4 } };
    const { config, apiKey } = parseConfig(json, { FUZZ_TEST_KEY: KEY }, 'fuzz test');
    return await runFuzz({ config, apiKey, redactor: new Redactor({ apiKey, config }), runs: s.runs ?? 600, seed: s.seed ?? 11, rate: Infinity, ...s.engine });
  } finally {
    await issuer.close();
  }
}

const broken = (run: FuzzRun) =>
  run.result.checks
    .filter((c) => c.verdict === 'fail' || c.verdict === 'warn')
    .map((c) => c.id)
    .sort();
const both = (...invariants: string[]) => invariants.flatMap((i) => [checkId('pulluri', i), checkId('pulldoc', i)]).sort();

describe('the clean reference issuer keeps every invariant', () => {
  it('profile 3.0, 2,000 cases over both APIs', async () => {
    const run = await fuzz([], { runs: 2000 });
    expect(run.counterexamples.map((c) => `${c.id} ${c.replay}: ${c.violation.message}`)).toEqual([]);
    expect(run.details.casesRun).toBe(2000);
    expect(run.result.exitCode).toBe(0);
    expect(
      run.result.checks
        .filter((c) => c.verdict === 'pass')
        .map((c) => c.id)
        .sort(),
    ).toEqual(both(...INVARIANT_IDS));
    for (const n of Object.values(run.details.classes)) expect(n).toBeGreaterThan(100);
  }, 120_000);
  for (const profile of ['1.13', '1.0'] as ProfileId[]) {
    it(`profile ${profile}`, async () => {
      const run = await fuzz([], { profile, runs: 600 });
      expect(run.counterexamples.map((c) => `${c.id} ${c.replay}: ${c.violation.message}`)).toEqual([]);
      expect(run.result.exitCode).toBe(0);
      // without an HMAC a wrong keyhash leaves no credential: auth-enforced judges it
      const oneCredential = profile === '1.0' ? both('keyhash-verified', 'hmac-verified') : [];
      const notPassing = run.result.checks.filter((c) => c.verdict !== 'pass').map((c) => `${c.id} ${c.verdict}`);
      expect(notPassing.sort()).toEqual(oneCredential.map((id) => `${id} skip`).sort());
    }, 60_000);
  }
});

/**
 * Each fault, the checks it must break, and the only others it may break too. Variation faults
 * break the tolerant cases as well (they vary as legal ones do); a lookup that answers unknown
 * searches also answers requests with a search element missing (malformed-refused); internal
 * entities expanded (dtd-refused) is a warning.
 */
const CAUGHT: Array<[FaultName, string[], Setup?, string[]?]> = [
  ['malformed-500', both('no-5xx')],
  ['auth-error-500', both('no-5xx')],
  ['long-value-500', both('no-5xx')],
  ['stack-trace', both('no-stack-trace')],
  ['secret-echo', both('no-secret-echo')],
  ['wrong-root', both('well-formed')],
  ['invalid-utf8', both('well-formed')],
  // a txn with &amp; in it comes back as &: the echo is wrong too
  ['echo-unescaped', both('well-formed'), { runs: 1500 }, both('echo')],
  ['txn-not-echoed', both('echo')],
  ['ts-reformatted', both('echo')],
  ['no-echo-on-error', both('echo')],
  ['keyhash-not-verified', both('keyhash-verified')],
  ['hmac-not-verified', both('hmac-verified')],
  ['hmac-optional', both('hmac-verified')],
  ['orgid-not-verified', both('auth-enforced')],
  // a request with no search element is then served too: malformed-refused (nothing to look up)
  ['unknown-search-returns-doc', [checkId('pulluri', 'unknown-no-document'), checkId('pulluri', 'malformed-refused')]],
  ['search-first-element-only', [checkId('pulluri', 'unknown-no-document')], undefined, [checkId('pulluri', 'malformed-refused')]],
  ['unknown-uri-returns-doc', [checkId('pulldoc', 'unknown-no-document'), checkId('pulldoc', 'malformed-refused')]],
  ['dtd-expanded', both('dtd-refused')],
  ['namespace-strict', both('legal-variation', 'tolerant-variation')],
  ['namespace-digitallocker-only', both('legal-variation', 'tolerant-variation'), { configPatch: { namespace: 'digitallocker' } }],
  ['strict-attributes', both('legal-variation', 'tolerant-variation')],
  ['strict-elements', both('legal-variation', 'tolerant-variation')],
  ['attribute-order-fixed', both('legal-variation', 'tolerant-variation')],
  ['no-trim', both('tolerant-variation')],
  ['ts-no-fraction', both('tolerant-variation')],
  ['slow-pdf', both('answers'), { timeoutMs: 400, slowMs: 3000, runs: 80 }],
];

describe('each invariant catches a fault of the reference issuer, and only its own', () => {
  it('every invariant of both APIs is caught by some fault below', () => {
    expect([...new Set(CAUGHT.flatMap(([, ids]) => ids))].sort()).toEqual(both(...INVARIANT_IDS));
  });
  for (const [fault, ids, setup, also = []] of CAUGHT) {
    it(fault, async () => {
      const run = await fuzz([fault], setup);
      const got = broken(run);
      expect(got).toEqual(expect.arrayContaining(ids));
      expect(got.filter((id) => !ids.includes(id) && !also.includes(id))).toEqual([]);
      // exit 1 only when a broken invariant's clause blocks (MUST or SECURITY); a SHOULD one warns
      const blocks = ids.some((id) => ['MUST', 'SECURITY'].includes(clause(INVARIANTS.find((i) => id.endsWith(`.${i.id}`))!.clause).level));
      expect(run.result.exitCode).toBe(blocks ? 1 : 0);
      for (const c of run.result.checks.filter((x) => x.verdict === 'fail' || x.verdict === 'warn')) {
        expect(c.message).toMatch(/Replay: dlconform fuzz --config FILE --replay \d+:\d+(:\d+)*/);
        expect(c.evidence).toHaveLength(1);
        expect(c.evidence[0]!.curl).toMatch(/^# dlconform: reproduces POST http:\/\/127\.0\.0\.1:/);
      }
    }, 90_000);
  }
});

describe('everything refused: the refusal invariants prove nothing', () => {
  it('reject-all: no refusal invariant passes, each is inconclusive, and the run exits 1', async () => {
    const run = await fuzz(['reject-all'], { runs: 200 });
    const refusal = run.result.checks.filter((c) => /\.(auth-enforced|keyhash-verified|hmac-verified|unknown-no-document|malformed-refused|dtd-refused)$/.test(c.id));
    expect(refusal).toHaveLength(12);
    expect(refusal.map((c) => c.verdict)).toEqual(refusal.map(() => 'inconclusive'));
    for (const c of refusal) expect(c.message).toContain('a refusal proves nothing here');
    expect(run.result.exitCode).toBe(1);
  }, 60_000);
});

describe('replay', () => {
  it('a printed SEED:PATH reproduces the same counterexample', async () => {
    const first = await fuzz(['dtd-expanded'], { runs: 300 });
    expect(first.counterexamples.length).toBeGreaterThan(0);
    for (const cx of first.counterexamples) {
      const token = parseReplay(cx.replay)!;
      const again = await fuzz(['dtd-expanded'], { engine: { replay: token } });
      const same = again.counterexamples.find((c) => c.id === cx.id);
      expect(same, cx.replay).toBeDefined();
      expect(same!.case).toEqual(cx.case);
      expect(again.details.casesRun).toBe(1);
      // internal entities expanded is a warning: found again, exit 0
      expect(again.result.checks.find((c) => c.id === cx.id)!.verdict).toBe('warn');
      expect(again.result.exitCode).toBe(0);
    }
  }, 90_000);
  it('replayed against a fixed issuer, the counterexample passes', async () => {
    const first = await fuzz(['malformed-500'], { runs: 200 });
    const cx = first.counterexamples[0]!;
    const again = await fuzz([], { engine: { replay: parseReplay(cx.replay)! } });
    expect(again.counterexamples).toEqual([]);
    expect(again.details.casesRun).toBe(1);
  }, 60_000);
  it('SEED:PATH parsing', () => {
    expect(parseReplay('7:2:1:0')).toEqual({ seed: 7, path: '2:1:0' });
    expect(parseReplay('11:4')).toEqual({ seed: 11, path: '4' });
    for (const bad of ['', '7', '7:', ':1', 'a:1', '7:1:x', '99999999999:1']) expect(parseReplay(bad)).toBeUndefined();
  });
});

describe('bounds', () => {
  it('--open-search: unknown searches may return documents', async () => {
    const run = await fuzz(['unknown-search-returns-doc', 'unknown-uri-returns-doc'], { runs: 300, engine: { openSearch: true } });
    // a request with no search element at all still must not get a document
    expect(broken(run)).toEqual(both('malformed-refused'));
    for (const api of ['pulluri', 'pulldoc'] as const) expect(run.result.checks.find((c) => c.id === checkId(api, 'unknown-no-document'))!.verdict).toBe('skip');
  }, 60_000);
  it('an unreachable target ends the run at once with exit 3', async () => {
    const issuer = await startIssuer({ apiKey: KEY, documents: 3 });
    const json = { ...(issuer.config('FUZZ_TEST_KEY') as object), client: { timeoutMs: 2000 } };
    await issuer.close();
    const { config, apiKey } = parseConfig(json, { FUZZ_TEST_KEY: KEY }, 'fuzz test');
    const run = await runFuzz({ config, apiKey, redactor: new Redactor({ apiKey, config }), runs: 100, seed: 1, rate: Infinity });
    expect(run.result.exitCode).toBe(3);
    expect(run.details.requestsSent).toBeLessThanOrEqual(2);
  });
  it('a target that goes away mid-run: an answers finding, and the run stops', async () => {
    const issuer = await startIssuer({ apiKey: KEY, documents: 3 });
    const json = { ...(issuer.config('FUZZ_TEST_KEY') as object), client: { timeoutMs: 5000, concurrency: 2 } };
    const { config, apiKey } = parseConfig(json, { FUZZ_TEST_KEY: KEY }, 'fuzz test');
    let sent = 0;
    const run = await runFuzz({
      config,
      apiKey,
      redactor: new Redactor({ apiKey, config }),
      runs: 100_000,
      seed: 3,
      rate: 500,
      onProgress: () => undefined,
      onRequest: () => {
        if (++sent === 50) void issuer.close();
      },
    });
    expect(run.details.stopped).toMatch(/stopped accepting connections/);
    expect(run.details.casesRun).toBeLessThan(1000);
    expect(run.result.exitCode).toBe(1);
    expect(broken(run).every((id) => id.endsWith('.answers'))).toBe(true);
  }, 60_000);
  it('a target that starts throttling: its 403 pages break no invariant, they are counted as not judged', async () => {
    const issuer = await startIssuer({ apiKey: KEY, documents: 3, faults: ['rate-limit'], rateLimitPerMinute: 20 });
    try {
      const json = { ...(issuer.config('FUZZ_TEST_KEY') as object), client: { timeoutMs: 5000, concurrency: 2 } };
      const { config, apiKey } = parseConfig(json, { FUZZ_TEST_KEY: KEY }, 'fuzz test');
      const run = await runFuzz({ config, apiKey, redactor: new Redactor({ apiKey, config }), runs: 40, seed: 5, rate: Infinity });
      expect(run.counterexamples.map((c) => `${c.id}: ${c.violation.message}`)).toEqual([]);
      expect(run.details.throttled).toBeGreaterThan(0);
      const answers = run.result.checks.find((c) => c.id === checkId('pulluri', 'answers'))!;
      expect(answers.message).toMatch(/answers were the target's rate limit \(throttling\), not judged: set client\.maxRequestsPerSecond or --rate lower$/);
    } finally {
      await issuer.close();
    }
  }, 60_000);
  it('the rate cap: never above the config, default 50 per second', async () => {
    const { effectiveRate } = await import('./engine.js');
    const config = { client: { maxRequestsPerSecond: 20 } } as Parameters<typeof effectiveRate>[1];
    expect(effectiveRate(undefined, config)).toBe(20);
    expect(effectiveRate(1000, config)).toBe(20);
    expect(effectiveRate(5, config)).toBe(5);
    expect(effectiveRate(undefined, { client: {} } as Parameters<typeof effectiveRate>[1])).toBe(50);
    expect(effectiveRate(Infinity, { client: {} } as Parameters<typeof effectiveRate>[1])).toBeUndefined();
  });
  it('runs are deterministic for a seed', async () => {
    const a = await fuzz(['txn-not-echoed'], { runs: 200 });
    const b = await fuzz(['txn-not-echoed'], { runs: 200 });
    expect(a.counterexamples.map((c) => [c.id, c.replay, c.case])).toEqual(b.counterexamples.map((c) => [c.id, c.replay, c.case]));
    expect(a.details.classes).toEqual(b.details.classes);
  }, 60_000);
});
