import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeHash as hash } from '../core/node-hash.js';
import { CLAUSES } from './clauses.js';
import {
  buildPushCsvRequest,
  buildPushCsvResponse,
  buildPushUriAccountForm,
  buildPushUriRequest,
  checkPushUriAccountForm,
  IST_OFFSET_SECONDS,
  identifyPushUriAccountHmac,
  readPushUriAccountAnswer,
  buildPushUriAccountError,
  formatDdmmyyyy,
  isDdmmyyyy,
  buildPushUriResponse,
  checkPushCsvRow,
  csvDateKey,
  formatCsvDate,
  formatCsvRecord,
  formatCsvTimestamp,
  isCsvDate,
  isCsvTimestamp,
  isHeaderRow,
  maskAadhaar,
  PUSH_CLAUSES,
  PUSH_CSV_COLUMNS,
  pushCsvDocContent,
  pushEnvelope,
  readPushCsvRequest,
  readPushCsvResponse,
  readPushUriRequest,
  readPushUriResponse,
  rowFields,
  type PushCsvRow,
} from './push.js';

/** SEED-001 §8.1 columns with the values of facts §9.7 (IMPL-DRUPAL); 999941057058 is UIDAI's test UID. */
const GOOD: PushCsvRow = {
  Aadhaar: '999941057058',
  Uri: 'in.gov.example-INCER-AB12CD34EF',
  doc_type: 'INCER',
  doc_name: 'Income Certificate',
  doc_id: 'AB12CD34EF',
  issued_on: '21/08/2016',
  valid_from: '21/08/2016',
  valid_to: '31/12/2020',
  time_stamp: '21/08/2016 03:04:05 AM',
  Action: 'A',
};
const opts = { issuerId: 'in.gov.example' };
const check = (patch: Partial<PushCsvRow>) => checkPushCsvRow(rowFields({ ...GOOD, ...patch }), opts);
const codes = (patch: Partial<PushCsvRow>) => check(patch).map((f) => `${f.column}:${f.severity}:${f.code}`);

