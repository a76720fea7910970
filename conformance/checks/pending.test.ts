/**
 * The pending flow end to end, over real HTTP: the reference issuer answers the pending search with
 * Status 9 and pushes that document to the mock DigiLocker (a real SQLite file) a moment later;
 * `runSuite` with pushed.db sees the push. Fault pending-never-pushed: a warning after
 * pending.pushWithinSeconds. Without pushed.db the check is not tried, and says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/index.js';
import { Redactor } from '../../core/redact.js';
import { exitCodeFor } from '../../core/run-result.js';
import { startMockDigiLocker } from '../../fixtures/digilocker/index.js';
import { DEFAULT_ORG_ID, startIssuer, type FaultName } from '../../fixtures/issuer/index.js';
import { runSuite } from '../runner.js';

const API_KEY = 'pending-test-key-0123456789';
const ONLY = ['pulluri.pending.status-9', 'pulluri.pending.pushed'];
const dir = mkdtempSync(join(tmpdir(), 'dlconform-pending-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const ACCOUNT = { clientId: 'PENDINGPARTNER', clientSecret: 'pending-partner-secret', digilockerId: 'f00dfeed-0000-4000-8000-00000000f00d' };

async function run(opts: { faults?: FaultName[]; observe?: boolean; byAccount?: boolean }) {
  const dbPath = join(dir, `pushes-${n++}.sqlite`);
  const partner = { clientId: ACCOUNT.clientId, clientSecret: ACCOUNT.clientSecret, accounts: [ACCOUNT.digilockerId] };
  const digiLocker = await startMockDigiLocker({ apiKey: API_KEY, orgId: DEFAULT_ORG_ID, dbPath, partner });
  const issuer = await startIssuer({ apiKey: API_KEY, documents: 4, faults: opts.faults, pushPendingTo: digiLocker.url, ...(opts.byAccount && { pushPendingAccount: ACCOUNT }) });
  try {
    const base = issuer.config('PENDING_KEY');
    const json = { ...base, pending: { ...base.pending!, pushWithinSeconds: 2 }, ...(opts.observe !== false && { pushed: { db: dbPath } }), client: { timeoutMs: 2500 } };
    const { config, apiKey } = parseConfig(json, { PENDING_KEY: API_KEY }, 'pending test');
    const { result } = await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 5, only: ONLY });
    const byId = (id: string) => result.checks.find((c) => c.id === id)!;
    // after the run: what was pushed meanwhile is pulled by the consistency check
    const afterwards = opts.observe === false ? undefined : (await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 5, only: ['consistency.pushed.pullable'] })).result;
    return { result, byId, afterwards, pendingUri: issuer.store.pendingDocument.uri, uploads: digiLocker.db.uploads() };
  } finally {
    await issuer.close();
    await digiLocker.close();
  }
}

describe('pulluri.pending.pushed', () => {
  it('accepts the push by Push URI to Account when the issuer is set to send it that way', async () => {
    const { byId, afterwards, pendingUri, uploads } = await run({ byAccount: true });
    const c = byId('pulluri.pending.pushed');
    expect(c.verdict, c.message).toBe('pass');
    expect(c.message).toContain(`the issuer pushed ${pendingUri}`);
    expect(uploads.map((u) => [u.kind, u.status])).toEqual([['account', '1']]);
    const pulled = afterwards!.checks[0]!;
    expect(pulled.verdict, pulled.message).toBe('pass');
  });

  it("passes when the issuer's push of the pending document reaches the mock DigiLocker, and the pushed URI is pullable", async () => {
    const { result, byId, afterwards, pendingUri } = await run({});
    expect(byId('pulluri.pending.status-9').verdict).toBe('pass');
    const c = byId('pulluri.pending.pushed');
    expect(c.verdict, c.message).toBe('pass');
    expect(c.message).toContain(`the issuer pushed ${pendingUri}`);
    // one pending request per run: the Status 9 check and this one share it
    const pendingBodies = new Set(
      result.checks
        .flatMap((x) => x.evidence)
        .map((e) => e.request.body)
        .filter((b) => b.includes('90000001')),
    );
    expect(pendingBodies.size).toBe(1);
    expect(exitCodeFor(result.summary)).toBe(0);
    const pulled = afterwards!.checks[0]!;
    expect(pulled.verdict, pulled.message).toBe('pass');
    expect(pulled.message).toMatch(/^1 pushed URIs are pullable/);
  });

  it('pending-never-pushed: a warning naming the DocType and the wait, after pending.pushWithinSeconds', async () => {
    const { byId } = await run({ faults: ['pending-never-pushed'] });
    expect(byId('pulluri.pending.status-9').verdict).toBe('pass');
    const c = byId('pulluri.pending.pushed');
    expect(c.verdict).toBe('warn');
    expect(c.message).toMatch(/no push of a HSCER document reached the mock DigiLocker \(pushed\.db\) within 2 s of the Status 9 answer/);
  });

  it('without pushed.db the flow is not tried: a skip that says why', async () => {
    const { byId } = await run({ observe: false });
    const c = byId('pulluri.pending.pushed');
    expect(c.verdict).toBe('skip');
    expect(c.message).toMatch(/not tried: pushed\.db/);
  });
});
