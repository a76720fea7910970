/**
 * Byte helpers with no runtime dependency: spec/ runs inside k6 (goja), which has neither
 * Buffer nor a reliable TextEncoder, so these few conversions are kept here.
 */

export function utf8Encode(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (code < 0x80) out.push(code);
    else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else out.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  }
  return Uint8Array.from(out);
}

/** Strict UTF-8 decoding; returns undefined when the bytes are not valid UTF-8. */
export function utf8DecodeStrict(bytes: Uint8Array): string | undefined {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i]!;
    let code: number;
    let need: number;
    if (b0 < 0x80) { code = b0; need = 0; }
    else if (b0 >= 0xc2 && b0 <= 0xdf) { code = b0 & 0x1f; need = 1; }
    else if (b0 >= 0xe0 && b0 <= 0xef) { code = b0 & 0x0f; need = 2; }
    else if (b0 >= 0xf0 && b0 <= 0xf4) { code = b0 & 0x07; need = 3; }
    else return undefined;
    for (let k = 1; k <= need; k++) {
      const b = bytes[i + k];
      if (b === undefined || (b & 0xc0) !== 0x80) return undefined;
      code = (code << 6) | (b & 0x3f);
    }
    if ((need === 2 && (code < 0x800 || (code >= 0xd800 && code <= 0xdfff))) || (need === 3 && (code < 0x10000 || code > 0x10ffff))) {
      return undefined;
    }
    out += String.fromCodePoint(code);
    i += need + 1;
  }
  return out;
}

const HEX = '0123456789abcdef';

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b >> 4]! + HEX[b & 15]!;
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + '=';
  }
  return out;
}

export interface Base64Inspection {
  /** true when the text, whitespace removed, is canonical standard base64 */
  valid: boolean;
  /** true when the text contained whitespace (line breaks from chunk_split and the like) */
  hadWhitespace: boolean;
  /** decoded bytes when valid */
  bytes?: Uint8Array;
  /** first offending character and its position, when invalid */
  problem?: string;
}

const B64_LOOKUP: Int16Array = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) table[B64.charCodeAt(i)] = i;
  return table;
})();

/** Validates and decodes standard (RFC 4648 §4) base64, tolerating whitespace but reporting it. */
export function inspectBase64(text: string): Base64Inspection {
  const compact = text.replace(/[\s]+/g, '');
  const hadWhitespace = compact.length !== text.length;
  if (compact.length === 0) return { valid: false, hadWhitespace, problem: 'empty' };
  if (compact.length % 4 !== 0) {
    return { valid: false, hadWhitespace, problem: `length ${compact.length} is not a multiple of 4` };
  }
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  const body = compact.length - padding;
  const bytes = new Uint8Array((compact.length / 4) * 3 - padding);
  let acc = 0;
  let bits = 0;
  let pos = 0;
  for (let i = 0; i < body; i++) {
    const code = compact.charCodeAt(i);
    const value = code < 128 ? B64_LOOKUP[code]! : -1;
    if (value < 0) {
      return { valid: false, hadWhitespace, problem: `character ${JSON.stringify(compact[i])} at ${i} is not in the base64 alphabet` };
    }
    acc = (acc << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[pos++] = (acc >> bits) & 0xff;
    }
  }
  return { valid: true, hadWhitespace, bytes };
}

export function startsWithAscii(bytes: Uint8Array, prefix: string): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

/** true when `marker` occurs within the last `window` bytes (PDFs may end with whitespace after %%EOF). */
export function endsWithAsciiWithin(bytes: Uint8Array, marker: string, window = 1024): boolean {
  const from = Math.max(0, bytes.length - window);
  outer: for (let i = bytes.length - marker.length; i >= from; i--) {
    for (let k = 0; k < marker.length; k++) if (bytes[i + k] !== marker.charCodeAt(k)) continue outer;
    return true;
  }
  return false;
}
