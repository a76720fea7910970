/**
 * The push checks against the mock DigiLocker over real HTTP, through the real runner: the clean
 * mock passes them all; each conformance fault switch fails exactly the checks PUSH_EXPECTED
 * lists for it; without target.pushCsv / target.pushUri no push check is selected.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMockDigiLocker, type MockFaultName } from '../../fixtures/digilocker/index.js';
import { parseConfig } from '../../core/config/index.js';
import { PUSH_EXPECTED } from '../fault-targets.js';
import { Redactor } from '../../core/redact.js';
import { runSuite } from '../runner.js';
import type { CheckResult } from '../../core/types.js';
import { ALL_CHECKS } from './index.js';
import { PUSH_CHECKS } from './push.js';

const API_KEY = 'push-check-test-key-0123';
const ORG_ID = 'in.gov.dlconform.demo';
const dir = mkdtempSync(join(tmpdir(), 'dlconform-pushchecks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function configFor(pushCsv: string | undefined, pushUri: string | undefined) {
  const json = {
    target: { pullUri: 'http://127.0.0.1:9/pulluri', ...(pushCsv && { pushCsv }), ...(pushUri && { pushUri }) },
    orgId: ORG_ID,
    apiKeyEnv: 'PUSH_TEST_KEY',
    documents: [{ docType: 'INCER', search: { UDF1: '13333' }, uri: `${ORG_ID}-INCER-AB12CD34EF` }],
    absent: { docType: 'INCER', search: { UDF1: '99999' } },
    client: { timeoutMs: 2500, concurrency: 4 },
  };
  return parseConfig(json, { PUSH_TEST_KEY: API_KEY }, 'push test');
}

async function pushSuite(faults: MockFaultName[], variant: { pushUriWithoutOrgId?: boolean } = {}): Promise<CheckResult[]> {
  const mock = await startMockDigiLocker({ apiKey: API_KEY, orgId: ORG_ID, dbPath: join(dir, `m${n++}.sqlite`), faults, ...variant });
  try {
    const { config, apiKey } = configFor(mock.pushCsvUrl, mock.pushUriUrl);
    const { result } = await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 7, checks: PUSH_CHECKS });
    return result.checks;
  } finally {
    await mock.close();
  }
}

const nonPassing = (checks: CheckResult[]) =>
  checks
    .filter((c) => c.verdict !== 'pass')
    .map((c) => c.id)
    .sort();

describe('push checks against the mock DigiLocker', () => {
  it('a PushUriResponse without orgId passes: no Push URI source puts orgId in the response', async () => {
    const checks = await pushSuite([], { pushUriWithoutOrgId: true });
    expect(checks.filter((c) => c.verdict !== 'pass').map((c) => `${c.id}: ${c.message}`)).toEqual([]);
    expect(checks.find((c) => c.id === 'pushuri.valid.echo')!.message).toBe('ver, ts, txn echoed byte for byte');
  });

  it('an invalid Aadhaar or a malformed CSV accepted at upload is a warning: DigiLocker imports the CSV later, and no source requires the refusal', async () => {
    const checks = await pushSuite(['accept-bad-aadhaar']);
    const c = checks.find((x) => x.id === 'pushuri.invalid.bad-aadhaar')!;
    expect([c.level, c.verdict]).toEqual(['SHOULD', 'warn']);
  });

  it('the clean mock passes every push check', async () => {
    const checks = await pushSuite([]);
    expect(checks.map((c) => c.id).sort()).toEqual(PUSH_CHECKS.map((c) => c.id).sort());
    expect(checks.filter((c) => c.verdict !== 'pass').map((c) => `${c.id}: ${c.message}`)).toEqual([]);
  });

  for (const [fault, expectation] of Object.entries(PUSH_EXPECTED)) {
    it(`fault ${fault} fails exactly ${expectation!.targets.join(', ')}`, async () => {
      const checks = await pushSuite([fault as MockFaultName]);
      expect(checks.filter((c) => c.verdict === 'error').map((c) => `${c.id}: ${c.message}`)).toEqual([]);
      expect(nonPassing(checks)).toEqual([...expectation!.targets].sort());
    });
  }

  it('every push check is the target of a mock fault', () => {
    const targeted = new Set(Object.values(PUSH_EXPECTED).flatMap((e) => e?.targets ?? []));
    expect(PUSH_CHECKS.map((c) => c.id).filter((id) => !targeted.has(id))).toEqual([]);
  });

  it('every push check quotes a clause the registry resolves, and is in ALL_CHECKS', async () => {
    const { isClauseId } = await import('../../protocol/clauses.js');
    for (const c of PUSH_CHECKS) {
      expect(isClauseId(c.clause as string), c.id).toBe(true);
      expect(ALL_CHECKS).toContain(c);
    }
  });

  it('push checks are not selected without target.pushCsv / target.pushUri', async () => {
    const { config, apiKey } = configFor(undefined, undefined);
    const { result } = await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 7, checks: PUSH_CHECKS });
    expect(result.checks).toEqual([]);
  });

  it('only pushCsv configured: only pushcsv checks run', async () => {
    const mock = await startMockDigiLocker({ apiKey: API_KEY, orgId: ORG_ID, dbPath: join(dir, `m${n++}.sqlite`) });
    try {
      const { config, apiKey } = configFor(mock.pushCsvUrl, undefined);
      const { result } = await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 7, checks: PUSH_CHECKS });
      expect(new Set(result.checks.map((c) => c.api))).toEqual(new Set(['pushcsv']));
      expect(result.checks.every((c) => c.verdict === 'pass')).toBe(true);
      expect(result.target.pushCsv).toBe(mock.pushCsvUrl);
    } finally {
      await mock.close();
    }
  });
});
