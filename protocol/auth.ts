/**
 * keyhash and x-digilocker-hmac (protocol-facts §1.2, C1, C3). Hash functions are injected so
 * this folder stays free of node: imports and the same code signs wherever it runs.
 */
import { base64Encode, toHex, utf8Encode } from './bytes.js';

export interface HashFunctions {
  /** SHA-256 of the UTF-8 bytes of `text`, as raw bytes */
  sha256(text: string): Uint8Array;
  /** HMAC-SHA256 with the UTF-8 bytes of `key` over `data`, as raw bytes */
  hmacSha256(key: string, data: Uint8Array): Uint8Array;
  /** MD5 of the UTF-8 bytes of `text`, as raw bytes (UID in profile 1.13 is the MD5 of the Aadhaar number) */
  md5(text: string): Uint8Array;
  /**
   * Optional native shortcuts over a string's UTF-8 bytes, for hot paths (the load stream signs
   * every request). Each must give exactly what the portable path gives; a test compares them.
   */
  text?: {
    /** lowercase hex of SHA-256 of the UTF-8 bytes of `text` */
    sha256Hex(text: string): string;
    /** HMAC-SHA256 with the UTF-8 bytes of `key` over the UTF-8 bytes of `text`, as Base64 of the lowercase hex digest */
    hmacSha256HexBase64(key: string, text: string): string;
    /** the same HMAC as Base64 of the raw 32-byte digest */
    hmacSha256RawBase64(key: string, text: string): string;
  };
  /**
   * Optional native shortcuts for a body held as bytes (the issuer verifying what it received),
   * with the same contract as `text`: each must give exactly what the portable path gives.
   */
  bytes?: {
    /** HMAC-SHA256 with the UTF-8 bytes of `key` over `data`, as Base64 of the lowercase hex digest */
    hmacSha256HexBase64(key: string, data: Uint8Array): string;
    /** the same HMAC as Base64 of the raw 32-byte digest */
    hmacSha256RawBase64(key: string, data: Uint8Array): string;
  };
}

export type HmacEncoding = 'hex-base64' | 'raw-base64' | 'none';
export const HMAC_HEADER = 'x-digilocker-hmac';

/** keyhash = lowercase hex of SHA-256(apiKey + ts): the concatenation in this order, ts byte-for-byte as sent. */
export function keyhash(hash: HashFunctions, apiKey: string, ts: string): string {
  if (hash.text) return hash.text.sha256Hex(apiKey + ts);
  return toHex(hash.sha256(apiKey + ts));
}

/**
 * The x-digilocker-hmac value for the exact body bytes. `hex-base64` is Base64 of the lowercase hex
 * digest (what DigiLocker is observed to send); `raw-base64` is Base64 of the 32-byte digest (what
 * the spec text suggests). Returns undefined for `none`.
 */
export function digilockerHmac(hash: HashFunctions, apiKey: string, body: Uint8Array | string, encoding: HmacEncoding): string | undefined {
  if (encoding === 'none') return undefined;
  if (hash.text && typeof body === 'string') {
    return encoding === 'raw-base64' ? hash.text.hmacSha256RawBase64(apiKey, body) : hash.text.hmacSha256HexBase64(apiKey, body);
  }
  if (hash.bytes && typeof body !== 'string') {
    return encoding === 'raw-base64' ? hash.bytes.hmacSha256RawBase64(apiKey, body) : hash.bytes.hmacSha256HexBase64(apiKey, body);
  }
  const bytes = typeof body === 'string' ? utf8Encode(body) : body;
  const digest = hash.hmacSha256(apiKey, bytes);
  return encoding === 'raw-base64' ? base64Encode(digest) : base64Encode(utf8Encode(toHex(digest)));
}

/** Constant-time comparison of two strings, so verification does not leak where they differ. */
export function timingSafeEqualText(a: string, b: string): boolean {
  // The expected length is public (fixed per encoding), so an early length mismatch leaks nothing.
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Verifies a received header against the body in the given encoding. */
export function verifyHmac(hash: HashFunctions, apiKey: string, body: Uint8Array | string, header: string | undefined, encoding: Exclude<HmacEncoding, 'none'>): boolean {
  if (!header) return false;
  const expected = digilockerHmac(hash, apiKey, body, encoding)!;
  return timingSafeEqualText(header.trim(), expected);
}

export function md5Hex(hash: HashFunctions, text: string): string {
  return toHex(hash.md5(text));
}