describe('Push CSV row schema (SEED-001 §8.1)', () => {
  it('has the 10 columns in order', () => {
    expect(PUSH_CSV_COLUMNS).toEqual(['Aadhaar', 'Uri', 'doc_type', 'doc_name', 'doc_id', 'issued_on', 'valid_from', 'valid_to', 'time_stamp', 'Action']);
  });
  it('the seed example row (blank validity too) is clean', () => {
    expect(check({})).toEqual([]);
    expect(check({ valid_from: '', valid_to: '' })).toEqual([]);
    expect(check({ valid_to: '' })).toEqual([]);
    expect(checkPushCsvRow(rowFields(GOOD))).toEqual([]); // no issuer id given: grammar only
  });
  it('dates and timestamps: DD/MM/YYYY and DD/MM/YYYY HH:MI:SS AM|PM on a real calendar', () => {
    expect(isCsvDate('29/02/2016')).toBe(true);
    for (const bad of ['29/02/2015', '2016-08-21', '21-08-2016', '1/8/2016', '32/01/2016', '']) expect(isCsvDate(bad), bad).toBe(false);
    expect(isCsvTimestamp('21/08/2016 12:00:00 PM')).toBe(true);
    for (const bad of ['21/08/2016 13:04:05 PM', '21/08/2016 00:04:05 AM', '21/08/2016 03:04:05', '21/08/2016 03:04:05 am', '21/08/2016 3:04:05 AM']) {
      expect(isCsvTimestamp(bad), bad).toBe(false);
    }
    const d = new Date(Date.UTC(2016, 7, 21, 15, 4, 5));
    expect(formatCsvDate(d)).toBe('21/08/2016');
    expect(formatCsvTimestamp(d)).toBe('21/08/2016 03:04:05 PM');
    expect(formatCsvTimestamp(new Date(Date.UTC(2016, 7, 21, 0, 0, 0)))).toBe('21/08/2016 12:00:00 AM');
    expect(csvDateKey('31/12/2020')! > csvDateKey('21/08/2016')!).toBe(true);
  });
  it('every rule fires, at its column, once', () => {
    expect(codes({ Aadhaar: '' })).toEqual(['1:error:aadhaar-empty']);
    expect(codes({ Aadhaar: '99994105705' })).toEqual(['1:error:aadhaar-format']);
    expect(codes({ Aadhaar: '199941057058' })).toEqual(['1:error:aadhaar-format']);
    expect(codes({ Aadhaar: '999941057059' })).toEqual(['1:error:aadhaar-checksum']);
    expect(codes({ Uri: 'in.gov.other-INCER-AB12CD34EF' })).toEqual(['2:error:uri']);
    expect(codes({ Uri: 'in.gov.example-SSCER-AB12CD34EF' })).toEqual(['2:error:uri']);
    expect(codes({ Uri: 'in.gov.example-INCER-AB12 CD34EF' })).toEqual(['2:error:uri', '5:warning:doc-id-mismatch']);
    expect(codes({ doc_type: '' })).toEqual(['3:error:doc-type-empty']);
    expect(codes({ doc_type: 'IN-C' })).toEqual(['3:error:doc-type-format']);
    expect(codes({ doc_type: 'INC', Uri: 'in.gov.example-INC-AB12CD34EF' })).toEqual(['3:warning:doc-type-length']);
    expect(codes({ doc_name: ' ' })).toEqual(['4:error:doc-name-empty']);
    expect(codes({ doc_name: 'a\u0007b' })).toEqual(['4:error:doc-name-control']);
    expect(codes({ doc_name: 'The "Income" Certificate' })).toEqual(['4:warning:doc-name-quote']);
    expect(codes({ doc_id: '' })).toEqual(['5:error:doc-id-empty']);
    expect(codes({ doc_id: 'AB-12' })).toEqual(['5:warning:doc-id-format']);
    expect(codes({ doc_id: 'AB12CD34EF9', Uri: 'in.gov.example-INCER-AB12CD34EF9' })).toEqual(['5:warning:doc-id-length']);
    expect(codes({ doc_id: 'AB12CD34EG' })).toEqual(['5:warning:doc-id-mismatch']);
    expect(codes({ issued_on: '2016-08-21' })).toEqual(['6:error:date-format']);
    expect(codes({ valid_from: '21-08-2016' })).toEqual(['7:error:date-format']);
    expect(codes({ valid_to: '31/13/2020' })).toEqual(['8:error:date-format']);
    expect(codes({ valid_to: '20/08/2016' })).toEqual(['8:error:validity-order']);
    expect(codes({ time_stamp: '21/08/2016 15:04:05' })).toEqual(['9:error:time-stamp-format']);
    expect(codes({ Action: 'U' })).toEqual(['10:warning:action-unsupported']);
    expect(codes({ Action: 'D' })).toEqual(['10:warning:action-unsupported']);
    expect(codes({ Action: 'a' })).toEqual(['10:error:action-invalid']);
  });
  it('column count: missing and extra columns', () => {
    const fields = rowFields(GOOD);
    expect(checkPushCsvRow(fields.slice(0, 9), opts).map((f) => `${f.column}:${f.code}`)).toEqual(['10:missing-columns']);
    expect(checkPushCsvRow([...fields, 'x'], opts).map((f) => `${f.column}:${f.columnName}:${f.code}`)).toEqual(['11:column 11:extra-columns']);
    expect(checkPushCsvRow(['999941057058'], opts).map((f) => f.code)).toEqual(['missing-columns']);
  });
  it('never puts an Aadhaar number in a message in full', () => {
    expect(maskAadhaar('999941057058')).toBe('XXXXXXXX7058');
    expect(maskAadhaar('123')).toBe('XXX');
    for (const Aadhaar of ['999941057059', '99994105705', '199941057058', '9999410570581']) {
      const [f] = check({ Aadhaar });
      expect(f!.message).not.toContain(Aadhaar);
      expect(f!.message).toContain(Aadhaar.slice(-4));
    }
  });
  it('recognises a header row', () => {
    expect(isHeaderRow([...PUSH_CSV_COLUMNS])).toBe(true);
    expect(isHeaderRow(['aadhaar', 'URI', 'Doc Type', 'doc_name', 'doc_id', 'issued_on', 'valid_from', 'valid_to', 'time_stamp', 'action'])).toBe(true);
    expect(isHeaderRow(rowFields(GOOD))).toBe(false);
  });
  it('formats records with RFC 4180 quoting', () => {
    expect(formatCsvRecord(['a', 'b,c', 'd"e', 'f\ng'])).toBe('a,"b,c","d""e","f\ng"');
  });
  it('clauses are quoted, unique and distinct from the Pull clauses', () => {
    const ids = PUSH_CLAUSES.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(CLAUSES.has(id), id).toBe(false);
    for (const f of check({ Aadhaar: '', doc_type: '', Action: 'X' })) expect(ids).toContain(f.clause);
  });
});

