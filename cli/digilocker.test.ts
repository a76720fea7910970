import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMockDigiLocker } from '../fixtures/digilocker/index.js';
import { startIssuer } from '../fixtures/issuer/index.js';
import { pushCsv, pushUriAccount, type PushFaultName } from '../fixtures/issuer/push-client.js';
import { DocumentStore } from '../fixtures/issuer/store.js';
import { UsageError } from './args.js';
import { reportPush, serveDigiLocker } from './digilocker.js';

const dir = mkdtempSync(join(tmpdir(), 'dlconform-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  let out = '';
  return {
    io: {
      stdout: (t: string) => {
        out += t;
      },
      stderr: () => {},
    },
    text: () => out,
  };
}

describe('dlconform report push / serve --digilocker', () => {
  it('prints uploads and findings from the mock database, exit 1 when one was rejected', async () => {
    const apiKey = 'report-key';
    const orgId = 'in.gov.dlconform.demo';
    const dbPath = join(dir, 'r.sqlite');
    const store = new DocumentStore({ orgId, documents: 4, seed: 2 });
    const mock = await startMockDigiLocker({ apiKey, orgId, dbPath });
    await pushCsv({ digiLockerUrl: mock.url, apiKey, orgId, store });
    await pushCsv({ digiLockerUrl: mock.url, apiKey, orgId, store, faults: ['push-bad-checkdigit'] });
    await mock.close();

    const c = capture();
    expect(await reportPush(['push', '--db', dbPath], c.io)).toBe(1);
    expect(c.text()).toMatch(/#1 Push CSV .* rows=4 status=1: CSV accepted: 4 rows/);
    expect(c.text()).toMatch(/#2 Push CSV .* status=0: rejected: 4 errors: aadhaar-checksum 4/);
    expect(c.text()).toMatch(/1:1: error \[aadhaar-checksum\] \(push-csv-aadhaar\) Aadhaar X{8}\d{4} fails/);
    expect(c.text()).toContain('2 uploads: 1 accepted, 1 rejected; 4 distinct URIs added');
    expect(c.text()).not.toMatch(/\d{12}/);

    const j = capture();
    await reportPush(['--db', dbPath, '--format', 'json'], j.io);
    const json = JSON.parse(j.text()) as { uploads: Array<{ findings: unknown[]; uris: unknown[] }>; acceptedUris: string[] };
    expect(json.uploads).toHaveLength(2);
    expect(json.acceptedUris).toEqual(store.documents.map((d) => d.uri));

    // --report-dir: the same as one page, report.html
    const h = capture();
    expect(await reportPush(['push', '--db', dbPath, '--report-dir', join(dir, 'html')], h.io)).toBe(1);
    const html = readFileSync(join(dir, 'html', 'report.html'), 'utf8');
    expect(html).toContain('<h1>dlconform report push: FAIL</h1>');
    expect(html).toMatch(/<span class="badge v-pass">ACCEPTED<\/span> <code>#1<\/code>/);
    expect(html).toMatch(/<span class="badge v-fail">REJECTED<\/span> <code>#2<\/code>/);
    expect(html).toMatch(/<code>aadhaar-checksum<\/code>.*Aadhaar X{8}\d{4} fails/);
    expect(html).toContain('2 uploads: 1 accepted, 1 rejected; 4 distinct URIs added.');
    expect(html).not.toMatch(/\d{12}/);
  });

  it('report push lists Push URI to Account pushes with their account; a rejected one exits 1', async () => {
    const orgId = 'in.gov.dlconform.demo';
    const dbPath = join(dir, 'acct.sqlite');
    const store = new DocumentStore({ orgId, documents: 3, seed: 4 });
    const partner = { clientId: 'REPORTPARTNER', clientSecret: 'report-partner-secret', accounts: ['acct-0001'] };
    const mock = await startMockDigiLocker({ apiKey: 'k', orgId, dbPath, partner });
    const account = { clientId: partner.clientId, clientSecret: partner.clientSecret, digilockerId: 'acct-0001' };
    await pushUriAccount({ digiLockerUrl: mock.url, account, store });
    await pushUriAccount({ digiLockerUrl: mock.url, account, store, document: store.documents[1], faults: ['push-acct-faq-hmac'] });
    await mock.close();
    const c = capture();
    expect(await reportPush(['push', '--db', dbPath], c.io)).toBe(1);
    expect(c.text()).toMatch(/#1 Push URI to Account .* clientid=REPORTPARTNER ts=\d+ rows=1 status=1: URI pushed to the account/);
    expect(c.text()).toMatch(/#2 Push URI to Account .* status=0: HTTP 400 invalid_parameter: HMAC parameter is missing or invalid/);
    expect(c.text()).toMatch(/1:3: info \[hmac-form\] \(push-uri-account-hmac-form\) hmac is the FAQ's form/);
    expect(c.text()).toContain('2 uploads: 1 accepted, 1 rejected; 1 distinct URIs added');
    expect(c.text()).not.toContain(partner.clientSecret);
    const j = capture();
    await reportPush(['--db', dbPath, '--format', 'json'], j.io);
    const json = JSON.parse(j.text()) as { uploads: Array<{ kind: string; uris: Array<{ digilockerId?: string }> }>; acceptedUris: string[] };
    expect(json.uploads.map((u) => [u.kind, u.uris[0]?.digilockerId])).toEqual([
      ['account', 'acct-0001'],
      ['account', 'acct-0001'],
    ]);
    expect(json.acceptedUris).toEqual([store.documents[0]!.uri]);
  });

  it('serve --digilocker: the partner secret only from the environment', async () => {
    await expect(serveDigiLocker(['--digilocker', '--db', join(dir, 'p.sqlite'), '--api-key-env', 'DLC_P_KEY'], capture().io)).rejects.toThrow(/DLC_P_KEY/);
    process.env.DLC_P_KEY = 'k';
    try {
      await expect(serveDigiLocker(['--digilocker', '--db', join(dir, 'p.sqlite'), '--api-key-env', 'DLC_P_KEY', '--account', 'a1'], capture().io)).rejects.toThrow(/need --partner-secret-env/);
      await expect(serveDigiLocker(['--digilocker', '--db', join(dir, 'p.sqlite'), '--api-key-env', 'DLC_P_KEY', '--partner-secret-env', 'DLC_P_UNSET'], capture().io)).rejects.toThrow(
        /partner's client secret from \$DLC_P_UNSET/,
      );
    } finally {
      delete process.env.DLC_P_KEY;
    }
  });

  it('usage errors', async () => {
    await expect(reportPush(['push'], capture().io)).rejects.toThrow(UsageError);
    await expect(reportPush(['push', '--db', join(dir, 'missing.sqlite')], capture().io)).rejects.toThrow(/does not exist/);
    await expect(serveDigiLocker(['--digilocker'], capture().io)).rejects.toThrow(/--db FILE/);
    const c = capture();
    expect(await serveDigiLocker(['--digilocker', '--list-faults'], c.io)).toBe(0);
    expect(c.text()).toMatch(/^slow .*\nhttp-500 .*\nmalformed-ack /);
    process.env.DLC_SEQ_KEY = 'k';
    await expect(serveDigiLocker(['--digilocker', '--db', join(dir, 'seq.sqlite'), '--api-key-env', 'DLC_SEQ_KEY', '--fault-sequence', 'http-500,nope'], capture().io)).rejects.toThrow(
      /unknown fault "nope" in the fault sequence/,
    );
    delete process.env.DLC_SEQ_KEY;
  });

  it('report push says what the client did when answers were lost: attempts, retries, txn, lost answers, duplicates', async () => {
    const apiKey = 'report-retry-key';
    const orgId = 'in.gov.dlconform.demo';
    const store = new DocumentStore({ orgId, documents: 4, seed: 5 });
    const run = async (name: string, faults: PushFaultName[]) => {
      const dbPath = join(dir, `${name}.sqlite`);
      const mock = await startMockDigiLocker({ apiKey, orgId, dbPath, faultSequence: ['http-500', 'slow', 'malformed-ack'], slowMs: 3000 });
      try {
        await pushCsv({ digiLockerUrl: mock.url, apiKey, orgId, store, faults, timeoutMs: 500, retry: { backoffMs: 5 } });
      } finally {
        await mock.close();
      }
      const c = capture();
      const code = await reportPush(['push', '--db', dbPath], c.io);
      const j = capture();
      await reportPush(['push', '--db', dbPath, '--format', 'json'], j.io);
      return { code, text: c.text(), json: JSON.parse(j.text()) as { retries: Record<string, number>; uploads: Array<{ retry: { attempts: number } }> } };
    };

    const clean = await run('retry-clean', []);
    expect(clean.code).toBe(0);
    expect(clean.text).toContain('    attempts: 4 (3 retries, same txn): http-500, slow (client left), malformed-ack, answered');
    expect(clean.text).toContain('retries: 1 upload retried (3 retries, all with the same txn); 0 uploads left with a lost answer; 0 duplicate rows stored');
    expect(clean.json.retries).toEqual({ uploadsRetried: 1, retries: 3, newTxnRetries: 0, lostAnswers: 0, duplicateRows: 0 });
    expect(clean.json.uploads[0]!.retry.attempts).toBe(4);

    const newTxn = await run('retry-new-txn', ['push-retry-new-txn']);
    expect(newTxn.text).toContain('(3 retries, 3 with a new txn)');
    expect(newTxn.text).toMatch(/upload: warning \[retry-new-txn\] \(push-retry-idempotent\) a retry of this upload .* came with a new txn/);
    expect(newTxn.json.retries).toMatchObject({ retries: 3, newTxnRetries: 3, duplicateRows: 0 });

    const none = await run('no-retry', ['push-no-retry']);
    expect(none.text).toContain('    attempts: 1 (0 retries): http-500');
    expect(none.text).toContain('upload: warning [not-retried] (push-retry-idempotent) the answer to this upload was lost (http-500) and the client did not retry it');
    expect(none.json.retries).toEqual({ uploadsRetried: 0, retries: 0, newTxnRetries: 0, lostAnswers: 1, duplicateRows: 0 });
  });

  it('report push --config checks that the pushed URIs are pullable', async () => {
    const apiKey = 'report-consistency-key';
    const issuer = await startIssuer({ apiKey, documents: 6 });
    const dbPath = join(dir, 'c.sqlite');
    const configPath = join(dir, 'issuer.json');
    writeFileSync(configPath, JSON.stringify(issuer.config('DLC_REPORT_KEY')));
    const env = { DLC_REPORT_KEY: apiKey };
    try {
      const mock = await startMockDigiLocker({ apiKey, orgId: issuer.store.orgId, dbPath });
      await pushCsv({ digiLockerUrl: mock.url, apiKey, orgId: issuer.store.orgId, store: issuer.store, count: 3 });
      await mock.close();
      const ok = capture();
      expect(await reportPush(['push', '--db', dbPath, '--config', configPath], ok.io, env)).toBe(0);
      expect(ok.text()).toContain('OK: 3 pushed URIs are pullable');

      const again = await startMockDigiLocker({ apiKey, orgId: issuer.store.orgId, dbPath });
      await pushCsv({ digiLockerUrl: again.url, apiKey, orgId: issuer.store.orgId, store: issuer.store, count: 3, faults: ['push-unpullable-uri'] });
      await again.close();
      const bad = capture();
      expect(await reportPush(['push', '--db', dbPath, '-c', configPath], bad.io, env)).toBe(1);
      expect(bad.text()).toMatch(/FAIL: 1 of 4 pushed URIs are not pullable: .*-L0L1O0I1L0/);
    } finally {
      await issuer.close();
    }
  });
});
