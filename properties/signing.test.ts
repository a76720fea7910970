/**
 * Signing (protocol/auth.ts): deterministic; any single-byte change of the body changes the HMAC in
 * both encodings; the keyhash depends on every character of the key and the ts; verification
 * accepts exactly the signature of the exact bytes. Aadhaar numbers: the Verhoeff check digit
 * catches every single-digit error and every adjacent transposition.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeHash } from '../core/node-hash.js';
import { isValidAadhaar, verhoeffValid } from '../protocol/aadhaar.js';
import { digilockerHmac, keyhash, md5Hex, timingSafeEqualText, verifyHmac } from '../protocol/auth.js';
import { utf8Encode } from '../protocol/bytes.js';
import { PROFILES } from '../protocol/profiles.js';
import { signedHeaders } from '../protocol/request-factory.js';
import { anyRequest, buildRequest, invalidAadhaar, params, renderTs, tsString, validAadhaar } from './arbitraries/index.js';

const md5 = (text: string) => md5Hex(nodeHash, text);
const apiKey = fc.string({ minLength: 1, maxLength: 40 });
const body = anyRequest(PROFILES['3.0'], 'pulluri', md5).map((req) => buildRequest(req, renderTs(req.ts, new Date(Date.UTC(2024, 4, 21))), 'k'.repeat(64)));
const ENCODINGS = ['hex-base64', 'raw-base64'] as const;

describe('signing', () => {
  it('is deterministic: the same key, ts and body give the same keyhash and headers', () => {
    fc.assert(
      fc.property(apiKey, tsString(), body, fc.constantFrom(...ENCODINGS), (key, t, b, hmac) => {
        expect(keyhash(nodeHash, key, t.ts)).toBe(keyhash(nodeHash, key, t.ts));
        expect(signedHeaders({ hash: nodeHash, apiKey: key, hmac }, b)).toEqual(signedHeaders({ hash: nodeHash, apiKey: key, hmac }, b));
        // the string and its UTF-8 bytes are signed alike
        expect(digilockerHmac(nodeHash, key, b, hmac)).toBe(digilockerHmac(nodeHash, key, utf8Encode(b), hmac));
      }),
      params(300),
    );
  });
  it('any single-byte change of the body changes the HMAC, and the original no longer verifies', () => {
    fc.assert(
      fc.property(apiKey, body, fc.nat(), fc.integer({ min: 1, max: 255 }), fc.constantFrom(...ENCODINGS), (key, b, at, delta, hmac) => {
        const bytes = utf8Encode(b);
        const changed = bytes.slice();
        const i = at % bytes.length;
        changed[i] = (changed[i]! + delta) % 256;
        const original = digilockerHmac(nodeHash, key, bytes, hmac)!;
        expect(digilockerHmac(nodeHash, key, changed, hmac)).not.toBe(original);
        expect(verifyHmac(nodeHash, key, bytes, original, hmac)).toBe(true);
        expect(verifyHmac(nodeHash, key, changed, original, hmac)).toBe(false);
      }),
      params(500),
    );
  });
  it('the keyhash changes with any change of the key or the ts', () => {
    fc.assert(
      fc.property(apiKey, tsString(), fc.nat(), fc.constantFrom('0', '1', '9', ':', 'Z', '+'), (key, t, at, c) => {
        const i = at % t.ts.length;
        const other = t.ts.slice(0, i) + c + t.ts.slice(i + 1);
        fc.pre(other !== t.ts);
        expect(keyhash(nodeHash, key, other)).not.toBe(keyhash(nodeHash, key, t.ts));
        expect(keyhash(nodeHash, key + c, t.ts)).not.toBe(keyhash(nodeHash, key, t.ts));
        expect(keyhash(nodeHash, key, t.ts)).toMatch(/^[0-9a-f]{64}$/);
      }),
      params(300),
    );
  });
  it('verification needs the same key and the same encoding', () => {
    fc.assert(
      fc.property(apiKey, apiKey, body, (k1, k2, b) => {
        fc.pre(k1 !== k2);
        for (const enc of ENCODINGS) {
          const mac = digilockerHmac(nodeHash, k1, b, enc);
          expect(verifyHmac(nodeHash, k2, b, mac, enc)).toBe(false);
          expect(verifyHmac(nodeHash, k1, b, mac, enc === 'hex-base64' ? 'raw-base64' : 'hex-base64')).toBe(false);
        }
      }),
      params(200),
    );
  });
  it('constant-time comparison agrees with ===', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), (a, b) => {
        expect(timingSafeEqualText(a, b)).toBe(a === b);
        expect(timingSafeEqualText(a, a)).toBe(true);
      }),
      params(500),
    );
  });
});

describe('Aadhaar numbers (Verhoeff)', () => {
  it('generated valid numbers are valid; their MD5 is 32 lowercase hex', () => {
    fc.assert(
      fc.property(validAadhaar(), (a) => {
        expect(isValidAadhaar(a)).toBe(true);
        expect(md5(a)).toMatch(/^[0-9a-f]{32}$/);
      }),
      params(300),
    );
  });
  it('each kind of invalid number is rejected', () => {
    fc.assert(
      fc.property(invalidAadhaar(), (a) => {
        expect(isValidAadhaar(a.value)).toBe(false);
      }),
      params(500),
    );
  });
  it('every single-digit substitution and every adjacent transposition is detected', () => {
    fc.assert(
      fc.property(validAadhaar(), (a) => {
        for (let i = 0; i < 12; i++) {
          for (let d = 0; d < 10; d++) {
            if (String(d) === a[i]) continue;
            expect(verhoeffValid(a.slice(0, i) + d + a.slice(i + 1))).toBe(false);
          }
          if (i < 11 && a[i] !== a[i + 1]) expect(verhoeffValid(a.slice(0, i) + a[i + 1] + a[i] + a.slice(i + 2))).toBe(false);
        }
      }),
      params(100),
    );
  });
});
