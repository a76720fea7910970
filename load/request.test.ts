/**
 * The per-iteration code of the load script, run in Node with node:crypto against the reference
 * issuer: the requests it builds are accepted, the cheap check and the sampled validation judge
 * responses as the conformance suite would. (load/k6.test.ts runs the same code inside k6.)
 */
import { createHash, createHmac } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeHash } from '../conformance/node-hash.js';
import { digilockerHmac, keyhash, type HashFunctions } from '../spec/auth.js';
import { PROFILES } from '../spec/profiles.js';
import type { FaultName } from '../fixtures/issuer/index.js';
import { buildDataset } from './dataset.js';
import type { DatasetItem, K6Plan, ScenarioName } from './plan.js';
import { startReferenceTarget, type ReferenceTarget } from './reference.js';
import { buildLoadRequest, cheapCheck, contentExpectation, fillTemplate, iterationId, requestTemplate, txnFor, validateResponse } from './request.js';
import { buildPlan } from './runner.js';
import { applyOverrides, loadSettings } from './settings.js';

const started: ReferenceTarget[] = [];
afterAll(async () => {
  await Promise.all(started.map((t) => t.issuer.close()));
});

async function setup(profile: '1.0' | '3.0' | '1.13', scenario: ScenarioName, faults: FaultName[] = [], hmac: 'hex-base64' | 'raw-base64' = 'hex-base64') {
  const target = await startReferenceTarget({ profile, faults, documents: 6, hmac });
  started.push(target);
  const settings = applyOverrides(loadSettings(target.config), 'smoke', { scenario });
  const plan = buildPlan({ config: target.config, settings, profile: 'smoke' }, '0123456789abcdef');
  const dataset = buildDataset(target.config, scenario, target.documents);
  return { target, plan, dataset };
}

async function send(plan: K6Plan, apiKey: string, item: DatasetItem, iteration: number, hash: HashFunctions = nodeHash) {
  const req = buildLoadRequest(plan, PROFILES[plan.specProfile], { hash, apiKey, hmac: plan.hmac }, item, iteration, new Date());
  const res = await fetch(plan.url, { method: 'POST', body: req.body, headers: req.headers });
  return { req, status: res.status, body: await res.text() };
}

