/**
 * Hardened XML reading on fast-xml-parser: DTDs and entity declarations are refused before
 * parsing, elements are matched by local name, size, depth and element count are bounded, and
 * nothing throws on hostile input: problems come back as findings.
 *
 * Large documents: fast-xml-parser builds text content one character at a time, which for a
 * 27 MB base64 DocContent means a 27-million-node string and about a gigabyte of memory. So a
 * linear pre-scan first takes every text run (and CDATA section) inside the root element out of
 * the document, leaving a short placeholder; the parser sees only markup, and each text node gets
 * back a slice of the original string (no copy). Entity checks, line-ending normalisation, line
 * and column numbers in messages are kept as the parser would give them.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlNode {
  /** local name (namespace prefix removed) */
  name: string;
  /** attributes by local name; namespace declarations are dropped */
  attrs: Record<string, string>;
  /** concatenated direct text content, untrimmed */
  text: string;
  /**
   * The text as its ASCII bytes, when it was a large base64 run of a body read from its bytes
   * (readXmlBytes in body.ts); `text` then decodes them on each access.
   */
  bytes?: Uint8Array;
  children: XmlNode[];
}

export type FindingSeverity = 'error' | 'warning';

export interface Finding {
  code: string;
  severity: FindingSeverity;
  message: string;
}

export interface XmlLimits {
  /** largest body accepted, in UTF-16 code units of the decoded text */
  maxChars: number;
  maxDepth: number;
  /** most elements accepted (default 20,000): bounds the tree a hostile body can make us build */
  maxElements?: number;
}

/** maxChars follows the client's default response cap (64 MiB), so what is received can be read. */
export const DEFAULT_XML_LIMITS: XmlLimits = { maxChars: 64 * 1024 * 1024, maxDepth: 64, maxElements: 20_000 };
const DEFAULT_MAX_ELEMENTS = 20_000;

export interface XmlReadResult {
  root?: XmlNode;
  findings: Finding[];
}

const DTD = /<!DOCTYPE|<!ENTITY/i;
/**
 * A DOCTYPE (which holds any ENTITY declaration) where XML allows one: in the prolog, after an
 * optional XML declaration, comments, processing instructions and whitespace.
 */
const PROLOG_DTD = /^\s*(?:(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->)\s*)*<!(?:DOCTYPE|ENTITY)/i;
/**
 * A body that opens as HTML: `<!DOCTYPE html`, `<html`, or `<head>`/`<body>` after optional
 * comments (and an XML declaration, as XHTML pages have).
 */
const HTML_PAGE = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!DOCTYPE\s+html\b|<html[\s>]|<head[\s>]|<body[\s>])/i;

