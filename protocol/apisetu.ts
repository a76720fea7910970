/**
 * API Setu's publisher form of an issuer's documents (OAS-PUBLISHER: the Document API specs of
 * apisetu.gov.in, three of them in ../shared/specs/apisetu-{pan,transport,edistrictkerala}):
 * `POST …/v3/<doctype>/certificate` with a JSON body (txnId, format, certificateParameters,
 * consentArtifact) and the headers X-APISETU-APIKEY and X-APISETU-CLIENTID, answered by the
 * certificate as PDF or XML, or by a JSON error `{error, errorDescription}` whose codes each
 * status documents. Request builders and response readers; pure, no node: imports.
 */
import { inspectPdf, bytesReader } from './bytes.js';
import { readCertificateXml } from './certificate.js';
import { differingFields } from './person-match.js';
import { child, type XmlNode } from './xml.js';

/** The security schemes of every sample (components.securitySchemes: apiKey, clientId, both in header). */
export const API_SETU_API_KEY_HEADER = 'X-APISETU-APIKEY';
export const API_SETU_CLIENT_ID_HEADER = 'X-APISETU-CLIENTID';

/** `format`: every sample's enum is pdf and/or xml (no json, no both). */
export type ApiSetuFormat = 'pdf' | 'xml';
export const API_SETU_FORMATS: readonly ApiSetuFormat[] = ['pdf', 'xml'];

/** The media type each format's 200 answer declares (responses.200.content). */
export const API_SETU_MEDIA_TYPE: Record<ApiSetuFormat, string> = { pdf: 'application/pdf', xml: 'application/xml' };

/**
 * The documented error codes by HTTP status (components.responses.<status>Error of each sample,
 * identical in all three), with the errorDescription each code pairs with. `bad_gatewy` is the
 * documents' spelling.
 */
export const API_SETU_ERRORS = {
  400: {
    missing_parameter: 'Please provide all mandatory parameters',
    invalid_parameter: 'Bad request',
    invalid_format: 'The format parameter is invalid',
    invalid_txnid: 'The txnId parameter must be in UUID format',
    invalid_consentid: 'The consentId parameter must be in UUID format',
  },
  401: { invalid_authentication: 'Authentication failed', invalid_authorization: 'You are not authorized to use this API' },
  404: { record_not_found: 'No record found', url_not_found: 'Your API url or path is incorrect' },
  500: { internal_server_error: 'Internal server error' },
  502: { bad_gatewy: 'Publisher service returned an invalid response' },
  503: { service_unavailable: 'Publisher service is temporarily unavailable' },
  504: { gateway_timeout: 'Publisher service did not respond in time' },
} as const;

export type ApiSetuErrorStatus = keyof typeof API_SETU_ERRORS;
export type ApiSetuErrorCode = { [S in ApiSetuErrorStatus]: keyof (typeof API_SETU_ERRORS)[S] }[ApiSetuErrorStatus];

/** The codes documented for an HTTP status; undefined for a status the documents give no error for. */
export function documentedErrorCodes(status: number): readonly string[] | undefined {
  const codes = (API_SETU_ERRORS as Record<number, Record<string, string>>)[status];
  return codes && Object.keys(codes);
}

/** The description the documents pair with a code. */
export function errorDescriptionOf(code: ApiSetuErrorCode): string {
  for (const codes of Object.values(API_SETU_ERRORS) as Record<string, string>[]) if (codes[code] !== undefined) return codes[code];
  return code;
}

