import { describe, expect, it } from 'vitest';
import { checkUri, splitUri } from './uri.js';

const errors = (uri: string, expect_: { issuerId?: string; docType?: string } = {}) =>
  checkUri(uri, expect_)
    .findings.filter((f) => f.severity === 'error')
    .map((f) => f.message);
const warnings = (uri: string, expect_: { issuerId?: string; docType?: string } = {}) =>
  checkUri(uri, expect_)
    .findings.filter((f) => f.severity === 'warning')
    .map((f) => f.message);

describe('document URI grammar (C13)', () => {
  it('accepts the spec example', () => {
    expect(checkUri('in.gov.dept.state-INCER-1234567', { issuerId: 'in.gov.dept.state', docType: 'INCER' }).findings).toEqual([]);
  });
  it('splits on the first and last dash without an issuer id', () => {
    expect(splitUri('in.gov.covin-VACER-123')).toEqual({ issuerId: 'in.gov.covin', docType: 'VACER', docId: '123' });
  });
  it('issuer ids with a dash are judged against the expected id', () => {
    expect(checkUri('in.gov.my-board-HSCER-AB12', { issuerId: 'in.gov.my-board', docType: 'HSCER' }).parsed).toEqual({ issuerId: 'in.gov.my-board', docType: 'HSCER', docId: 'AB12' });
  });
  it('rejects a wrong issuer prefix and a wrong DocType', () => {
    expect(errors('in.gov.other-INCER-1', { issuerId: 'in.gov.dept' })).toHaveLength(1);
    expect(errors('in.gov.dept-SSCER-1', { issuerId: 'in.gov.dept', docType: 'INCER' })).toHaveLength(1);
  });
  it('DocType comparison is case-insensitive', () => {
    expect(errors('in.gov.dept-incer-1', { issuerId: 'in.gov.dept', docType: 'INCER' })).toEqual([]);
  });
  it('rejects missing parts, empty DocId and whitespace', () => {
    expect(errors('')).not.toEqual([]);
    expect(errors('nodashes')).not.toEqual([]);
    expect(errors('a-b')).not.toEqual([]);
    expect(errors('a-B-')).not.toEqual([]);
    expect(errors('in.gov.dept-INCER-12 34', { issuerId: 'in.gov.dept' })).not.toEqual([]);
  });
  it('warns for long or non-alphanumeric DocIds (observed in the wild)', () => {
    expect(warnings('testt.in.gov.kerala.edistrict-A001116301471-420')).not.toEqual([]);
    expect(warnings('in.gov.dept-INCER-ABCDEFGHIJK', { issuerId: 'in.gov.dept' })).toEqual(['DocId is 11 characters, over the 10 the spec states']);
    expect(warnings('in.gov.dept-INCER-AB_12', { issuerId: 'in.gov.dept' })).toHaveLength(1);
  });
  it('warns for DocTypes over 5 letters', () => {
    expect(warnings('x-ABCDEF-1')).toHaveLength(1);
  });
});
