/**
 * Reading a large response body from its bytes.
 *
 * A 20 MB certificate arrives as 27 MB of base64 inside DocContent. Decoding such a body to one
 * string means holding it twice while it is decoded, and a string and its bytes afterwards; the
 * harness's peak memory for one such document was 5× its size. So the large text runs of a body
 * (base64 and whitespace, at least LARGE_RUN_BYTES long, between a '>' and the next '<') stay
 * bytes: the rest, a few kilobytes of markup, is decoded and read by readXml as usual with a token
 * where each run was, and each element whose text was a run gets it back as `bytes`, its `text`
 * becoming a getter that decodes them on each access.
 *
 * Line numbers in messages about the markup are those of the whole body (a token is followed by
 * as many line breaks as its run had); a column on the line where a run ends can differ.
 */
import { utf8DecodeStrict } from './bytes.js';
import { DEFAULT_XML_LIMITS, readXml, type XmlLimits, type XmlNode, type XmlReadResult } from './xml.js';

/** Text runs at least this long are kept as bytes. */
export const LARGE_RUN_BYTES = 256 * 1024;

const TOKEN_OPEN = '\uE002';
const TOKEN_CLOSE = '\uE003';
const WHOLE_TOKEN = /^\uE002(\d+)\uE003\n*$/;
const ANY_TOKEN = /\uE002(\d+)\uE003\n*/g;

/** Bytes a run may hold: the base64 alphabet, its padding and ASCII whitespace. */
const RUN_BYTE: Uint8Array = (() => {
  const table = new Uint8Array(256);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \t\n\r\v\f';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = 1;
  return table;
})();

export interface ExcisedBody {
  /** the body decoded, each run replaced by a token */
  skeleton: string;
  /** the runs, views into the body (no copy) */
  runs: Uint8Array[];
  /** length of the whole body as text, in UTF-16 code units */
  chars: number;
}

/**
 * Splits a body into its decoded markup and its large runs; undefined when it has no run, is not
 * valid UTF-8, or already contains the token characters (then it is read as one string).
 */
export function exciseRuns(bytes: Uint8Array, minRun = LARGE_RUN_BYTES): ExcisedBody | undefined {
  const pieces: string[] = [];
  const runs: Uint8Array[] = [];
  let chars = 0;
  let from = 0; // bytes[from, …) are not yet in pieces
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const gt = bytes.indexOf(0x3e /* > */, i);
    if (gt < 0) break;
    let j = gt + 1;
    while (j < n && RUN_BYTE[bytes[j]!] === 1) j++;
    if (j < n && bytes[j] === 0x3c /* < */ && j - (gt + 1) >= minRun) {
      // both ends are ASCII, so no piece splits a multi-byte sequence
      const markup = utf8DecodeStrict(bytes.subarray(from, gt + 1));
      if (markup === undefined || markup.indexOf(TOKEN_OPEN) >= 0) return undefined;
      const run = bytes.subarray(gt + 1, j);
      let lineBreaks = 0;
      for (let k = 0; k < run.length; k++) if (run[k] === 0x0a) lineBreaks++;
      pieces.push(markup, `${TOKEN_OPEN}${runs.length}${TOKEN_CLOSE}${'\n'.repeat(lineBreaks)}`);
      chars += markup.length + run.length;
      runs.push(run);
      from = j;
    }
    i = Math.max(j, gt + 1);
  }
  if (runs.length === 0) return undefined;
  const rest = utf8DecodeStrict(bytes.subarray(from));
  if (rest === undefined || rest.indexOf(TOKEN_OPEN) >= 0) return undefined;
  pieces.push(rest);
  chars += rest.length;
  return { skeleton: pieces.join(''), runs, chars };
}

/** A run as the text the XML parser would give for it (line endings normalised, XML 1.0 §2.11). */
export function runText(run: Uint8Array): string {
  const text = utf8DecodeStrict(run) ?? '';
  return text.indexOf('\r') >= 0 ? text.replace(/\r\n?/g, '\n') : text;
}

/**
 * readXml for a body held as bytes (valid UTF-8); elements whose whole text is a large run have
 * `bytes`, and `text` decodes them when read. Without a large run this is readXml of the decoded
 * body.
 */
export function readXmlBytes(bytes: Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS, minRun = LARGE_RUN_BYTES): XmlReadResult {
  const excised = exciseRuns(bytes, minRun);
  if (!excised) {
    const text = utf8DecodeStrict(bytes);
    if (text === undefined) return { findings: [{ code: 'not-utf8', severity: 'error', message: 'the body is not valid UTF-8' }] };
    return readXml(text, limits);
  }
  if (excised.chars > limits.maxChars) {
    return { findings: [{ code: 'too-large', severity: 'error', message: `body of ${excised.chars} characters exceeds the limit of ${limits.maxChars}` }] };
  }
  const result = readXml(excised.skeleton, limits);
  if (result.root) restoreRuns(result.root, excised.runs);
  return result;
}

function restoreRuns(node: XmlNode, runs: readonly Uint8Array[]): void {
  if (node.text.indexOf(TOKEN_OPEN) >= 0) {
    const whole = WHOLE_TOKEN.exec(node.text);
    const run = whole ? runs[Number(whole[1])] : undefined;
    if (run) holdAsBytes(node, run);
    // a run beside other text (an entity or CDATA between two runs): spelled out
    else node.text = node.text.replace(ANY_TOKEN, (all, k: string) => (runs[Number(k)] ? runText(runs[Number(k)]!) : all));
  }
  for (const c of node.children) restoreRuns(c, runs);
}

function holdAsBytes(node: XmlNode, run: Uint8Array): void {
  node.bytes = run;
  Object.defineProperty(node, 'text', { enumerable: true, configurable: true, get: () => runText(run) });
}
