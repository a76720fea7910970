/**
 * Every fuzz case carries the opted-in identity fields (UID, FullName, DOB, Photo) and the
 * configured search of its document, on the wire, unless the case names what it leaves out: an
 * omission (`omit`) or a changed search (`unknown`). Legal variation never leaves a field out, so
 * an issuer that refuses a request without its opted-in FullName is never blamed for it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../core/config/index.js';
import { nodeHash } from '../../core/node-hash.js';
import { startIssuer } from '../../fixtures/issuer/index.js';
import { IDENTITY_KEY, OPT_IN_FIELDS } from '../../protocol/identity.js';
import type { ProfileId } from '../../protocol/profiles.js';
import { readRequest } from '../../protocol/requests.js';
import { params } from '../arbitraries/params.js';
import { fuzzCase, type FuzzCase } from './cases.js';
import { materialize } from './sign.js';
import { searchKey, worldFrom, type FuzzWorld, type WorldDocument } from './world.js';

const KEY = 'opt-in-test-key-0123456789';
const NOW = new Date(Date.UTC(2024, 4, 21, 4, 45));
const configs = new Map<ProfileId, Config>();

beforeAll(async () => {
  for (const profile of ['3.0', '1.13'] as ProfileId[]) {
    const issuer = await startIssuer({ profile, apiKey: KEY, documents: 4 });
    const json = { ...(issuer.config('OPT_IN_TEST_KEY') as object), optIn: { uid: true, fullName: true, dob: true, photo: true } };
    configs.set(profile, parseConfig(json, { OPT_IN_TEST_KEY: KEY }, 'opt-in test').config);
    await issuer.close();
  }
});
afterAll(() => configs.clear());

/** The configured document a case was made from (its search or URI names it, unless the case changed them). */
function documentOf(world: FuzzWorld, c: FuzzCase): WorldDocument | undefined {
  const docs = c.api === 'pulluri' ? world.documents : world.withUri;
  if (c.api === 'pulluri') return docs.find((d) => searchKey(d.search) === searchKey(c.request.search));
  return docs.find((d) => d.uri === c.request.uri);
}

/** The body the case's mutation was applied to, or that was sent: what the factory built. */
function detailsSent(_world: FuzzWorld, c: FuzzCase, hmac: Config['hmac']): Record<string, string> {
  const wire = materialize({ ...c, mutation: undefined }, { hash: nodeHash, apiKey: KEY, hmac }, NOW);
  expect(typeof wire.body).toBe('string');
  const { request } = readRequest(wire.body as string);
  expect(request, 'the factory built a readable request').toBeDefined();
  return request!.details;
}

function assertCarried(world: FuzzWorld, c: FuzzCase, hmac: Config['hmac']): void {
  const details = detailsSent(world, c, hmac);
  // an unknown case changes the search or URI by name; its identity is still its document's
  const doc = c.cls === 'unknown' ? world.documents.find((d) => JSON.stringify(d.identity[c.api]) === JSON.stringify(c.request.identity)) : documentOf(world, c);
  expect(doc, `the case is made from a configured document: ${JSON.stringify(c.request)}`).toBeDefined();
  const identity = doc!.identity[c.api];
  for (const name of OPT_IN_FIELDS) {
    const value = identity[IDENTITY_KEY[name]];
    if (value === undefined) continue;
    if (c.omit?.includes(name)) expect(details[name], `${name} is left out by name`).toBeUndefined();
    else expect(details[name], `${name} in a ${c.cls} case`).toBe(value);
  }
  if (c.cls === 'unknown') return;
  if (c.api === 'pulluri') for (const [name, value] of doc!.search) expect(details[name], `search ${name} in a ${c.cls} case`).toBe(value.trim());
  else expect(details.URI).toBe(doc!.uri);
}

describe('fuzz cases carry the opted-in fields and the configured search', () => {
  for (const profile of ['3.0', '1.13'] as ProfileId[]) {
    it(`every class, profile ${profile}`, () => {
      const config = configs.get(profile)!;
      const world = worldFrom(config, nodeHash, 7);
      // the world knows every opt-in field the profile carries: the assertions below are not vacuous
      expect(Object.keys(world.documents[0]!.identity.pulluri).sort()).toEqual(['dob', 'fullName', 'photo', 'uid']);
      const seen = new Set<string>();
      fc.assert(
        fc.property(fuzzCase(world, { hmac: config.hmac !== 'none', hash: nodeHash }), (c) => {
          seen.add(c.cls);
          if (c.omit) seen.add('omission');
          assertCarried(world, c, config.hmac);
        }),
        params(1500),
      );
      expect([...seen].sort()).toEqual(['legal', 'malformed', 'odd', 'omission', 'tolerant', 'unknown', 'unsigned']);
    });
  }

  it('legal variation never leaves an opted-in field out (an issuer may refuse a request without its FullName)', () => {
    const config = configs.get('3.0')!;
    const world = worldFrom(config, nodeHash, 7);
    const legal = fuzzCase(world, { hmac: true, hash: nodeHash }).filter((c) => c.cls === 'legal' || c.cls === 'tolerant');
    fc.assert(
      fc.property(legal, (c) => {
        expect(c.omit).toBeUndefined();
        const details = detailsSent(world, c, config.hmac);
        expect(details.FullName).toBeDefined();
        expect(details.DOB).toBeDefined();
        expect(details.UID).toBeDefined();
        if (c.api === 'pulluri') expect(details.Photo).toBeDefined();
      }),
      params(800),
    );
  });
});
