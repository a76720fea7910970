/**
 * The per-request code of the load stream, against the reference issuer on loopback: the
 * requests it builds are accepted, the cheap check judges responses from their first bytes, and
 * the sampled stream judges them with the conformance suite's own checks.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeHash } from '../core/node-hash.js';
import { Redactor } from '../core/redact.js';
import { keyhash } from '../protocol/auth.js';
import { PROFILES } from '../protocol/profiles.js';
import type { FaultName } from '../fixtures/issuer/index.js';
import { buildDataset } from './dataset.js';
import type { DatasetItem, LoadPlan, ScenarioName } from './plan.js';
import { startReferenceTarget, type ReferenceTarget } from './reference.js';
import { BEYOND_CAPTURE, buildLoadRequest, cheapCheck, contentExpectation, fillTemplate, requestTemplate, txnFor } from './request.js';
import { buildPlan } from './runner.js';
import { SampledConformance } from './sampled.js';
import { applyOverrides, loadSettings } from './settings.js';

const RUN = '0123456789abcdef';
const started: ReferenceTarget[] = [];
afterAll(async () => {
  await Promise.all(started.map((t) => t.issuer.close()));
});

async function setup(profile: '1.0' | '3.0' | '1.13', scenario: ScenarioName, faults: FaultName[] = [], hmac: 'hex-base64' | 'raw-base64' = 'hex-base64') {
  const target = await startReferenceTarget({ profile, faults, documents: 6, hmac });
  started.push(target);
  const settings = applyOverrides(loadSettings(target.config), 'smoke', { scenario });
  const plan = buildPlan({ config: target.config, settings, profile: 'smoke' }, RUN);
  const dataset = buildDataset(target.config, scenario, target.documents);
  return { target, plan, dataset };
}

async function send(plan: LoadPlan, apiKey: string, item: DatasetItem, counter: number) {
  const req = buildLoadRequest(plan, PROFILES[plan.specProfile], { hash: nodeHash, apiKey, hmac: plan.hmac }, item, txnFor(plan.runId, plan.segment.index, 0, counter), new Date());
  const res = await fetch(plan.url, { method: 'POST', body: req.body, headers: req.headers, redirect: 'manual' });
  return { req, status: res.status, body: await res.text() };
}

describe('load requests (Node, node:crypto)', () => {
  for (const [profile, scenario, hmac] of [
    ['3.0', 'pull-doc', 'hex-base64'],
    ['3.0', 'pull-uri', 'raw-base64'],
    ['1.0', 'pull-doc', 'hex-base64'],
    ['1.13', 'pull-uri', 'hex-base64'],
  ] as const) {
    it(`profile ${profile} ${scenario} (${hmac}): every dataset item is served and passes the cheap check`, async () => {
      const { target, plan, dataset } = await setup(profile, scenario, [], hmac);
      expect(dataset).toHaveLength(6);
      for (let i = 0; i < dataset.length; i++) {
        const { req, status, body } = await send(plan, target.apiKey, dataset[i]!, i);
        expect(cheapCheck(plan, status, body), `${i}: ${body.slice(0, 200)}`).toBeUndefined();
        expect(body).toContain(`txn="${req.txn}"`);
        expect(req.txn).toMatch(/^[0-9a-f]{32}$/);
      }
    });
  }

  it('identity fields are sent as the conformance suite sends them (UID as MD5 in 1.13)', async () => {
    const { target, dataset } = await setup('1.13', 'pull-uri');
    const owner = target.documents[0]!.owner!;
    expect(dataset[0]).toMatchObject({ fullName: owner.fullName, dob: owner.dob, uid: createHash('md5').update(owner.aadhaar!).digest('hex') });
    const three = await setup('3.0', 'pull-doc');
    expect(three.dataset[0]).toMatchObject({ uri: three.target.documents[0]!.uri, uid: three.target.documents[0]!.owner!.aadhaar });
  });

  it('a wrong API key is refused (the issuer really verifies what the load stream signs)', async () => {
    const { plan, dataset } = await setup('3.0', 'pull-doc');
    const r = await send(plan, 'not-the-key', dataset[0]!, 0);
    expect(r.status).toBe(401);
    expect(cheapCheck(plan, r.status, r.body)).toBe('http-401');
  });

  it('the cheap check and the sampled conformance stream catch broken responses', async () => {
    // sampled: the check the suite fails (warn: a SHOULD, counted as passing); null: not asserted
    for (const [fault, cheap, sampled] of [
      [undefined, undefined, 'none'],
      ['doccontent-not-pdf', 'no-pdf', 'pulldoc.content.doccontent-pdf'],
      ['base64-line-breaks', undefined, 'warn:pulldoc.content.base64-clean'],
      ['txn-not-echoed', undefined, 'pulldoc.echo.txn'],
      ['pulldoc-not-found', 'status-not-1', 'pulldoc.success.status-1'],
      ['http-202', 'http-202', null],
    ] as const) {
      const { target, plan, dataset } = await setup('3.0', 'pull-doc', fault ? [fault] : []);
      const { status, body } = await send(plan, target.apiKey, dataset[0]!, 0);
      expect(cheapCheck(plan, status, body), fault).toBe(cheap);
      if (sampled === null) continue;
      const redactor = new Redactor({ apiKey: target.apiKey, config: { documents: target.documents } });
      const sampler = new SampledConformance({ config: target.config, apiKey: target.apiKey, redactor, scenario: 'pull-doc', format: plan.format, documents: target.documents, timeoutMs: 5000 });
      try {
        await sampler.sampleOnce();
      } finally {
        await sampler.close();
      }
      const t = sampler.tally;
      expect(t.samples).toBe(1);
      expect(t.pass, fault).toBeGreaterThan(0);
      const failed = Object.entries(t.byCheck)
        .filter(([, c]) => c.fail > 0)
        .map(([id]) => id);
      if (sampled === 'none' || sampled.startsWith('warn:')) {
        expect(failed, fault).toEqual([]);
        expect(t.fail).toBe(0);
        expect(t.failures).toEqual([]);
        if (sampled !== 'none') expect(t.byCheck[sampled.slice(5)]?.warn, fault).toBe(1);
      } else {
        expect(failed, fault).toEqual([sampled]);
        expect(t.fail).toBe(1);
        // the kept failure carries the suite's evidence, redacted
        const f = t.failures.find((x) => x.id === sampled)!;
        expect(f.evidence[0]!.curl).toMatch(/curl /);
        expect(JSON.stringify(f)).not.toContain(target.apiKey);
      }
    }
  });

  it('a filled request template is byte for byte what protocol/ builds (every profile and scenario, escaping-sensitive values)', async () => {
    for (const [profile, scenario] of [
      ['3.0', 'pull-doc'],
      ['3.0', 'pull-uri'],
      ['1.0', 'pull-doc'],
      ['1.0', 'pull-uri'],
      ['1.13', 'pull-uri'],
    ] as const) {
      const { target, plan, dataset } = await setup(profile, scenario);
      const signer = { hash: nodeHash, apiKey: target.apiKey, hmac: plan.hmac };
      const items = [...dataset, { ...dataset[0]!, fullName: `O'Brien & <Sons> "Ltd"`, uri: dataset[0]!.uri && `${dataset[0]!.uri}&x` }];
      for (let i = 0; i < items.length; i++) {
        const t = requestTemplate(plan, PROFILES[profile], items[i]!)!;
        expect([...t.slots].sort()).toEqual(['keyhash', 'ts', 'txn']);
        expect(t.parts).toHaveLength(4);
        const when = new Date(Date.UTC(2024, 4, 21, 4, 45, i));
        const ref = buildLoadRequest(plan, PROFILES[profile], signer, items[i]!, txnFor(RUN, 1, 3, i), when);
        const filled = fillTemplate(t, { ts: ref.ts, txn: ref.txn, keyhash: keyhash(nodeHash, target.apiKey, ref.ts) });
        expect(filled, `${profile} ${scenario} ${i}`).toBe(ref.body);
      }
    }
    // a dataset value that happens to contain a marker: no template, the full builder is used
    const { plan, dataset } = await setup('3.0', 'pull-doc');
    expect(requestTemplate(plan, PROFILES['3.0'], { ...dataset[0]!, uri: 'DLCONFORMxTSxMARKx7f3a' })).toBeUndefined();
  });
});

describe('request helpers', () => {
  it('content expectations follow the profile rules', () => {
    expect(contentExpectation('3.0', 'pdf')).toEqual({ expectPdf: true, expectXml: false });
    expect(contentExpectation('3.0', 'xml')).toEqual({ expectPdf: false, expectXml: true });
    expect(contentExpectation('3.0', 'both')).toEqual({ expectPdf: true, expectXml: true });
    expect(contentExpectation('1.0', undefined)).toEqual({ expectPdf: true, expectXml: false });
  });

  it('txn: run id, segment, step and counter, 32 lowercase hex, unique across segments and steps', () => {
    expect(txnFor(RUN, 0, 0, 0)).toBe('0123456789abcdef0000000000000000');
    expect(txnFor(RUN, 1, 2, 255)).toBe('0123456789abcdef00102000000000ff');
    expect(txnFor(RUN, 1000, 199, 2 ** 40)).toBe('0123456789abcdef' + '3e8' + 'c7' + '10000000000');
    for (const t of [txnFor(RUN, 0xfff, 0xff, 16 ** 11 - 1), txnFor(RUN, 1, 0, 0)]) expect(t).toMatch(/^[0-9a-f]{32}$/);
    const seen = new Set<string>();
    for (let segment = 1; segment <= 4; segment++) for (let step = 0; step < 20; step++) for (let n = 0; n < 50; n++) seen.add(txnFor(RUN, segment, step, n));
    expect(seen.size).toBe(4 * 20 * 50);
  });

  it('the cheap check: status, body, Status="1", the content markers, and what lies beyond the capture', () => {
    const pdf = { expectPdf: true, expectXml: false };
    const xml = { expectPdf: false, expectXml: true };
    const good = '<PullDocResponse><ResponseStatus Status="1" ts="x" txn="y">1</ResponseStatus><DocDetails><DocContent>JVBERi0xLjQK';
    expect(cheapCheck(pdf, 200, good)).toBeUndefined();
    expect(cheapCheck(pdf, 200, good.replace(/"/g, "'"))).toBeUndefined();
    expect(cheapCheck(pdf, 0, '')).toBe('no-response');
    expect(cheapCheck(pdf, 503, good)).toBe('http-503');
    expect(cheapCheck(pdf, 302, '')).toBe('http-302');
    expect(cheapCheck(pdf, 200, '')).toBe('no-body');
    expect(cheapCheck(pdf, 200, null)).toBe('no-body');
    expect(cheapCheck(pdf, 200, good.replace('Status="1"', 'Status="0"'))).toBe('status-not-1');
    expect(cheapCheck(pdf, 200, good.replace('JVBERi0', 'iVBORw0'))).toBe('no-pdf');
    expect(cheapCheck(xml, 200, good)).toBe('no-datacontent');
    expect(cheapCheck(xml, 200, `${good}</DocContent><DataContent>PD94</DataContent>`)).toBeUndefined();
    // truncated (longer than the capture): a marker not seen is a failure only where the capture
    // shows the element it belongs to; otherwise it is left to the sampled checks
    const status1 = '<PullDocResponse><ResponseStatus Status="1" ts="x" txn="y">1</ResponseStatus><DocDetails>';
    expect(cheapCheck(pdf, 200, `${status1}<DocContent>${'iVBORw0KGgo'.repeat(10)}`, true)).toBe('no-pdf');
    expect(cheapCheck(pdf, 200, `${status1}<DocContent>iVBOR`, true)).toBe(BEYOND_CAPTURE);
    expect(cheapCheck(pdf, 200, `${status1}<Other>${'x'.repeat(200)}`, true)).toBe(BEYOND_CAPTURE);
    expect(cheapCheck(pdf, 200, `${status1}<Other>${'x'.repeat(200)}`, false)).toBe('no-pdf');
    expect(cheapCheck(xml, 200, good, true)).toBe(BEYOND_CAPTURE);
    expect(cheapCheck(pdf, 200, `<?xml version="1.0"?><!-- ${'x'.repeat(200)}`, true)).toBe(BEYOND_CAPTURE);
    expect(cheapCheck(pdf, 200, good.replace('Status="1"', 'Status="0"'), true)).toBe('status-not-1');
    expect(cheapCheck(pdf, 200, good, true)).toBeUndefined();
  });
});
