/**
 * Byte helpers with no runtime dependency: protocol/ stays runnable outside Node (no Buffer, no
 * reliance on TextEncoder), so these few conversions are kept here.
 */

export function utf8Encode(text: string): Uint8Array {
  // One pass to size the output, one to fill it: no intermediate number[] (8 bytes per element)
  // for large texts.
  let size = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) size += 1;
    else if (code < 0x800) size += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      size += 4;
      i++;
    } else size += 3;
  }
  const out = new Uint8Array(size);
  let pos = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    // an unpaired surrogate goes out as U+FFFD, as TextEncoder and Buffer send it: the HMAC is
    // over the bytes on the wire
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x80) out[pos++] = code;
    else if (code < 0x800) {
      out[pos++] = 0xc0 | (code >> 6);
      out[pos++] = 0x80 | (code & 63);
    } else if (code < 0x10000) {
      out[pos++] = 0xe0 | (code >> 12);
      out[pos++] = 0x80 | ((code >> 6) & 63);
      out[pos++] = 0x80 | (code & 63);
    } else {
      out[pos++] = 0xf0 | (code >> 18);
      out[pos++] = 0x80 | ((code >> 12) & 63);
      out[pos++] = 0x80 | ((code >> 6) & 63);
      out[pos++] = 0x80 | (code & 63);
    }
  }
  return out;
}

/**
 * Strings already known to be the strict UTF-8 decoding of a byte array (the target client
 * registers every body it decoded strictly), so that a check decoding the same bytes again gets
 * the same string instead of a second copy of a large body. Keyed by the array object: callers
 * register only arrays they never mutate.
 */
const knownUtf8 = new WeakMap<Uint8Array, string>();

/** Records that `text` is the strict UTF-8 decoding of `bytes` (which must not change afterwards). */
export function rememberUtf8(bytes: Uint8Array, text: string): void {
  knownUtf8.set(bytes, text);
}

type Decoder = { decode(bytes: Uint8Array): string };
let fatalDecoder: Decoder | null | undefined;
function nativeDecoder(): Decoder | null {
  if (fatalDecoder === undefined) {
    // TextDecoder where the platform has one (Node, browsers); a runtime without one falls back to JS
    const TD = (globalThis as { TextDecoder?: new (label: string, options: { fatal: boolean; ignoreBOM: boolean }) => Decoder }).TextDecoder;
    try {
      fatalDecoder = TD ? new TD('utf-8', { fatal: true, ignoreBOM: true }) : null;
    } catch {
      fatalDecoder = null;
    }
  }
  return fatalDecoder;
}

/** Strict UTF-8 decoding; returns undefined when the bytes are not valid UTF-8. A BOM is kept as U+FEFF. */
export function utf8DecodeStrict(bytes: Uint8Array): string | undefined {
  const known = knownUtf8.get(bytes);
  if (known !== undefined) return known;
  const native = nativeDecoder();
  if (native) {
    try {
      return native.decode(bytes);
    } catch {
      return undefined;
    }
  }
  return utf8DecodeStrictJs(bytes);
}

/** The pure-JS strict decoder (platforms without TextDecoder); output built in chunks, not char by char. */
export function utf8DecodeStrictJs(bytes: Uint8Array): string | undefined {
  const pieces: string[] = [];
  const units = new Uint16Array(8192);
  let n = 0;
  const flush = () => {
    pieces.push(String.fromCharCode.apply(null, units.subarray(0, n) as unknown as number[]));
    n = 0;
  };
  let i = 0;
  while (i < bytes.length) {
    if (n > units.length - 2) flush();
    const b0 = bytes[i]!;
    let code: number;
    let need: number;
    if (b0 < 0x80) {
      units[n++] = b0;
      i++;
      continue;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      code = b0 & 0x1f;
      need = 1;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      code = b0 & 0x0f;
      need = 2;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      code = b0 & 0x07;
      need = 3;
    } else return undefined;
    for (let k = 1; k <= need; k++) {
      const b = bytes[i + k];
      if (b === undefined || (b & 0xc0) !== 0x80) return undefined;
      code = (code << 6) | (b & 0x3f);
    }
    if ((need === 2 && (code < 0x800 || (code >= 0xd800 && code <= 0xdfff))) || (need === 3 && (code < 0x10000 || code > 0x10ffff))) {
      return undefined;
    }
    if (code >= 0x10000) {
      code -= 0x10000;
      units[n++] = 0xd800 + (code >> 10);
      units[n++] = 0xdc00 + (code & 0x3ff);
    } else units[n++] = code;
    i += need + 1;
  }
  flush();
  return pieces.length === 1 ? pieces[0]! : pieces.join('');
}

