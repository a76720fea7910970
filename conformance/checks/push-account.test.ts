/**
 * The Push URI to Account checks against the mock DigiLocker over real HTTP, through the real
 * runner: the clean mock passes them all (and again when the test account already holds the
 * configured URI: the valid push becomes an update); each account fault fails exactly the check PUSH_ACCOUNT_EXPECTED lists; the
 * partner's secret and the hmac never reach the evidence; config problems name the field.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMockDigiLocker, type MockFaultName } from '../../fixtures/digilocker/index.js';
import { type ConfigError, parseConfig } from '../../core/config/index.js';
import { PUSH_ACCOUNT_EXPECTED } from '../fault-targets.js';
import { Redactor } from '../../core/redact.js';
import { runSuite } from '../runner.js';
import type { CheckResult } from '../../core/types.js';
import { isClauseId } from '../../protocol/clauses.js';
import { buildPushUriAccountForm } from '../../protocol/push.js';
import { nodeHash } from '../../core/node-hash.js';
import { ALL_CHECKS } from './index.js';
import { PUSH_ACCOUNT_CHECKS } from './push-account.js';

const API_KEY = 'push-account-check-key-0123';
const ORG_ID = 'in.gov.dlconform.demo';
const ACCOUNT = '5b0e2d7a-1c3f-4e9a-8b6d-2f4a6c8e0b1d';
const partner = { clientId: 'CHECKPARTNER', clientSecret: 'check-partner-secret-9876543210', accounts: [ACCOUNT] };
const ENV = { PUSH_TEST_KEY: API_KEY, ACCT_CLIENT_ID: partner.clientId, ACCT_SECRET: partner.clientSecret };
const dir = mkdtempSync(join(tmpdir(), 'dlconform-acctchecks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function json(url: string | undefined, uri = `${ORG_ID}-INCER-AB12CD34EF`) {
  return {
    target: { pullUri: 'http://127.0.0.1:9/pulluri', ...(url && { pushUriAccount: { url, clientIdEnv: 'ACCT_CLIENT_ID', clientSecretEnv: 'ACCT_SECRET', digilockerId: ACCOUNT } }) },
    orgId: ORG_ID,
    apiKeyEnv: 'PUSH_TEST_KEY',
    documents: [{ docType: 'INCER', search: { UDF1: '13333' }, uri }],
    absent: { docType: 'INCER', search: { UDF1: '99999' } },
    client: { timeoutMs: 2500, concurrency: 4 },
  };
}

async function suiteOn(url: string, uri?: string) {
  const { config, apiKey, partner: credentials } = parseConfig(json(url, uri), ENV, 'account test');
  return runSuite({ config, apiKey, partner: credentials, redactor: new Redactor({ apiKey, config }), seed: 7, checks: PUSH_ACCOUNT_CHECKS });
}

async function accountSuite(faults: MockFaultName[]): Promise<CheckResult[]> {
  const mock = await startMockDigiLocker({ apiKey: API_KEY, orgId: ORG_ID, dbPath: join(dir, `m${n++}.sqlite`), faults, partner });
  try {
    return (await suiteOn(mock.pushUriAccountUrl)).result.checks;
  } finally {
    await mock.close();
  }
}

const nonPassing = (checks: CheckResult[]) =>
  checks
    .filter((c) => c.verdict !== 'pass')
    .map((c) => c.id)
    .sort();

describe('Push URI to Account checks against the mock DigiLocker', () => {
  it('the clean mock passes every check, and again when the account already holds the URI (the valid push is an update); the secret and hmac stay out of the evidence', async () => {
    const mock = await startMockDigiLocker({ apiKey: API_KEY, orgId: ORG_ID, dbPath: join(dir, `m${n++}.sqlite`), partner });
    try {
      const first = await suiteOn(mock.pushUriAccountUrl);
      expect(first.result.checks.map((c) => c.id).sort()).toEqual(PUSH_ACCOUNT_CHECKS.map((c) => c.id).sort());
      expect(first.result.checks.filter((c) => c.verdict !== 'pass').map((c) => `${c.id}: ${c.message}`)).toEqual([]);
      expect(first.result.target.pushUriAccount).toBe(mock.pushUriAccountUrl);
      expect(first.result.checks.find((c) => c.id === 'pushuriacct.valid.success')!.message).toBe('HTTP 200 for a valid push');
      // an earlier run's push, a minute ago (another ts: the same ts would be a resend of one request)
      const earlier = buildPushUriAccountForm(
        nodeHash,
        partner.clientSecret,
        {
          clientId: partner.clientId,
          digilockerId: ACCOUNT,
          uri: `${ORG_ID}-INCER-ZZ12CD34EF`,
          docType: 'INCER',
          description: 'Income Certificate',
          docId: 'ZZ12CD34EF',
          issueDate: '15062020',
          action: 'A',
        },
        Date.now() / 1000 - 60,
      );
      const form = new FormData();
      for (const [k, v] of earlier) form.append(k, v);
      expect((await fetch(mock.pushUriAccountUrl, { method: 'POST', body: form })).status).toBe(200);
      const second = await suiteOn(mock.pushUriAccountUrl, `${ORG_ID}-INCER-ZZ12CD34EF`);
      expect(second.result.checks.filter((c) => c.verdict !== 'pass').map((c) => `${c.id}: ${c.message}`)).toEqual([]);
      expect(second.result.checks.find((c) => c.id === 'pushuriacct.valid.success')!.message).toBe('HTTP 200 for the update of a URI the test account already held');
      // what the mock stored: the valid push added the configured document's URI to the account
      expect(mock.db.acceptedUris()).toEqual([`${ORG_ID}-INCER-AB12CD34EF`, `${ORG_ID}-INCER-ZZ12CD34EF`]);

      const evidence = JSON.stringify([first.result, first.transcript]);
      expect(evidence).not.toContain(partner.clientSecret);
      // no hmac sent (a 64-hex digest) is in any check's evidence or the transcript
      expect(evidence).not.toMatch(/name=\\"hmac\\"\\r\\n\\r\\n[0-9a-f]{64}/);
      // the multipart body is kept, its hmac redacted by shape
      const body = first.result.checks.find((c) => c.id === 'pushuriacct.valid.success')!.evidence[0]!.request.body;
      expect(body).toMatch(/name="clientid"\r\n\r\nCHECKPARTNER\r\n/);
      expect(body).toMatch(/name="hmac"\r\n\r\n\[REDACTED:[^\]]+\]\r\n/);
      expect(body).not.toMatch(/[0-9a-f]{64}/);
    } finally {
      await mock.close();
    }
  });

  for (const [fault, expectation] of Object.entries(PUSH_ACCOUNT_EXPECTED)) {
    it(`fault ${fault} fails exactly ${expectation!.targets.join(', ')}`, async () => {
      const checks = await accountSuite([fault as MockFaultName]);
      expect(checks.filter((c) => c.verdict === 'error').map((c) => `${c.id}: ${c.message}`)).toEqual([]);
      expect(nonPassing(checks)).toEqual([...expectation!.targets].sort());
    });
  }

  it('a refusal that is not the documented one is a warning naming what differs', async () => {
    // the XML Push URI route answers 404 text/plain for this path's form: refused, not as documented
    const mock = await startMockDigiLocker({ apiKey: API_KEY, orgId: ORG_ID, dbPath: join(dir, `m${n++}.sqlite`), partner });
    try {
      const checks = (await suiteOn(`${mock.url}/public/nowhere`)).result.checks;
      const stale = checks.find((c) => c.id === 'pushuriacct.invalid.stale-ts')!;
      expect(stale.verdict).toBe('warn');
      expect(stale.message).toMatch(/^refused, but not as documented: the body is not JSON: "Not Found"; HTTP 404, the OpenAPI gives 400/);
      expect(checks.find((c) => c.id === 'pushuriacct.valid.success')!.verdict).toBe('fail');
    } finally {
      await mock.close();
    }
  });

  it('every check is the target of a mock fault, quotes a registered clause and is in ALL_CHECKS', () => {
    const targeted = new Set(Object.values(PUSH_ACCOUNT_EXPECTED).flatMap((e) => e?.targets ?? []));
    expect(PUSH_ACCOUNT_CHECKS.map((c) => c.id).filter((id) => !targeted.has(id))).toEqual([]);
    for (const c of PUSH_ACCOUNT_CHECKS) {
      expect(isClauseId(c.clause as string), c.id).toBe(true);
      expect(ALL_CHECKS).toContain(c);
    }
  });

  it('not selected without target.pushUriAccount', async () => {
    const { config, apiKey } = parseConfig(json(undefined), ENV, 'account test');
    const { result } = await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 7, checks: PUSH_ACCOUNT_CHECKS });
    expect(result.checks).toEqual([]);
  });

  it('config: the clientid and secret come from the environment; a missing variable or a literal value is an error naming the field', () => {
    const bad = (env: Record<string, string>, patch: Record<string, unknown> = {}) => {
      const j = json('http://127.0.0.1:9/public/account/1/pushuri');
      Object.assign(j.target.pushUriAccount!, patch);
      try {
        parseConfig(j, env, 'account test');
      } catch (err) {
        return (err as ConfigError).message;
      }
      return 'no error';
    };
    expect(bad({ PUSH_TEST_KEY: API_KEY, ACCT_CLIENT_ID: 'x' })).toMatch(
      /target\.pushUriAccount\.clientSecretEnv: environment variable ACCT_SECRET is not set; export it with the partner's client secret/,
    );
    const literal = bad(ENV, { clientSecretEnv: 'my secret value!' });
    expect(literal).toMatch(/target\.pushUriAccount\.clientSecretEnv/);
    expect(bad(ENV, { url: 'ftp://x' })).toMatch(/target\.pushUriAccount\.url/);
    expect(bad(ENV, { digilockerId: undefined })).toMatch(/target\.pushUriAccount/);
    expect(parseConfig(json('http://127.0.0.1:9/x'), ENV, 'account test').partner).toEqual({ clientId: partner.clientId, clientSecret: partner.clientSecret });
  });
});
