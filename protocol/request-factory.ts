/**
 * The one place a DigiLocker Pull request is made: from a profile, a signer, the request's fields
 * and a variation, it builds the body (protocol/requests.ts), puts the keyhash in it and the HMAC
 * over its exact bytes in the header. The suite, the fuzzer (every shrink step too), the timing
 * sampler, the load stream and the reference issuer's tests all ask it, so a request means the
 * same thing whichever tool sent it.
 *
 * A plain request carries every opted-in identity field and the search it was given; anything
 * else is a variation, named in `Variation`, so a verdict can always say what was varied.
 */
import { digilockerHmac, HMAC_HEADER, keyhash as computeKeyhash, type HashFunctions, type HmacEncoding } from './auth.js';
import { IDENTITY_KEY, type Identity } from './identity.js';
import type { Format, NamespaceForm, OptInField, Profile } from './profiles.js';
import { replayRewrite, rewriteRequest, type Replaced, type ReplayValues } from './replay.js';
import { buildPullDocRequest, buildPullUriRequest, readRequest, type BuildOptions, type Envelope, type PullApi } from './requests.js';

/** A key no issuer has: every "made with another key" variation uses it. */
export const WRONG_KEY = 'dlconform-wrong-key';

/** What the factory needs of a profile: the version and which optional parts it sends. */
export type RequestProfile = Pick<Profile, 'ver' | 'sendsFormat' | 'sendsDocType' | 'sendsDigiLockerId'>;

export interface Signer {
  hash: HashFunctions;
  apiKey: string;
  hmac: HmacEncoding;
}

/** What a request is about; the profile decides which of these go on the wire. */
export interface PullRequestFields {
  kind: PullApi;
  ts: string;
  txn: string;
  orgId: string;
  namespace: NamespaceForm;
  /** undefined: no format attribute; never sent where the profile sends none */
  format?: Format;
  /** Pull URI: sent where the profile sends DocType */
  docType?: string;
  /** Pull URI: the search elements, in order */
  search?: ReadonlyArray<readonly [string, string]>;
  /** Pull Doc */
  uri?: string;
  /** sent where the profile sends DigiLockerId */
  digiLockerId?: string;
  /** the opted-in identity (optedInIdentity); Pull Doc never carries Photo */
  identity?: Identity;
}

export type KeyhashVariation =
  | { how: 'wrong-key' }
  /** the keyhash of another ts (the right key) */
  | { how: 'other-ts'; ts: string }
  | { how: 'flip-char'; at: number }
  | { how: 'truncated' }
  | { how: 'empty' }
  | { how: 'missing' }
  /** the correct keyhash spoiled by the caller (the timing sampler's near misses) */
  | { how: 'near-miss'; spoil: (correct: string) => string };

export type HmacVariation =
  | { how: 'wrong-key' }
  | { how: 'missing' }
  | { how: 'flip-char'; at: number }
  | { how: 'truncated' }
  | { how: 'empty' }
  /** a wrong header computed by the caller from the exact body (the timing sampler's near misses) */
  | { how: 'near-miss'; spoil: (body: string | Uint8Array) => string };

/** The body changed after signing: one byte of the txn, or a space in the root tag. */
export type Tampering = 'txn' | 'space';

export interface Variation {
  keyhash?: KeyhashVariation;
  hmac?: HmacVariation;
  tamper?: Tampering;
  /** opted-in identity fields left out, by name */
  omit?: readonly OptInField[];
  /** no ts attribute (the keyhash is still made from the ts) */
  omitTs?: boolean;
  build?: BuildOptions;
  extraAttributes?: Envelope['extraAttributes'];
  extraElements?: ReadonlyArray<readonly [string, string]>;
  /** replaces the built body before signing (malformed bodies, DTDs, the fuzzer's mutations) */
  rawBody?: (built: string) => string | Uint8Array;
}

export interface PullRequest {
  body: string | Uint8Array;
  headers: Record<string, string>;
  ts: string;
  /** the txn the body carries (a tampered txn included) */
  txn: string;
  /** the keyhash attribute sent, when there is one */
  keyhash?: string;
  /** the x-digilocker-hmac header sent, when there is one */
  hmac?: string;
  /** values no answer may echo and the redactor must know: keyhash and HMAC (also the one computed before spoiling) */
  secrets: string[];
  /** personal values sent (UID, FullName, DOB) */
  personal: string[];
  /** opted-in fields the variation left out */
  omitted: readonly OptInField[];
}

