/**
 * Every check can fail: for each fault switch of the reference issuer, the suite fails (or warns)
 * exactly the checks that fault targets and no others, and finds inconclusive exactly the refusal
 * checks of the APIs whose baseline the fault stops serving (and, for a throttling fault, checks
 * that name the throttling, none failing or warning because of it); and the clean issuer passes
 * everything, in every profile. Real HTTP over loopback, the real runner.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startMockDigiLocker } from '../fixtures/digilocker/index.js';
import { DEFAULT_ORG_ID, FAULT_NAMES, startIssuer, type FaultName, type IssuerOptions } from '../fixtures/issuer/index.js';
import type { ProfileId } from '../protocol/profiles.js';
import { ALL_CHECKS } from './checks/index.js';
import { parseConfig } from '../core/config/index.js';
import { APISETU_EXPECTED, CONSISTENCY_EXPECTED, EXPECTED, PUSH_ACCOUNT_EXPECTED, PUSH_EXPECTED } from './fault-targets.js';
import { Redactor } from '../core/redact.js';
import { runSuite } from './runner.js';
import type { CheckResult } from '../core/types.js';

const API_KEY = 'fault-test-key-0123456789';

async function suiteAgainst(
  profile: ProfileId,
  faults: FaultName[],
  configPatch: Record<string, unknown> = {},
  issuerOptions: Partial<IssuerOptions> = {},
  withDigiLocker = false,
): Promise<CheckResult[]> {
  const dir = withDigiLocker ? mkdtempSync(join(tmpdir(), 'dlconform-faults-')) : undefined;
  const dbPath = dir && join(dir, 'pushes.sqlite');
  const digiLocker = dbPath ? await startMockDigiLocker({ apiKey: API_KEY, orgId: DEFAULT_ORG_ID, dbPath }) : undefined;
  const issuer = await startIssuer({ profile, apiKey: API_KEY, faults, documents: 8, slowMs: 6000, ...issuerOptions, ...(digiLocker && { pushPendingTo: digiLocker.url }) });
  try {
    const base = issuer.config('FAULT_TEST_KEY');
    // the pending push is awaited 3 s: enough for the issuer's 0.2 s, short for a fault that never pushes
    const observed = dbPath && base.pending ? { pushed: { db: dbPath }, pending: { ...base.pending, pushWithinSeconds: 3 } } : {};
    const json = { ...base, ...observed, ...configPatch, client: { timeoutMs: 2500, concurrency: 4 } };
    const { config, apiKey } = parseConfig(json, { FAULT_TEST_KEY: API_KEY }, 'fault test');
    const { result } = await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 7 });
    return result.checks;
  } finally {
    await issuer.close();
    await digiLocker?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

const nonPassing = (checks: CheckResult[]) =>
  checks
    .filter((c) => c.verdict === 'fail' || c.verdict === 'warn')
    .map((c) => c.id)
    .sort();
const errors = (checks: CheckResult[]) => checks.filter((c) => c.verdict === 'error').map((c) => `${c.id}: ${c.message}`);
const inconclusive = (checks: CheckResult[]) =>
  checks
    .filter((c) => c.verdict === 'inconclusive')
    .map((c) => c.id)
    .sort();
const REFUSAL_IDS = new Set(ALL_CHECKS.filter((c) => c.judgesRefusal).map((c) => c.id));
/** The refusal checks of these APIs that ran (a check that does not apply to the config still skips). */
const refusalChecksOf = (checks: CheckResult[], apis: readonly string[]) =>
  checks
    .filter((c) => REFUSAL_IDS.has(c.id) && apis.includes(c.api) && c.verdict !== 'skip')
    .map((c) => c.id)
    .sort();

describe('the clean reference issuer passes every check', () => {
  for (const profile of ['1.0', '3.0', '1.13'] as ProfileId[]) {
    it(`profile ${profile}, with a mock DigiLocker it pushes its pending document to`, async () => {
      const checks = await suiteAgainst(profile, [], {}, {}, true);
      expect(errors(checks)).toEqual([]);
      expect(nonPassing(checks)).toEqual([]);
      expect(inconclusive(checks)).toEqual([]);
      expect(checks.filter((c) => c.verdict === 'pass').length).toBeGreaterThanOrEqual(profile === '1.13' ? 30 : 40);
    });
  }
});

describe('each fault switch fails exactly the checks it targets', () => {
  it('every fault has an expectation', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...FAULT_NAMES].sort());
  });
  for (const fault of FAULT_NAMES) {
    const expectation = EXPECTED[fault];
    it(`${fault} (profile ${expectation?.profile ?? '3.0'})`, async () => {
      const checks = await suiteAgainst(expectation.profile ?? '3.0', [fault], expectation.configPatch, expectation.issuerOptions, expectation.digiLocker);
      expect(errors(checks)).toEqual([]);
      expect(nonPassing(checks)).toEqual([...expectation.targets].sort());
      const gated = refusalChecksOf(checks, expectation.inconclusive ?? []);
      if (!expectation.throttled) {
        expect(inconclusive(checks)).toEqual(gated);
        return;
      }
      // which checks meet the limit depends on the order their requests reach it; each says why
      const byThrottling = checks.filter((c) => c.verdict === 'inconclusive' && !gated.includes(c.id));
      expect(byThrottling.length).toBeGreaterThan(0);
      for (const c of byThrottling) expect(c.message, c.id).toMatch(/the target throttled.*client\.maxRequestsPerSecond/);
      expect(inconclusive(checks)).toEqual([...gated, ...byThrottling.map((c) => c.id)].sort());
    });
  }
});

describe('every check can fail', () => {
  it('each conformance check is the target of at least one fault switch', () => {
    // the issuer's faults target the Pull checks; the mock DigiLocker's faults the push checks;
    // (the account route's faults the Push URI to Account checks); the issuer's push-client faults the consistency check
    const targeted = new Set(
      [
        ...Object.values(EXPECTED),
        ...Object.values(PUSH_EXPECTED),
        ...Object.values(PUSH_ACCOUNT_EXPECTED),
        ...Object.values(CONSISTENCY_EXPECTED),
        // profile apisetu: the publisher form's faults (conformance/checks/apisetu.test.ts)
        ...Object.values(APISETU_EXPECTED),
      ].flatMap((e) => e?.targets ?? []),
    );
    const untargeted = ALL_CHECKS.map((c) => c.id).filter((id) => !targeted.has(id));
    expect(untargeted).toEqual([]);
  });
});
