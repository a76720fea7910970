/**
 * Hardened XML reading on fast-xml-parser: DTDs and entity declarations are refused before
 * parsing, elements are matched by local name, size and depth are bounded, and nothing throws
 * on hostile input: problems come back as findings.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlNode {
  /** local name (namespace prefix removed) */
  name: string;
  /** attributes by local name; namespace declarations are dropped */
  attrs: Record<string, string>;
  /** concatenated direct text content, untrimmed */
  text: string;
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
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxChars: 40 * 1024 * 1024, maxDepth: 64 };

export interface XmlReadResult {
  root?: XmlNode;
  findings: Finding[];
}

const DTD = /<!DOCTYPE|<!ENTITY/i;

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

function toNode(entry: Ordered): XmlNode | undefined {
  const name = Object.keys(entry).find((k) => k !== ':@');
  if (name === undefined || name === '#text' || name === '#comment' || name.startsWith('?')) return undefined;
  const attrsRaw = (entry[':@'] ?? {}) as Record<string, unknown>;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrsRaw)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    attrs[k] = decodeEntities(String(v));
  }
  const node: XmlNode = { name, attrs, text: '', children: [] };
  const content = entry[name];
  if (Array.isArray(content)) {
    for (const item of content as Ordered[]) {
      if ('#text' in item) node.text += decodeEntities(String(item['#text']));
      else {
        const child = toNode(item);
        if (child) node.children.push(child);
      }
    }
  }
  return node;
}

/** Reads an XML document; never throws. */
export function readXml(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlReadResult {
  const findings: Finding[] = [];
  try {
    if (text.length > limits.maxChars) {
      return { findings: [{ code: 'too-large', severity: 'error', message: `body of ${text.length} characters exceeds the limit of ${limits.maxChars}` }] };
    }
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (DTD.test(body)) {
      return { findings: [{ code: 'dtd', severity: 'error', message: 'document contains a DOCTYPE or ENTITY declaration, which is refused' }] };
    }
    const valid = XMLValidator.validate(body, { allowBooleanAttributes: false });
    if (valid !== true) {
      const e = valid.err;
      return { findings: [{ code: 'not-well-formed', severity: 'error', message: `not well-formed XML: ${e.msg} (line ${e.line}, column ${e.col})` }] };
    }
    const ordered = parserFor(limits.maxDepth).parse(body) as Ordered[];
    const roots = ordered.map(toNode).filter((n): n is XmlNode => n !== undefined);
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
