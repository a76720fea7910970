import { describe, expect, it } from 'vitest';
import { base64Encode, inspectBase64, toHex, utf8Encode } from '../../protocol/bytes.js';
import { digilockerHmac, keyhash } from '../../protocol/auth.js';
import { seededRandom } from '../../protocol/time.js';
import { nodeHash } from '../../core/node-hash.js';
import { commonPrefix, hmacNearMiss, keyhashNearMiss, spoilHex } from './nearmiss.js';

const KEY = 'TESTAPIKEY123';
const TS = '2016-01-11T14:44:48+05:30';
const BODY = '<PullURIRequest ts="x"/>';

describe('near misses', () => {
  it('keyhash: right in 63 leading characters, or wrong from the first; always wrong, always lowercase hex', () => {
    const correct = keyhash(nodeHash, KEY, TS);
    const random = seededRandom(1);
    for (let i = 0; i < 50; i++) {
      const long = keyhashNearMiss(correct, 'long', random);
      const short = keyhashNearMiss(correct, 'short', random);
      expect(commonPrefix(long, correct)).toBe(63);
      expect(commonPrefix(short, correct)).toBe(0);
      for (const v of [long, short]) expect(v).toMatch(/^[0-9a-f]{64}$/);
      expect(short.slice(1)).toBe(correct.slice(1));
    }
  });

  it('is reproducible from the seed', () => {
    const correct = keyhash(nodeHash, KEY, TS);
    expect(keyhashNearMiss(correct, 'long', seededRandom(9))).toBe(keyhashNearMiss(correct, 'long', seededRandom(9)));
    expect(spoilHex('aaaa', 2, () => 0.99)).toBe('aafa');
  });

  it('hex-base64 HMAC: Base64 of 64 lowercase hex digits, right but for the last digit (84 of 88 header characters)', () => {
    const correct = digilockerHmac(nodeHash, KEY, BODY, 'hex-base64')!;
    const random = seededRandom(2);
    const long = hmacNearMiss(nodeHash, KEY, BODY, 'hex-base64', 'long', random);
    const short = hmacNearMiss(nodeHash, KEY, BODY, 'hex-base64', 'short', random);
    for (const v of [long, short]) {
      const decoded = new TextDecoder().decode(inspectBase64(v).bytes);
      expect(decoded).toMatch(/^[0-9a-f]{64}$/);
      expect(v).not.toBe(correct);
      expect(v.length).toBe(correct.length);
    }
    expect(commonPrefix(long, correct)).toBe(84);
    expect(commonPrefix(short, correct)).toBeLessThanOrEqual(1);
  });

  it('raw-base64 HMAC: Base64 of 32 bytes, right but for the last byte', () => {
    const correct = digilockerHmac(nodeHash, KEY, BODY, 'raw-base64')!;
    const random = seededRandom(3);
    const long = hmacNearMiss(nodeHash, KEY, BODY, 'raw-base64', 'long', random);
    const short = hmacNearMiss(nodeHash, KEY, BODY, 'raw-base64', 'short', random);
    expect(inspectBase64(long).bytes!.length).toBe(32);
    const digest = toHex(nodeHash.hmacSha256(KEY, utf8Encode(BODY)));
    expect(toHex(inspectBase64(long).bytes!).slice(0, 62)).toBe(digest.slice(0, 62));
    expect(toHex(inspectBase64(long).bytes!)).not.toBe(digest);
    expect(commonPrefix(long, correct)).toBeGreaterThanOrEqual(40);
    expect(commonPrefix(short, correct)).toBeLessThanOrEqual(1);
    expect(base64Encode(inspectBase64(short).bytes!)).toBe(short);
  });
});