/**
 * What the first bytes of a body say about its encoding: a byte-order mark, or the NUL pattern of
 * UTF-16 text without one. For messages ("the body is UTF-16LE"), not for decoding.
 */
export function sniffEncoding(bytes: Uint8Array): 'utf-8-bom' | 'utf-16le-bom' | 'utf-16be-bom' | 'utf-16le' | 'utf-16be' | undefined {
  const [a, b, c] = [bytes[0], bytes[1], bytes[2]];
  if (a === 0xef && b === 0xbb && c === 0xbf) return 'utf-8-bom';
  if (a === 0xff && b === 0xfe) return 'utf-16le-bom';
  if (a === 0xfe && b === 0xff) return 'utf-16be-bom';
  if (bytes.length >= 4) {
    let evenNul = 0;
    let oddNul = 0;
    const n = Math.min(bytes.length & ~1, 64);
    for (let i = 0; i < n; i += 2) {
      if (bytes[i] === 0 && bytes[i + 1] !== 0) evenNul++;
      if (bytes[i + 1] === 0 && bytes[i] !== 0) oddNul++;
    }
    if (oddNul >= n / 4 && evenNul === 0) return 'utf-16le';
    if (evenNul >= n / 4 && oddNul === 0) return 'utf-16be';
  }
  return undefined;
}

const HEX = '0123456789abcdef';

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b >> 4]! + HEX[b & 15]!;
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 of the bytes; built in blocks, so a 20 MB document makes no 27-million-node string. */
export function base64Encode(bytes: Uint8Array): string {
  const BLOCK = 3 * 4096;
  const pieces: string[] = [];
  const full = bytes.length - (bytes.length % 3);
  // sized for the input when it is shorter than a block: a 32-byte hash needs no 32 KB scratch
  const codes = new Uint16Array((Math.min(BLOCK, full) / 3) * 4);
  for (let start = 0; start < full; start += BLOCK) {
    const end = Math.min(full, start + BLOCK);
    let n = 0;
    for (let i = start; i < end; i += 3) {
      const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      codes[n++] = B64_CODES[v >> 18]!;
      codes[n++] = B64_CODES[(v >> 12) & 63]!;
      codes[n++] = B64_CODES[(v >> 6) & 63]!;
      codes[n++] = B64_CODES[v & 63]!;
    }
    pieces.push(String.fromCharCode.apply(null, codes.subarray(0, n) as unknown as number[]));
  }
  const rest = bytes.length - full;
  if (rest === 1) {
    const v = bytes[full]! << 16;
    pieces.push(`${B64[v >> 18]! + B64[(v >> 12) & 63]!}==`);
  } else if (rest === 2) {
    const v = (bytes[full]! << 16) | (bytes[full + 1]! << 8);
    pieces.push(`${B64[v >> 18]! + B64[(v >> 12) & 63]! + B64[(v >> 6) & 63]!}=`);
  }
  return pieces.length === 1 ? pieces[0]! : pieces.join('');
}

// a loop, not Uint16Array.from(B64, …): not every JavaScript engine builds a typed array from a string
const B64_CODES: Uint16Array = (() => {
  const codes = new Uint16Array(B64.length);
  for (let i = 0; i < B64.length; i++) codes[i] = B64.charCodeAt(i);
  return codes;
})();

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
  // '=' (padding) stays -1: decodeBase64Range never emits the bytes a padding character covers
  for (let i = 0; i < B64.length; i++) table[B64.charCodeAt(i)] = i;
  return table;
})();

const WHITESPACE = /\s/;

/**
 * Base64 text: a string, or its ASCII bytes, as a large run of a response body is held (a 20 MB
 * certificate's DocContent is never made a 27-million-character string; see protocol/body.ts).
 */
export type Base64Text = string | Uint8Array;

/** The character code at `i` of either form. */
function codeAt(text: Base64Text, i: number): number {
  return typeof text === 'string' ? text.charCodeAt(i) : text[i]!;
}

/** ASCII whitespace in a byte run (the only whitespace a run of base64 bytes can hold). */
function isSpaceByte(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

function hasWhitespace(text: Base64Text): boolean {
  if (typeof text === 'string') return WHITESPACE.test(text);
  for (let i = 0; i < text.length; i++) if (isSpaceByte(text[i]!)) return true;
  return false;
}

/** The text without its whitespace (a copy only when it has some). */
export function compactBase64(text: Base64Text): Base64Text {
  if (!hasWhitespace(text)) return text;
  if (typeof text === 'string') return text.replace(/[\s]+/g, '');
  const out = new Uint8Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) if (!isSpaceByte(text[i]!)) out[n++] = text[i]!;
  return out.subarray(0, n);
}

/** The same characters, whichever form each is held in. */
export function sameText(a: Base64Text, b: Base64Text): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (codeAt(a, i) !== codeAt(b, i)) return false;
  return true;
}