describe('PushCSVRequest / PushCSVResponse (SEED-001 §8.1.2, facts §9.4)', () => {
  const env = pushEnvelope(hash, 'secret-key', { ts: '2016-08-21T03:04:05+05:30', txn: '42', orgId: 'in.gov.example' });
  it('keyhash is sha256(apiKey + the same ts)', () => {
    expect(env.keyhash).toBe(createHash('sha256').update('secret-key2016-08-21T03:04:05+05:30').digest('hex'));
  });
  it('round-trips: DocContent is base64 of the CSV, FileName is an element', () => {
    const csv = `${formatCsvRecord(rowFields(GOOD))}\n`;
    const body = buildPushCsvRequest(env, { docContent: pushCsvDocContent(csv), fileName: 'Certificates -2016-08-21.csv' });
    expect(body).toContain('<PushCSVRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="2016-08-21T03:04:05+05:30" txn="42" orgId="in.gov.example" keyhash="');
    const read = readPushCsvRequest(body);
    expect(read.findings).toEqual([]);
    expect(read.csv).toBe(csv);
    expect(read.fileName).toBe('Certificates -2016-08-21.csv');
    expect(read.attrs.keyhash).toBe(env.keyhash);
  });
  it('reports what is wrong with a request', () => {
    const codesOf = (text: string) => readPushCsvRequest(text).findings.map((f) => f.code);
    expect(codesOf('<PushCSVRequest ver="1.0" ts="t" txn="1" orgId="o"><DocDetails><DocContent>!!!</DocContent></DocDetails></PushCSVRequest>')).toEqual([
      'no-keyhash',
      'doccontent-base64',
      'no-filename',
    ]);
    expect(codesOf('<PushCSVRequest ver="1.0" ts="t" txn="1" orgId="o" keyHash="k"/>')).toEqual(['attribute-case', 'no-docdetails']);
    expect(codesOf('<PushUriRequest ver="1.0" ts="t" txn="1" orgId="o" keyhash="k"><DocDetails><DocContent>YQ==</DocContent><FileName>f</FileName></DocDetails></PushUriRequest>')).toEqual([
      'wrong-root',
    ]);
    expect(codesOf(buildPushCsvRequest(env, { docContent: 'YQ==\nYQ==', fileName: 'f' }))).toContain('doccontent-base64');
    expect(codesOf(buildPushCsvRequest(env, { docContent: '/w==', fileName: 'f' }))).toEqual(['doccontent-utf8']);
    expect(codesOf('not xml').length).toBeGreaterThan(0);
  });
  it('response: status as element text, ver/ts/txn/orgId echoed; a Status attribute is read with a warning (C15)', () => {
    const fields = { ver: '1.0', ts: env.ts, txn: env.txn, orgId: env.orgId, status: '1' as const, message: 'File uploaded <ok>' };
    const body = buildPushCsvResponse(fields);
    expect(body).toContain('<ResponseStatus>1</ResponseStatus><ResponseMessage>File uploaded &lt;ok&gt;</ResponseMessage>');
    const read = readPushCsvResponse(body);
    expect(read).toMatchObject({ status: '1', message: 'File uploaded <ok>', findings: [] });
    expect(read.attrs).toMatchObject({ ver: '1.0', ts: env.ts, txn: '42', orgId: 'in.gov.example' });
    const attr = readPushCsvResponse('<PushCSVResponse ver="1.0" ts="t" txn="1" orgId="o"><ResponseStatus Status="0"/><ResponseMessage>bad</ResponseMessage></PushCSVResponse>');
    expect(attr.status).toBe('0');
    expect(attr.findings.map((f) => f.code)).toEqual(['status-attribute']);
    const bad = readPushCsvResponse('<PushCSVResponse ver="1.0" ts="t" orgId="o"><ResponseStatus>2</ResponseStatus></PushCSVResponse>');
    expect(bad.findings.map((f) => f.code)).toEqual(['no-txn', 'status-value', 'no-response-message']);
    expect(readPushCsvResponse(buildPushUriResponse(fields)).findings.map((f) => f.code)).toEqual(['wrong-root']);
  });
});

