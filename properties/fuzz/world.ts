/**
 * What the fuzzer knows about the target, from the config: the documents it may ask for (with
 * the identity fields the issuer opted into), the searches and URIs that name a document (so an
 * "unknown" case never names one), and the fixed values of every request (orgId, DigiLockerId).
 */
import type { Config } from '../../core/config/index.js';
import type { HashFunctions } from '../../protocol/auth.js';
import { optedInIdentity, type Identity } from '../../protocol/identity.js';
import { PROFILES, type Profile } from '../../protocol/profiles.js';
import type { PullApi } from '../../protocol/requests.js';

export interface WorldDocument {
  index: number;
  docType: string;
  search: ReadonlyArray<readonly [string, string]>;
  uri?: string;
  /** opted-in identity of the owner for Pull URI / Pull Doc (what DigiLocker sends) */
  identity: { pulluri: Identity; pulldoc: Identity };
}

export interface FuzzWorld {
  profile: Profile;
  orgId: string;
  digiLockerId: string;
  apis: PullApi[];
  documents: WorldDocument[];
  /** documents with a URI, for Pull Doc */
  withUri: WorldDocument[];
  absent: { docType: string; search: ReadonlyArray<readonly [string, string]> };
  absentUri: string;
  /** search keys (lower-cased, trimmed values by element name) that name a document or the pending search */
  namedSearches: ReadonlySet<string>;
  /** URIs that name a document, lower-cased */
  namedUris: ReadonlySet<string>;
  /** search element names of the issuer (the first document's) */
  searchNames: readonly string[];
}

export function searchKey(search: ReadonlyArray<readonly [string, string]>): string {
  return [...search]
    .map(([n, v]) => [n, v.trim().toLowerCase()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([n, v]) => `${n}=${v}`)
    .join('\u0000');
}

/** A DigiLockerId from the seed: 36 characters, UUID-shaped, like DigiLocker's. */
function digiLockerIdFrom(seed: number): string {
  let x = seed >>> 0 || 1;
  let hex = '';
  while (hex.length < 32) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    hex += (x >>> 0).toString(16).padStart(8, '0');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function worldFrom(config: Config, hash: HashFunctions, seed: number): FuzzWorld {
  const profile = PROFILES[config.profile];
  const apis: PullApi[] = ['pulluri'];
  if (profile.pullDoc && config.target.pullDoc) apis.push('pulldoc');
  const documents: WorldDocument[] = config.documents.map((d, index) => ({
    index,
    docType: d.docType,
    search: Object.entries(d.search),
    uri: d.uri,
    identity: {
      pulluri: optedInIdentity(hash, { optIn: config.optIn, uidMode: config.uidMode, fields: profile.optInFields }, d.owner),
      pulldoc: optedInIdentity(hash, { optIn: config.optIn, uidMode: config.uidMode, fields: profile.pullDocOptInFields }, d.owner),
    },
  }));
  const named = new Set(documents.map((d) => searchKey(d.search)));
  if (config.pending) named.add(searchKey(Object.entries(config.pending.search)));
  const first = documents[0]!;
  const absentUri = config.absentUri ?? (first.uri ? `${first.uri.slice(0, first.uri.lastIndexOf('-') + 1)}ZZ9NOTISSUED` : `${config.issuerId}-${first.docType}-ZZ9NOTISSUED`);
  return {
    profile,
    orgId: config.orgId,
    digiLockerId: digiLockerIdFrom(seed),
    apis,
    documents,
    withUri: documents.filter((d) => d.uri !== undefined),
    absent: { docType: config.absent.docType, search: Object.entries(config.absent.search) },
    absentUri,
    namedSearches: named,
    namedUris: new Set(documents.flatMap((d) => (d.uri ? [d.uri.trim().toLowerCase()] : []))),
    searchNames: first.search.map(([n]) => n),
  };
}
