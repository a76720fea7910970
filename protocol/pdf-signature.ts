/**
 * Is a PDF signed? A signature dictionary (ISO 32000-1 §12.8.1) carries /ByteRange (the bytes the
 * signature covers), /Contents (the signature itself, a hex string) and /SubFilter (its encoding,
 * e.g. adbe.pkcs7.detached). Parser-light: the file is scanned for `/ByteRange` and the object
 * around each hit is read for the other two keys. A signature dictionary cannot sit in a
 * compressed object stream (its /ByteRange must be able to exclude /Contents from the raw file
 * bytes), so a scan of the raw bytes finds every one. Presence is judged, not the signature: the
 * CMS blob in /Contents is not verified.
 */
import type { ByteReader } from './bytes.js';

export interface PdfSignature {
  /** byte offset of the signature dictionary's /ByteRange */
  at: number;
  /** the /SubFilter name, e.g. adbe.pkcs7.detached */
  subFilter: string;
  /** the four numbers of /ByteRange */
  byteRange: number[];
}

export interface PdfSignatureScan {
  /** the first complete signature dictionary found */
  signature?: PdfSignature;
  /** a /ByteRange seen in an object that lacks /Contents or /SubFilter (why no signature counts) */
  incomplete?: string;
}

const MARKER = '/ByteRange';
/** decoded bytes read per step: bounded memory whatever the document's size */
const CHUNK = 1 << 20;
/** how far before and after a hit the enclosing object is looked for */
const OBJECT_WINDOW = 64 * 1024;
/** hits examined at most (a document that mentions /ByteRange in its text many times) */
const MAX_HITS = 100;

function ascii(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

/** Every offset of `marker` in the document, read chunk by chunk (chunks overlap by the marker's length). */
function* offsetsOf(length: number, read: ByteReader, marker: string): Generator<number> {
  for (let start = 0; start < length; start += CHUNK) {
    const text = ascii(read(start, Math.min(length, start + CHUNK + marker.length - 1)));
    for (let i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + 1)) {
      // a hit inside the overlap is found again by the next chunk
      if (i < CHUNK) yield start + i;
    }
  }
}

/** The object (`n g obj` … `endobj`) around offset `at`, as far as the window reaches. */
function objectAround(at: number, length: number, read: ByteReader): string {
  const from = Math.max(0, at - OBJECT_WINDOW);
  const text = ascii(read(from, Math.min(length, at + OBJECT_WINDOW)));
  const hit = at - from;
  const objAt = text.lastIndexOf(' obj', hit);
  const endAt = text.indexOf('endobj', hit);
  return text.slice(Math.max(objAt, 0), endAt < 0 ? text.length : endAt);
}

export function findPdfSignature(length: number, read: ByteReader): PdfSignatureScan {
  const out: PdfSignatureScan = {};
  let hits = 0;
  for (const at of offsetsOf(length, read, MARKER)) {
    if (++hits > MAX_HITS) break;
    const object = objectAround(at, length, read);
    const range = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(object);
    const subFilter = /\/SubFilter\s*\/([^\s/<>[\]()]+)/.exec(object);
    const contents = /\/Contents\s*</.test(object);
    if (range && subFilter && contents) {
      out.signature = { at, subFilter: subFilter[1]!, byteRange: range.slice(1, 5).map(Number) };
      return out;
    }
    out.incomplete ??= `the object with /ByteRange at byte ${at} has ${[range ? undefined : 'no /ByteRange [a b c d]', subFilter ? undefined : 'no /SubFilter', contents ? undefined : 'no /Contents hex string'].filter(Boolean).join(', ')}`;
  }
  return out;
}