describe('PushUriRequest / PushUriResponse (facts §2.6, §9.7)', () => {
  const env = pushEnvelope(hash, 'k', { ts: '21-08-2016 03:04:05', txn: '42', orgId: 'in.gov.example' });
  it('round-trips one row, which the CSV row rules then judge', () => {
    const body = buildPushUriRequest(env, GOOD);
    expect(body).toContain('<UriDetails><Aadhaar>999941057058</Aadhaar><Uri>in.gov.example-INCER-AB12CD34EF</Uri><DocType>INCER</DocType>');
    expect(body).toContain('<Timestamp>21/08/2016 03:04:05 AM</Timestamp><Action>A</Action></UriDetails>');
    const read = readPushUriRequest(body);
    expect(read.findings).toEqual([]);
    expect(read.row).toEqual(GOOD);
    expect(checkPushCsvRow(rowFields(read.row!), opts)).toEqual([]);
  });
  it('reads the §9.7 element order and reports missing elements (ValidFrom/ValidTo are optional)', () => {
    const text =
      '<PushUriRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="21-08-2016 03:04:05" txn="42" orgId="in.gov.example" keyhash="x"><UriDetails>' +
      '<Uri>in.gov.example-INCER-AB12CD34EF</Uri><DocId>AB12CD34EF</DocId><Aadhaar>999941057058</Aadhaar><DocType>INCER</DocType><DocName>Income Certificate</DocName>' +
      '<IssuedOn>21/08/2016</IssuedOn><Timestamp>21/08/2016 03:04:05 AM</Timestamp></UriDetails></PushUriRequest>';
    const read = readPushUriRequest(text);
    expect(read.findings.map((f) => f.message)).toEqual(['UriDetails/Action is missing']);
    expect(read.row).toMatchObject({ valid_from: '', valid_to: '', Action: '' });
    expect(readPushUriRequest('<PushUriRequest ver="1" ts="t" txn="1" orgId="o" keyhash="k"/>').findings.map((f) => f.code)).toEqual(['no-uridetails']);
  });
  it('response', () => {
    const body = buildPushUriResponse({ ver: '1.0', ts: env.ts, txn: '42', orgId: env.orgId, status: '0', message: 'Invalid Aadhaar' });
    expect(readPushUriResponse(body)).toMatchObject({ status: '0', message: 'Invalid Aadhaar', findings: [] });
  });
});