/** The status the documents give a code. */
export function statusOfErrorCode(code: ApiSetuErrorCode): ApiSetuErrorStatus {
  for (const [status, codes] of Object.entries(API_SETU_ERRORS)) if (Object.hasOwn(codes, code)) return Number(status) as ApiSetuErrorStatus;
  throw new Error(`not an API Setu error code: ${code}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `format: uuid` (RFC 4122's textual form; any version, either case). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * Whether an echoed txnId is the request's: the same UUID, compared as UUIDs (RFC 4122 section 3:
 * the hex digits "are case insensitive on input"), so an upper-case echo is the same transaction.
 */
export function sameTxnId(echoed: unknown, sent: string): boolean {
  return echoed === sent || (isUuid(echoed) && isUuid(sent) && echoed.toLowerCase() === sent.toLowerCase());
}

/** A version 4 UUID from a random source (the run's seeded one, so a run repeats). */
export function uuidFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(random() * 4)]!;
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** UID, FullName and DOB (DD-MM-YYYY) are in every sample's certificateParameters; the issuer adds its own. */
export interface CertificateParameters {
  UID: string;
  FullName: string;
  DOB: string;
  [issuerParameter: string]: string;
}

/** components.schemas.ConsentArtifactSchema, filled with the values a test consumer has. */
export interface ConsentArtifact {
  consent: {
    consentId: string;
    timestamp: string;
    dataConsumer: { id: string };
    dataProvider: { id: string };
    purpose: { description: string };
    user: { idType: string; idNumber: string; mobile: string; email: string };
    data: { id: string };
    permission: { access: string; dateRange: { from: string; to: string }; frequency: { unit: string; value: number; repeats: number } };
  };
  signature: { signature: string };
}

/**
 * A consent artifact of the schema's shape: the consumer, the publisher (orgId) and the document
 * type consented to, for one day from `now`. The documents give no rule for the values beyond
 * their shapes (dates in UTC with milliseconds, consentId a UUID); the signature is a placeholder.
 */
export function consentArtifact(o: { consentId: string; now: Date; consumerId: string; providerId: string; docType: string }): ConsentArtifact {
  const from = o.now.toISOString();
  const to = new Date(o.now.getTime() + 24 * 3600 * 1000).toISOString();
  return {
    consent: {
      consentId: o.consentId,
      timestamp: from,
      dataConsumer: { id: o.consumerId },
      dataProvider: { id: o.providerId },
      purpose: { description: 'dlconform conformance test' },
      user: { idType: 'dlconform', idNumber: 'test', mobile: '0000000000', email: 'test@dlconform.invalid' },
      data: { id: o.docType },
      permission: { access: 'VIEW', dateRange: { from, to }, frequency: { unit: 'DAY', value: 1, repeats: 1 } },
    },
    signature: { signature: 'dlconform-unsigned' },
  };
}

/** The request body; every member optional so a check can leave one out or spoil it. */
export interface CertificateRequest {
  txnId?: unknown;
  format?: unknown;
  certificateParameters?: unknown;
  consentArtifact?: unknown;
}

/** The JSON body of `POST …/certificate`, members in the samples' order. */
export function certificateRequestBody(request: CertificateRequest): string {
  const ordered: Record<string, unknown> = {};
  for (const key of ['txnId', 'format', 'certificateParameters', 'consentArtifact'] as const) if (request[key] !== undefined) ordered[key] = request[key];
  return JSON.stringify(ordered);
}

/** The request headers; a credential given as undefined is left out (the missing-credential probes). */
export function certificateRequestHeaders(credentials: { clientId?: string; apiKey?: string }): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    Accept: 'application/pdf, application/xml, application/json',
    ...(credentials.apiKey !== undefined && { [API_SETU_API_KEY_HEADER]: credentials.apiKey }),
    ...(credentials.clientId !== undefined && { [API_SETU_CLIENT_ID_HEADER]: credentials.clientId }),
  };
}

/** The media type of a Content-Type value, lower case, without parameters; '' when absent. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export interface ApiSetuErrorReading {
  /** the body is a JSON object */
  json: boolean;
  error?: string;
  errorDescription?: string;
  /** a txnId member, when the body carries one (the documents define none: see txnIdEchoes) */
  txnId?: unknown;
  /** how the body departs from {error, errorDescription}, in words; empty when it has that shape */
  problems: string[];
}

/** Reads an error body: a JSON object with the string members error and errorDescription. */
export function readApiSetuError(text: string): ApiSetuErrorReading {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const head = text.trim().slice(0, 60);
    return { json: false, problems: [head === '' ? 'the body is empty, not a JSON error' : `the body is not JSON: ${JSON.stringify(head)}`] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { json: false, problems: [`the body is JSON ${Array.isArray(value) ? 'array' : typeof value}, not an object`] };
  const o = value as Record<string, unknown>;
  const problems: string[] = [];
  const error = typeof o.error === 'string' && o.error !== '' ? o.error : undefined;
  const errorDescription = typeof o.errorDescription === 'string' && o.errorDescription !== '' ? o.errorDescription : undefined;
  if (error === undefined) problems.push(o.error === undefined ? 'no error member' : `error is ${JSON.stringify(o.error)}, not a code`);
  if (errorDescription === undefined) {
    const near = Object.keys(o).find((k) => k !== 'errorDescription' && k.replace(/[_-]/g, '').toLowerCase() === 'errordescription');
    problems.push(o.errorDescription === undefined ? `no errorDescription member${near ? ` (it has ${near})` : ''}` : `errorDescription is ${JSON.stringify(o.errorDescription)}, not a text`);
  }
  return {
    json: true,
    ...(error !== undefined && { error }),
    ...(errorDescription !== undefined && { errorDescription }),
    ...(Object.hasOwn(o, 'txnId') && { txnId: o.txnId }),
    problems,
  };
}

/** The holder a certificate names: IssuedTo/Person's name, dob and uid attributes. */
export interface CertificateHolder {
  name?: string;
  dob?: string;
  uid?: string;
}

export interface ApiSetuXmlReading {
  root?: XmlNode;
  holder?: CertificateHolder;
  /** a txnId attribute of the root, when there is one */
  txnId?: string;
  /** why this is not a Certificate document, in words; empty when it is */
  problems: string[];
}

/**
 * Reads the 200 answer to format xml: well-formed XML whose root is Certificate (every sample's
 * schema has `xml: name: Certificate`), holding IssuedTo/Person.
 */
export function readApiSetuXml(text: string): ApiSetuXmlReading {
  const { root, findings } = readCertificateXml(text);
  const errors = findings.filter((f) => f.severity === 'error').map((f) => f.message);
  if (!root) return { problems: errors.length > 0 ? errors : ['not XML'] };
  const problems = [...errors];
  if (root.name !== 'Certificate') problems.push(`the root element is ${root.name}, not Certificate`);
  const person = child(child(root, 'IssuedTo'), 'Person');
  if (root.name === 'Certificate' && !person) problems.push('the Certificate has no IssuedTo/Person');
  const holder = person && {
    ...(person.attrs.name !== undefined && { name: person.attrs.name }),
    ...(person.attrs.dob !== undefined && { dob: person.attrs.dob }),
    ...(person.attrs.uid !== undefined && { uid: person.attrs.uid }),
  };
  return { root, problems, ...(holder && { holder }), ...(root.attrs.txnId !== undefined && { txnId: root.attrs.txnId }) };
}

/** Why the 200 answer to format pdf is not a PDF document; undefined when it is one. */
export function pdfProblem(bytes: Uint8Array): string | undefined {
  const head = String.fromCharCode(...bytes.subarray(0, 5));
  if (head !== '%PDF-') {
    const shown = String.fromCharCode(...bytes.subarray(0, 16)).replace(/[^\x20-\x7e]/g, '.');
    return bytes.length === 0 ? 'the body is empty' : `the body starts ${JSON.stringify(shown)}, not %PDF-`;
  }
  const structure = inspectPdf(bytes.length, bytesReader(bytes));
  return structure.eof ? undefined : 'no %%EOF at the end';
}

/**
 * The fields on which the holder a certificate names differs from the certificateParameters
 * asked for: name with FullName and dob with DOB, compared as for a Pull URI response's IssuedTo
 * (protocol/person-match.ts); uid with UID only where the certificate gives one with digits, on
 * all 12 digits, or on its last 4 when the rest are masked (the samples leave uid "" in their
 * examples, and Aadhaar is shown masked on certificates).
 */
export function holderDiffers(holder: CertificateHolder, parameters: Pick<CertificateParameters, 'FullName' | 'DOB' | 'UID'>): string[] {
  const person: Record<string, string> = {};
  if (holder.name !== undefined) person.name = holder.name;
  if (holder.dob !== undefined) person.dob = holder.dob;
  const differing: string[] = differingFields(person, { fullName: parameters.FullName, dob: parameters.DOB }, ['name', 'dob']);
  const uid = holder.uid?.trim() ?? '';
  const digits = uid.replace(/\D/g, '');
  if (digits.length > 0) {
    const masked = /[xX*•]/.test(uid);
    const expected = parameters.UID.replace(/\D/g, '');
    if (masked ? !expected.endsWith(digits.slice(-4)) : digits !== expected) differing.push('uid');
  }
  return differing;
}
