/**
 * Every request the suite sends, recorded as the reference issuer receives it, carries the
 * opted-in identity fields (UID, FullName, DOB, Photo) of the document it names and that
 * document's search (or URI), unless the check's variation names what it leaves out or replaces.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../core/config/index.js';
import { Redactor } from '../core/redact.js';
import { startIssuer, type RunningIssuer } from '../fixtures/issuer/index.js';
import { readRequest } from '../protocol/requests.js';
import { ALL_CHECKS } from './checks/index.js';
import type { Check } from './check.js';
import type { RequestVariant, RunContext, SentExchange } from './context.js';
import { runSuite } from './runner.js';
import type { PullApi } from '../core/types.js';

const KEY = 'opt-in-suite-key-0123456789';

interface Recorded {
  api: PullApi;
  label: string;
  variant: RequestVariant;
  ex: SentExchange;
}

let issuer: RunningIssuer;
let config: Config;

beforeAll(async () => {
  issuer = await startIssuer({ profile: '3.0', apiKey: KEY, documents: 3 });
  const json = { ...(issuer.config('OPT_IN_SUITE_KEY') as object), optIn: { uid: true, fullName: true, dob: true, photo: true } };
  config = parseConfig(json, { OPT_IN_SUITE_KEY: KEY }, 'opt-in suite test').config;
});
afterAll(() => issuer.close());

/** The checks, each recording every request its context sends. */
function recording(checks: readonly Check[], log: Recorded[]): Check[] {
  const patched = new WeakSet<RunContext>();
  const watch = (ctx: RunContext) => {
    if (patched.has(ctx)) return;
    patched.add(ctx);
    const send = ctx.send.bind(ctx);
    ctx.send = async (api, label, variant = {}) => {
      const ex = await send(api, label, variant);
      log.push({ api, label, variant, ex });
      return ex;
    };
  };
  return checks.map((c) => ({
    ...c,
    run: (ctx: RunContext) => {
      watch(ctx);
      return c.run(ctx);
    },
  }));
}

/** The opted-in element values a document's owner has, by element name (Photo: any value; Pull Doc has none). */
function optedIn(owner: Config['documents'][number]['owner'], api: PullApi): Record<string, string | undefined> {
  const aadhaar = owner?.aadhaar;
  const uid = aadhaar && (config.uidMode === 'md5' ? createHash('md5').update(aadhaar).digest('hex') : aadhaar);
  return { UID: uid, FullName: owner?.fullName, DOB: owner?.dob, Photo: api === 'pulluri' ? 'any' : undefined };
}

describe('the requests of a suite run', () => {
  it('carry the opted-in fields and the configured search unless the variation names their omission', async () => {
    const log: Recorded[] = [];
    const { result } = await runSuite({ config, apiKey: KEY, redactor: new Redactor({ apiKey: KEY, config }), checks: recording(ALL_CHECKS, log), seed: 3 });
    expect(result.checks.filter((c) => c.verdict === 'fail' || c.verdict === 'error').map((c) => `${c.id}: ${c.message}`)).toEqual([]);
    const apis = new Set(log.map((r) => r.api));
    expect([...apis].sort()).toEqual(['pulldoc', 'pulluri']);
    let judged = 0;
    for (const { api, label, variant, ex } of log) {
      expect(ex.request, label).toBeDefined();
      // a replaced body (malformed XML, a DTD) is a named variation: nothing to look for in it
      if (variant.rawBody) continue;
      const parsed = readRequest(ex.request!.body as string).request;
      expect(parsed, label).toBeDefined();
      const details = parsed!.details;
      const document = api === 'pulluri' ? (variant.target ?? config.documents[0]!) : config.documents.find((d) => d.uri === (variant.uri ?? config.documents[0]!.uri));
      const owner = document && 'owner' in document ? document.owner : undefined;
      const expected = optedIn(owner, api);
      for (const [name, value] of Object.entries(expected)) {
        if (value === undefined) continue;
        if (variant.omit?.includes(name as 'UID')) {
          expect(details[name], `${label}: ${name} is left out by name`).toBeUndefined();
          continue;
        }
        expect(details[name], `${label}: ${name}`).toBeDefined();
        const override = variant.identity?.[({ UID: 'uid', FullName: 'fullName', DOB: 'dob', Photo: 'photo' } as const)[name as 'UID']];
        if (name !== 'Photo') expect(details[name], `${label}: ${name}`).toBe(override ?? value);
      }
      if (api === 'pulluri') for (const [name, value] of Object.entries(document!.search)) expect(details[name], `${label}: search ${name}`).toBe(value.trim());
      else expect(details.URI, label).toBe(variant.uri ?? config.documents[0]!.uri);
      judged++;
    }
    // the owners have every field: the plain requests were judged, and many of them
    expect(config.documents[0]!.owner).toMatchObject({ fullName: expect.any(String), dob: expect.any(String), aadhaar: expect.any(String) });
    expect(judged).toBeGreaterThan(20);
  }, 120_000);
});