describe('Push URI to Account (OAS-AUTHPARTNER /account/1/pushuri, facts §1.8)', () => {
  const fields = {
    clientId: 'ABCDEFG',
    digilockerId: '123e4567-e89b-12d3-a456-426655440000',
    uri: 'in.gov.example-INCER-AB12CD34EF',
    docType: 'INCER',
    description: 'Income Certificate',
    docId: 'AB12CD34EF',
    issueDate: '21082016',
    validTo: '31122020',
    action: 'A' as const,
  };
  const now = 1_700_000_000;
  const form = Object.fromEntries(buildPushUriAccountForm(hash, 'secret', fields, now));
  const judge = (patch: Record<string, string>, opts = {}) =>
    checkPushUriAccountForm({ ...form, ...patch }, { hash, clientSecret: 'secret', nowSeconds: now + 60, ...opts })
      .filter((f) => f.severity !== 'info')
      .map((f) => `${f.severity}:${f.message}`);
  const notes = (patch: Record<string, string>, opts = {}) =>
    checkPushUriAccountForm({ ...form, ...patch }, { hash, clientSecret: 'secret', nowSeconds: now + 60, ...opts })
      .filter((f) => f.severity === 'info')
      .map((f) => `${f.code}:${f.message}`);
  it('hmac is sha256(client secret + clientid + ts); a fresh valid form is clean, with a note naming the form', () => {
    expect(form.hmac).toBe(createHash('sha256').update(`secretABCDEFG${now}`).digest('hex'));
    expect(form.ts).toBe(String(now));
    expect(judge({})).toEqual([]);
    expect(notes({})).toEqual(["hmac-form:hmac is the OpenAPI's form: SHA-256 of client secret ‖ clientid ‖ ts, hex (accepted)"]);
  });
  it("the FAQ's HMAC(client_secret, client_id, timestamp) and another order are refused, and named (FACTS C24)", () => {
    const mac = () => createHmac('sha256', 'secret').update(`ABCDEFG${now}`);
    const faqHex = mac().digest('hex');
    expect(judge({ hmac: faqHex })).toEqual(['error:HMAC parameter is missing or invalid']);
    expect(notes({ hmac: faqHex })[0]).toMatch(/^hmac-form:hmac is the FAQ's form: HMAC-SHA256 keyed with the client secret over clientid ‖ ts, hex/);
    const faqB64 = mac().digest('base64');
    expect(judge({ hmac: faqB64 })).toEqual(['error:HMAC parameter is missing or invalid']);
    expect(notes({ hmac: faqB64 })[0]).toMatch(/FAQ's form.*Base64/);
    const swapped = createHash('sha256').update(`ABCDEFGsecret${now}`).digest('hex');
    expect(judge({ hmac: swapped })).toEqual(['error:HMAC parameter is missing or invalid']);
    expect(notes({ hmac: swapped })).toEqual(["hmac-form:hmac is SHA-256 of clientid ‖ client secret ‖ ts: the OpenAPI's order is client secret ‖ clientid ‖ ts"]);
    expect(identifyPushUriAccountHmac(hash, 'secret', 'ABCDEFG', String(now), 'f'.repeat(64))).toEqual({ form: 'unknown' });
  });
  it('a UTC wall clock read as IST (5:30 behind) is stale, with a note saying why', () => {
    expect(judge({}, { nowSeconds: now + IST_OFFSET_SECONDS })).toEqual(['error:Timestamp parameter is missing or invalid (older than 30 minutes or in the future)']);
    expect(notes({}, { nowSeconds: now + IST_OFFSET_SECONDS })).toContain('ts-utc-as-ist:ts is 5:30 behind the epoch: a UTC wall clock read as IST local time');
  });
  it('answers: the JSON error shape and the code of each status', () => {
    expect(readPushUriAccountAnswer(400, buildPushUriAccountError('invalid_parameter', 'HMAC parameter is missing or invalid'))).toMatchObject({
      error: 'invalid_parameter',
      errorDescription: 'HMAC parameter is missing or invalid',
      problems: [],
    });
    expect(readPushUriAccountAnswer(401, buildPushUriAccountError('invalid_parameter', 'x')).problems).toEqual(['error "invalid_parameter" with HTTP 401; the OpenAPI gives invalid_client_id']);
    expect(readPushUriAccountAnswer(404, 'Not Found').problems).toEqual(['the body is not JSON: "Not Found"']);
    expect(readPushUriAccountAnswer(200, 'OK').problems).toEqual([]);
    expect(formatDdmmyyyy(new Date(Date.UTC(2016, 7, 21)))).toBe('21082016');
  });
  it('each field fires with DigiLocker’s own error text', () => {
    expect(judge({ uri: 'nope' })).toEqual(['error:URI parameter is missing or invalid']);
    expect(judge({ doctype: '' })).toEqual(['error:Doctype parameter is missing or invalid']);
    expect(judge({ description: '' })).toEqual(['error:Description parameter is missing or invalid']);
    expect(judge({ docid: 'AB-1' })).toEqual(['error:Docid parameter is missing or invalid']);
    expect(judge({ issuedate: '21/08/2016' })).toEqual(['error:Issuedate parameter is missing or invalid']);
    expect(judge({ validto: '2020-12-31' })).toEqual(['error:validto is not a DDMMYYYY date']);
    expect(judge({ action: 'X' })).toEqual(['error:action is not A, U or D']);
    expect(judge({ action: 'D' })).toEqual(['warning:action D: check that DigiLocker supports it for this issuer']);
    expect(judge({ hmac: 'f'.repeat(64) })).toEqual(['error:HMAC parameter is missing or invalid']);
    expect(judge({ clientid: '' })).toEqual(['error:The client_id parameter is invalid', 'error:HMAC parameter is missing or invalid']);
    expect(judge({ digilockerid: '' })).toEqual(['error:The digilockerid parameter is invalid']);
    expect(judge({ ts: '2016-08-21' })[0]).toBe('error:Timestamp parameter is missing or invalid');
  });
  it('ts: 30 minutes old at most; the epoch plus 5:30 is a warning', () => {
    expect(judge({}, { nowSeconds: now + 1800 })).toEqual([]);
    expect(judge({}, { nowSeconds: now + 1801 })).toEqual(['error:Timestamp parameter is missing or invalid (older than 30 minutes or in the future)']);
    expect(judge({}, { nowSeconds: now - 600 })).toEqual(['error:Timestamp parameter is missing or invalid (older than 30 minutes or in the future)']);
    expect(judge({}, { nowSeconds: now - IST_OFFSET_SECONDS + 60 })).toEqual(['warning:ts is the epoch plus 5:30 (IST added to UNIX seconds): fresh only if DigiLocker reads it that way']);
    expect(isDdmmyyyy('29022016')).toBe(true);
    expect(isDdmmyyyy('29022015')).toBe(false);
  });
});
