/**
 * The invariants every conformant issuer keeps, whatever it is sent, and the judge that checks
 * one answer against them. Each invariant quotes a clause of protocol/clauses.ts; its check id is
 * `fuzz.<api>.<invariant>` (e.g. fuzz.pulluri.no-5xx).
 */
import type { RawExchange } from '../../core/client.js';
import type { PullApi } from '../../core/types.js';
import type { ClauseId } from '../../protocol/clauses.js';
import { apiKeyForms, findStackTrace } from '../../protocol/leaks.js';
import { REQUEST_ROOT, RESPONSE_ROOT } from '../../protocol/requests.js';
import { HMAC_HEADER } from '../../protocol/auth.js';
import { isBlankText } from '../../protocol/bytes.js';
import { contentOf, readResponse, type ParsedResponse } from '../../protocol/responses.js';
import { escapeXml } from '../../protocol/xml.js';
import { describeMutation, expectationOf } from '../arbitraries/mutations.js';
import type { CaseClass, FuzzCase } from './cases.js';
import type { Wire } from './sign.js';

export interface Invariant {
  id: string;
  title: string;
  clause: ClauseId;
  /** the case classes it judges ('all': every case) */
  judges: readonly CaseClass[] | 'all';
}

/** In the order they are judged: the first one an answer breaks is the one a finding is filed under. */
export const INVARIANTS: readonly Invariant[] = [
  { id: 'answers', title: 'every request is answered within client.timeoutMs (no timeout, reset or refused connection)', clause: 'timeout', judges: 'all' },
  { id: 'no-5xx', title: 'no request, valid or not, gets an HTTP 5xx', clause: 'no-5xx', judges: 'all' },
  { id: 'well-formed', title: 'every 2xx answer is well-formed UTF-8 XML with the right root and a ResponseStatus@Status', clause: 'response-xml', judges: 'all' },
  { id: 'no-stack-trace', title: 'no answer contains a stack trace', clause: 'no-stack-trace', judges: 'all' },
  { id: 'no-secret-echo', title: 'no answer echoes the API key (in any encoding), a keyhash or an HMAC', clause: 'no-secret-echo', judges: 'all' },
  { id: 'echo', title: 'every ResponseStatus carries the request ts and txn byte for byte', clause: 'echo', judges: 'all' },
  {
    id: 'auth-enforced',
    title: 'a request with no valid credential (a wrong keyhash and no HMAC, a wrong keyhash where there is no HMAC, or another orgId) never gets Status 1',
    clause: 'auth-enforced',
    judges: ['unsigned'],
  },
  // one credential wrong while the other verifies: the level of that credential's own clause
  { id: 'keyhash-verified', title: 'a request with a wrong or missing keyhash (its x-digilocker-hmac right) never gets Status 1', clause: 'keyhash', judges: ['unsigned'] },
  { id: 'hmac-verified', title: 'a request with a wrong or missing x-digilocker-hmac, or a body changed after signing (its keyhash right), never gets Status 1', clause: 'hmac', judges: ['unsigned'] },
  { id: 'unknown-no-document', title: 'a search or URI the config does not name never returns a document', clause: 'not-found', judges: ['unknown'] },
  {
    id: 'malformed-refused',
    title: 'malformed input (not XML, not well-formed, nothing to look up) gets a 4xx or Status 0, never a document',
    clause: 'malformed-no-5xx',
    judges: ['malformed'],
  },
  // internal entities expanded (a bounded bomb included) are judged apart from other malformed input: the level is the DTD clause's
  {
    id: 'dtd-refused',
    title: 'a request declaring internal DTD entities (one standing for the search value, or a bounded expansion bomb) is refused, never expanded and served',
    clause: 'dtd-refused',
    judges: ['malformed'],
  },
  {
    id: 'legal-variation',
    title: 'a request varied only where XML and the spec allow (attribute order, whitespace, namespace form, unknown attributes and elements; every opted-in identity field present) gets the document',
    clause: 'legal-variation',
    judges: ['legal'],
  },
  {
    id: 'tolerant-variation',
    title: 'padded values, fractional ts, single quotes, reordered children, CDATA, character references and a BOM are read as the plain request',
    clause: 'tolerant-variation',
    judges: ['tolerant'],
  },
];

export const INVARIANT_IDS = INVARIANTS.map((i) => i.id);

export function checkId(api: PullApi, invariant: string): string {
  return `fuzz.${api}.${invariant}`;
}

/**
 * The kind of a failure: the check it is filed under, the class of the case and which failure of
 * the invariant it is. A shrunk counterexample keeps the kind of the case first found, so it shows
 * the defect that was found (a refused request served, say), not another that breaks the same check.
 */
