import { describe, expect, it } from 'vitest';
import {
  API_SETU_ERRORS,
  certificateRequestBody,
  certificateRequestHeaders,
  consentArtifact,
  documentedErrorCodes,
  errorDescriptionOf,
  holderDiffers,
  isUuid,
  mediaTypeOf,
  pdfProblem,
  readApiSetuError,
  readApiSetuXml,
  sameTxnId,
  statusOfErrorCode,
  uuidFrom,
} from './apisetu.js';
import { buildCertificateXml } from './certificate.js';
import { seededRandom } from './time.js';

const ascii = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));

describe('the documented errors', () => {
  it('are the samples’ codes by status, with their descriptions', () => {
    expect(documentedErrorCodes(400)).toEqual(['missing_parameter', 'invalid_parameter', 'invalid_format', 'invalid_txnid', 'invalid_consentid']);
    expect(documentedErrorCodes(401)).toEqual(['invalid_authentication', 'invalid_authorization']);
    expect(documentedErrorCodes(404)).toEqual(['record_not_found', 'url_not_found']);
    expect(documentedErrorCodes(502)).toEqual(['bad_gatewy']);
    expect(documentedErrorCodes(418)).toBeUndefined();
    expect(errorDescriptionOf('invalid_txnid')).toBe('The txnId parameter must be in UUID format');
    expect(statusOfErrorCode('record_not_found')).toBe(404);
    expect(statusOfErrorCode('gateway_timeout')).toBe(504);
    expect(Object.keys(API_SETU_ERRORS).map(Number)).toEqual([400, 401, 404, 500, 502, 503, 504]);
  });
});

describe('requests', () => {
  it('uuidFrom makes version 4 UUIDs that isUuid accepts, repeatably from a seed', () => {
    const a = uuidFrom(seededRandom(3));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidFrom(seededRandom(3))).toBe(a);
    expect(isUuid(a.toUpperCase())).toBe(true);
    for (const bad of ['', 'dlconform-txn-0001', `${a}x`, 42, undefined]) expect(isUuid(bad)).toBe(false);
  });

  it('the body keeps the samples’ member order and leaves out what a check omits', () => {
    const body = certificateRequestBody({ consentArtifact: { c: 1 }, certificateParameters: { UID: '1' }, format: 'pdf', txnId: 't' });
    expect(Object.keys(JSON.parse(body))).toEqual(['txnId', 'format', 'certificateParameters', 'consentArtifact']);
    expect(JSON.parse(certificateRequestBody({ format: 'xml' }))).toEqual({ format: 'xml' });
  });

  it('the headers carry the key and client id only when given', () => {
    expect(certificateRequestHeaders({ apiKey: 'k', clientId: 'c' })).toMatchObject({ 'X-APISETU-APIKEY': 'k', 'X-APISETU-CLIENTID': 'c', 'Content-Type': 'application/json' });
    expect(Object.keys(certificateRequestHeaders({ clientId: 'c' }))).not.toContain('X-APISETU-APIKEY');
  });

  it('the consent artifact has the schema’s required members, dates in UTC with milliseconds', () => {
    const a = consentArtifact({ consentId: uuidFrom(seededRandom(1)), now: new Date('2026-01-02T03:04:05.678Z'), consumerId: 'me', providerId: 'in.gov.x', docType: 'HSCER' });
    expect(Object.keys(a.consent).sort()).toEqual(['consentId', 'data', 'dataConsumer', 'dataProvider', 'permission', 'purpose', 'timestamp', 'user']);
    expect(a.consent.permission.dateRange.from).toBe('2026-01-02T03:04:05.678Z');
    expect(isUuid(a.consent.consentId)).toBe(true);
  });
});

