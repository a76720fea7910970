import { describe, expect, it } from 'vitest';
import { nodeHash } from '../core/node-hash.js';
import { HMAC_HEADER, digilockerHmac, keyhash } from './auth.js';
import { AADHAAR_PHOTO_JPEG } from './aadhaar-photo.js';
import { optedInIdentity } from './identity.js';
import { PROFILES } from './profiles.js';
import { pullRequest, tamper, WRONG_KEY, type PullRequestFields } from './request-factory.js';
import { readRequest } from './requests.js';

const KEY = 'factory-test-key';
const TS = '2024-05-21T10:15:30+05:30';
const profile = PROFILES['3.0'];
const signer = { hash: nodeHash, apiKey: KEY, hmac: 'hex-base64' as const };
const owner = { fullName: 'Asha Verma', dob: '31-12-1990', aadhaar: '999941057058' };
const identity = optedInIdentity(nodeHash, { optIn: { uid: true, fullName: true, dob: true, photo: true }, uidMode: 'plain', fields: profile.optInFields }, owner);
const fields: PullRequestFields = {
  kind: 'pulluri',
  ts: TS,
  txn: '1452503688',
  orgId: 'in.gov.dept.state',
  namespace: 'none',
  format: 'both',
  docType: 'INCER',
  search: [['rollno', '123']],
  digiLockerId: '123e4567-e89b-12d3-a456-426655440000',
  identity,
};
const details = (body: string | Uint8Array) => readRequest(body as string).request!.details;

describe('request factory', () => {
  it('a plain request carries every opted-in field and the search, signed over its exact bytes', () => {
    const r = pullRequest(profile, signer, fields);
    expect(details(r.body)).toMatchObject({ UID: owner.aadhaar, FullName: owner.fullName, DOB: owner.dob, Photo: AADHAAR_PHOTO_JPEG, rollno: '123', DocType: 'INCER' });
    expect(r.keyhash).toBe(keyhash(nodeHash, KEY, TS));
    expect(r.headers[HMAC_HEADER]).toBe(digilockerHmac(nodeHash, KEY, r.body, 'hex-base64'));
    expect(r.personal.sort()).toEqual([owner.aadhaar, owner.dob, owner.fullName].sort());
    expect(r.secrets).toEqual([r.keyhash, r.hmac]);
    expect(r.omitted).toEqual([]);
  });

  it('leaves out only the opt-in fields the variation names', () => {
    const r = pullRequest(profile, signer, fields, { omit: ['FullName'] });
    expect(details(r.body).FullName).toBeUndefined();
    expect(details(r.body)).toMatchObject({ UID: owner.aadhaar, DOB: owner.dob, rollno: '123' });
    expect(r.omitted).toEqual(['FullName']);
    expect(r.personal).not.toContain(owner.fullName);
  });

  it('Pull Doc never carries Photo', () => {
    const r = pullRequest(profile, signer, { ...fields, kind: 'pulldoc', uri: 'in.gov.x-INCER-1' });
    expect(details(r.body).Photo).toBeUndefined();
    expect(details(r.body)).toMatchObject({ URI: 'in.gov.x-INCER-1', FullName: owner.fullName });
  });

  it('wrong keys use the one WRONG_KEY', () => {
    expect(pullRequest(profile, signer, fields, { keyhash: { how: 'wrong-key' } }).keyhash).toBe(keyhash(nodeHash, WRONG_KEY, TS));
    const r = pullRequest(profile, signer, fields, { hmac: { how: 'wrong-key' } });
    expect(r.hmac).toBe(digilockerHmac(nodeHash, WRONG_KEY, r.body, 'hex-base64'));
  });

  it('keyhash and HMAC defects', () => {
    const correct = keyhash(nodeHash, KEY, TS);
    const kh = (v: Parameters<typeof pullRequest>[3]) => pullRequest(profile, signer, fields, v).keyhash;
    expect(kh({ keyhash: { how: 'missing' } })).toBeUndefined();
    expect(kh({ keyhash: { how: 'empty' } })).toBe('');
    expect(kh({ keyhash: { how: 'truncated' } })).toBe(correct.slice(0, -1));
    expect(kh({ keyhash: { how: 'flip-char', at: 5 } })).toMatch(/^[0-9a-f]{64}$/);
    expect(kh({ keyhash: { how: 'flip-char', at: 5 } })).not.toBe(correct);
    expect(kh({ keyhash: { how: 'other-ts', ts: '2024-05-21T09:15:30+05:30' } })).toBe(keyhash(nodeHash, KEY, '2024-05-21T09:15:30+05:30'));
    expect(pullRequest(profile, signer, fields, { hmac: { how: 'missing' } }).headers[HMAC_HEADER]).toBeUndefined();
    const flipped = pullRequest(profile, signer, fields, { hmac: { how: 'flip-char', at: 3 } });
    expect(flipped.hmac).not.toBe(digilockerHmac(nodeHash, KEY, flipped.body, 'hex-base64'));
    expect(flipped.secrets).toContain(flipped.hmac);
  });

  it('tampering after signing: the txn changes by one character, the HMAC no longer matches', () => {
    const r = pullRequest(profile, signer, fields, { tamper: 'txn' });
    expect(r.txn).toBe('1452503687');
    expect(readRequest(r.body as string).request!.attrs.txn).toBe('1452503687');
    expect(r.hmac).not.toBe(digilockerHmac(nodeHash, KEY, r.body, 'hex-base64'));
    expect(tamper(`<PullURIRequest ts='1' txn='17'>`, 'txn')).toBe(`<PullURIRequest ts='1' txn='18'>`);
    expect(tamper('<PullDocRequest a="1">', 'space')).toBe('<PullDocRequest a="1" >');
  });

  it('a missing ts and a raw body are variations too; the raw body is what is signed', () => {
    const noTs = pullRequest(profile, signer, fields, { omitTs: true });
    expect(readRequest(noTs.body as string).request!.attrs.ts).toBeUndefined();
    const raw = pullRequest(profile, signer, fields, { rawBody: (b) => b.slice(0, 20) });
    expect(raw.hmac).toBe(digilockerHmac(nodeHash, KEY, raw.body, 'hex-base64'));
  });
});
