/**
 * The consistency check end to end, over real HTTP: the reference issuer's push client uploads to
 * the mock DigiLocker (a real SQLite file), then `runSuite` with `pushed` pulls every pushed URI
 * from the reference issuer. Clean: pass. The push-unpullable-uri fault (a pushed URI Pull Doc does
 * not serve): fail, naming the URI. Also from Push CSV files, and fail-closed on unreadable sources.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMockDigiLocker } from '../../fixtures/digilocker/index.js';
import { startIssuer } from '../../fixtures/issuer/index.js';
import { buildPushCsv, buildPushRows, pushCsv, UNPULLABLE_DOC_ID, type PushFaultName } from '../../fixtures/issuer/push-client.js';
import { parseConfig } from '../../core/config/index.js';
import { CONSISTENCY_EXPECTED } from '../fault-targets.js';
import { Redactor } from '../../core/redact.js';
import { exitCodeFor } from '../../core/run-result.js';
import { runSuite } from '../runner.js';
import type { CheckResult } from '../../core/types.js';
import { ALL_CHECKS } from './index.js';
import { CONSISTENCY_CHECKS } from './consistency.js';

const API_KEY = 'consistency-test-key-0123';
const dir = mkdtempSync(join(tmpdir(), 'dlconform-consistency-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

type Pushed = { db?: string; csv?: string[]; limit?: number };

async function withIssuer<T>(body: (issuer: Awaited<ReturnType<typeof startIssuer>>) => Promise<T>): Promise<T> {
  const issuer = await startIssuer({ apiKey: API_KEY, documents: 6 });
  try {
    return await body(issuer);
  } finally {
    await issuer.close();
  }
}

async function runWith(issuer: Awaited<ReturnType<typeof startIssuer>>, pushed: Pushed | undefined, checks = CONSISTENCY_CHECKS) {
  const json = { ...issuer.config('CONSISTENCY_KEY'), ...(pushed && { pushed }), client: { timeoutMs: 2500, concurrency: 4 } };
  const { config, apiKey } = parseConfig(json, { CONSISTENCY_KEY: API_KEY }, 'consistency test');
  return (await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 7, checks })).result;
}

/** The issuer's push client uploads its store to a fresh mock DigiLocker; returns the database file. */
async function pushToMock(issuer: Awaited<ReturnType<typeof startIssuer>>, faults: PushFaultName[]): Promise<string> {
  const dbPath = join(dir, `pushed-${n++}.sqlite`);
  const mock = await startMockDigiLocker({ apiKey: API_KEY, orgId: issuer.store.orgId, dbPath });
  try {
    const r = await pushCsv({ digiLockerUrl: mock.url, apiKey: API_KEY, orgId: issuer.store.orgId, store: issuer.store, faults });
    expect(r.accepted).toBe(true);
  } finally {
    await mock.close();
  }
  return dbPath;
}

const only = (checks: CheckResult[]) => {
  expect(checks).toHaveLength(1);
  return checks[0]!;
};

describe('consistency.pushed.pullable', () => {
  it('passes when every URI the push client pushed is pullable (mock DigiLocker database)', async () => {
    await withIssuer(async (issuer) => {
      const db = await pushToMock(issuer, []);
      const result = await runWith(issuer, { db });
      const c = only(result.checks);
      expect(c.verdict, c.message).toBe('pass');
      expect(c.message).toMatch(/^6 pushed URIs are pullable \(\d+ also found by Pull URI/);
      expect(c.evidence.length).toBeGreaterThan(0);
      expect(exitCodeFor(result.summary)).toBe(0);
    });
  });

  for (const [fault, expectation] of Object.entries(CONSISTENCY_EXPECTED)) {
    it(`push-client fault ${fault} fails exactly ${expectation!.targets.join(', ')}`, async () => {
      await withIssuer(async (issuer) => {
        const db = await pushToMock(issuer, [fault as PushFaultName]);
        const checks = (
          await runWith(
            issuer,
            { db },
            ALL_CHECKS.filter((c) => c.api === 'consistency'),
          )
        ).checks;
        expect(checks.filter((c) => c.verdict === 'fail' || c.verdict === 'warn' || c.verdict === 'error').map((c) => c.id)).toEqual(expectation!.targets);
      });
    });
  }

  it('names the unpullable URI and what Pull Doc answered, with the exchange as evidence', async () => {
    await withIssuer(async (issuer) => {
      const db = await pushToMock(issuer, ['push-unpullable-uri']);
      const result = await runWith(issuer, { db });
      const c = only(result.checks);
      expect(c.verdict).toBe('fail');
      expect(c.message).toContain(`1 of 7 pushed URIs are not pullable: ${issuer.store.orgId}-`);
      expect(c.message).toContain(UNPULLABLE_DOC_ID);
      expect(c.message).toContain('Pull Doc answered Status 0');
      expect(c.actual).toContain(UNPULLABLE_DOC_ID);
      expect(c.evidence.some((e) => e.request.body.includes(UNPULLABLE_DOC_ID))).toBe(true);
      expect(exitCodeFor(result.summary)).not.toBe(0);
    });
  });

  it('reads Push CSV files too, and pushed.limit bounds how many URIs are pulled', async () => {
    await withIssuer(async (issuer) => {
      const clean = join(dir, `clean-${n++}.csv`);
      writeFileSync(clean, buildPushCsv(buildPushRows(issuer.store)));
      expect(only((await runWith(issuer, { csv: [clean] })).checks).verdict).toBe('pass');

      const faulty = join(dir, `faulty-${n++}.csv`);
      writeFileSync(faulty, buildPushCsv(buildPushRows(issuer.store, { faults: ['push-unpullable-uri'] }), ['push-header-row']));
      const failed = only((await runWith(issuer, { csv: [faulty] })).checks);
      expect(failed.verdict).toBe('fail');
      expect(failed.message).toContain(UNPULLABLE_DOC_ID);

      // the unpullable row is the last one: a limit of 6 pulls only the good ones, and says so
      const limited = only((await runWith(issuer, { csv: [faulty], limit: 6 })).checks);
      expect(limited.verdict).toBe('pass');
      expect(limited.message).toMatch(/^6 of 7 \(pushed\.limit\) pushed URIs are pullable/);
    });
  });

  it('fails closed: an unreadable source is an error verdict naming the field; an empty one is skipped', async () => {
    await withIssuer(async (issuer) => {
      const missing = await runWith(issuer, { db: join(dir, 'no-such.sqlite') });
      const c = only(missing.checks);
      expect(c.verdict).toBe('error');
      expect(c.message).toContain('pushed.db: cannot open');
      expect(exitCodeFor(missing.summary)).not.toBe(0);

      const noCsv = only((await runWith(issuer, { csv: [join(dir, 'no-such.csv')] })).checks);
      expect(noCsv.verdict).toBe('error');
      expect(noCsv.message).toContain('pushed.csv: cannot read');

      const empty = join(dir, `empty-${n++}.csv`);
      writeFileSync(empty, '');
      const skipped = await runWith(issuer, { csv: [empty] });
      expect(only(skipped.checks).verdict).toBe('skip');
      expect(exitCodeFor(skipped.summary)).not.toBe(0); // nothing executed: never exit 0
    });
  });

  it('is not selected without pushed, and a pushed without a source is a config error', async () => {
    await withIssuer(async (issuer) => {
      expect((await runWith(issuer, undefined)).checks).toEqual([]);
      expect(() => parseConfig({ ...issuer.config('K'), pushed: { limit: 5 } }, { K: API_KEY }, 'x')).toThrow(/pushed: names no source of pushed URIs; add pushed.db/);
    });
  });
});
