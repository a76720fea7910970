/**
 * Every check can fail: for each fault switch of the reference issuer, the suite fails (or warns)
 * exactly the checks that fault targets and no others; and the clean issuer passes everything,
 * in every profile. Real HTTP over loopback, the real runner.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FAULT_NAMES, startIssuer, type FaultName } from '../fixtures/issuer/index.js';
import type { ProfileId } from '../spec/profiles.js';
import { parseConfig } from './config.js';
import { Redactor } from './redact.js';
import { runSuite } from './runner.js';
import type { CheckResult } from './types.js';

const both = (...suffixes: string[]) => suffixes.flatMap((s) => [`pulluri.${s}`, `pulldoc.${s}`]);

interface Expectation {
  profile?: ProfileId;
  /** ids whose verdict is fail or warn; every other check must pass or skip */
  targets: string[];
}

const EXPECTED: Record<FaultName, Expectation> = {
  'http-202': { targets: both('transport.http-200') },
  'html-content-type': { targets: both('transport.content-type') },
  'invalid-utf8': { targets: both('transport.utf8-xml') },
  'wrong-root': { targets: both('transport.root-element') },
  'ts-reformatted': { targets: both('echo.ts', 'echo.on-error') },
  'txn-not-echoed': { targets: both('echo.txn', 'echo.on-error') },
  'status-text-mismatch': { targets: both('echo.status-text') },
  'no-echo-on-error': { targets: both('echo.on-error') },
  'status-minus-one-on-error': { targets: both('status.values') },
  'keyhash-not-verified': { targets: both('auth.wrong-keyhash') },
  'hmac-not-verified': { targets: both('auth.wrong-hmac', 'auth.missing-hmac', 'auth.tampered-body') },
  'hmac-optional': { targets: both('auth.missing-hmac') },
  'orgid-not-verified': { targets: both('auth.wrong-orgid') },
  'auth-error-500': { targets: both('auth.no-5xx') },
  'udf-literal-names': { targets: ['pulluri.success.status-1'] },
  'uri-wrong-prefix': { targets: ['pulluri.success.uri-format', 'pulluri.success.uri-expected'] },
  'uri-other-document': { targets: ['pulluri.success.uri-expected'] },
  'uri-unstable': { targets: ['pulluri.success.uri-expected', 'pulluri.success.uri-stable'] },
  'no-issuedto': { profile: '1.13', targets: ['pulluri.success.issued-to'] },
  'person-dob-iso': { profile: '1.13', targets: ['pulluri.success.person-attributes'] },
  'no-search-echo': { targets: ['pulluri.success.search-echo'] },
  'format-ignored': { targets: both('content.format-xml', 'content.format-both') },
  'format-absent-nothing': { targets: both('content.format-absent') },
  'doccontent-not-base64': { targets: both('content.doccontent-base64') },
  'base64-line-breaks': { targets: both('content.base64-clean') },
  'doccontent-not-pdf': { targets: both('content.doccontent-pdf') },
  'datacontent-not-base64': { targets: both('content.datacontent-base64') },
  'datacontent-json': { targets: both('content.datacontent-xml') },
  'datacontent-wrong-root': { targets: both('content.certificate-root') },
  'unknown-search-returns-doc': { targets: ['pulluri.negative.absent-search'] },
  'not-found-404': { targets: ['pulluri.negative.absent-search-http', 'pulldoc.negative.unknown-uri-http'] },
  'identity-not-checked': { targets: ['pulluri.negative.name-mismatch', 'pulluri.negative.dob-mismatch'] },
  'pending-as-error': { targets: ['pulluri.pending.status-9'] },
  'unknown-uri-returns-doc': { targets: ['pulldoc.negative.unknown-uri'] },
  'pulldoc-status-9': { targets: ['pulldoc.status.values'] },
  'pulldoc-not-found': { targets: ['pulldoc.success.status-1'] },
  'namespace-strict': { targets: both('robustness.namespace-tempuri', 'robustness.namespace-digitallocker') },
  'no-trim': { targets: both('robustness.whitespace') },
  'strict-attributes': { targets: both('robustness.unknown-attribute') },
  'strict-elements': { targets: both('robustness.unknown-element') },
  'ts-no-fraction': { targets: both('robustness.ts-fraction') },
  'dtd-expanded': { targets: both('security.dtd-refused') },
  'malformed-500': { targets: both('security.malformed-no-5xx') },
  'stack-trace': { targets: both('security.no-stack-trace') },
  'secret-echo': { targets: both('security.no-secret-echo') },
  'slow-pdf': { targets: ['pulluri.content.format-pdf'] },
};

const API_KEY = 'fault-test-key-0123456789';

async function suiteAgainst(profile: ProfileId, faults: FaultName[]): Promise<CheckResult[]> {
  const issuer = await startIssuer({ profile, apiKey: API_KEY, faults, documents: 8, slowMs: 1500 });
  try {
    const json = issuer.config('FAULT_TEST_KEY') as { client?: object };
    json.client = { timeoutMs: 700, concurrency: 4 };
    const { config, apiKey } = parseConfig(json, { FAULT_TEST_KEY: API_KEY }, 'fault test');
    const { result } = await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 7 });
    return result.checks;
  } finally {
    await issuer.close();
  }
}

const nonPassing = (checks: CheckResult[]) => checks.filter((c) => c.verdict === 'fail' || c.verdict === 'warn').map((c) => c.id).sort();
const errors = (checks: CheckResult[]) => checks.filter((c) => c.verdict === 'error').map((c) => `${c.id}: ${c.message}`);

describe('the clean reference issuer passes every check', () => {
  for (const profile of ['1.0', '3.0', '1.13'] as ProfileId[]) {
    it(`profile ${profile}`, async () => {
      const checks = await suiteAgainst(profile, []);
      expect(errors(checks)).toEqual([]);
      expect(nonPassing(checks)).toEqual([]);
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
      const checks = await suiteAgainst(expectation.profile ?? '3.0', [fault]);
      expect(errors(checks)).toEqual([]);
      expect(nonPassing(checks)).toEqual([...expectation.targets].sort());
    });
  }
});

afterAll(() => undefined);
