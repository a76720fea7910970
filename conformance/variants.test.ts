/**
 * Conformant-but-unusual issuers pass: for each variant of the reference issuer (behaviour the
 * specs allow that a naive harness fails), the conformance suite, the fuzzer (a fixed seed, a few
 * hundred cases) and the timing suite (a short run) all exit 0 under the default policy, warnings
 * allowed. Real HTTP over loopback, the real engines.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config/index.js';
import { Redactor } from '../core/redact.js';
import type { CheckResult } from '../core/types.js';
import { startIssuer, VARIANT_NAMES, type VariantName } from '../fixtures/issuer/index.js';
import { runFuzz } from '../properties/fuzz/engine.js';
import { runTiming } from '../properties/timing/suite.js';
import type { ProfileId } from '../protocol/profiles.js';
import { runSuite } from './runner.js';

const API_KEY = 'variant-test-key-0123456789';
const KEY_ENV = 'VARIANT_TEST_KEY';

/** Each variant in the default profile; the format default also where the other default is the OpenAPI's. */
const CASES: Array<{ variant: VariantName; profile: ProfileId }> = [
  ...VARIANT_NAMES.map((variant) => ({ variant, profile: '3.0' as ProfileId })),
  { variant: 'format-absent-other-default', profile: '1.13' },
  { variant: 'pretty-printed', profile: '1.13' },
];

const blocking = (checks: CheckResult[]) => checks.filter((c) => c.verdict !== 'pass' && c.verdict !== 'warn' && c.verdict !== 'skip').map((c) => `${c.id} ${c.verdict}: ${c.message}`);

async function againstVariant(variant: VariantName, profile: ProfileId) {
  const issuer = await startIssuer({ profile, apiKey: API_KEY, variants: [variant], documents: 8 });
  try {
    const json = { ...issuer.config(KEY_ENV), client: { timeoutMs: 5000, concurrency: 4 } };
    const { config, apiKey } = parseConfig(json, { [KEY_ENV]: API_KEY }, 'variant test');
    const redactor = () => new Redactor({ apiKey, config });
    const suite = (await runSuite({ config, apiKey, redactor: redactor(), seed: 7 })).result;
    const fuzz = (await runFuzz({ config, apiKey, redactor: redactor(), runs: 300, seed: 11, rate: Infinity })).result;
    const timing = (await runTiming({ config, apiKey, redactor: redactor(), seed: 7, samples: 100, skip: ['window'] })).result;
    return { suite, fuzz, timing };
  } finally {
    await issuer.close();
  }
}

describe('every variant of the reference issuer passes the suite, the fuzzer and the timing suite', () => {
  for (const { variant, profile } of CASES) {
    it(`${variant} (profile ${profile})`, async () => {
      const { suite, fuzz, timing } = await againstVariant(variant, profile);
      expect({ suite: blocking(suite.checks), fuzz: blocking(fuzz.checks), timing: blocking(timing.checks) }).toEqual({ suite: [], fuzz: [], timing: [] });
      expect([suite.exitCode, fuzz.exitCode, timing.exitCode]).toEqual([0, 0, 0]);
      // judged, not skipped: a variant that made the runs vacuous would not pass
      expect(suite.checks.filter((c) => c.verdict === 'pass').length).toBeGreaterThan(30);
      expect(fuzz.checks.some((c) => c.verdict === 'pass')).toBe(true);
    }, 120_000);
  }
});
