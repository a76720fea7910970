/**
 * The Push side (issuer → DigiLocker): the Push CSV row schema (SEED-001 §8.1, facts §1.7 item 46,
 * §7), PushCSVRequest / PushCSVResponse (§1.7 items 43–45, §9.4) and the XML Push URI API
 * PushUriRequest / PushUriResponse (§1.8 item 48, §2.6, §9.7), and the partner form Push URI to
 * Account (OAS-AUTHPARTNER, §1.8 item 49). Builders make the exact strings
 * sent; readers never throw and report problems as findings. Row checks never put an Aadhaar
 * number in a message in full (last 4 digits only, see maskAadhaar).
 */
import { keyhash, timingSafeEqualText, type HashFunctions } from './auth.js';
import { isValidAadhaar } from './aadhaar.js';
import { isCalendarDate } from './dates.js';
import { base64Encode, inspectBase64, toHex, utf8DecodeStrict, utf8Encode } from './bytes.js';
import type { Clause } from './clauses.js';
import { checkUri, DOC_ID_MAX } from './uri.js';
import { child, escapeXml, readXml, type Finding, type XmlLimits } from './xml.js';

// ---------------------------------------------------------------- clauses

/** The Push clauses, quoted (SEED-001 = the Dedicated Repository spec of 2016, file 001). */
export const PUSH_CLAUSES = [
  {
    id: 'push-csv-columns',
    document: 'SEED-001',
    section: '8.1 (CSV format table)',
    level: 'MUST',
    text: 'The format of the CSV file: 1 Aadhaar, 2 Uri, 3 doc_type, 4 doc_name, 5 doc_id, 6 issued_on, 7 valid_from, 8 valid_to, 9 time_stamp, 10 Action.',
  },
  {
    id: 'push-csv-aadhaar',
    document: 'SEED-001',
    section: '8.1 #1; UIDAI',
    level: 'MUST',
    text: 'Aadhaar: Aadhaar number of the citizen to whom the document is issued (12 digits, first 2–9, Verhoeff check digit).',
  },
  {
    id: 'push-csv-uri',
    document: 'SEED-001',
    section: '8.1 #2; 5, 7',
    level: 'MUST',
    text: 'Uri: URI of the documents as stored in issuer repository. This URI will be used to fetch a document from the issuer repository (IssuerId-DocType-DocId).',
  },
  { id: 'push-csv-doc-type', document: 'SEED-001', section: '8.1 #3', level: 'MUST', text: 'doc_type: The 5 character code defining the type of the document issued.' },
  { id: 'push-csv-doc-name', document: 'SEED-001', section: '8.1 #4', level: 'MUST', text: 'doc_name: This is descriptive name of the document.' },
  {
    id: 'push-csv-doc-id',
    document: 'SEED-001',
    section: '8.1 #5; 7',
    level: 'MUST',
    text: 'doc_id: A unique number of the document. This id will be unique within the document type issued by the issuer. (Document ID is an alpha-numeric string with maximum length of 10.)',
  },
  {
    id: 'push-csv-dates',
    document: 'SEED-001',
    section: '8.1 #6–8',
    level: 'MUST',
    text: 'issued_on: The issue date of the document in DD/MM/YYYY format. valid_from / valid_to: DD/MM/YYYY format … In case not applicable please put a blank value.',
  },
  { id: 'push-csv-time-stamp', document: 'SEED-001', section: '8.1 #9', level: 'MUST', text: 'time_stamp: The time stamp when the document was generated in DD/MM/YYYY HH:MI:SS AM format.' },
  { id: 'push-csv-action', document: 'SEED-001', section: '8.1 #10', level: 'SHOULD', text: 'Action: A – Add, U – Update, D – Delete. Currently, Digital Locker only supports addition of new URIs.' },
  {
    id: 'push-csv-header',
    document: 'FACTS',
    section: '§1.7 item 46, §7',
    level: 'MAY',
    text: 'A header row, the separator/quoting rules and the line ending are not specified (the Drupal client sends no header row).',
  },
  {
    id: 'push-csv-unique-pair',
    document: 'SEED-001',
    section: '8.1 #10',
    level: 'SHOULD',
    text: 'Action that needs to be taken for the Aadhaar number and URI combination: A – Add a new URI for the given Aadhaar number (a pair added twice is a mistake).',
  },
  {
    id: 'doc-id-random',
    document: 'SEED-001',
    section: '7 (Document ID)',
    level: 'SECURITY',
    text: 'Using random string eliminates the possibility of “guessing” next sequence number … It is highly recommended that issuer needing to issue a total of n documents within a document type use at least 10n random space from which the strings/numbers are chosen to randomly allocate.',
  },
  {
    id: 'push-csv-request',
    document: 'SEED-001',
    section: '8.1.2; FACTS §1.7 items 43–44',
    level: 'MUST',
    text: 'PushCSVRequest ver, ts, txn, orgId, keyhash (M; you must use the same timestamp value that you have specified in the ts element); DocDetails/DocContent: Base64 encoded content of CSV file; DocDetails/FileName.',
  },
  {
    id: 'push-csv-response',
    document: 'SEED-001',
    section: '8.1.2; FACTS §1.7 item 45, C15',
    level: 'MUST',
    text: 'PushCSVResponse ver, ts (as passed), txn, orgId; ResponseStatus: 1 - Success, 0 - Failure (element text); ResponseMessage.',
  },
  {
    id: 'push-uri-request',
    document: 'FACTS',
    section: '§1.8 item 48, §2.6, §9.7',
    level: 'MUST',
    text: 'PushUriRequest ver, ts, txn, orgId, keyhash; UriDetails: Aadhaar, Uri, DocType, DocName, DocId, IssuedOn, ValidFrom, ValidTo, Timestamp, Action.',
  },
  {
    id: 'push-content-type',
    document: 'SEED-001',
    section: '8.1.2; FACTS §1.7 item 42, §2.6',
    level: 'SHOULD',
    text: 'Header: Content-Type: application/xml. (dlconform: a request without it, or with another media type such as the application/x-www-form-urlencoded curl sends by default, is still read, with a warning.)',
  },
  {
    id: 'push-ts-format',
    document: 'SEED-001',
    section: '8.1.2; FACTS §1.2 item 9, C4',
    level: 'SHOULD',
    text: 'ts="YYYY-MM-DDThh:mm:ss+/-nn:nn" (the template form, fractional seconds allowed). (FACTS C4: the Drupal Push client sends d-m-Y h:i:s, which DigiLocker seems to accept; a ts of another form is a warning, not a refusal.)',
  },
  {
    id: 'push-doc-id-one-uri',
    document: 'SEED-001',
    section: '5.4 (Document ID); FACTS §1.6 item 40',
    level: 'MUST',
    text: 'DocId … MUST BE unique WITHIN the issuer system within a document type. (So one (doc_type, doc_id) names one document and has one URI: a second, different URI for it, in the same file or after one already pushed, is two locker entries for one document.)',
  },
  {
    id: 'push-retry-idempotent',
    document: 'FACTS',
    section: '§1.7 item 47, §8',
    level: 'SHOULD',
    text: "DigiLocker imports uploaded files with a job scheduler (asynchronously); DigiLocker's timeout for issuer calls is not published. (dlconform: an upload whose answer was lost — HTTP 5xx, a timeout, an unreadable ack — is retried, a bounded number of times, with the same txn and the same rows, so DigiLocker can tell a retry from a second upload.)",
  },
  {
    id: 'push-uri-account',
    document: 'OAS-AUTHPARTNER',
    section: 'paths./account/1/pushuri; FACTS §1.8 item 49',
    level: 'MUST',
    text: 'multipart/form-data: clientid, hmac (SHA-256 of client secret, clientid, ts concatenated in this sequence), ts (UNIX seconds, not older than 30 minutes), digilockerid, uri, doctype, description, docid, issuedate / validfrom / validto (DDMMYYYY), action (A, U or D). Errors: 400 invalid_parameter, 401 invalid_client_id, 404 invalid_digilocker_id, 500 unexpected_error.',
  },
  {
    id: 'push-uri-account-hmac-form',
    document: 'FACTS',
    section: 'C24; OAS-AUTHPARTNER PushUri.hmac; SEED-002 #70',
    level: 'MAY',
    text: 'The OpenAPI: "SHA-256 encrypted value of the client secret, clientid and ts parameters above concatenated in this sequence"; the partner FAQ: "HMAC(client_secret, client_id, timestamp)". (dlconform: the OpenAPI form is accepted; which form a client sent is noted.)',
  },
] as const satisfies readonly Clause[];

