/**
 * nodeHash's native shortcuts (HashFunctions.text) must give exactly what protocol/'s portable path
 * gives: the load stream signs with the shortcuts, the conformance suite and the issuer with
 * either.
 */
import { describe, expect, it } from 'vitest';
import { digilockerHmac, keyhash, md5Hex, verifyHmac, type HashFunctions } from '../protocol/auth.js';
import { nodeHash } from './node-hash.js';

const { text: _text, ...portableParts } = nodeHash;
/** The same hashes without the shortcuts: protocol/auth.ts takes its portable path. */
const portable: HashFunctions = portableParts;

const TEXTS = [
  '',
  'TESTAPIKEY123',
  '<PullDocRequest ver="3.0" ts="2026-01-01T11:30:00+05:30" txn="0123456789abcdef0010000000000000"><DocDetails><URI>in.gov.example-INCER-AB12CD34EF</URI></DocDetails></PullDocRequest>',
  '<PullURIRequest><DocDetails><FullName>सुनील कुमार</FullName><DOB>31-12-1990</DOB></DocDetails></PullURIRequest>',
  'emoji 😀🇮🇳 and é, ß, ﬁ, 中文',
  'a\u0000b\r\n\t',
];
const KEYS = ['TESTAPIKEY123', 'kéy-सुनील-😀', ''];

describe('nodeHash.text equals the portable path', () => {
  it('the shortcuts are present (the load stream relies on them)', () => {
    expect(nodeHash.text).toBeDefined();
    expect(portable.text).toBeUndefined();
    expect(portable.bytes).toBeUndefined();
  });

  it('keyhash: ASCII, Devanagari, emoji and empty texts', () => {
    for (const key of KEYS) {
      for (const ts of [...TEXTS, '2016-01-11T14:44:48+05:30']) {
        expect(keyhash(nodeHash, key, ts), JSON.stringify([key, ts])).toBe(keyhash(portable, key, ts));
      }
    }
    // the spec's worked example
    expect(keyhash(nodeHash, 'TESTAPIKEY123', '2016-01-11T14:44:48+05:30')).toBe('47d98af877b52608faab62ef8b782e38a2ecafdca041c71f3fcfdcb53109f172');
    expect(keyhash(portable, 'TESTAPIKEY123', '2016-01-11T14:44:48+05:30')).toBe('47d98af877b52608faab62ef8b782e38a2ecafdca041c71f3fcfdcb53109f172');
  });

  it('x-digilocker-hmac in both encodings: ASCII, Devanagari, emoji and empty bodies', () => {
    for (const key of KEYS) {
      for (const body of TEXTS) {
        for (const enc of ['hex-base64', 'raw-base64'] as const) {
          const fast = digilockerHmac(nodeHash, key, body, enc)!;
          expect(fast, JSON.stringify([key, body, enc])).toBe(digilockerHmac(portable, key, body, enc));
          // and the same as over the body's UTF-8 bytes (what the issuer receives)
          expect(digilockerHmac(nodeHash, key, new TextEncoder().encode(body), enc)).toBe(fast);
          expect(verifyHmac(portable, key, body, fast, enc)).toBe(true);
        }
      }
    }
    expect(digilockerHmac(nodeHash, 'k', 'x', 'none')).toBeUndefined();
  });

  it('the encodings have their documented shapes', () => {
    const hex = Buffer.from(digilockerHmac(nodeHash, 'TESTAPIKEY123', TEXTS[3]!, 'hex-base64')!, 'base64').toString('latin1');
    expect(hex).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(digilockerHmac(nodeHash, 'TESTAPIKEY123', TEXTS[3]!, 'raw-base64')!, 'base64').toString('hex')).toBe(hex);
  });

  it('md5 (UID in profile 1.13) is unchanged', () => {
    expect(md5Hex(nodeHash, '123456789012')).toBe(md5Hex(portable, '123456789012'));
    expect(md5Hex(nodeHash, '')).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });
});
