/**
 * Builds and signs one case at the moment it is sent: ts from the clock, keyhash from the API key
 * and that ts, the body from protocol/ (then the mutation), the HMAC over the exact bytes sent. Auth
 * defects are applied here, so every other case is correctly signed: a shrunk or replayed case is
 * re-signed, never sent with a stale signature.
 */
import { digilockerHmac, HMAC_HEADER, keyhash, type HashFunctions, type HmacEncoding } from '../../protocol/auth.js';
import { readRequest } from '../../protocol/requests.js';
import { applyMutation } from '../arbitraries/mutations.js';
import { buildRequest, renderTs } from '../arbitraries/requests.js';
import { mutationTarget, type FuzzCase } from './cases.js';

/** A key no issuer has: defects "made with another key" use it. */
export const WRONG_KEY = 'dlconform-wrong-key';

export interface Wire {
  body: string | Uint8Array;
  headers: Record<string, string>;
  /** the ts and txn a ResponseStatus must echo; undefined when the request carries none readably */
  echo?: { ts?: string; txn?: string };
  /** values sent that no answer may echo (keyhash, HMAC) */
  secrets: string[];
  /** personal values sent (UID, FullName, DOB) that no error answer may echo */
  personal: string[];
}

export interface Signing {
  hash: HashFunctions;
  apiKey: string;
  hmac: HmacEncoding;
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

export function materialize(c: FuzzCase, s: Signing, now: Date): Wire {
  const req = c.request;
  const d = c.defect;
  const ts = renderTs(req.ts, now);
  let kh: string | undefined = keyhash(s.hash, s.apiKey, ts);
  if (d?.on === 'keyhash') {
    switch (d.how) {
      case 'wrong-key':
        kh = keyhash(s.hash, WRONG_KEY, ts);
        break;
      case 'other-ts':
        kh = keyhash(s.hash, s.apiKey, renderTs({ ...req.ts, skewSeconds: req.ts.skewSeconds - 3600 }, now));
        break;
      case 'flip-char':
        kh = flip(kh, d.at ?? 0, HEX);
        break;
      case 'truncated':
        kh = kh.slice(0, -1);
        break;
      case 'empty':
        kh = '';
        break;
      case 'missing':
        kh = undefined;
        break;
    }
  }
  let text = buildRequest(req, ts, kh);
  if (d?.on === 'ts') text = text.replace(/\sts=(["'])[^"']*\1/, '');
  let body: string | Uint8Array = text;
  if (c.mutation) body = applyMutation(c.mutation, { body: text, target: mutationTarget(req), fields: { ts, txn: req.txn, orgId: req.orgId, ...Object.fromEntries(req.search), ...(req.uri !== undefined && { URI: req.uri }) } });

  const headers: Record<string, string> = { 'content-type': 'application/xml' };
  const secrets: string[] = [];
  if (kh) secrets.push(kh);
  if (s.hmac !== 'none' && !(d?.on === 'hmac' && d.how === 'missing')) {
    let mac = digilockerHmac(s.hash, d?.on === 'hmac' && d.how === 'wrong-key' ? WRONG_KEY : s.apiKey, body, s.hmac)!;
    secrets.push(mac);
    if (d?.on === 'hmac') {
      // never touch the last data character before the padding: some of its bits are padding
      if (d.how === 'flip-char') mac = flip(mac, d.at ?? 0, B64, 3);
      else if (d.how === 'truncated') mac = mac.slice(0, -1);
      else if (d.how === 'empty') mac = '';
    }
    headers[HMAC_HEADER] = mac;
  }
  if (d?.on === 'hmac' && typeof body === 'string') {
    if (d.how === 'tampered-txn') body = body.replace(/(\stxn=["'])/, '$19');
    else if (d.how === 'tampered-space') body = body.replace(/(<Pull(?:URI|Doc)Request\b[^>]*?)(\/?>)/, '$1 $2');
  }

  const personal = [req.identity.uid, req.identity.fullName, req.identity.dob].filter((v): v is string => v !== undefined);
  return { body, headers, echo: echoOf(c, body, ts), secrets, personal };
}

/** What a ResponseStatus must echo: the ts and txn the request carries, as an XML reader sees them. */
function echoOf(c: FuzzCase, body: string | Uint8Array, ts: string): Wire['echo'] {
  if (typeof body !== 'string') return undefined;
  if (c.mutation?.kind === 'oversize') return undefined;
  // the body is exactly what protocol/ built (or changed after signing only in txn): no need to parse it
  if (!c.mutation && c.defect?.on !== 'ts') {
    const txn = c.defect?.on === 'hmac' && c.defect.how === 'tampered-txn' ? `9${c.request.txn}` : c.request.txn;
    return { ts, txn };
  }
  const { request } = readRequest(body);
  if (!request) return undefined;
  return { ts: request.attrs.ts, txn: request.attrs.txn };
}
