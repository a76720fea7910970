import { describe, expect, it } from 'vitest';
import { nodeHash } from '../core/node-hash.js';
import { digilockerHmac, keyhash, md5Hex, timingSafeEqualText, verifyHmac } from './auth.js';
import { buildPullUriRequest } from './requests.js';

// protocol-facts.md §4 test vectors
const API_KEY = 'TESTAPIKEY123';
const TS = '2016-01-11T14:44:48+05:30';
const BODY =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><PullURIRequest xmlns="http://tempuri.org/" ver="3.0" ts="2016-01-11T14:44:48+05:30" txn="1452503688" orgId="in.gov.dept.state" keyhash="47d98af877b52608faab62ef8b782e38a2ecafdca041c71f3fcfdcb53109f172" format="both"><DocDetails><DocType>INCER</DocType><DigiLockerId>123e4567-e89b-12d3-a456-426655440000</DigiLockerId><UDF1>13333</UDF1></DocDetails></PullURIRequest>';

describe('keyhash and HMAC (facts §4 vectors)', () => {
  it('keyhash is lowercase hex sha256(apiKey + ts)', () => {
    expect(keyhash(nodeHash, API_KEY, TS)).toBe('47d98af877b52608faab62ef8b782e38a2ecafdca041c71f3fcfdcb53109f172');
  });
  it('the vector body is 421 bytes', () => {
    expect(Buffer.byteLength(BODY)).toBe(421);
  });
  it('hex-base64 header (observed DigiLocker behaviour)', () => {
    expect(digilockerHmac(nodeHash, API_KEY, BODY, 'hex-base64')).toBe('YWFlMGVmNzk0MGZhNDAzODk5OTYyNjYxM2MxZWNjODQ1ZGY0MGQxN2JmYTQwZGRjNmVjOGUzNDk1NTMwYTc3Yw==');
  });
  it('raw-base64 header (spec text)', () => {
    expect(digilockerHmac(nodeHash, API_KEY, BODY, 'raw-base64')).toBe('quDveUD6QDiZliZhPB7MhF30DRe/pA3cbsjjSVUwp3w=');
  });
  it('none sends no header', () => {
    expect(digilockerHmac(nodeHash, API_KEY, BODY, 'none')).toBeUndefined();
  });
  it('verifies and rejects', () => {
    const header = digilockerHmac(nodeHash, API_KEY, BODY, 'hex-base64');
    expect(verifyHmac(nodeHash, API_KEY, BODY, header, 'hex-base64')).toBe(true);
    expect(verifyHmac(nodeHash, API_KEY, `${BODY} `, header, 'hex-base64')).toBe(false);
    expect(verifyHmac(nodeHash, API_KEY, BODY, header, 'raw-base64')).toBe(false);
    expect(verifyHmac(nodeHash, API_KEY, BODY, undefined, 'hex-base64')).toBe(false);
  });
  it('the builder reproduces the vector body byte for byte', () => {
    const body = buildPullUriRequest(
      { ver: '3.0', ts: TS, txn: '1452503688', orgId: 'in.gov.dept.state', keyhash: keyhash(nodeHash, API_KEY, TS), format: 'both', namespace: 'tempuri' },
      { docType: 'INCER', digiLockerId: '123e4567-e89b-12d3-a456-426655440000', search: [['UDF1', '13333']] },
    );
    expect(body).toBe(BODY);
  });
  it('md5 of an Aadhaar number is 32 lowercase hex', () => {
    expect(md5Hex(nodeHash, '123412341234')).toMatch(/^[0-9a-f]{32}$/);
  });
  it('constant-time comparison', () => {
    expect(timingSafeEqualText('abc', 'abc')).toBe(true);
    expect(timingSafeEqualText('abc', 'abd')).toBe(false);
    expect(timingSafeEqualText('abc', 'ab')).toBe(false);
  });
});