const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One character replaced by another of the same alphabet (so the shape stays right). */
function flip(value: string, at: number, alphabet: string, keepTail = 0): string {
  const span = Math.max(1, value.length - keepTail);
  const i = at % span;
  const c = value[i]!;
  const next = alphabet[(alphabet.indexOf(c) + 1 + (at % (alphabet.length - 1))) % alphabet.length]!;
  return value.slice(0, i) + (next === c ? alphabet[(alphabet.indexOf(c) + 1) % alphabet.length]! : next) + value.slice(i + 1);
}

/** The txn's last character changed: the one tampering of the txn every tool applies. */
export function tamperedTxn(txn: string): string {
  if (txn === '') return txn;
  const last = txn[txn.length - 1];
  return txn.slice(0, -1) + (last === '7' ? '8' : '7');
}

const TXN_ATTRIBUTE = /(\stxn=)(["'])([^"']*)\2/;

/** Changes a signed body the way `how` says; the keyhash stays valid, the HMAC no longer matches. */
export function tamper(body: string, how: Tampering): string {
  if (how === 'space') return body.replace(/(<Pull(?:URI|Doc)Request\b[^>]*?)(\/?>)/, '$1 $2');
  return body.replace(TXN_ATTRIBUTE, (_m, head: string, q: string, txn: string) => `${head}${q}${tamperedTxn(txn)}${q}`);
}

/** The identity a request carries once the variation's omissions are applied (Pull Doc has no Photo). */
function sentIdentity(kind: PullApi, identity: Identity | undefined, omit: readonly OptInField[]): { identity: Identity; omitted: OptInField[] } {
  const out: Identity = { ...identity };
  if (kind === 'pulldoc') delete out.photo;
  const omitted: OptInField[] = [];
  for (const name of omit) {
    const key = IDENTITY_KEY[name];
    if (out[key] !== undefined) omitted.push(name);
    delete out[key];
  }
  return { identity: out, omitted };
}

/**
 * The body of a request with the given keyhash attribute (omitted when undefined), before any
 * signing: the load stream builds its templates here, with markers where ts, txn and keyhash go.
 */
export function requestBody(profile: RequestProfile, fields: PullRequestFields, variation: Variation, keyhash: string | undefined): string {
  return buildBody(profile, fields, variation, keyhash, sentIdentity(fields.kind, fields.identity, variation.omit ?? []).identity);
}

function buildBody(profile: RequestProfile, f: PullRequestFields, v: Variation, keyhash: string | undefined, identity: Identity): string {
  const env: Envelope = {
    ver: profile.ver,
    ts: f.ts,
    txn: f.txn,
    orgId: f.orgId,
    keyhash,
    format: profile.sendsFormat ? f.format : undefined,
    namespace: f.namespace,
    extraAttributes: v.extraAttributes,
  };
  const digiLockerId = profile.sendsDigiLockerId ? f.digiLockerId : undefined;
  if (f.kind === 'pulluri') {
    const docType = profile.sendsDocType ? f.docType : undefined;
    return buildPullUriRequest(env, { docType, digiLockerId, ...identity, search: f.search ?? [], extraElements: v.extraElements }, v.build);
  }
  return buildPullDocRequest(env, { uri: f.uri ?? '', digiLockerId, ...identity, extraElements: v.extraElements }, v.build);
}

/** The headers of a body signed as is: content type and, unless the encoding is none, the HMAC. */
export function signedHeaders(signer: Signer, body: string | Uint8Array): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/xml' };
  const mac = digilockerHmac(signer.hash, signer.apiKey, body, signer.hmac);
  if (mac !== undefined) headers[HMAC_HEADER] = mac;
  return headers;
}

function variedKeyhash(signer: Signer, ts: string, v: KeyhashVariation | undefined): string | undefined {
  const correct = computeKeyhash(signer.hash, signer.apiKey, ts);
  switch (v?.how) {
    case undefined:
      return correct;
    case 'wrong-key':
      return computeKeyhash(signer.hash, WRONG_KEY, ts);
    case 'other-ts':
      return computeKeyhash(signer.hash, signer.apiKey, v.ts);
    case 'flip-char':
      return flip(correct, v.at, HEX);
    case 'truncated':
      return correct.slice(0, -1);
    case 'empty':
      return '';
    case 'missing':
      return undefined;
    case 'near-miss':
      return v.spoil(correct);
  }
}

/** Builds and signs one request. */
export function pullRequest(profile: RequestProfile, signer: Signer, fields: PullRequestFields, variation: Variation = {}): PullRequest {
  const { identity, omitted } = sentIdentity(fields.kind, fields.identity, variation.omit ?? []);
  const keyhash = variedKeyhash(signer, fields.ts, variation.keyhash);
  let text = buildBody(profile, fields, variation, keyhash, identity);
  if (variation.omitTs) text = text.replace(/\sts=(["'])[^"']*\1/, '');
  let body: string | Uint8Array = variation.rawBody ? variation.rawBody(text) : text;

  const headers: Record<string, string> = { 'content-type': 'application/xml' };
  const secrets: string[] = [];
  if (keyhash) secrets.push(keyhash);
  let hmac: string | undefined;
  const h = variation.hmac;
  if (signer.hmac !== 'none' && h?.how !== 'missing') {
    const computed = digilockerHmac(signer.hash, h?.how === 'wrong-key' ? WRONG_KEY : signer.apiKey, body, signer.hmac)!;
    secrets.push(computed);
    hmac = computed;
    // never touch the last data character before the padding: some of its bits are padding
    if (h?.how === 'flip-char') hmac = flip(computed, h.at, B64, 3);
    else if (h?.how === 'truncated') hmac = computed.slice(0, -1);
    else if (h?.how === 'empty') hmac = '';
    else if (h?.how === 'near-miss') hmac = h.spoil(body);
    if (hmac !== computed && hmac !== '') secrets.push(hmac);
    headers[HMAC_HEADER] = hmac;
  }
  let txn = fields.txn;
  if (variation.tamper && typeof body === 'string') {
    const changed = tamper(body, variation.tamper);
    if (variation.tamper === 'txn' && changed !== body) txn = tamperedTxn(txn);
    body = changed;
  }
  const personal = [identity.uid, identity.fullName, identity.dob].filter((x): x is string => x !== undefined && x !== '');
  return { body, headers, ts: fields.ts, txn, keyhash, hmac, secrets, personal, omitted };
}

/** A replayed request: signed as every request is, with what the rewrite changed (protocol/replay.ts). */
export interface ResignedRequest extends PullRequest {
  kind: PullApi;
  replaced: Replaced[];
}

/**
 * Re-signs an existing body (a spec example, a captured request): ts, txn, orgId, keyhash and the
 * document's values put in by protocol/replay.ts, every other byte kept; the keyhash is made
 * from the new ts and the HMAC over the exact bytes sent, as for every request made here.
 */
export function resignRequest(signer: Signer, original: string, values: Omit<ReplayValues, 'keyhash'>): ResignedRequest | { error: string } {
  const read = readRequest(original);
  if (!read.request) return { error: `not a readable Pull request: ${read.findings.map((f) => f.message).join('; ') || 'no root element'}` };
  const keyhash = computeKeyhash(signer.hash, signer.apiKey, values.ts);
  const rewritten = rewriteRequest(original, replayRewrite(read.request, { ...values, keyhash }));
  if (!rewritten.ok) return { error: rewritten.error };
  const headers = signedHeaders(signer, rewritten.body);
  const hmac = headers[HMAC_HEADER];
  const sentKeyhash = read.request.keyhashAttribute ? keyhash : undefined;
  const secrets = [sentKeyhash, hmac].filter((x): x is string => x !== undefined);
  const personal = Object.values(values.identity).filter((x): x is string => x !== undefined && x !== '');
  return { kind: rewritten.kind, body: rewritten.body, headers, ts: values.ts, txn: values.txn, keyhash: sentKeyhash, hmac, secrets, personal, omitted: [], replaced: rewritten.replaced };
}
