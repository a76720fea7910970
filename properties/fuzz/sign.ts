/**
 * Builds and signs one case at the moment it is sent, through the request factory: ts from the
 * clock, the case's defect as the factory's variation, the mutation as a body replaced before
 * signing. Every case is made here, so a shrunk or replayed case is re-signed, never sent with a
 * stale signature.
 */
import type { OptInField } from '../../protocol/profiles.js';
import { pullRequest, type KeyhashVariation, type HmacVariation, type Signer, type Variation } from '../../protocol/request-factory.js';
import { readRequest } from '../../protocol/requests.js';
import { applyMutation } from '../arbitraries/mutations.js';
import { asHeld, fieldsOf, renderTs } from '../arbitraries/requests.js';
import { mutationTarget, type AuthDefect, type FuzzCase } from './cases.js';

export interface Wire {
  body: string | Uint8Array;
  headers: Record<string, string>;
  /** the ts and txn a ResponseStatus must echo; undefined when the request carries none readably */
  echo?: { ts?: string; txn?: string };
  /** values sent that no answer may echo (keyhash, HMAC) */
  secrets: string[];
  /** personal values sent (UID, FullName, DOB) that no error answer may echo */
  personal: string[];
  /** opted-in identity fields the case left out, by name */
  omitted: readonly OptInField[];
}

/** The factory's variation for an auth defect (an orgId defect is in the request itself). */
function defectVariation(c: FuzzCase, now: Date): Variation {
  const d: AuthDefect | undefined = c.defect;
  if (d?.on === 'keyhash') {
    const keyhash: KeyhashVariation =
      d.how === 'other-ts'
        ? { how: 'other-ts', ts: renderTs({ ...c.request.ts, skewSeconds: c.request.ts.skewSeconds - 3600 }, now) }
        : d.how === 'flip-char'
          ? { how: 'flip-char', at: d.at ?? 0 }
          : { how: d.how };
    return { keyhash };
  }
  if (d?.on === 'hmac') {
    if (d.how === 'tampered-txn') return { tamper: 'txn' };
    if (d.how === 'tampered-space') return { tamper: 'space' };
    const hmac: HmacVariation = d.how === 'flip-char' ? { how: 'flip-char', at: d.at ?? 0 } : { how: d.how };
    return { hmac };
  }
  if (d?.on === 'ts') return { omitTs: true };
  if (d?.on === 'both') return { keyhash: { how: 'wrong-key' }, hmac: { how: 'missing' } };
  return {};
}

export function materialize(c: FuzzCase, signer: Signer, now: Date): Wire {
  const req = c.request;
  const ts = renderTs(req.ts, now);
  const mutation = c.mutation;
  const variation: Variation = {
    build: req.build,
    extraAttributes: req.extraAttributes,
    extraElements: req.extraElements,
    omit: c.omit,
    ...defectVariation(c, now),
    ...(mutation && {
      rawBody: (text: string) =>
        applyMutation(mutation, {
          body: text,
          target: mutationTarget(req),
          fields: { ts, txn: req.txn, orgId: req.orgId, ...Object.fromEntries(req.search), ...(req.uri !== undefined && { URI: req.uri }) },
        }),
    }),
  };
  const made = pullRequest(asHeld(req), signer, fieldsOf(req, ts), variation);
  return { body: made.body, headers: made.headers, echo: echoOf(c, made.body, ts, made.txn), secrets: made.secrets, personal: made.personal, omitted: made.omitted };
}

/** What a ResponseStatus must echo: the ts and txn the request carries, as an XML reader sees them. */
function echoOf(c: FuzzCase, body: string | Uint8Array, ts: string, txn: string): Wire['echo'] {
  if (typeof body !== 'string') return undefined;
  if (c.mutation?.kind === 'oversize') return undefined;
  // the body is exactly what the factory built (a tampered txn included): no need to parse it
  if (!c.mutation && c.defect?.on !== 'ts') return { ts, txn };
  const { request } = readRequest(body);
  if (!request) return undefined;
  return { ts: request.attrs.ts, txn: request.attrs.txn };
}
