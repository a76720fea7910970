/**
 * The signed target stream vegeta reads: each line a valid vegeta JSON target whose request the
 * reference issuer accepts (it verifies keyhash and x-digilocker-hmac on every request), and the
 * pump that writes lines only as vegeta's schedule needs them, within the pipe's back-pressure.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHash } from '../core/node-hash.js';
import { keyhash } from '../protocol/auth.js';
import { PROFILES } from '../protocol/profiles.js';
import { buildDataset } from './dataset.js';
import type { DatasetItem, LoadPlan } from './plan.js';
import { startReferenceTarget, type ReferenceTarget } from './reference.js';
import { buildLoadRequest, cheapCheck, txnFor } from './request.js';
import { buildPlan } from './runner.js';
import { loadSettings } from './settings.js';
import { pumpTargets, SignedTargets } from './targets.js';

const RUN = '0123456789abcdef';

interface VegetaTarget {
  method: string;
  url: string;
  body: string;
  header: Record<string, string[]>;
}

const targets: Record<string, ReferenceTarget> = {};
beforeAll(async () => {
  targets['3.0'] = await startReferenceTarget({ profile: '3.0', hmac: 'raw-base64', documents: 8 });
  targets['1.13'] = await startReferenceTarget({ profile: '1.13', hmac: 'hex-base64', documents: 8 });
});
afterAll(async () => {
  await Promise.all(Object.values(targets).map((t) => t.issuer.close()));
});

function setup(profile: '3.0' | '1.13', segment = { index: 1, count: 1 }) {
  const target = targets[profile]!;
  const settings = loadSettings(target.config);
  const plan = buildPlan({ config: target.config, settings, profile: 'smoke' }, RUN, segment);
  const dataset = buildDataset(target.config, settings.scenario, target.documents);
  const signer = { hash: nodeHash, apiKey: target.apiKey, hmac: plan.hmac };
  return { target, plan, dataset, signer };
}

const attr = (body: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(body)?.[1];

describe('SignedTargets', () => {
  it('each line is one vegeta JSON target: POST to the plan URL, the body in base64, headers as arrays', () => {
    const { plan, dataset, signer } = setup('3.0');
    const now = new Date(Date.UTC(2026, 0, 1, 6, 0, 0, 250));
    const lines = new SignedTargets(plan, signer, dataset, 0);
    const requests = new SignedTargets(plan, signer, dataset, 0);
    for (let i = 0; i < dataset.length + 2; i++) {
      const line = lines.nextLine(now);
      expect(line.endsWith('}\n')).toBe(true);
      expect(line.indexOf('\n')).toBe(line.length - 1);
      const t = JSON.parse(line) as VegetaTarget;
      expect(Object.keys(t)).toEqual(['method', 'url', 'body', 'header']);
      expect(t.method).toBe('POST');
      expect(t.url).toBe(plan.url);
      const r = requests.nextRequest(now);
      expect(Buffer.from(t.body, 'base64').toString('utf8')).toBe(r.body);
      expect(r.body).toMatch(/<PullDocRequest[\s\S]*<\/PullDocRequest>/);
      expect(t.header).toEqual({ 'content-type': ['application/xml'], 'x-digilocker-hmac': [r.headers['x-digilocker-hmac']] });
      expect(t.header['x-digilocker-hmac']![0]).toMatch(/^[A-Za-z0-9+/]{43}=$/); // raw-base64: 32 bytes
    }
    expect(lines.count).toBe(dataset.length + 2);
  });

  for (const [profile, scenario] of [
    ['3.0', 'pull-doc'],
    ['1.13', 'pull-uri'],
  ] as const) {
    it(`every request passes the reference issuer's signature checks: profile ${profile}, ${scenario}, ${profile === '3.0' ? 'raw-base64' : 'hex-base64'}`, async () => {
      const { plan, dataset, signer } = setup(profile);
      expect(plan.scenario).toBe(scenario);
      // names outside ASCII: the HMAC is over the UTF-8 bytes
      if (scenario === 'pull-uri') expect(dataset.some((d) => /[^\x00-\x7f]/.test(d.fullName ?? ''))).toBe(true);
      const stream = new SignedTargets(plan, signer, dataset, 0);
      for (let i = 0; i < dataset.length * 2; i++) {
        const t = JSON.parse(stream.nextLine()) as VegetaTarget;
        const headers = Object.fromEntries(Object.entries(t.header).map(([k, v]) => [k, v[0]!]));
        const res = await fetch(t.url, { method: t.method, body: Buffer.from(t.body, 'base64'), headers, redirect: 'manual' });
        const body = await res.text();
        expect(res.status, `${i}: ${body.slice(0, 300)}`).toBe(200);
        expect(body).toMatch(/Status="1"/);
        expect(cheapCheck(plan, res.status, body)).toBeUndefined();
      }
    });
  }

  it('a request signed with another key is refused (the issuer really checks)', async () => {
    const { plan, dataset, signer } = setup('3.0');
    const t = JSON.parse(new SignedTargets(plan, { ...signer, apiKey: 'not-the-key' }, dataset, 0).nextLine()) as VegetaTarget;
    const res = await fetch(t.url, { method: 'POST', body: Buffer.from(t.body, 'base64'), headers: { 'content-type': 'application/xml', 'x-digilocker-hmac': t.header['x-digilocker-hmac']![0]! } });
    expect(res.status).toBe(401);
  });

  it('ts and keyhash change only when the second changes; txn on every request', () => {
    const { plan, dataset, signer, target } = setup('3.0');
    const s = new SignedTargets(plan, signer, dataset, 0);
    const at = (ms: number) => s.nextRequest(new Date(Date.UTC(2026, 0, 1, 6, 0, 0) + ms));
    const a = at(0);
    const b = at(999);
    const c = at(1000);
    const d = at(1500);
    expect(a.ts).toBe('2026-01-01T11:30:00+05:30');
    expect(b.ts).toBe(a.ts);
    expect(c.ts).toBe('2026-01-01T11:30:01+05:30');
    expect(d.ts).toBe(c.ts);
    const kh = (r: { body: string }) => attr(r.body, 'keyhash');
    expect(kh(a)).toBe(keyhash(nodeHash, target.apiKey, a.ts));
    expect(kh(b)).toBe(kh(a));
    expect(kh(c)).toBe(keyhash(nodeHash, target.apiKey, c.ts));
    expect(kh(c)).not.toBe(kh(a));
    expect(attr(a.body, 'ts')).toBe(a.ts);
    expect(new Set([a, b, c, d].map((r) => r.txn)).size).toBe(4);
    expect([a, b, c, d].map((r) => attr(r.body, 'txn'))).toEqual([a, b, c, d].map((r) => r.txn));
  });

  it('txn is unique across 1000 requests, and across the segments and steps of a run', () => {
    const seen = new Set<string>();
    for (const [segment, step] of [
      [1, 0],
      [1, 1],
      [2, 0],
      [2, 1],
    ] as const) {
      const { plan, dataset, signer } = setup('3.0', { index: segment, count: 2 });
      const s = new SignedTargets(plan, signer, dataset, step);
      const now = new Date();
      for (let i = 0; i < 1000; i++) {
        const r = s.nextRequest(now);
        expect(r.txn).toMatch(/^0123456789abcdef[0-9a-f]{16}$/);
        seen.add(r.txn);
      }
      expect(s.count).toBe(1000);
    }
    expect(seen.size).toBe(4000);
  });

  it("a filled template is what protocol/'s builder makes from scratch with the same ts and txn", () => {
    for (const profile of ['3.0', '1.13'] as const) {
      const { plan, dataset, signer } = setup(profile, { index: 3, count: 4 });
      // one item whose value contains a marker: no template for it, built in full instead
      const items: DatasetItem[] = [...dataset, { ...dataset[0]!, fullName: 'DLCONFORMxTXNxMARKx7f3a' }];
      const s = new SignedTargets(plan, signer, items, 7);
      const now = new Date(Date.UTC(2026, 4, 21, 4, 45, 12, 600));
      for (let i = 0; i < items.length * 2; i++) {
        const r = s.nextRequest(now);
        const ref = buildLoadRequest(plan, PROFILES[plan.specProfile], signer, items[i % items.length]!, txnFor(RUN, 3, 7, i), now);
        expect(r, `${profile} ${i}`).toEqual(ref);
      }
    }
  });
});

/** A SignedTargets that records when each line was asked for and how long it was. */
function recorded(plan: LoadPlan, signer: ReturnType<typeof setup>['signer'], dataset: DatasetItem[]) {
  const s = new SignedTargets(plan, signer, dataset, 0);
  const lines: Array<{ at: number; bytes: number }> = [];
  const next = s.nextLine.bind(s);
  s.nextLine = (now?: Date) => {
    const line = next(now);
    lines.push({ at: Date.now(), bytes: Buffer.byteLength(line) });
    return line;
  };
  return { s, lines };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('pumpTargets', () => {
  it('never writes past the schedule plus the lead', async () => {
    const { plan, dataset, signer } = setup('3.0');
    const { s, lines } = recorded(plan, signer, dataset);
    const stdin = new PassThrough();
    let read = 0;
    stdin.on('data', (c: Buffer) => (read += c.length));
    const rate = 50;
    const lead = 5; // max(minLines 3, 50 req/s × 100 ms)
    const t0 = Date.now();
    const pump = pumpTargets(stdin, s, { rate, leadMs: 100, minLines: 3 });
    await sleep(400);
    pump.stop();
    const written = await pump.done;
    const elapsed = Date.now() - t0;
    expect(written).toBe(lines.length);
    expect(written).toBe(s.count);
    // the lead up front, then more as the schedule advances
    expect(written).toBeGreaterThan(lead);
    expect(written).toBeLessThanOrEqual(Math.floor((elapsed / 1000) * rate) + lead);
    for (const [k, l] of lines.entries()) expect(k + 1, `line ${k + 1}`).toBeLessThanOrEqual(Math.floor(((l.at - t0) / 1000) * rate) + lead);
    await sleep(60);
    expect(s.count).toBe(written); // nothing after stop()
    expect(read).toBe(lines.reduce((n, l) => n + l.bytes, 0));
  });

  it('never writes more than the pipe accepts: a reader that does not read holds it back', async () => {
    const { plan, dataset, signer } = setup('3.0');
    const { s, lines } = recorded(plan, signer, dataset);
    const stdin = new PassThrough({ highWaterMark: 1024 });
    // every write the pump makes (it may batch lines into one write)
    const writes: number[] = [];
    const write = stdin.write.bind(stdin) as (chunk: string) => boolean;
    stdin.write = ((chunk: string) => {
      writes.push(Buffer.byteLength(chunk));
      return write(chunk);
    }) as typeof stdin.write;
    // the schedule would want 50 000 lines at once
    const pump = pumpTargets(stdin, s, { rate: 100_000, leadMs: 500 });
    await sleep(150);
    const held = s.count;
    expect(held).toBeGreaterThanOrEqual(1);
    // one write in each of the readable and writable buffers, and the one waiting for 'drain'
    expect(writes.length).toBeLessThanOrEqual(3);
    expect(held).toBeLessThan(1000);
    // a slow reader: what is buffered, every 5 ms, and the pump follows it
    let read = 0;
    let maxInFlight = 0;
    const reader = setInterval(() => {
      const chunk = stdin.read() as Buffer | null;
      if (chunk) read += chunk.length;
      const produced = lines.reduce((n, l) => n + l.bytes, 0);
      maxInFlight = Math.max(maxInFlight, produced - read);
    }, 5);
    await sleep(300);
    clearInterval(reader);
    pump.stop();
    const written = await pump.done;
    expect(written).toBeGreaterThan(held);
    expect(written).toBe(lines.length);
    expect(writes.reduce((n, b) => n + b, 0)).toBe(lines.reduce((n, l) => n + l.bytes, 0));
    expect(maxInFlight).toBeLessThanOrEqual(2 * 1024 + 3 * Math.max(...writes));
  });

  it("an 'error' on the pipe (vegeta exited: EPIPE) ends it, even while it waits for the pipe to drain", async () => {
    const { plan, dataset, signer } = setup('3.0');
    const blocked = new PassThrough({ highWaterMark: 1024 });
    const a = pumpTargets(blocked, new SignedTargets(plan, signer, dataset, 0), { rate: 100_000 });
    await sleep(20);
    blocked.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(await a.done).toBeGreaterThanOrEqual(1);

    const idle = new PassThrough();
    idle.resume();
    const s = new SignedTargets(plan, signer, dataset, 0);
    const b = pumpTargets(idle, s, { rate: 5, leadMs: 100, minLines: 2 });
    await sleep(20);
    idle.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(await b.done).toBe(2);
    await sleep(250);
    expect(s.count).toBe(2);
  });

  it('the pipe closing ends it; stop() is idempotent', async () => {
    const { plan, dataset, signer } = setup('3.0');
    const pipe = new PassThrough();
    pipe.resume();
    const p = pumpTargets(pipe, new SignedTargets(plan, signer, dataset, 0), { rate: 10 });
    await sleep(20);
    pipe.destroy();
    expect(await p.done).toBeGreaterThanOrEqual(2);
    p.stop();
    p.stop();
  });
});