/** The id of a Push clause: a row finding naming an id that is not registered does not compile. */
export type PushClauseId = (typeof PUSH_CLAUSES)[number]['id'];

// ---------------------------------------------------------------- endpoints

/** Where DigiLocker receives a PushCSVRequest (the CSV Upload API), under its gateway's origin. */
export const PUSH_CSV_PATH = '/public/issuer/api/csvupload/1/xml';
/** Where DigiLocker receives a PushUriRequest (one URI at a time). */
export const PUSH_URI_PATH = '/public/issuer/api/issuedoc/1/xml';

// ---------------------------------------------------------------- CSV row schema

export const PUSH_CSV_COLUMNS = ['Aadhaar', 'Uri', 'doc_type', 'doc_name', 'doc_id', 'issued_on', 'valid_from', 'valid_to', 'time_stamp', 'Action'] as const;
export type PushCsvColumn = (typeof PUSH_CSV_COLUMNS)[number];
export type PushCsvRow = Record<PushCsvColumn, string>;
export const PUSH_ACTIONS = ['A', 'U', 'D'] as const;
export type PushAction = (typeof PUSH_ACTIONS)[number];

/** `XXXXXXXX1234`: an Aadhaar-like value with all but the last 4 characters hidden. */
export function maskAadhaar(value: string): string {
  if (value.length <= 4) return 'X'.repeat(value.length);
  return 'X'.repeat(value.length - 4) + value.slice(-4);
}

function calendarDate(d: string, m: string, y: string): boolean {
  return isCalendarDate(Number(d), Number(m), Number(y));
}

const CSV_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const CSV_TIMESTAMP = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2}) (AM|PM)$/;

/** DD/MM/YYYY, a real calendar date (the CSV date form, DR-HIST v1.4). */
export function isCsvDate(value: string): boolean {
  const m = CSV_DATE.exec(value);
  return m !== null && calendarDate(m[1]!, m[2]!, m[3]!);
}

/** DD/MM/YYYY → a comparable number YYYYMMDD, or undefined. */
export function csvDateKey(value: string): number | undefined {
  const m = CSV_DATE.exec(value);
  if (!m || !calendarDate(m[1]!, m[2]!, m[3]!)) return undefined;
  return Number(m[3]) * 10_000 + Number(m[2]) * 100 + Number(m[1]);
}

const PUSH_TS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?[+-](\d{2}):(\d{2})$/;

/**
 * The envelope ts in the template form `YYYY-MM-DDThh:mm:ss±hh:mm` (fractional seconds allowed):
 * a real date and time and an offset of at most 14 hours. `Z` is not the template's form.
 */
export function isPushTs(value: string): boolean {
  const m = PUSH_TS.exec(value);
  if (!m || !calendarDate(m[3]!, m[2]!, m[1]!)) return false;
  return Number(m[4]) <= 23 && Number(m[5]) <= 59 && Number(m[6]) <= 59 && Number(m[8]) <= 14 && Number(m[9]) <= 59;
}