describe('reading answers', () => {
  it('an error body is {error, errorDescription}; everything else is named', () => {
    expect(readApiSetuError('{"error":"record_not_found","errorDescription":"No record found","txnId":"t"}')).toEqual({
      json: true,
      error: 'record_not_found',
      errorDescription: 'No record found',
      txnId: 't',
      problems: [],
    });
    expect(readApiSetuError('{"error":"x","error_description":"y"}').problems).toEqual(['no errorDescription member (it has error_description)']);
    expect(readApiSetuError('{"errorDescription":"y"}').problems).toEqual(['no error member']);
    expect(readApiSetuError('{"error":"","errorDescription":3}').problems).toEqual(['error is "", not a code', 'errorDescription is 3, not a text']);
    expect(readApiSetuError('Bad Request').problems[0]).toMatch(/not JSON/);
    expect(readApiSetuError('').problems[0]).toMatch(/empty/);
    expect(readApiSetuError('[1]').problems[0]).toMatch(/array/);
    expect(readApiSetuError('null').json).toBe(false);
  });

  it('media types ignore parameters and case', () => {
    expect(mediaTypeOf('Application/PDF; charset=binary')).toBe('application/pdf');
    expect(mediaTypeOf(undefined)).toBe('');
  });

  it('a PDF starts %PDF- and ends %%EOF', () => {
    expect(pdfProblem(ascii('%PDF-1.4\n1 0 obj\n%%EOF\n'))).toBeUndefined();
    expect(pdfProblem(ascii('JVBERi0xLjQK'))).toMatch(/not %PDF-/);
    expect(pdfProblem(new Uint8Array(0))).toBe('the body is empty');
    expect(pdfProblem(ascii('%PDF-1.4\nno end'))).toBe('no %%EOF at the end');
  });

  it('the xml answer is a Certificate naming IssuedTo/Person', () => {
    const xml = buildCertificateXml({
      type: 'HSCER',
      name: 'Higher Secondary Certificate',
      number: '1',
      issueDate: '01-01-2020',
      issuer: { name: 'Board', code: 'B' },
      person: { name: 'Sunil Kumar', dob: '31-12-1990', gender: 'M' },
      data: {},
    });
    const ok = readApiSetuXml(xml);
    expect(ok.problems).toEqual([]);
    expect(ok.holder).toEqual({ name: 'Sunil Kumar', dob: '31-12-1990' });
    expect(readApiSetuXml('<PullDocResponse><DocDetails/></PullDocResponse>').problems).toEqual(['the root element is PullDocResponse, not Certificate']);
    expect(readApiSetuXml('<Certificate txnId="t"/>')).toMatchObject({ txnId: 't', problems: ['the Certificate has no IssuedTo/Person'] });
    expect(readApiSetuXml('<Certificate>').problems.length).toBeGreaterThan(0);
    expect(readApiSetuXml('{"a":1}').problems.length).toBeGreaterThan(0);
  });
});

describe('holderDiffers', () => {
  const asked = { FullName: 'Sunil  Kumar', DOB: '31-12-1990', UID: '999912345678' };
  it('compares name and dob as for IssuedTo, uid only where the certificate gives digits', () => {
    expect(holderDiffers({ name: 'sunil kumar', dob: '31/12/1990' }, asked)).toEqual([]);
    expect(holderDiffers({ name: 'Priya Sharma', dob: '31-12-1990' }, asked)).toEqual(['name']);
    expect(holderDiffers({ name: 'Sunil Kumar' }, asked)).toEqual(['dob']);
    expect(holderDiffers({ name: 'Sunil Kumar', dob: '31-12-1990', uid: '' }, asked)).toEqual([]);
    expect(holderDiffers({ name: 'Sunil Kumar', dob: '31-12-1990', uid: '9999 1234 5678' }, asked)).toEqual([]);
    expect(holderDiffers({ name: 'Sunil Kumar', dob: '31-12-1990', uid: '999912345679' }, asked)).toEqual(['uid']);
    expect(holderDiffers({ name: 'Sunil Kumar', dob: '31-12-1990', uid: 'XXXXXXXX5678' }, asked)).toEqual([]);
    expect(holderDiffers({ name: 'Sunil Kumar', dob: '31-12-1990', uid: 'xxxx-xxxx-1111' }, asked)).toEqual(['uid']);
  });
});

describe('sameTxnId', () => {
  it('an echo is the same transaction as UUIDs compare (any case), and nothing else is', () => {
    const sent = '3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e';
    expect(sameTxnId(sent, sent)).toBe(true);
    expect(sameTxnId(sent.toUpperCase(), sent)).toBe(true);
    expect(sameTxnId('3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4f', sent)).toBe(false);
    expect(sameTxnId(123, sent)).toBe(false);
    // not UUIDs: only the same text is the same
    expect(sameTxnId('TXN-1', 'txn-1')).toBe(false);
    expect(sameTxnId('txn-1', 'txn-1')).toBe(true);
  });
});