/** true when the text is absent, empty or only whitespace. */
export function isBlankText(text: Base64Text | undefined): boolean {
  if (text === undefined) return true;
  if (typeof text === 'string') return text.trim() === '';
  for (let i = 0; i < text.length; i++) if (!isSpaceByte(text[i]!)) return false;
  return true;
}

/** The first `chars` characters, for messages. */
export function textHead(text: Base64Text, chars: number): string {
  if (typeof text === 'string') return text.slice(0, chars);
  let out = '';
  for (let i = 0; i < Math.min(chars, text.length); i++) out += String.fromCharCode(text[i]!);
  return out;
}

/** Validates and decodes standard (RFC 4648 §4) base64, tolerating whitespace but reporting it. */
export function inspectBase64(text: Base64Text): Base64Inspection {
  // no copy of a large value unless it really has whitespace in it
  const compact = compactBase64(text);
  const hadWhitespace = compact.length !== text.length;
  const scan = scanCompact(compact);
  if (!scan.valid) return { valid: false, hadWhitespace, problem: scan.problem };
  return { valid: true, hadWhitespace, bytes: decodeBase64Range(compact, 0, scan.byteLength) };
}

export interface Base64Scan {
  valid: boolean;
  hadWhitespace: boolean;
  /** decoded length in bytes, when valid */
  byteLength: number;
  problem?: string;
}

/**
 * inspectBase64 without decoding: validity, whitespace and decoded length, in one pass and no
 * allocation (but a compacted copy when the text has whitespace). For large content.
 */
export function scanBase64(text: Base64Text): Base64Scan {
  const compact = compactBase64(text);
  return { ...scanCompact(compact), hadWhitespace: compact.length !== text.length };
}

function padding(compact: Base64Text): number {
  const n = compact.length;
  if (n === 0 || codeAt(compact, n - 1) !== 0x3d /* = */) return 0;
  return n >= 2 && codeAt(compact, n - 2) === 0x3d ? 2 : 1;
}

function scanCompact(compact: Base64Text): Omit<Base64Scan, 'hadWhitespace'> {
  if (compact.length === 0) return { valid: false, byteLength: 0, problem: 'empty' };
  if (compact.length % 4 !== 0) return { valid: false, byteLength: 0, problem: `length ${compact.length} is not a multiple of 4` };
  const body = compact.length - padding(compact);
  const bad = typeof compact === 'string' ? firstNonBase64(compact, body) : firstNonBase64Byte(compact, body);
  if (bad >= 0) {
    return { valid: false, byteLength: 0, problem: `character ${JSON.stringify(String.fromCharCode(codeAt(compact, bad)))} at ${bad} is not in the base64 alphabet` };
  }
  return { valid: true, byteLength: (compact.length / 4) * 3 - padding(compact) };
}

// two loops, one per form: a 27 MB run is scanned in a tight loop, not through codeAt
function firstNonBase64(text: string, end: number): number {
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || B64_LOOKUP[code]! < 0) return i;
  }
  return -1;
}

function firstNonBase64Byte(bytes: Uint8Array, end: number): number {
  for (let i = 0; i < end; i++) {
    const code = bytes[i]!;
    if (code >= 128 || B64_LOOKUP[code]! < 0) return i;
  }
  return -1;
}

/**
 * Bytes [start, end) of the data encoded by canonical base64 text (validated, no whitespace),
 * decoding only the characters that cover them: the PDF check reads a header, a tail and an xref
 * table out of 27 MB of base64 without decoding the rest.
 */