/** true for `application/xml`, with or without parameters (charset), in any case. */
export function isXmlRequestContentType(value: string | undefined): boolean {
  return value !== undefined && value.split(';')[0]!.trim().toLowerCase() === 'application/xml';
}

/** `DD/MM/YYYY HH:MI:SS AM|PM` with a 12-hour clock (01–12). */
export function isCsvTimestamp(value: string): boolean {
  const m = CSV_TIMESTAMP.exec(value);
  if (!m || !calendarDate(m[1]!, m[2]!, m[3]!)) return false;
  const h = Number(m[4]);
  return h >= 1 && h <= 12 && Number(m[5]) <= 59 && Number(m[6]) <= 59;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A date (its UTC fields, so callers shift to IST first if they want) as DD/MM/YYYY. */
export function formatCsvDate(date: Date): string {
  return `${pad(date.getUTCDate())}/${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCFullYear(), 4)}`;
}

/** A date (UTC fields) as `DD/MM/YYYY HH:MI:SS AM|PM`. */
export function formatCsvTimestamp(date: Date): string {
  const h24 = date.getUTCHours();
  const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
  return `${formatCsvDate(date)} ${pad(h12)}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${h24 < 12 ? 'AM' : 'PM'}`;
}

export type RowSeverity = 'error' | 'warning' | 'info';

export interface RowFinding {
  /** 1-based column (field) number in the row */
  column: number;
  /** the column's name in the schema, or `column N` beyond the tenth */
  columnName: string;
  severity: RowSeverity;
  code: string;
  clause: PushClauseId;
  message: string;
}

export interface RowCheckOptions {
  /** the issuer id every URI must start with (`IssuerId-`) */
  issuerId?: string;
}

/** true when the fields are the column names (a header row), compared ignoring case and spaces. */
export function isHeaderRow(fields: readonly string[]): boolean {
  if (fields.length !== PUSH_CSV_COLUMNS.length) return false;
  return fields.every((f, i) => f.trim().toLowerCase().replace(/\s+/g, '_') === PUSH_CSV_COLUMNS[i]!.toLowerCase());
}

const CONTROL = /[\u0000-\u001f\u007f]/;
const DOC_TYPE_CHARS = /^[A-Za-z0-9]+$/;
const DOC_ID_CHARS = /^[A-Za-z0-9]+$/;
export const DOC_TYPE_LENGTH = 5;

/**
 * Checks one CSV record against the row schema. Errors make DigiLocker reject or misfile the row;
 * warnings are allowed but suspicious (U/D actions, doc_type not 5 characters, doc_id not the
 * URI's DocId). One fault in one field gives exactly one finding, at that field's column.
 */
export function checkPushCsvRow(fields: readonly string[], options: RowCheckOptions = {}): RowFinding[] {
  const out: RowFinding[] = [];
  const add = (column: number, severity: RowSeverity, code: string, clause: PushClauseId, message: string) =>
    out.push({ column, columnName: PUSH_CSV_COLUMNS[column - 1] ?? `column ${column}`, severity, code, clause, message });
  const n = PUSH_CSV_COLUMNS.length;
  if (fields.length < n) {
    add(fields.length + 1, 'error', 'missing-columns', 'push-csv-columns', `row has ${fields.length} columns, expected ${n} (missing from ${PUSH_CSV_COLUMNS[fields.length]})`);
  } else if (fields.length > n) {
    add(n + 1, 'error', 'extra-columns', 'push-csv-columns', `row has ${fields.length} columns, expected ${n}`);
  }
  const get = (i: number): string | undefined => fields[i];

  const aadhaar = get(0);
  if (aadhaar !== undefined) {
    if (aadhaar === '') add(1, 'error', 'aadhaar-empty', 'push-csv-aadhaar', 'Aadhaar is empty');
    else if (!/^\d{12}$/.test(aadhaar)) add(1, 'error', 'aadhaar-format', 'push-csv-aadhaar', `Aadhaar ${maskAadhaar(aadhaar)} is not 12 digits (${aadhaar.length} characters)`);
    else if (!/^[2-9]/.test(aadhaar)) add(1, 'error', 'aadhaar-format', 'push-csv-aadhaar', `Aadhaar ${maskAadhaar(aadhaar)} starts with 0 or 1`);
    else if (!isValidAadhaar(aadhaar)) add(1, 'error', 'aadhaar-checksum', 'push-csv-aadhaar', `Aadhaar ${maskAadhaar(aadhaar)} fails the Verhoeff check digit`);
  }

  const docType = get(2);
  let docTypeOk = false;
  if (docType !== undefined) {
    if (docType === '') add(3, 'error', 'doc-type-empty', 'push-csv-doc-type', 'doc_type is empty');
    else if (!DOC_TYPE_CHARS.test(docType)) add(3, 'error', 'doc-type-format', 'push-csv-doc-type', `doc_type ${JSON.stringify(docType)} is not an alphanumeric code`);
    else {
      docTypeOk = true;
      if (docType.length !== DOC_TYPE_LENGTH)
        add(3, 'warning', 'doc-type-length', 'push-csv-doc-type', `doc_type "${docType}" is ${docType.length} characters; the spec defines a ${DOC_TYPE_LENGTH} character code`);
    }
  }

  const uri = get(1);
  let uriDocId: string | undefined;
  if (uri !== undefined) {
    const verdict = checkUri(uri, { issuerId: options.issuerId, docType: docTypeOk ? docType : undefined });
    uriDocId = verdict.parsed?.docId;
    // the URI's DocId length/charset is judged once, on the doc_id column (below)
    const findings = verdict.findings.filter((f) => !/^DocId (is \d+ characters|".*" is not alphanumeric)/.test(f.message));
    const errors = findings.filter((f) => f.severity === 'error');
    if (errors.length > 0) add(2, 'error', 'uri', 'push-csv-uri', errors.map((f) => f.message).join('; '));
    else for (const f of findings) add(2, 'warning', 'uri', 'push-csv-uri', f.message);
  }

  const docName = get(3);
  if (docName !== undefined) {
    if (docName.trim() === '') add(4, 'error', 'doc-name-empty', 'push-csv-doc-name', 'doc_name is empty');
    else if (CONTROL.test(docName)) add(4, 'error', 'doc-name-control', 'push-csv-doc-name', 'doc_name contains control characters');
    else if (docName.includes('"')) add(4, 'warning', 'doc-name-quote', 'push-csv-doc-name', 'doc_name contains a double quote: check the CSV quoting (a stray quote breaks strict CSV readers)');
  }

  const docId = get(4);
  if (docId !== undefined) {
    if (docId === '') add(5, 'error', 'doc-id-empty', 'push-csv-doc-id', 'doc_id is empty');
    // real issuers' doc IDs carry dashes (FACTS C13): a warning, as for the URI's DocId
    else if (!DOC_ID_CHARS.test(docId)) add(5, 'warning', 'doc-id-format', 'push-csv-doc-id', `doc_id ${JSON.stringify(docId)} is not alphanumeric`);
    else if (docId.length > DOC_ID_MAX) add(5, 'warning', 'doc-id-length', 'push-csv-doc-id', `doc_id is ${docId.length} characters, over the ${DOC_ID_MAX} the spec states`);
    else if (uriDocId !== undefined && uriDocId !== '' && uriDocId !== docId) {
      add(5, 'warning', 'doc-id-mismatch', 'push-csv-doc-id', `doc_id "${docId}" is not the URI's DocId "${uriDocId}"`);
    }
  }

  const issuedOn = get(5);
  if (issuedOn !== undefined && !isCsvDate(issuedOn)) {
    add(6, 'error', 'date-format', 'push-csv-dates', `issued_on ${JSON.stringify(issuedOn)} is not a DD/MM/YYYY date`);
  }
  const validFrom = get(6);
  if (validFrom !== undefined && validFrom !== '' && !isCsvDate(validFrom)) {
    add(7, 'error', 'date-format', 'push-csv-dates', `valid_from ${JSON.stringify(validFrom)} is neither blank nor a DD/MM/YYYY date`);
  }
  const validTo = get(7);
  if (validTo !== undefined && validTo !== '') {
    if (!isCsvDate(validTo)) add(8, 'error', 'date-format', 'push-csv-dates', `valid_to ${JSON.stringify(validTo)} is neither blank nor a DD/MM/YYYY date`);
    else if (validFrom !== undefined && validFrom !== '') {
      const from = csvDateKey(validFrom);
      const to = csvDateKey(validTo);
      if (from !== undefined && to !== undefined && to < from) add(8, 'error', 'validity-order', 'push-csv-dates', `valid_to ${validTo} is before valid_from ${validFrom}`);
    }
  }

  const timeStamp = get(8);
  if (timeStamp !== undefined && !isCsvTimestamp(timeStamp)) {
    add(9, 'error', 'time-stamp-format', 'push-csv-time-stamp', `time_stamp ${JSON.stringify(timeStamp)} is not DD/MM/YYYY HH:MI:SS AM|PM (12-hour clock)`);
  }

  const action = get(9);
  if (action !== undefined) {
    if (action === 'U' || action === 'D') add(10, 'warning', 'action-unsupported', 'push-csv-action', `Action ${action}: currently, Digital Locker only supports addition of new URIs (A)`);
    else if (action !== 'A') add(10, 'error', 'action-invalid', 'push-csv-action', `Action ${JSON.stringify(action)} is not A, U or D`);
  }
  return out;
}

export function rowFields(row: PushCsvRow): string[] {
  return PUSH_CSV_COLUMNS.map((c) => row[c]);
}

/** One CSV record, quoted only where needed (RFC 4180); no line break appended. */
export function formatCsvRecord(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}

// ---------------------------------------------------------------- envelopes

/** The Push envelope: root attributes of PushCSVRequest / PushUriRequest. */
export interface PushEnvelope {
  ver: string;
  ts: string;
  txn: string;
  orgId: string;
  /** omitted when undefined */
  keyhash?: string;
}

const PUSH_NS = ' xmlns:ns2="http://tempuri.org/"';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

function rootAttrs(env: PushEnvelope): string {
  let out = ` ver="${escapeXml(env.ver)}" ts="${escapeXml(env.ts)}" txn="${escapeXml(env.txn)}" orgId="${escapeXml(env.orgId)}"`;
  if (env.keyhash !== undefined) out += ` keyhash="${escapeXml(env.keyhash)}"`;
  return out;
}

/** The envelope an issuer sends: keyhash = sha256hex(apiKey + ts), with the same ts string (§1.7 item 43). */
export function pushEnvelope(hash: HashFunctions, apiKey: string, fields: { ts: string; txn: string; orgId: string; ver?: string }): PushEnvelope {
  return pushEnvelopeSigned((ts) => keyhash(hash, apiKey, ts), fields);
}

/** The same envelope with the keyhash computed by `sign` (for callers that hold the key elsewhere). */
export function pushEnvelopeSigned(sign: (ts: string) => string, fields: { ts: string; txn: string; orgId: string; ver?: string }): PushEnvelope {
  return { ver: fields.ver ?? '1.0', ts: fields.ts, txn: fields.txn, orgId: fields.orgId, keyhash: sign(fields.ts) };
}

export interface ReadEnvelope {
  rootName?: string;
  attrs: Record<string, string>;
  findings: Finding[];
}

function envelopeFindings(attrs: Record<string, string>, withKeyhash: boolean): Finding[] {
  const findings: Finding[] = [];
  const names = withKeyhash ? ['ver', 'ts', 'txn', 'orgId', 'keyhash'] : ['ver', 'ts', 'txn', 'orgId'];
  for (const name of names) {
    const present = Object.keys(attrs).find((a) => a.toLowerCase() === name.toLowerCase());
    if (present === undefined) findings.push({ code: `no-${name.toLowerCase()}`, severity: 'error', message: `root attribute ${name} is missing` });
    else if (present !== name) findings.push({ code: 'attribute-case', severity: 'warning', message: `root attribute ${present} should be ${name}` });
  }
  return findings;
}

// ---------------------------------------------------------------- PushCSVRequest / PushCSVResponse

/** Base64 of the UTF-8 CSV text: what goes in DocDetails/DocContent. */
export function pushCsvDocContent(csv: string): string {
  return base64Encode(utf8Encode(csv));
}

export interface PushCsvRequestBody {
  /** base64 of the CSV file (pushCsvDocContent) */
  docContent: string;
  fileName: string;
}

/**
 * `<PushCSVRequest …><DocDetails><DocContent/><FileName/></DocDetails>`. The template prints
 * `<File Name>`, which is not XML; `FileName` is what clients send (§1.7 item 44).
 */
export function buildPushCsvRequest(env: PushEnvelope, body: PushCsvRequestBody): string {
  return (
    `${DECLARATION}<PushCSVRequest${PUSH_NS}${rootAttrs(env)}><DocDetails>` +
    `<DocContent>${escapeXml(body.docContent)}</DocContent><FileName>${escapeXml(body.fileName)}</FileName>` +
    `</DocDetails></PushCSVRequest>`
  );
}

export interface ReadPushCsvRequest extends ReadEnvelope {
  /** DocContent, whitespace-trimmed */
  docContent?: string;
  /** the decoded CSV text when DocContent is valid base64 of UTF-8 */
  csv?: string;
  fileName?: string;
}

/** Reads a PushCSVRequest (the mock DigiLocker's side); never throws. */
export function readPushCsvRequest(text: string, limits?: XmlLimits): ReadPushCsvRequest {
  const { root, findings } = readXml(text, limits);
  const out: ReadPushCsvRequest = { attrs: {}, findings: [...findings] };
  if (!root) return out;
  out.rootName = root.name;
  out.attrs = root.attrs;
  if (root.name !== 'PushCSVRequest') out.findings.push({ code: 'wrong-root', severity: 'error', message: `root element is ${root.name}, expected PushCSVRequest` });
  out.findings.push(...envelopeFindings(root.attrs, true));
  const dd = child(root, 'DocDetails');
  if (!dd) {
    out.findings.push({ code: 'no-docdetails', severity: 'error', message: 'no DocDetails element' });
    return out;
  }
  const content = child(dd, 'DocContent');
  if (!content || content.text.trim() === '') out.findings.push({ code: 'no-doccontent', severity: 'error', message: 'DocDetails/DocContent is missing or empty' });
  else {
    out.docContent = content.text.trim();
    const b64 = inspectBase64(out.docContent);
    if (!b64.valid || !b64.bytes) out.findings.push({ code: 'doccontent-base64', severity: 'error', message: `DocContent is not valid base64${b64.problem ? `: ${b64.problem}` : ''}` });
    else {
      if (b64.hadWhitespace) out.findings.push({ code: 'doccontent-whitespace', severity: 'warning', message: 'DocContent has whitespace inside the base64' });
      const csv = utf8DecodeStrict(b64.bytes);
      if (csv === undefined) out.findings.push({ code: 'doccontent-utf8', severity: 'error', message: 'DocContent does not decode to UTF-8 text' });
      else out.csv = csv;
    }
  }
  const fileName = child(dd, 'FileName');
  if (!fileName || fileName.text.trim() === '') out.findings.push({ code: 'no-filename', severity: 'error', message: 'DocDetails/FileName is missing or empty' });
  else out.fileName = fileName.text.trim();
  return out;
}

export interface PushResponseFields {
  ver: string;
  ts: string;
  txn: string;
  orgId: string;
  status: '0' | '1';
  message: string;
}

export type PushResponseKind = 'PushCSVResponse' | 'PushUriResponse';

function buildPushResponse(root: PushResponseKind, f: PushResponseFields): string {
  return (
    `${DECLARATION}<${root}${PUSH_NS}${rootAttrs({ ver: f.ver, ts: f.ts, txn: f.txn, orgId: f.orgId })}>` +
    `<ResponseStatus>${f.status}</ResponseStatus><ResponseMessage>${escapeXml(f.message)}</ResponseMessage></${root}>`
  );
}

/** PushCSVResponse: ResponseStatus as element text (C15), ver/ts/txn/orgId echoed. */
export function buildPushCsvResponse(fields: PushResponseFields): string {
  return buildPushResponse('PushCSVResponse', fields);
}

export function buildPushUriResponse(fields: PushResponseFields): string {
  return buildPushResponse('PushUriResponse', fields);
}

export interface ReadPushResponse extends ReadEnvelope {
  /** ResponseStatus text (trimmed), or the Status attribute when there is no text (C15) */
  status?: string;
  message?: string;
}

function readPushResponse(root: PushResponseKind, text: string, limits?: XmlLimits): ReadPushResponse {
  const { root: node, findings } = readXml(text, limits);
  const out: ReadPushResponse = { attrs: {}, findings: [...findings] };
  if (!node) return out;
  out.rootName = node.name;
  out.attrs = node.attrs;
  if (node.name !== root) out.findings.push({ code: 'wrong-root', severity: 'error', message: `root element is ${node.name}, expected ${root}` });
  out.findings.push(...envelopeFindings(node.attrs, false));
  const rs = child(node, 'ResponseStatus');
  if (!rs) out.findings.push({ code: 'no-response-status', severity: 'error', message: 'no ResponseStatus element' });
  else {
    const textStatus = rs.text.trim();
    if (textStatus !== '') out.status = textStatus;
    else if (rs.attrs.Status !== undefined) {
      out.status = rs.attrs.Status;
      out.findings.push({ code: 'status-attribute', severity: 'warning', message: 'ResponseStatus carries the status as a Status attribute; Push responses put it in the element text (C15)' });
    } else out.findings.push({ code: 'no-status', severity: 'error', message: 'ResponseStatus is empty' });
    if (out.status !== undefined && out.status !== '0' && out.status !== '1') {
      out.findings.push({ code: 'status-value', severity: 'error', message: `ResponseStatus ${JSON.stringify(out.status)} is neither 0 nor 1` });
    }
  }
  const rm = child(node, 'ResponseMessage');
  if (!rm) out.findings.push({ code: 'no-response-message', severity: 'error', message: 'no ResponseMessage element' });
  else out.message = rm.text.trim();
  return out;
}

export function readPushCsvResponse(text: string, limits?: XmlLimits): ReadPushResponse {
  return readPushResponse('PushCSVResponse', text, limits);
}

export function readPushUriResponse(text: string, limits?: XmlLimits): ReadPushResponse {
  return readPushResponse('PushUriResponse', text, limits);
}

// ---------------------------------------------------------------- PushUriRequest

/** UriDetails children, in the order of §2.6, and the CSV column each one carries. */
export const URI_DETAILS: ReadonlyArray<readonly [string, PushCsvColumn]> = [
  ['Aadhaar', 'Aadhaar'],
  ['Uri', 'Uri'],
  ['DocType', 'doc_type'],
  ['DocName', 'doc_name'],
  ['DocId', 'doc_id'],
  ['IssuedOn', 'issued_on'],
  ['ValidFrom', 'valid_from'],
  ['ValidTo', 'valid_to'],
  ['Timestamp', 'time_stamp'],
  ['Action', 'Action'],
];

/** `<PushUriRequest …><UriDetails>…</UriDetails></PushUriRequest>`: one CSV row as XML. */
export function buildPushUriRequest(env: PushEnvelope, row: PushCsvRow): string {
  let inner = '';
  for (const [element, column] of URI_DETAILS) inner += `<${element}>${escapeXml(row[column])}</${element}>`;
  return `${DECLARATION}<PushUriRequest${PUSH_NS}${rootAttrs(env)}><UriDetails>${inner}</UriDetails></PushUriRequest>`;
}

export interface ReadPushUriRequest extends ReadEnvelope {
  /** the details as a CSV row (missing elements are ''), ready for checkPushCsvRow */
  row?: PushCsvRow;
}

/** Reads a PushUriRequest; its UriDetails are judged with the CSV row rules (checkPushCsvRow). */
export function readPushUriRequest(text: string, limits?: XmlLimits): ReadPushUriRequest {
  const { root, findings } = readXml(text, limits);
  const out: ReadPushUriRequest = { attrs: {}, findings: [...findings] };
  if (!root) return out;
  out.rootName = root.name;
  out.attrs = root.attrs;
  if (root.name !== 'PushUriRequest') out.findings.push({ code: 'wrong-root', severity: 'error', message: `root element is ${root.name}, expected PushUriRequest` });
  out.findings.push(...envelopeFindings(root.attrs, true));
  const details = child(root, 'UriDetails');
  if (!details) {
    out.findings.push({ code: 'no-uridetails', severity: 'error', message: 'no UriDetails element' });
    return out;
  }
  const row = {} as PushCsvRow;
  for (const [element, column] of URI_DETAILS) {
    const node = child(details, element);
    if (!node && element !== 'ValidFrom' && element !== 'ValidTo') {
      out.findings.push({ code: 'no-element', severity: 'error', message: `UriDetails/${element} is missing` });
    }
    row[column] = node ? node.text.trim() : '';
  }
  out.row = row;
  return out;
}

// ---------------------------------------------------------------- Push URI to Account (partner form)

/** Where DigiLocker receives a Push URI to Account form (OAS-AUTHPARTNER, under the `/public` server). */
export const PUSH_URI_ACCOUNT_PATH = '/account/1/pushuri';

/**
 * OAS-AUTHPARTNER `POST /account/1/pushuri` (facts §1.8 item 49): multipart/form-data. `hmac` is
 * SHA-256 of client secret + clientid + ts (hex, as keyhash is; FACTS C24: the FAQ's
 * HMAC(client_secret, client_id, timestamp) is not accepted); `ts` is UNIX seconds, at most 30
 * minutes old; dates are DDMMYYYY. `doctype` and `description` are not in the schema but named by
 * its error texts, so they are sent.
 */
export interface PushUriAccount {
  clientId: string;
  digilockerId: string;
  uri: string;
  docType: string;
  description: string;
  docId: string;
  /** DDMMYYYY */
  issueDate: string;
  validFrom?: string;
  validTo?: string;
  action: PushAction;
}

export const PUSH_URI_ACCOUNT_WINDOW_SECONDS = 30 * 60;
/** a ts this far ahead of the receiver's clock is still fresh (clock skew) */
export const PUSH_URI_ACCOUNT_FUTURE_SECONDS = 5 * 60;
/** IST is UTC+05:30: some clients add it to the epoch when told "UNIX seconds in IST". */
export const IST_OFFSET_SECONDS = 19_800;

/** The form's fields, in the order buildPushUriAccountForm sends them. */
export const PUSH_URI_ACCOUNT_FIELDS = ['clientid', 'ts', 'hmac', 'digilockerid', 'uri', 'doctype', 'description', 'docid', 'issuedate', 'validfrom', 'validto', 'action'] as const;
export type PushUriAccountField = (typeof PUSH_URI_ACCOUNT_FIELDS)[number];

/**
 * The OpenAPI's error texts (400 `invalid_parameter`, 401, 404, 500), as DigiLocker writes them in
 * `error_description`. The OpenAPI prints "missing orinvalid" for Issuedate; the space is restored.
 */
export const PUSH_URI_ACCOUNT_TEXTS = {
  uri: 'URI parameter is missing or invalid',
  doctype: 'Doctype parameter is missing or invalid',
  description: 'Description parameter is missing or invalid',
  docid: 'Docid parameter is missing or invalid',
  issuedate: 'Issuedate parameter is missing or invalid',
  ts: 'Timestamp parameter is missing or invalid',
  hmac: 'HMAC parameter is missing or invalid',
  existsHere: 'URI already exists in this account',
  existsElsewhere: 'URI already exists in another account',
  clientId: 'The client_id parameter is invalid',
  digilockerId: 'The digilockerid parameter is invalid',
  internal: 'Internal server error',
} as const;

/** The JSON error codes of the OpenAPI and the HTTP status each comes with. */
export const PUSH_URI_ACCOUNT_ERRORS = {
  invalid_parameter: 400,
  invalid_client_id: 401,
  invalid_digilocker_id: 404,
  unexpected_error: 500,
} as const;
export type PushUriAccountError = keyof typeof PUSH_URI_ACCOUNT_ERRORS;

export function pushUriAccountHmac(hash: HashFunctions, clientSecret: string, clientId: string, ts: string): string {
  return keyhash(hash, clientSecret, clientId + ts);
}

/**
 * The hmac forms a client may send (FACTS C24): the OpenAPI's SHA-256 of secret ‖ clientid ‖ ts
 * (hex); the FAQ's "HMAC(client_secret, client_id, timestamp)", read as HMAC-SHA256 keyed with the
 * client secret over clientid ‖ ts, in hex or Base64; or the OpenAPI's SHA-256 over the three
 * values in another order.
 */
export type PushUriAccountHmacForm = { form: 'openapi' } | { form: 'faq-hmac'; encoding: 'hex' | 'base64' } | { form: 'sha256-other-order'; order: string } | { form: 'unknown' };

/** Which form `sent` is, recomputed with the client secret (the receiver's side). */
export function identifyPushUriAccountHmac(hash: HashFunctions, clientSecret: string, clientId: string, ts: string, sent: string): PushUriAccountHmacForm {
  const value = sent.trim();
  if (timingSafeEqualText(value.toLowerCase(), pushUriAccountHmac(hash, clientSecret, clientId, ts))) return { form: 'openapi' };
  const mac = hash.hmacSha256(clientSecret, utf8Encode(clientId + ts));
  if (value.toLowerCase() === toHex(mac)) return { form: 'faq-hmac', encoding: 'hex' };
  if (value === base64Encode(mac)) return { form: 'faq-hmac', encoding: 'base64' };
  const parts: Array<[string, string]> = [
    ['client secret', clientSecret],
    ['clientid', clientId],
    ['ts', ts],
  ];
  for (const order of [
    [1, 0, 2],
    [0, 2, 1],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ]) {
    if (value.toLowerCase() === keyhash(hash, '', order.map((i) => parts[i]![1]).join(''))) {
      return { form: 'sha256-other-order', order: order.map((i) => parts[i]![0]).join(' ‖ ') };
    }
  }
  return { form: 'unknown' };
}

/** A sentence naming the form, for the receiver's info finding. */
export function describePushUriAccountHmacForm(f: PushUriAccountHmacForm): string {
  switch (f.form) {
    case 'openapi':
      return "hmac is the OpenAPI's form: SHA-256 of client secret ‖ clientid ‖ ts, hex (accepted)";
    case 'faq-hmac':
      return `hmac is the FAQ's form: HMAC-SHA256 keyed with the client secret over clientid ‖ ts, ${f.encoding === 'hex' ? 'hex' : 'Base64'} (FACTS C24: the OpenAPI's SHA-256 of client secret ‖ clientid ‖ ts is what is accepted)`;
    case 'sha256-other-order':
      return `hmac is SHA-256 of ${f.order}: the OpenAPI's order is client secret ‖ clientid ‖ ts`;
    case 'unknown':
      return 'hmac is none of the known forms (OpenAPI SHA-256 of client secret ‖ clientid ‖ ts, the FAQ HMAC, another order): a wrong secret, clientid or ts';
  }
}

/** The form fields in a stable order, ready for a multipart body. */
export function buildPushUriAccountForm(hash: HashFunctions, clientSecret: string, f: PushUriAccount, tsSeconds: number): Array<[PushUriAccountField, string]> {
  const ts = String(Math.floor(tsSeconds));
  return [
    ['clientid', f.clientId],
    ['ts', ts],
    ['hmac', pushUriAccountHmac(hash, clientSecret, f.clientId, ts)],
    ['digilockerid', f.digilockerId],
    ['uri', f.uri],
    ['doctype', f.docType],
    ['description', f.description],
    ['docid', f.docId],
    ['issuedate', f.issueDate],
    ['validfrom', f.validFrom ?? ''],
    ['validto', f.validTo ?? ''],
    ['action', f.action],
  ];
}

/** DDMMYYYY on the calendar. */
export function isDdmmyyyy(value: string): boolean {
  const m = /^(\d{2})(\d{2})(\d{4})$/.exec(value);
  return m !== null && calendarDate(m[1]!, m[2]!, m[3]!);
}

/** A date (its UTC fields, so callers shift to IST first) as DDMMYYYY. */
export function formatDdmmyyyy(date: Date): string {
  return formatCsvDate(date).replace(/\//g, '');
}

export interface PushUriAccountCheck {
  hash?: HashFunctions;
  /** when given, the hmac is verified and its form reported */
  clientSecret?: string;
  /** now, in UNIX seconds (UTC epoch); when given, ts freshness is judged */
  nowSeconds?: number;
}

/** A finding about one field of the form; `code` is the JSON error code it becomes (or a note's own code). */
export interface PushUriAccountFinding extends Omit<Finding, 'severity'> {
  /** info: a note (which hmac form was sent, why a ts is stale) */
  severity: Finding['severity'] | 'info';
  field: PushUriAccountField;
}

/**
 * Judges a received form (the mock side). Error messages are DigiLocker's texts
 * (PUSH_URI_ACCOUNT_TEXTS), so a finding reads as what DigiLocker would answer; `code` is the
 * JSON error (invalid_parameter, invalid_client_id, invalid_digilocker_id). Whether the clientid
 * and the digilockerid are registered is the receiver's to judge; here only their presence.
 */
export function checkPushUriAccountForm(form: Readonly<Record<string, string | undefined>>, options: PushUriAccountCheck = {}): PushUriAccountFinding[] {
  const out: PushUriAccountFinding[] = [];
  const add = (field: PushUriAccountField, code: string, message: string, severity: PushUriAccountFinding['severity'] = 'error') => out.push({ field, code, severity, message });
  const bad = (field: PushUriAccountField, message: string) => add(field, 'invalid_parameter', message);
  const v = (k: PushUriAccountField) => (form[k] ?? '').trim();
  const T = PUSH_URI_ACCOUNT_TEXTS;
  if (v('clientid') === '') add('clientid', 'invalid_client_id', T.clientId);
  if (!/^\S+$/.test(v('digilockerid'))) add('digilockerid', 'invalid_digilocker_id', T.digilockerId);
  const uri = checkUri(v('uri'), { docType: v('doctype') || undefined });
  if (uri.findings.some((f) => f.severity === 'error')) bad('uri', T.uri);
  if (!DOC_TYPE_CHARS.test(v('doctype'))) bad('doctype', T.doctype);
  if (v('description') === '') bad('description', T.description);
  if (!DOC_ID_CHARS.test(v('docid'))) bad('docid', T.docid);
  if (!isDdmmyyyy(v('issuedate'))) bad('issuedate', T.issuedate);
  for (const k of ['validfrom', 'validto'] as const) if (v(k) !== '' && !isDdmmyyyy(v(k))) bad(k, `${k} is not a DDMMYYYY date`);
  if (!(PUSH_ACTIONS as readonly string[]).includes(v('action'))) bad('action', 'action is not A, U or D');
  else if (v('action') !== 'A') add('action', 'action-unsupported', `action ${v('action')}: check that DigiLocker supports it for this issuer`, 'warning');
  const ts = v('ts');
  if (!/^\d{9,11}$/.test(ts)) bad('ts', T.ts);
  else if (options.nowSeconds !== undefined) {
    const now = options.nowSeconds;
    const t = Number(ts);
    const fresh = (at: number) => at <= now + PUSH_URI_ACCOUNT_FUTURE_SECONDS && now - at <= PUSH_URI_ACCOUNT_WINDOW_SECONDS;
    if (!fresh(t)) {
      if (fresh(t - IST_OFFSET_SECONDS)) add('ts', 'ts-ist-shifted', 'ts is the epoch plus 5:30 (IST added to UNIX seconds): fresh only if DigiLocker reads it that way', 'warning');
      else {
        bad('ts', `${T.ts} (older than 30 minutes or in the future)`);
        // a UTC wall clock read as IST local time (Python's naive utcnow().timestamp() on an IST host)
        if (fresh(t + IST_OFFSET_SECONDS)) add('ts', 'ts-utc-as-ist', 'ts is 5:30 behind the epoch: a UTC wall clock read as IST local time', 'info');
      }
    }
  }
  const hmac = v('hmac');
  const form_ = options.clientSecret !== undefined && options.hash && hmac !== '' ? identifyPushUriAccountHmac(options.hash, options.clientSecret, v('clientid'), ts, hmac) : undefined;
  if (form_ && form_.form !== 'unknown') add('hmac', 'hmac-form', describePushUriAccountHmacForm(form_), 'info');
  if (!/^[0-9a-fA-F]{64}$/.test(hmac)) bad('hmac', T.hmac);
  else if (form_ && form_.form !== 'openapi') bad('hmac', T.hmac);
  return out;
}

/** A JSON error answer as the OpenAPI documents it. */
export function buildPushUriAccountError(error: PushUriAccountError, description: string): string {
  return JSON.stringify({ error, error_description: description });
}

export interface ReadPushUriAccountAnswer {
  /** the body parsed as JSON, when it is */
  json?: unknown;
  error?: string;
  errorDescription?: string;
  /** what is wrong with the answer's form (not JSON, no error code, the code not the status's) */
  problems: string[];
}

/**
 * Reads an answer of the Push URI to Account API (the client's side). A 2xx answer's body is not
 * documented (the OpenAPI's 200 schema is an empty "Sample"): only an error answer is judged, as
 * `{error, error_description}` with the code the OpenAPI gives its status.
 */
export function readPushUriAccountAnswer(status: number, text: string): ReadPushUriAccountAnswer {
  const out: ReadPushUriAccountAnswer = { problems: [] };
  try {
    out.json = JSON.parse(text);
  } catch {
    if (status >= 400) out.problems.push(`the body is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
    return out;
  }
  if (status < 400) return out;
  const j = out.json as Record<string, unknown> | null;
  if (typeof j !== 'object' || j === null || Array.isArray(j)) {
    out.problems.push('the body is not a JSON object');
    return out;
  }
  if (typeof j.error === 'string') out.error = j.error;
  else out.problems.push('no "error" string');
  if (typeof j.error_description === 'string') out.errorDescription = j.error_description;
  else out.problems.push('no "error_description" string');
  const expected = (Object.keys(PUSH_URI_ACCOUNT_ERRORS) as PushUriAccountError[]).find((e) => PUSH_URI_ACCOUNT_ERRORS[e] === status);
  if (expected && out.error !== undefined && out.error !== expected) out.problems.push(`error ${JSON.stringify(out.error)} with HTTP ${status}; the OpenAPI gives ${expected}`);
  return out;
}
