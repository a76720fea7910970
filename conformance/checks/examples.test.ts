/**
 * The spec examples replayed against the reference issuer: each passes in its own profile (and
 * skips in the others), in every variant; the evidence names the example and what was replaced.
 * That each example can fail, exactly, is conformance/faults.test.ts's (fault-targets.ts).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/index.js';
import { Redactor } from '../../core/redact.js';
import { startIssuer, VARIANT_NAMES, type FaultName, type VariantName } from '../../fixtures/issuer/index.js';
import type { ProfileId } from '../../protocol/profiles.js';
import { runSuite } from '../runner.js';
import { EXAMPLE_CHECKS, REQUEST_EXAMPLES } from './examples.js';

const API_KEY = 'examples-test-key-0123456789';

async function examplesAgainst(profile: ProfileId, variants: VariantName[] = [], faults: FaultName[] = []) {
  const issuer = await startIssuer({ profile, apiKey: API_KEY, variants, faults, documents: 4 });
  try {
    const { config, apiKey } = parseConfig({ ...issuer.config('EXAMPLES_KEY'), client: { timeoutMs: 5000, concurrency: 2 } }, { EXAMPLES_KEY: API_KEY }, 'examples test');
    const { result } = await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 5, checks: EXAMPLE_CHECKS });
    return result.checks;
  } finally {
    await issuer.close();
  }
}

describe('spec examples against the clean reference issuer', () => {
  for (const profile of ['1.0', '3.0', '1.13'] as ProfileId[]) {
    it(`profile ${profile}: its examples are served, the others do not apply`, async () => {
      const checks = await examplesAgainst(profile);
      const own = REQUEST_EXAMPLES.filter((e) => e.profile === profile).map((e) => `${e.api}.examples.${e.name}`);
      expect(own.length).toBeGreaterThan(0);
      expect(checks.filter((c) => c.verdict === 'pass').map((c) => c.id)).toEqual(own);
      expect(checks.filter((c) => c.verdict !== 'pass').every((c) => c.verdict === 'skip' && /an example of profile/.test(c.message))).toBe(true);
    });
  }

  it('the evidence names the example and what was replaced', async () => {
    const checks = await examplesAgainst('1.13');
    const pension = checks.find((c) => c.id === 'pulluri.examples.pension-uri-request')!;
    expect(pension.message).toMatch(/served \(format pdf\); replayed with @ts: "2026-08-19T13:53:07\+05:30" → "[^"]+\+05:30"/);
    expect(pension.message).toContain('DocDetails/AUTHN → rollno: "TEST12054" → ');
    expect(pension.message).toContain('DocDetails/year: "(added)" → ');
    expect(pension.message).toContain('keyhash and HMAC recomputed');
    // the owner's name and DOB put in are personal: redacted in the report
    expect(pension.message).toMatch(/DocDetails\/FullName: "Test User" → "\[REDACTED:name\]"/);
    const sent = pension.evidence[0]!;
    expect(sent.request.body).toContain('xmlns="https://www.digitallocker.gov.in/schema/issuer/v1/pullurirequest"');
    expect(sent.request.body).toContain('    <DocDetails>\n        <DocType>\n');
  });
});

describe('spec examples in every variant of the reference issuer', () => {
  for (const variant of VARIANT_NAMES) {
    it(variant, async () => {
      for (const profile of ['1.0', '3.0', '1.13'] as ProfileId[]) {
        const checks = await examplesAgainst(profile, [variant]);
        expect(
          checks.filter((c) => c.verdict !== 'pass' && c.verdict !== 'skip').map((c) => `${profile} ${c.id} ${c.verdict}: ${c.message}`),
          variant,
        ).toEqual([]);
        expect(checks.some((c) => c.verdict === 'pass')).toBe(true);
      }
    });
  }
});

describe('an issuer that refuses an example shape', () => {
  it('txn-digits-only fails the UIDAI Pull Doc example with what was sent', async () => {
    const checks = await examplesAgainst('3.0', [], ['txn-digits-only']);
    const uidai = checks.find((c) => c.id === 'pulldoc.examples.sample-uidai-pulldoc-request')!;
    expect(uidai.verdict).toBe('fail');
    expect(uidai.message).toMatch(/^not served: HTTP 200, Status="0"; replayed with .*@txn: "562ae0e699e2521ac4bd55f5ca61e553" → "[0-9a-f]{32}"/);
  });
});
