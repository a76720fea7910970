/**
 * The Requester's upload service (SEED-001 Requester Specification, "Handling the response"): the
 * DigiLocker widget POSTs user_ref, doc_id and doc_url to the client application's service, which
 * retrieves the document from doc_url, stores it and answers 'SUCCESS' or 'FAILURE'. Pure: the
 * fields and their encoding, reading the answer, telling a document by its first bytes, judging
 * the upload URL's transport. The harness (conformance/requester/) and the reference service
 * (fixtures/requester/) both use these.
 */
import { imageKindOf } from './image.js';
import { UPLOAD_MAX_BYTES } from './partner.js';

/** The three parameters, all "(required)", in the document's order. */
export const UPLOAD_FIELDS = ['user_ref', 'doc_id', 'doc_url'] as const;
export type UploadField = (typeof UPLOAD_FIELDS)[number];
export type UploadFields = Record<UploadField, string>;

/**
 * The document shows FORMAT as an object literal ({'user_ref': …, 'doc_id': …, 'doc_url': …})
 * handed to a jQuery library; jQuery posts such an object as a form, so the harness sends
 * application/x-www-form-urlencoded.
 */
export const UPLOAD_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** The request body with every field but those left out. */
export function uploadBody(fields: UploadFields, leaveOut: readonly UploadField[] = []): string {
  const form = new URLSearchParams();
  for (const name of UPLOAD_FIELDS) if (!leaveOut.includes(name)) form.set(name, fields[name]);
  return form.toString();
}

/**
 * The fields of a request body: a form, or a JSON object (a service may be called by its own page
 * as JSON); a field that is absent or not a string is missing.
 */
export function readUploadBody(body: string, contentType: string | undefined): Partial<UploadFields> {
  const fields: Partial<UploadFields> = {};
  if ((contentType ?? '').toLowerCase().includes('json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return fields;
    }
    if (typeof parsed !== 'object' || parsed === null) return fields;
    for (const name of UPLOAD_FIELDS) {
      const value = (parsed as Record<string, unknown>)[name];
      if (typeof value === 'string') fields[name] = value;
    }
    return fields;
  }
  const form = new URLSearchParams(body);
  for (const name of UPLOAD_FIELDS) {
    const value = form.get(name);
    if (value !== null) fields[name] = value;
  }
  return fields;
}

export type UploadAnswer = 'SUCCESS' | 'FAILURE';

/** At most this much of an answer is read: 'SUCCESS' and 'FAILURE' are short words. */
export const ANSWER_LIMIT_BYTES = 4096;

/**
 * The answer the body says, or undefined for anything else. The document quotes the words
 * (‘SUCCESS’, ‘FAILURE’) and says nothing of case or framing: the body is read trimmed, in any
 * case, and a JSON string ("SUCCESS") counts as its word.
 */
export function readUploadAnswer(body: string): UploadAnswer | undefined {
  let text = body.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1).trim();
  const word = text.toUpperCase();
  return word === 'SUCCESS' || word === 'FAILURE' ? word : undefined;
}

/** The document kinds a DigiLocker document is served as, by their first bytes. */
export type DocumentKind = 'pdf' | 'jpeg' | 'png';

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

/** What the first bytes say the body is, or undefined when it is not a document (an HTML page, a JSON error). */
export function documentKind(head: Uint8Array): DocumentKind | undefined {
  if (PDF_MAGIC.every((b, i) => head[i] === b)) return 'pdf';
  const image = imageKindOf(head);
  return image === 'JPEG' ? 'jpeg' : image === 'PNG' ? 'png' : undefined;
}

/** The default limit of a stored document, DigiLocker's own upload limit: the harness serves a body above it as the oversized one. */
export const DEFAULT_MAX_DOCUMENT_BYTES = UPLOAD_MAX_BYTES;

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

/** A loopback host: localhost, 127.0.0.0/8 or ::1, where a service under test runs. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(host) || host.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export type TransportJudgement = { verdict: 'pass' | 'warn'; message: string } | { verdict: 'invalid'; message: string };

/** How the upload URL's transport meets "This service will be provided by the client application over https." */
export function judgeUploadTransport(uploadUrl: string): TransportJudgement {
  let url: URL;
  try {
    url = new URL(uploadUrl);
  } catch {
    return { verdict: 'invalid', message: `${JSON.stringify(uploadUrl)} is not a URL` };
  }
  if (url.protocol === 'https:') return { verdict: 'pass', message: 'the upload service is served over https' };
  if (url.protocol !== 'http:') return { verdict: 'invalid', message: `${url.protocol} is neither https: nor http:` };
  if (isLoopbackHost(url.hostname)) return { verdict: 'pass', message: `plain http on the loopback address ${url.hostname}: a service under test; deployed, it must be https` };
  return { verdict: 'warn', message: `the upload service is plain http on ${url.hostname}: the document's user_ref and doc_url travel unencrypted; serve it over https` };
}