export function failureKind(c: FuzzCase, v: Violation): string {
  return [checkId(c.api, v.invariant), c.cls, v.kind].filter(Boolean).join(' ');
}

export interface Violation {
  invariant: string;
  /**
   * Which failure of the invariant this is, where one invariant covers several (malformed-refused:
   * input not refused, or nothing to look up yet a document served): shrinking keeps it.
   */
  kind?: string;
  message: string;
  expected: string;
  actual: string;
}

export interface Judgement {
  /** the invariants this case was judged by */
  judged: string[];
  violations: Violation[];
  parsed?: ParsedResponse;
  /** the transport failed with a refused connection: the target went away */
  refused: boolean;
  /**
   * the answer was the target's rate limit, still after the client's one retry (core/client.ts
   * ThrottleNote): it says nothing about the issuer, so no invariant judges it
   */
  throttled?: true;
}

export interface JudgeOptions {
  apiKey: string;
  openSearch: boolean;
  /** the legal/tolerant classes are not judged when the plain request did not succeed */
  skipVariation: ReadonlySet<PullApi>;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodeStrict(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function hasContent(p: ParsedResponse | undefined): boolean {
  return !isBlankText(contentOf(p, 'DocContent')) || !isBlankText(contentOf(p, 'DataContent'));
}

/** A document was served: Status 1, or document content whatever the status. */
function served(p: ParsedResponse | undefined): boolean {
  return p?.status === '1' || hasContent(p);
}

export function describeAnswer(ex: RawExchange, p: ParsedResponse | undefined): string {
  if (ex.error) return ex.error.message;
  const r = ex.response!;
  const status = p?.status;
  return `HTTP ${r.status}${status !== undefined ? `, Status="${status}"` : ''}${hasContent(p) ? ', with document content' : ''}`;
}

/** the mutations that declare entities in an internal DTD subset: judged by dtd-refused */
const DTD_MUTATIONS: ReadonlySet<string> = new Set(['dtd-entity', 'entity-bomb']);

const READ_PROBLEMS = new Set(['not-well-formed', 'html', 'dtd', 'too-large', 'too-deep', 'wrong-root', 'no-response-status', 'no-status-attribute']);

function echoed(body: string, value: string): boolean {
  return value.length >= 6 && (body.includes(value) || body.includes(escapeXml(value)));
}

export function judge(c: FuzzCase, wire: Wire, ex: RawExchange, opts: JudgeOptions): Judgement {
  const judged: string[] = [];
  const violations: Violation[] = [];
  const applies = (inv: Invariant) => inv.judges === 'all' || (inv.judges.includes(c.cls) && !((c.cls === 'legal' || c.cls === 'tolerant') && opts.skipVariation.has(c.api)));
  const add = (invariant: string, message: string, expected: string, actual: string, kind?: string) => violations.push({ invariant, message, expected, actual, ...(kind && { kind }) });
  const byId = new Map(INVARIANTS.map((i) => [i.id, i]));
  const judging = (id: string) => {
    const inv = byId.get(id)!;
    if (!applies(inv) || (id === 'unknown-no-document' && opts.openSearch)) return false;
    judged.push(id);
    return true;
  };

  if (ex.throttled) return { judged, violations, refused: false, throttled: true };
  judging('answers');
  if (ex.error || !ex.response) {
    const kind = ex.error?.kind ?? 'other';
    add('answers', `no answer: ${ex.error?.message ?? 'no response'}`, `an HTTP response within the timeout`, kind);
    return { judged, violations, refused: kind === 'refused' };
  }
  const res = ex.response;
  const text = res.text;
  const parsed = readResponse(c.api, text);

  if (judging('no-5xx') && res.status >= 500) add('no-5xx', `HTTP ${res.status}`, 'HTTP 200 (or a 4xx for a request that is refused)', `HTTP ${res.status}`);

  if (judging('well-formed') && res.status >= 200 && res.status < 300) {
    const strict = decodeStrict(res.bytes);
    const problem = strict === undefined ? { message: 'the body is not valid UTF-8' } : parsed.findings.find((f) => f.severity === 'error' && READ_PROBLEMS.has(f.code));
    if (problem) {
      add(
        'well-formed',
        `HTTP ${res.status} whose body is not a usable ${RESPONSE_ROOT[c.api]}: ${problem.message}`,
        `well-formed UTF-8 XML, root ${RESPONSE_ROOT[c.api]}, ResponseStatus@Status`,
        problem.message,
      );
    }
  }

  if (judging('no-stack-trace')) {
    const frame = findStackTrace(text);
    if (frame) add('no-stack-trace', 'the answer contains a stack trace', 'a generic error message', frame);
  }

  if (judging('no-secret-echo')) {
    // personal values echoed in an error body are judged by the suite's check, whose level
    // follows the profile (the 3.0 OpenAPI lists them in the response); credentials never
    const secrets = [...apiKeyForms(opts.apiKey), ...wire.secrets].filter((s) => echoed(text, s));
    if (secrets.length > 0) {
      add('no-secret-echo', `the answer echoes ${secrets.length} credential value(s) (API key, keyhash or HMAC)`, 'none of them in the body', `${secrets.length} echoed (values redacted)`);
    }
  }

  if (wire.echo && hasResponseStatus(parsed) && judging('echo')) {
    const want = wire.echo;
    const wrong: string[] = [];
    if (want.ts !== undefined && parsed.ts !== want.ts) wrong.push(`ts ${parsed.ts === undefined ? 'missing' : JSON.stringify(parsed.ts)} (sent ${JSON.stringify(want.ts)})`);
    if (want.txn !== undefined && parsed.txn !== want.txn) wrong.push(`txn ${parsed.txn === undefined ? 'missing' : JSON.stringify(clip(parsed.txn))} (sent ${JSON.stringify(clip(want.txn))})`);
    if (wrong.length > 0) add('echo', `ResponseStatus does not echo the request: ${wrong.join('; ')}`, `ts=${JSON.stringify(want.ts)} txn=${JSON.stringify(clip(want.txn ?? ''))}`, wrong.join('; '));
  }

  const answered = res.status < 500;
  const authId = c.cls === 'unsigned' ? authInvariant(c, wire) : undefined;
  if (authId && judging(authId) && answered && served(parsed)) {
    add(authId, AUTH_MESSAGE[authId], 'HTTP 401/403, or 200 with Status="0"', describeAnswer(ex, parsed));
  }
  if (judging('unknown-no-document') && answered && served(parsed)) {
    add('unknown-no-document', `a ${c.api === 'pulluri' ? 'search' : 'URI'} the config does not name returned a document`, 'Status="0" (or 9) and no document content', describeAnswer(ex, parsed));
  }
  // internal entities expanded is a hardening issue (dtd-refused, SHOULD), not malformed input served
  const refusal = c.mutation && DTD_MUTATIONS.has(c.mutation.kind) ? 'dtd-refused' : 'malformed-refused';
  if (c.cls === 'malformed' && judging(refusal) && answered) {
    const expectation = c.mutation ? expectationOf(c.mutation) : 'refuse';
    const refused = (res.status >= 400 && res.status < 500) || (res.status === 200 && parsed.status === '0' && !hasContent(parsed));
    // the message says what was sent: the mutation in words (a renamed root by its name)
    const sent = c.mutation ? ` (${describeMutation(c.mutation, REQUEST_ROOT[c.api])})` : '';
    if (expectation === 'refuse' && !refused) {
      add(refusal, `${refusal === 'dtd-refused' ? 'a request with a DTD' : 'malformed input'}${sent} was not refused`, 'HTTP 4xx, or 200 with Status="0"', describeAnswer(ex, parsed), 'not-refused');
    } else if (expectation === 'no-document' && served(parsed)) {
      add(refusal, `a request with nothing to look up${sent} was served a document`, 'HTTP 4xx, or Status="0"', describeAnswer(ex, parsed), 'served');
    }
  }
  for (const id of ['legal-variation', 'tolerant-variation'] as const) {
    if (judging(id) && !(res.status === 200 && parsed.status === '1')) {
      add(id, `the document was not returned for a request that differs from the plain one only in how it is written`, 'HTTP 200 with Status="1"', describeAnswer(ex, parsed));
    }
  }
  return { judged, violations, parsed, refused: false };
}

type AuthInvariant = 'auth-enforced' | 'keyhash-verified' | 'hmac-verified';

const AUTH_MESSAGE: Record<AuthInvariant, string> = {
  'auth-enforced': 'a request with no valid credential was served',
  'keyhash-verified': 'a request with a wrong keyhash was served: the keyhash is not verified (its x-digilocker-hmac was right)',
  'hmac-verified': 'a request with a wrong x-digilocker-hmac was served: the HMAC is not verified (its keyhash was right)',
};

/**
 * Serving a request with no credential verified is a security failure whatever the policy; with
 * one of keyhash and x-digilocker-hmac still right, what the issuer skipped is that credential's check.
 */
function authInvariant(c: FuzzCase, wire: Wire): AuthInvariant {
  const d = c.defect;
  if (d?.on === 'hmac') return 'hmac-verified';
  const signed = Object.keys(wire.headers).some((h) => h.toLowerCase() === HMAC_HEADER);
  if ((d?.on === 'keyhash' || d?.on === 'ts') && signed) return 'keyhash-verified';
  return 'auth-enforced';
}

function hasResponseStatus(p: ParsedResponse): boolean {
  return p.rootName !== undefined && !p.findings.some((f) => f.code === 'no-response-status');
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
