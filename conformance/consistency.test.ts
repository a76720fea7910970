import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileById } from '../protocol/profiles.js';
import { seededRandom } from '../protocol/time.js';
import { startMockDigiLocker, type RunningMockDigiLocker } from '../fixtures/digilocker/index.js';
import { startIssuer, type RunningIssuer } from '../fixtures/issuer/index.js';
import { buildPushCsv, buildPushRows, pushCsv, UNPULLABLE_DOC_ID } from '../fixtures/issuer/push-client.js';
import { TargetClient } from '../core/client.js';
import { parseConfig } from '../core/config/index.js';
import { checkConsistency, formatConsistency, pushedFromConfig, urisFromCsv, type PushedDocument } from './consistency.js';
import { RunContext } from './context.js';

const apiKey = 'consistency-test-key';
const dir = mkdtempSync(join(tmpdir(), 'dlconform-consistency-'));
let issuer: RunningIssuer;
let mock: RunningMockDigiLocker;
let client: TargetClient;
let ctx: RunContext;

beforeAll(async () => {
  issuer = await startIssuer({ apiKey, documents: 12 });
  const orgId = issuer.store.orgId;
  mock = await startMockDigiLocker({ apiKey, orgId, dbPath: join(dir, 'c.sqlite') });
  const { config } = parseConfig(issuer.config('K'), { K: apiKey }, 'reference issuer');
  client = new TargetClient({ timeoutMs: 5000, concurrency: 2, maxResponseBytes: 64 * 1024 * 1024 });
  ctx = new RunContext(config, profileById(config.profile)!, apiKey, client, seededRandom(7), () => {});
});
afterAll(async () => {
  await client?.close();
  await mock?.close();
  await issuer?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The mock's URIs of one upload, with the issuer's own search values for each (when it has the document). */
function pushedOf(uploadId: number): PushedDocument[] {
  return mock.db
    .uris(uploadId)
    .filter((u) => u.accepted)
    .map((u) => {
      const d = issuer.store.byUri.get(u.uri);
      return d ? { uri: u.uri, target: { docType: d.docType, search: { ...d.search }, owner: { fullName: d.owner.fullName, dob: d.owner.dob, aadhaar: d.owner.aadhaar } } } : { uri: u.uri };
    });
}

describe('cross-API consistency', () => {
  it('passes on the clean reference issuer: every URI the mock received is found by Pull URI and fetched by Pull Doc', async () => {
    const r = await pushCsv({ digiLockerUrl: mock.url, apiKey, orgId: issuer.store.orgId, store: issuer.store, count: 6 });
    expect(r.accepted).toBe(true);
    const upload = mock.db.uploads().at(-1)!;
    const report = await checkConsistency(ctx, pushedOf(upload.id));
    expect(report.items).toHaveLength(6);
    expect(report.items.every((i) => i.pullUri === 'found' && i.pullDoc === 'fetched' && i.sameContent === true)).toBe(true);
    expect(report.ok).toBe(true);
    expect(formatConsistency(report)).toMatch(/^OK: 6 pushed URIs are pullable/m);
  });

  it('fails on push-unpullable-uri, naming the URI Pull Doc does not serve', async () => {
    const r = await pushCsv({ digiLockerUrl: mock.url, apiKey, orgId: issuer.store.orgId, store: issuer.store, count: 3, faults: ['push-unpullable-uri'] });
    expect(r.accepted).toBe(true);
    const upload = mock.db.uploads().at(-1)!;
    const report = await checkConsistency(ctx, pushedOf(upload.id));
    const bad = `${issuer.store.orgId}-${issuer.store.documents[0]!.docType}-${UNPULLABLE_DOC_ID}`;
    expect(report.ok).toBe(false);
    expect(report.unpullable).toEqual([bad]);
    const item = report.items.find((i) => i.uri === bad)!;
    expect(item.pullDoc).toBe('not-found');
    expect(formatConsistency(report)).toContain(`FAIL: 1 of 4 pushed URIs are not pullable: ${bad}`);
  });

  it('takes URIs from a CSV (header row skipped) and search values from the config', async () => {
    const csv = buildPushCsv(buildPushRows(issuer.store, { count: 3, faults: ['push-unpullable-uri'] }), ['push-header-row']);
    const uris = urisFromCsv(csv);
    expect(uris).toHaveLength(4);
    const pushed = pushedFromConfig(ctx.config, uris);
    expect(pushed.slice(0, 3).every((p) => p.target !== undefined)).toBe(true);
    const report = await checkConsistency(ctx, pushed);
    expect(report.unpullable).toEqual([uris[3]]);
    expect(report.items[3]!.pullUri).toBe('no-search');
  });

  it('fails when the issuer pushes URIs its Pull side does not serve (issuer fault pulldoc-not-found, uri-other-document)', async () => {
    for (const fault of ['pulldoc-not-found', 'uri-other-document'] as const) {
      const faulty = await startIssuer({ apiKey, documents: 12, faults: [fault] });
      const { config } = parseConfig(faulty.config('K'), { K: apiKey }, 'faulty issuer');
      const c = new TargetClient({ timeoutMs: 5000, concurrency: 2, maxResponseBytes: 64 * 1024 * 1024 });
      try {
        const fctx = new RunContext(config, profileById(config.profile)!, apiKey, c, seededRandom(9), () => {});
        const report = await checkConsistency(
          fctx,
          pushedFromConfig(
            config,
            config.documents.map((d) => d.uri!),
          ),
        );
        expect(report.ok, fault).toBe(false);
        expect(report.unpullable).toHaveLength(3);
        if (fault === 'pulldoc-not-found') expect(report.items.every((i) => i.pullUri === 'found' && i.pullDoc === 'not-found')).toBe(true);
        else expect(report.items.every((i) => i.pullUri === 'other-uri' && i.pullDoc === 'fetched')).toBe(true);
      } finally {
        await c.close();
        await faulty.close();
      }
    }
  });
});