describe('load requests (Node, node:crypto)', () => {
  for (const [profile, scenario, hmac] of [
    ['3.0', 'pull-doc', 'hex-base64'],
    ['3.0', 'pull-uri', 'raw-base64'],
    ['1.0', 'pull-doc', 'hex-base64'],
    ['1.13', 'pull-uri', 'hex-base64'],
  ] as const) {
    it(`profile ${profile} ${scenario} (${hmac}): every dataset item is served, checks and validation pass`, async () => {
      const { target, plan, dataset } = await setup(profile, scenario, [], hmac);
      expect(dataset).toHaveLength(scenario === 'pull-doc' ? 6 : 6);
      for (let i = 0; i < dataset.length; i++) {
        const { req, status, body } = await send(plan, target.apiKey, dataset[i]!, i);
        expect(cheapCheck(plan, status, body), `${i}: ${body.slice(0, 200)}`).toBeUndefined();
        expect(validateResponse(plan, req, dataset[i]!, body)).toEqual([]);
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

  it('a wrong API key is refused (the issuer really verifies what the load script signs)', async () => {
    const { plan, dataset } = await setup('3.0', 'pull-doc');
    const r = await send(plan, 'not-the-key', dataset[0]!, 0);
    expect(r.status).toBe(401);
    expect(cheapCheck(plan, r.status, r.body)).toBe('http-401');
  });

  it('the cheap check and the sampled validation catch broken responses', async () => {
    for (const [fault, cheap, full] of [
      ['doccontent-not-pdf', 'no-pdf', /DocContent is not a PDF/],
      ['base64-line-breaks', undefined, /line breaks/],
      ['txn-not-echoed', undefined, /txn is not echoed/],
      ['pulldoc-not-found', 'status-not-1', /Status is "0"/],
      ['http-202', 'http-202', /^$/],
    ] as const) {
      const { target, plan, dataset } = await setup('3.0', 'pull-doc', [fault]);
      const { req, status, body } = await send(plan, target.apiKey, dataset[0]!, 0);
      expect(cheapCheck(plan, status, body), fault).toBe(cheap);
      expect(validateResponse(plan, req, dataset[0]!, body).join('\n'), fault).toMatch(full);
    }
  });

  it('a filled request template is byte for byte what spec/ builds (every profile and scenario, escaping-sensitive values)', async () => {
    for (const [profile, scenario] of [['3.0', 'pull-doc'], ['3.0', 'pull-uri'], ['1.0', 'pull-doc'], ['1.0', 'pull-uri'], ['1.13', 'pull-uri']] as const) {
      const { target, plan, dataset } = await setup(profile, scenario);
      const signer = { hash: nodeHash, apiKey: target.apiKey, hmac: plan.hmac };
      const items = [...dataset, { ...dataset[0]!, fullName: `O'Brien & <Sons> "Ltd"`, uri: dataset[0]!.uri && `${dataset[0]!.uri}&x` }];
      for (let i = 0; i < items.length; i++) {
        const t = requestTemplate(plan, PROFILES[profile], signer, items[i]!)!;
        expect([...t.slots].sort()).toEqual(['keyhash', 'ts', 'txn']);
        const when = new Date(Date.UTC(2024, 4, 21, 4, 45, i));
        const ref = buildLoadRequest(plan, PROFILES[profile], signer, items[i]!, iterationId(3, i), when);
        const filled = fillTemplate(t, { ts: ref.ts, txn: ref.txn, keyhash: keyhash(nodeHash, target.apiKey, ref.ts) });
        expect(filled, `${profile} ${scenario} ${i}`).toBe(ref.body);
      }
    }
    // a dataset value that happens to contain a marker: no template, the full builder is used
    const { target, plan, dataset } = await setup('3.0', 'pull-doc');
    expect(requestTemplate(plan, PROFILES['3.0'], { hash: nodeHash, apiKey: target.apiKey, hmac: plan.hmac }, { ...dataset[0]!, uri: 'DLCONFORMxTSxMARKx7f3a' })).toBeUndefined();
  });

  it('content expectations follow the profile rules; txn is unique per iteration', () => {
    expect(contentExpectation('3.0', 'pdf')).toEqual({ expectPdf: true, expectXml: false });
    expect(contentExpectation('3.0', 'xml')).toEqual({ expectPdf: false, expectXml: true });
    expect(contentExpectation('3.0', 'both')).toEqual({ expectPdf: true, expectXml: true });
    expect(contentExpectation('1.0', undefined)).toEqual({ expectPdf: true, expectXml: false });
    expect(txnFor('0123456789abcdef', 0)).toBe('0123456789abcdef0000000000000000');
    expect(txnFor('0123456789abcdef', 2 ** 40 + 255)).toBe('0123456789abcdef00000100000000ff');
    expect(iterationId(2, 5)).toBe(2 * 2 ** 27 + 5);
    expect(Number.isSafeInteger(iterationId(2 ** 26 - 1, 2 ** 27 - 1))).toBe(true);
  });

  it("spec/'s native shortcuts (HashFunctions.text) give exactly the portable path's bytes", () => {
    const text = {
      sha256Hex: (t: string) => createHash('sha256').update(t, 'utf8').digest('hex'),
      hmacSha256HexBase64: (k: string, t: string) => Buffer.from(createHmac('sha256', k).update(t, 'utf8').digest('hex')).toString('base64'),
      hmacSha256RawBase64: (k: string, t: string) => createHmac('sha256', k).update(t, 'utf8').digest('base64'),
    };
    const fast: HashFunctions = { ...nodeHash, text };
    for (const body of ['<a/>', '<PullDocRequest><FullName>सुनील कुमार</FullName></PullDocRequest>', 'emoji 😀 and é']) {
      for (const enc of ['hex-base64', 'raw-base64'] as const) expect(digilockerHmac(fast, 'kéy', body, enc)).toBe(digilockerHmac(nodeHash, 'kéy', body, enc));
    }
    expect(keyhash(fast, 'TESTAPIKEY123', '2016-01-11T14:44:48+05:30')).toBe('47d98af877b52608faab62ef8b782e38a2ecafdca041c71f3fcfdcb53109f172');
  });
});