export function decodeBase64Range(compact: Base64Text, start: number, end: number): Uint8Array {
  const total = (compact.length / 4) * 3 - padding(compact);
  const from = Math.max(0, Math.min(start, total));
  const to = Math.max(from, Math.min(end, total));
  const out = new Uint8Array(to - from);
  let pos = 0;
  const firstQuad = Math.floor(from / 3);
  const lastQuad = Math.ceil(to / 3);
  for (let q = firstQuad; q < lastQuad; q++) {
    const c = q * 4;
    const v =
      (B64_LOOKUP[codeAt(compact, c)]! << 18) |
      (B64_LOOKUP[codeAt(compact, c + 1)]! << 12) |
      (((B64_LOOKUP[codeAt(compact, c + 2)] ?? 0) & 63) << 6) |
      ((B64_LOOKUP[codeAt(compact, c + 3)] ?? 0) & 63);
    for (let k = 0; k < 3; k++) {
      const at = q * 3 + k;
      if (at >= from && at < to) out[pos++] = (v >> (16 - 8 * k)) & 0xff;
    }
  }
  return out;
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

// ---------------------------------------------------------------- PDF structure

export interface PdfStructure {
  /** the header, e.g. `%PDF-1.4`, when the data starts with %PDF- */
  header?: string;
  /** %%EOF within the last 1024 bytes */
  eof: boolean;
  /** the offset given by the last startxref */
  startxref?: number;
  /** what startxref points at */
  xref?: 'table' | 'stream';
  /** a trailer dictionary (after an xref table) or an XRef stream dictionary, with /Root */
  trailer: boolean;
  /** the first structural problem, in words; undefined when the structure is sound */
  problem?: string;
}

/** Random access to the bytes of a document: [start, end), clamped to its length. */
export type ByteReader = (start: number, end: number) => Uint8Array;

export const bytesReader =
  (bytes: Uint8Array): ByteReader =>
  (start, end) =>
    bytes.subarray(start, end);

/** A reader over canonical base64 text (validated, no whitespace) that decodes only what is read. */
export const base64Reader =
  (compact: Base64Text): ByteReader =>
  (start, end) =>
    decodeBase64Range(compact, start, end);

function ascii(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}

const TAIL = 1024;

/**
 * The skeleton of a PDF (ISO 32000-1 §7.5): `%PDF-` header, `%%EOF` at the end, `startxref`
 * before it, and at that offset a cross-reference table followed by a trailer with /Root, or a
 * cross-reference stream (/Type /XRef) whose dictionary has /Root. Reads a few small windows
 * through `read`, never the whole document.
 */
export function inspectPdf(length: number, read: ByteReader): PdfStructure {
  const out: PdfStructure = { eof: false, trailer: false };
  // readers accept the header anywhere in the first 1024 bytes (PDF 1.7 Annex H.3 note 13)
  const head = ascii(read(0, Math.min(length, TAIL)));
  const headerAt = head.indexOf('%PDF-');
  if (headerAt < 0) {
    out.problem = 'no %PDF- header';
    return out;
  }
  out.header = /^%PDF-[0-9.]*/.exec(head.slice(headerAt))![0];
  const tailStart = Math.max(0, length - TAIL);
  const tail = ascii(read(tailStart, length));
  const eofAt = tail.lastIndexOf('%%EOF');
  out.eof = eofAt >= 0;
  if (!out.eof) {
    out.problem = 'no %%EOF at the end';
    return out;
  }
  const sx = /startxref\s+(\d+)\s*$/.exec(tail.slice(0, eofAt));
  if (!sx) {
    out.problem = 'no startxref before %%EOF';
    return out;
  }
  const offset = Number(sx[1]);
  out.startxref = offset;
  if (offset >= length) {
    out.problem = `startxref points to byte ${offset}, past the end of the ${length}-byte document`;
    return out;
  }
  const at = ascii(read(offset, Math.min(length, offset + 64)));
  const lead = /^\s*/.exec(at)![0].length;
  if (at.startsWith('xref', lead)) {
    out.xref = 'table';
    return walkXrefTable(out, offset + lead + 4, length, read);
  }
  if (/^\s*\d+\s+\d+\s+obj\b/.test(at)) {
    const dict = ascii(read(offset, Math.min(length, offset + 4096)));
    if (!/\/Type\s*\/XRef\b/.test(dict)) {
      out.problem = `startxref points to byte ${offset}, an object that is not a cross-reference stream`;
      return out;
    }
    out.xref = 'stream';
    out.trailer = /\/Root\b/.test(dict);
    if (!out.trailer) out.problem = `the cross-reference stream at byte ${offset} has no /Root`;
    return out;
  }
  out.problem = `startxref points to byte ${offset}, where there is no xref table or cross-reference stream`;
  return out;
}

function walkXrefTable(out: PdfStructure, from: number, length: number, read: ByteReader): PdfStructure {
  let pos = from;
  for (let sections = 0; sections < 10_000; sections++) {
    const window = ascii(read(pos, Math.min(length, pos + 64)));
    const ws = /^\s*/.exec(window)![0].length;
    if (window.startsWith('trailer', ws)) {
      const dict = ascii(read(pos + ws, Math.min(length, pos + ws + 4096)));
      out.trailer = /\/Root\b/.test(dict);
      if (!out.trailer) out.problem = `the trailer at byte ${pos + ws} has no /Root`;
      return out;
    }
    const sub = /^(\d+)[ \t]+(\d+)[ \t]*\r?\n?/.exec(window.slice(ws));
    if (!sub) {
      out.problem = `the xref table starting at byte ${from - 4} is malformed at byte ${pos + ws} (no subsection header or trailer)`;
      return out;
    }
    pos += ws + sub[0].length + Number(sub[2]) * 20;
    if (pos >= length) {
      out.problem = `the xref table starting at byte ${from - 4} runs past the end of the document`;
      return out;
    }
  }
  out.problem = `the xref table starting at byte ${from - 4} has no trailer`;
  return out;
}
