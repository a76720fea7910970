/**
 * The hash functions spec/ needs, backed by k6/crypto: the k6 counterpart of
 * conformance/node-hash.ts. k6/crypto hashes a JS string as its UTF-8 bytes, as node:crypto does.
 *
 * `text` gives spec/ native shortcuts over strings: in k6's JavaScript VM the portable path
 * (UTF-8 encoding, hex and base64 written as JS loops) costs about 1 ms per request, the native
 * one a few microseconds. load/k6/selftest.ts checks that both give the same bytes inside k6.
 */
import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
import type { HashFunctions } from '../../spec/auth.js';

/** The exact bytes of a view (a Uint8Array may be a window on a larger buffer). */
function bufferOf(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer as ArrayBuffer;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** The portable path only: what the selftest compares the shortcuts against. */
export const k6HashPortable: HashFunctions = {
  sha256: (text) => new Uint8Array(crypto.sha256(text, 'binary')),
  hmacSha256: (key, data) => new Uint8Array(crypto.hmac('sha256', key, bufferOf(data), 'binary')),
  md5: (text) => new Uint8Array(crypto.md5(text, 'binary')),
};

export const k6Hash: HashFunctions = {
  ...k6HashPortable,
  text: {
    sha256Hex: (text) => crypto.sha256(text, 'hex'),
    hmacSha256HexBase64: (key, text) => encoding.b64encode(crypto.hmac('sha256', key, text, 'hex')),
    hmacSha256RawBase64: (key, text) => crypto.hmac('sha256', key, text, 'base64'),
  },
};
