/**
 * Near-miss signatures: values that equal the correct keyhash or x-digilocker-hmac in a long
 * prefix, or in none, and are wrong either way. The harness knows the API key, so it can compute
 * the correct value and spoil it at a chosen position. Pure (no node: imports): hashes are injected.
 *
 * The HMAC is spoiled in the digest (a hex character for hex-base64, a byte for raw-base64) and
 * then encoded, so the value stays valid Base64 of a well-formed digest: an issuer that decodes
 * before comparing sees the same prefix structure as one that compares the header text.
 */
import { base64Encode, toHex, utf8Encode } from '../../protocol/bytes.js';
import type { HashFunctions, HmacEncoding } from '../../protocol/auth.js';
import type { Random } from '../../protocol/time.js';

export type Prefix = 'long' | 'short';

const HEX = '0123456789abcdef';

/** `hex` with the character at `position` replaced by a different lowercase hex digit. */
export function spoilHex(hex: string, position: number, random: Random): string {
  const current = hex[position]!.toLowerCase();
  const others = HEX.replace(current, '');
  const replacement = others[Math.floor(random() * others.length)]!;
  return hex.slice(0, position) + replacement + hex.slice(position + 1);
}

/** Where the spoiled character goes: the first one (short prefix) or the last one (long prefix). */
function spoilPosition(length: number, prefix: Prefix): number {
  return prefix === 'long' ? length - 1 : 0;
}

/** A wrong keyhash that agrees with `correct` (64 lowercase hex) in all but the last, or in no leading, character. */
export function keyhashNearMiss(correct: string, prefix: Prefix, random: Random): string {
  return spoilHex(correct, spoilPosition(correct.length, prefix), random);
}

/** A wrong x-digilocker-hmac header for `body`, spoiled at the start or the end of the digest. */
export function hmacNearMiss(hash: HashFunctions, apiKey: string, body: string, encoding: Exclude<HmacEncoding, 'none'>, prefix: Prefix, random: Random): string {
  const digest = hash.hmacSha256(apiKey, utf8Encode(body));
  if (encoding === 'hex-base64') {
    const hex = toHex(digest);
    return base64Encode(utf8Encode(spoilHex(hex, spoilPosition(hex.length, prefix), random)));
  }
  const spoiled = new Uint8Array(digest);
  const at = spoilPosition(spoiled.length, prefix);
  spoiled[at] = spoiled[at]! ^ (1 + Math.floor(random() * 255));
  return base64Encode(spoiled);
}

/** The number of leading characters two strings share. */
export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