/** Whether a text opens as an HTML page (a proxy's, a firewall's, a framework's error page). */
export function isHtmlPage(text: string): boolean {
  return HTML_PAGE.test(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

/**
 * Characters XML 1.0 forbids anywhere in a document (§2.2): C0 controls other than tab, LF and
 * CR, U+FFFE, U+FFFF and unpaired surrogates. fast-xml-parser lets them through.
 */
const ILLEGAL_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CHAR_REF = /&#(x[0-9a-fA-F]+|[0-9]+);/g;

function legalCodePoint(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

/** The first character (or character reference) XML 1.0 does not allow, with its offset. */
export function illegalXmlChar(text: string): { offset: number; what: string } | undefined {
  const m = ILLEGAL_CHAR.exec(text);
  let found = m ? { offset: m.index, what: `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` } : undefined;
  if (text.indexOf('&#') >= 0) {
    for (const r of text.matchAll(CHAR_REF)) {
      if (found && r.index >= found.offset) break;
      const ref = r[1]!;
      const code = ref[0] === 'x' ? parseInt(ref.slice(1), 16) : parseInt(ref, 10);
      if (!legalCodePoint(code)) {
        found = { offset: r.index, what: `the character reference ${r[0].slice(0, 16)}` };
        break;
      }
    }
  }
  return found;
}

const parser = (maxDepth: number) =>
  new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: maxDepth,
    // no callbacks read paths: without this the parser builds a path string for every attribute
    jPath: false,
  });

const parsers = new Map<number, XMLParser>();
function parserFor(maxDepth: number): XMLParser {
  let p = parsers.get(maxDepth);
  if (!p) {
    p = parser(maxDepth);
    parsers.set(maxDepth, p);
  }
  return p;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Resolves the five predefined entities and character references; anything else stays literal.
 * fast-xml-parser leaves numeric references undecoded, and its entity processing also expands
 * DOCTYPE entities, so it runs with entities off and this small decoder does the XML-core part.
 */
export function decodeEntities(text: string): string {
  if (text.indexOf('&') < 0) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return PREDEFINED[ref] ?? whole;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

type Ordered = Record<string, unknown>;

/** an & that does not start a character or entity reference */
const BARE_AMP = /&(?!#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z_][\w.-]*;)/;

function toNode(entry: Ordered, runs: readonly string[]): XmlNode | undefined {
  const name = Object.keys(entry).find((k) => k !== ':@');
  if (name === undefined || name === '#text' || name === '#comment' || name.startsWith('?')) return undefined;
  const attrsRaw = (entry[':@'] ?? {}) as Record<string, unknown>;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrsRaw)) {
    const raw = String(v);
    // fast-xml-parser's validator lets these through; XML 1.0 §3.1 (AttValue) does not
    if (raw.indexOf('<') >= 0 || BARE_AMP.test(raw)) throw new Error(`not well-formed XML: attribute ${k.slice(0, 40)} contains a raw < or &`);
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    attrs[k] = decodeEntities(raw);
  }
  const node: XmlNode = { name, attrs, text: '', children: [] };
  const content = entry[name];
  if (Array.isArray(content)) {
    for (const item of content as Ordered[]) {
      if ('#text' in item) node.text += decodeEntities(restore(String(item['#text']), runs));
      else {
        const child = toNode(item, runs);
        if (child) node.children.push(child);
      }
    }
  }
  return node;
}

// ---------------------------------------------------------------- the pre-scan

/** Placeholder delimiters (private-use characters): only placeholders put them in text nodes. */
const OPEN = '\uE000';
const CLOSE = '\uE001';
const PLACEHOLDER = /\uE000(\d+)\uE001/g;
/** an ampersand fast-xml-parser's validator refuses (its validateAmpersand, as a pattern) */
const BAD_AMP = /&(?!#[0-9]*;|#x[0-9a-fA-F]*;|\w{1,20};)/g;
const NON_SPACE = /\S/g;
/** text outside the root longer than this is shortened (it is never part of the tree) */
const OUTSIDE_KEEP = 256;
/** comments longer than this inside the root are emptied (the tree drops comments) */
const LONG_COMMENT = 1024;

interface Edit {
  /** where the replacement starts in the reduced document, and its length */
  at: number;
  length: number;
  /** what it replaced in the original */
  from: number;
  fromLength: number;
}

interface Reduced {
  text: string;
  runs: string[];
  edits: Edit[];
}

function position(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

/** The offset in the original document of an offset in the reduced one. */
function originalOffset(edits: readonly Edit[], reducedOffset: number): number {
  let delta = 0;
  for (const e of edits) {
    if (e.at > reducedOffset) break;
    if (reducedOffset < e.at + e.length) return e.from;
    delta = e.from + e.fromLength - (e.at + e.length);
  }
  return reducedOffset + delta;
}

function reducedOffsetOf(text: string, line: number, col: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) break;
    at = nl + 1;
  }
  return at + Math.max(0, col - 1);
}

/**
 * Takes text out of the document (see the module comment) and counts depth and elements. Stops
 * reducing at anything unterminated and leaves the rest as it is: the validator reports it.
 */
function reduce(body: string, limits: XmlLimits): Reduced | Finding {
  const maxElements = limits.maxElements ?? DEFAULT_MAX_ELEMENTS;
  const n = body.length;
  const pieces: string[] = [];
  const runs: string[] = [];
  const edits: Edit[] = [];
  let copied = 0; // body[copied, i) is still to be appended
  let reducedLength = 0;
  let depth = 0;
  let elements = 0;
  let badAmpAt = -2; // cached position of the next refused '&' at or after some point (-1: none)
  let badAmpFrom = 0;

  const replace = (start: number, end: number, replacement: string) => {
    if (start > copied) {
      pieces.push(body.slice(copied, start));
      reducedLength += start - copied;
    }
    edits.push({ at: reducedLength, length: replacement.length, from: start, fromLength: end - start });
    pieces.push(replacement);
    reducedLength += replacement.length;
    copied = end;
  };
  const placeholder = (start: number, end: number, content: string) => {
    replace(start, end, `${OPEN}${runs.length}${CLOSE}`);
    runs.push(content.indexOf('\r') >= 0 ? content.replace(/\r\n?/g, '\n') : content);
  };
  const nextBadAmp = (from: number): number => {
    if (badAmpAt === -1 && from >= badAmpFrom) return -1;
    if (badAmpAt >= from) return badAmpAt;
    BAD_AMP.lastIndex = from;
    const m = BAD_AMP.exec(body);
    badAmpFrom = from;
    badAmpAt = m ? m.index : -1;
    return badAmpAt;
  };
  const text = (start: number, end: number) => {
    if (depth > 0) {
      const bad = nextBadAmp(start);
      if (bad >= 0 && bad < end) return; // left in place: the validator refuses it with its message
      placeholder(start, end, body.slice(start, end));
      return;
    }
    if (end - start <= 2 * OUTSIDE_KEEP) return;
    NON_SPACE.lastIndex = start;
    const m = NON_SPACE.exec(body);
    const firstNonSpace = m && m.index < end ? m.index : end;
    const lead = firstNonSpace - start > OUTSIDE_KEEP ? '\n' : body.slice(start, firstNonSpace);
    replace(start, end, lead + body.slice(firstNonSpace, Math.min(end, firstNonSpace + OUTSIDE_KEEP)));
  };

  let i = 0;
  scan: while (i < n) {
    const lt = body.indexOf('<', i);
    if (lt < 0) {
      text(i, n);
      break;
    }
    if (lt > i) text(i, lt);
    const next = body.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */) {
      if (body.startsWith('<!--', lt)) {
        const end = body.indexOf('-->', lt + 4);
        if (end < 0) break;
        if (depth > 0 && end - lt > LONG_COMMENT) replace(lt, end + 3, '<!---->');
        i = end + 3;
        continue;
      }
      if (body.startsWith('<![CDATA[', lt)) {
        const end = body.indexOf(']]>', lt + 9);
        if (end < 0) break;
        // CDATA is literal: escape & so the entity decoding of text nodes gives it back unchanged
        if (depth > 0) placeholder(lt, end + 3, body.slice(lt + 9, end).replace(/&/g, '&amp;'));
        i = end + 3;
        continue;
      }
      const end = body.indexOf('>', lt + 2);
      if (end < 0) break;
      i = end + 1;
      continue;
    }
    if (next === 0x3f /* ? */) {
      const end = body.indexOf('?>', lt + 2);
      if (end < 0) break;
      i = end + 2;
      continue;
    }
    if (next === 0x2f /* / */) {
      const end = body.indexOf('>', lt + 2);
      if (end < 0) break;
      depth--;
      i = end + 1;
      continue;
    }
    // a start tag: find its '>' outside quoted attribute values
    let j = lt + 1;
    for (; j < n; j++) {
      const c = body.charCodeAt(j);
      if (c === 0x3e /* > */) break;
      if (c === 0x3c /* < */) break scan;
      if (c === 0x22 || c === 0x27) {
        const q = body.indexOf(c === 0x22 ? '"' : "'", j + 1);
        if (q < 0) break scan;
        j = q;
      }
    }
    if (j >= n) break;
    elements++;
    if (elements > maxElements) {
      return { code: 'too-large', severity: 'error', message: `more than ${maxElements} elements (the limit); at line ${position(body, lt).line}` };
    }
    if (body.charCodeAt(j - 1) !== 0x2f /* / */) {
      depth++;
      if (depth > limits.maxDepth) {
        const at = position(body, lt);
        return { code: 'too-deep', severity: 'error', message: `elements nested deeper than ${limits.maxDepth} levels (line ${at.line}, column ${at.col})` };
      }
    }
    i = j + 1;
  }
  if (edits.length === 0) return { text: body, runs, edits };
  if (copied < n) pieces.push(body.slice(copied));
  return { text: pieces.join(''), runs, edits };
}

function restore(text: string, runs: readonly string[]): string {
  if (text.indexOf(OPEN) < 0) return text;
  // the common case: one whole text node, restored without a copy
  const whole = /^\uE000(\d+)\uE001$/.exec(text);
  if (whole) return runs[Number(whole[1])] ?? text;
  return text.replace(PLACEHOLDER, (all, k: string) => runs[Number(k)] ?? all);
}

/**
 * A hint when text that is not XML looks like UTF-16 read as UTF-8: printable ASCII alternating
 * with NUL characters, after two U+FFFD where a byte-order mark was.
 */
function encodingHint(body: string): string {
  let head = body.slice(0, 130);
  let bom = '';
  if (head.startsWith('\uFFFD\uFFFD')) {
    head = head.slice(2);
    bom = ' with a byte-order mark';
  }
  const n = Math.min(head.length & ~1, 128);
  if (n < 8) return '';
  let le = 0;
  let be = 0;
  for (let i = 0; i < n; i += 2) {
    const a = head.charCodeAt(i);
    const b = head.charCodeAt(i + 1);
    if (b === 0 && a >= 0x09 && a < 0x7f) le++;
    if (a === 0 && b >= 0x09 && b < 0x7f) be++;
  }
  const order = le >= (n / 2) * 0.75 ? 'UTF-16LE' : be >= (n / 2) * 0.75 ? 'UTF-16BE' : undefined;
  return order ? ` — the text alternates letters and NUL characters: ${order}${bom}, not UTF-8?` : '';
}

/** Reads an XML document; never throws. */
export function readXml(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlReadResult {
  const findings: Finding[] = [];
  try {
    if (text.length > limits.maxChars) {
      return { findings: [{ code: 'too-large', severity: 'error', message: `body of ${text.length} characters exceeds the limit of ${limits.maxChars}` }] };
    }
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    // an HTML page (a proxy's, a firewall's, a framework's error page) is not an XML document with
    // a DTD: say what it is, so a refusal page is never reported as a DTD finding
    if (HTML_PAGE.test(body)) {
      return { findings: [{ code: 'html', severity: 'error', message: 'an HTML page came back, not XML (a proxy, firewall or error page?)' }] };
    }
    if (DTD.test(body)) {
      // a DTD is named only where it is one: in the prolog; anywhere else the text is not well-formed
      return PROLOG_DTD.test(body)
        ? { findings: [{ code: 'dtd', severity: 'error', message: 'document contains a DOCTYPE or ENTITY declaration, which is refused' }] }
        : { findings: [{ code: 'not-well-formed', severity: 'error', message: 'not well-formed XML: a DOCTYPE or ENTITY declaration after the start of the root element' }] };
    }
    if (/^\s*$/.test(body)) {
      return {
        findings: [
          {
            code: 'not-well-formed',
            severity: 'error',
            message: body.length === 0 ? 'not well-formed XML: the body is empty' : `not well-formed XML: the body is only whitespace (${body.length} characters)`,
          },
        ],
      };
    }
    const illegal = illegalXmlChar(body);
    if (illegal) {
      const hint = illegal.what === 'U+0000' ? encodingHint(body) : '';
      return { findings: [{ code: 'not-well-formed', severity: 'error', message: `not well-formed XML: ${illegal.what} at offset ${illegal.offset} is not an XML character${hint}` }] };
    }
    const reduced = reduce(body, limits);
    if ('code' in reduced) return { findings: [reduced] };
    const valid = XMLValidator.validate(reduced.text, { allowBooleanAttributes: false });
    if (valid !== true) {
      const e = valid.err;
      let where = `line ${e.line}${e.col === undefined ? '' : `, column ${e.col}`}`;
      let msg = e.msg;
      if (reduced.edits.length > 0) {
        // positions are the reduced document's: give the original's
        const map = (line: number, col: number) => position(body, originalOffset(reduced.edits, reducedOffsetOf(reduced.text, line, col)));
        if (typeof e.line === 'number') {
          const at = map(e.line, e.col ?? 1);
          where = `line ${at.line}${e.col === undefined ? '' : `, column ${at.col}`}`;
        }
        msg = msg.replace(/line (\d+), col (\d+)/g, (_all, l: string, c: string) => {
          const at = map(Number(l), Number(c));
          return `line ${at.line}, col ${at.col}`;
        });
      }
      return { findings: [{ code: 'not-well-formed', severity: 'error', message: `not well-formed XML: ${msg} (${where})${encodingHint(body)}` }] };
    }
    const ordered = parserFor(limits.maxDepth).parse(reduced.text) as Ordered[];
    const roots = ordered.map((entry) => toNode(entry, reduced.runs)).filter((n): n is XmlNode => n !== undefined);
    if (roots.length !== 1) {
      return { findings: [{ code: 'not-well-formed', severity: 'error', message: `expected one root element, found ${roots.length}` }] };
    }
    return { root: roots[0], findings };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = /nest/i.test(message) ? 'too-deep' : 'not-well-formed';
    return { findings: [{ code, severity: 'error', message: `XML could not be read: ${message.slice(0, 200)}` }] };
  }
}

export function child(node: XmlNode | undefined, localName: string): XmlNode | undefined {
  return node?.children.find((c) => c.name === localName);
}

export function childrenNamed(node: XmlNode | undefined, localName: string): XmlNode[] {
  return node ? node.children.filter((c) => c.name === localName) : [];
}

/** Case-insensitive lookup, for reporting elements whose case is wrong (`docContent`). */
export function childIgnoringCase(node: XmlNode | undefined, localName: string): XmlNode | undefined {
  const lower = localName.toLowerCase();
  return node?.children.find((c) => c.name.toLowerCase() === lower);
}

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

/** XML 1.0 name (ASCII subset: what element names of search parameters use). */
export function isXmlName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name) && !/^xml/i.test(name);
}
