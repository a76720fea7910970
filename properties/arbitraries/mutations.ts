/**
 * Mutations of a built request body: each a small serialisable descriptor (so counterexamples
 * print and shrink) and a pure function from the body protocol/ built to the bytes to send. The
 * caller signs the mutated bytes: a mutation never leaves a stale HMAC behind.
 *
 * Each mutation says what a conformant issuer does with the result:
 *  - `refuse`: not XML, not well-formed, or a DTD: HTTP 4xx, or 200 with Status="0";
 *  - `no-document`: well-formed but nothing can be looked up (no DocDetails, no search, unknown
 *    root): never a document;
 *  - `any`: well-formed but odd (a case change, a duplicate, another namespace, a huge value):
 *    any answer but a crash;
 *  - `succeed`: the same document written another way XML allows (CDATA, character
 *    references, a BOM): SHOULD be answered as the plain request.
 */
import fc from 'fast-check';
import { escapeXml } from '../../protocol/xml.js';
import { ILLEGAL_XML_CHARS } from './text.js';

export type Expectation = 'refuse' | 'no-document' | 'any' | 'succeed';

export type Mutation =
  // not well-formed, not XML, or a DTD: refuse
  | { kind: 'truncate'; permille: number }
  | { kind: 'illegal-char'; where: 'element' | 'attribute'; char: string }
  | { kind: 'illegal-char-ref'; code: number }
  | { kind: 'invalid-utf8'; bytes: readonly number[] }
  | { kind: 'unescaped'; char: '<' | '&' }
  | { kind: 'duplicate-attribute'; name: 'ts' | 'txn' | 'orgId' | 'ver' }
  | { kind: 'mismatched-end-tag' }
  | { kind: 'unclosed-element' }
  | { kind: 'dtd-entity' }
  | { kind: 'entity-bomb'; depth: number; width: number }
  | { kind: 'not-xml'; form: 'json' | 'form' | 'text' | 'empty' | 'html' }
  // well-formed, nothing to look up: no document
  | { kind: 'drop-element'; name: string }
  | { kind: 'rename-root' }
  // well-formed and odd: any answer but a crash
  | { kind: 'drop-attribute'; name: 'txn' | 'ver' }
  | { kind: 'duplicate-element'; name: string; other: boolean }
  | { kind: 'case-change'; name: string; upper: boolean }
  | { kind: 'other-namespace'; uri: string }
  | { kind: 'prefixed-elements' }
  | { kind: 'oversize'; where: 'txn' | 'extra-element' | 'search'; size: number }
  // the same document written another way
  | { kind: 'cdata'; name: string }
  | { kind: 'char-refs'; name: string }
  | { kind: 'bom' };

export type MutationKind = Mutation['kind'];

const EXPECTATION: Record<MutationKind, Expectation> = {
  truncate: 'refuse',
  'illegal-char': 'refuse',
  'illegal-char-ref': 'refuse',
  'invalid-utf8': 'refuse',
  unescaped: 'refuse',
  'duplicate-attribute': 'refuse',
  'mismatched-end-tag': 'refuse',
  'unclosed-element': 'refuse',
  'dtd-entity': 'refuse',
  'entity-bomb': 'refuse',
  'not-xml': 'refuse',
  'drop-element': 'no-document',
  'rename-root': 'no-document',
  'drop-attribute': 'any',
  'duplicate-element': 'any',
  'case-change': 'any',
  'other-namespace': 'any',
  'prefixed-elements': 'any',
  oversize: 'any',
  cdata: 'succeed',
  'char-refs': 'succeed',
  bom: 'succeed',
};

export function expectationOf(m: Mutation): Expectation {
  return EXPECTATION[m.kind];
}

/** What a mutation works on: the element names of the request it mutates. */
export interface MutationTarget {
  /** the element that identifies the document: the first search element, or URI */
  key: string;
  /** the search elements (Pull URI) or [URI] (Pull Doc) */
  lookup: readonly string[];
  /** every DocDetails child present */
  children: readonly string[];
}

/** Oversize values: past common column sizes, past 1 MiB, past the 2 MiB many servers cap a body at. */
const OVERSIZE = [4096, 65_536, 1_048_576, 2_621_440] as const;

/** Mutations whose result a conformant issuer must refuse (or, for `drop-element`/`rename-root`, not serve). */
export function refusedMutation(t: MutationTarget): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.integer({ min: 1, max: 999 }).map((permille) => ({ kind: 'truncate' as const, permille })),
    fc.record({ kind: fc.constant('illegal-char' as const), where: fc.constantFrom('element' as const, 'attribute' as const), char: fc.constantFrom(...ILLEGAL_XML_CHARS) }),
    fc.constantFrom(0, 1, 8, 0xb, 0x1f, 0xfffe, 0xd800).map((code) => ({ kind: 'illegal-char-ref' as const, code })),
    fc.constantFrom([0xe9], [0xc3], [0xff, 0xfe], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf]).map((bytes) => ({ kind: 'invalid-utf8' as const, bytes })),
    fc.constantFrom('<' as const, '&' as const).map((char) => ({ kind: 'unescaped' as const, char })),
    fc.constantFrom('ts' as const, 'txn' as const, 'orgId' as const, 'ver' as const).map((name) => ({ kind: 'duplicate-attribute' as const, name })),
    fc.constant({ kind: 'mismatched-end-tag' as const }),
    fc.constant({ kind: 'unclosed-element' as const }),
    fc.constant({ kind: 'dtd-entity' as const }),
    fc.record({ kind: fc.constant('entity-bomb' as const), depth: fc.integer({ min: 1, max: 4 }), width: fc.integer({ min: 2, max: 10 }) }),
    fc.constantFrom('json' as const, 'form' as const, 'text' as const, 'empty' as const, 'html' as const).map((form) => ({ kind: 'not-xml' as const, form })),
    fc.constantFrom('DocDetails', ...t.lookup).map((name) => ({ kind: 'drop-element' as const, name })),
    fc.constant({ kind: 'rename-root' as const }),
  );
}

/** Well-formed oddities: any answer but a crash. */
export function oddMutation(t: MutationTarget): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.constantFrom('txn' as const, 'ver' as const).map((name) => ({ kind: 'drop-attribute' as const, name })),
    fc.record({ kind: fc.constant('duplicate-element' as const), name: fc.constantFrom(...t.children), other: fc.boolean() }),
    fc.record({ kind: fc.constant('case-change' as const), name: fc.constantFrom('DocDetails', ...t.children, 'ts', 'txn', 'orgId', 'format', 'keyhash'), upper: fc.boolean() }),
    fc.constantFrom('urn:example:other', 'http://tempuri.org/other', '').map((uri) => ({ kind: 'other-namespace' as const, uri })),
    fc.constant({ kind: 'prefixed-elements' as const }),
    fc.record({
      kind: fc.constant('oversize' as const),
      where: fc.constantFrom('txn' as const, 'extra-element' as const, 'search' as const),
      // the megabyte sizes are rare: each costs the target (and the wire) a megabyte or more
      size: fc.oneof({ weight: 8, arbitrary: fc.constant(OVERSIZE[0]) }, { weight: 4, arbitrary: fc.constant(OVERSIZE[1]) }, { weight: 1, arbitrary: fc.constantFrom(OVERSIZE[2], OVERSIZE[3]) }),
    }),
  );
}

/** The same document written another way XML allows. */
export function sameMeaningMutation(t: MutationTarget): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.constantFrom(...t.lookup).map((name) => ({ kind: 'cdata' as const, name })),
    fc.constantFrom(...t.lookup).map((name) => ({ kind: 'char-refs' as const, name })),
    fc.constant({ kind: 'bom' as const }),
  );
}

// ---------------------------------------------------------------------------------------------
// applying a mutation to a body protocol/ built

const ROOT = /<((?:[A-Za-z_][\w.-]*:)?Pull(?:URI|Doc)Request)\b([^>]*)>/;
const NOTE = 'Remarks';

/** `<name …>text</name>` of the first element named `name` (no child elements inside). */
function elementAt(body: string, name: string): { start: number; end: number; open: string; text: string; close: string } | undefined {
  const re = new RegExp(`(<${escapeRegExp(name)}(?:\\s[^>]*)?>)([^<]*)(</${escapeRegExp(name)}\\s*>)`);
  const m = re.exec(body);
  if (!m) return undefined;
  return { start: m.index, end: m.index + m[0].length, open: m[1]!, text: m[2]!, close: m[3]! };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The text XML gives back for the escaped text protocol/ wrote (the five predefined entities only). */
function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_m, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]!);
}

/** Inserts an element before </DocDetails> (or at the end of the root when there is none). */
function addElement(body: string, xml: string): string {
  const at = body.lastIndexOf('</DocDetails>');
  if (at >= 0) return body.slice(0, at) + xml + body.slice(at);
  const end = body.lastIndexOf('</');
  return end >= 0 ? body.slice(0, end) + xml + body.slice(end) : body + xml;
}

function addRootAttribute(body: string, attr: string): string {
  return body.replace(ROOT, (_m, name: string, rest: string) => `<${name} ${attr}${rest}>`);
}

/** After the XML declaration (a DOCTYPE must come after it), or at the start. */
function afterDeclaration(body: string, text: string): string {
  const decl = /^(\uFEFF?<\?xml[^?]*\?>)/.exec(body);
  return decl ? decl[1] + text + body.slice(decl[1]!.length) : text + body;
}

function rootName(body: string): string {
  return ROOT.exec(body)?.[1] ?? 'PullURIRequest';
}

export interface MutationInput {
  body: string;
  target: MutationTarget;
  /** values for the not-XML forms */
  fields: Record<string, string>;
}

/** Applies a mutation; returns bytes only for invalid-utf8. */
export function applyMutation(m: Mutation, input: MutationInput): string | Uint8Array {
  const { body, target } = input;
  switch (m.kind) {
    case 'truncate': {
      const cut = Math.min(body.length - 1, Math.max(1, Math.floor((body.length * m.permille) / 1000)));
      return body.slice(0, cut);
    }
    case 'illegal-char':
      return m.where === 'element' ? addElement(body, `<${NOTE}>a${m.char}b</${NOTE}>`) : addRootAttribute(body, `note="a${m.char}b"`);
    case 'illegal-char-ref':
      return addElement(body, `<${NOTE}>a&#${m.code};b</${NOTE}>`);
    case 'invalid-utf8': {
      const marker = '\u0000DLCONFORM\u0000';
      const text = addElement(body, `<${NOTE}>a${marker}b</${NOTE}>`);
      const [before, after] = text.split(marker) as [string, string];
      const enc = new TextEncoder();
      const a = enc.encode(before);
      const b = enc.encode(after);
      const out = new Uint8Array(a.length + m.bytes.length + b.length);
      out.set(a, 0);
      out.set(m.bytes, a.length);
      out.set(b, a.length + m.bytes.length);
      return out;
    }
    case 'unescaped':
      return addElement(body, m.char === '<' ? `<${NOTE}>a < b</${NOTE}>` : `<${NOTE}>AT&T</${NOTE}>`);
    case 'duplicate-attribute': {
      const value = new RegExp(`\\s${m.name}=(["'])([^"']*)\\1`).exec(body)?.[2] ?? '1';
      return addRootAttribute(body, `${m.name}="${value}"`);
    }
    case 'mismatched-end-tag':
      return body.includes('</DocDetails>') ? body.replace('</DocDetails>', '</DocDetail>') : body.replace(/<\/([^>]+)>$/, '</$1x>');
    case 'unclosed-element':
      return body.includes('</DocDetails>') ? body.replace('</DocDetails>', '') : body.replace(/<\/[^>]+>$/, '');
    case 'dtd-entity': {
      const el = elementAt(body, target.key);
      const root = rootName(body);
      if (!el) return afterDeclaration(body, `<!DOCTYPE ${root} [<!ENTITY dlcq "x">]>`);
      const withRef = `${body.slice(0, el.start)}${el.open}&dlcq;${el.close}${body.slice(el.end)}`;
      // the entity stands for the real value: an issuer that expands it finds the document
      return afterDeclaration(withRef, `<!DOCTYPE ${root} [<!ENTITY dlcq "${el.text.replace(/"/g, '&quot;')}">]>`);
    }
    case 'entity-bomb': {
      // bounded on purpose: width^depth × 8 characters (at most 80 KB) if a target expands it
      let decls = '<!ENTITY e0 "dlconfrm">';
      for (let i = 1; i <= m.depth; i++) decls += `<!ENTITY e${i} "${`&e${i - 1};`.repeat(m.width)}">`;
      return afterDeclaration(addElement(body, `<${NOTE}>&e${m.depth};</${NOTE}>`), `<!DOCTYPE ${rootName(body)} [${decls}]>`);
    }
    case 'not-xml': {
      const f = input.fields;
      switch (m.form) {
        case 'json':
          return JSON.stringify({ [rootName(body)]: f });
        case 'form':
          return Object.entries(f)
            .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
            .join('&');
        case 'text':
          return `${rootName(body)} ${Object.values(f).join(' ')}`;
        case 'empty':
          return '';
        case 'html':
          return `<!doctype html><html><body><form>${Object.entries(f)
            .map(([k, v]) => `<input name="${escapeXml(k)}" value="${escapeXml(v)}">`)
            .join('')}</form></body></html>`;
      }
      break;
    }
    case 'drop-element': {
      if (m.name === 'DocDetails') return body.replace(/<DocDetails>[\s\S]*<\/DocDetails>/, '');
      const el = elementAt(body, m.name);
      return el ? body.slice(0, el.start) + body.slice(el.end) : body;
    }
    // keep describeMutation's words in step: the name sent is the root's with X appended
    case 'rename-root': {
      const name = rootName(body);
      return body.replace(`<${name}`, `<${name}X`).replace(new RegExp(`</${escapeRegExp(name)}>\\s*$`), `</${name}X>`);
    }
    case 'drop-attribute':
      return body.replace(ROOT, (whole) => whole.replace(new RegExp(`\\s+${m.name}=(["'])[^"']*\\1`), ''));
    case 'duplicate-element': {
      const el = elementAt(body, m.name);
      if (!el) return body;
      const copy = `${el.open}${el.text}${m.other ? 'X' : ''}${el.close}`;
      return body.slice(0, el.end) + copy + body.slice(el.end);
    }
    case 'case-change': {
      const to = m.upper ? m.name.toUpperCase() : m.name.toLowerCase();
      if (to === m.name) return body;
      if (/^(ts|txn|orgId|format|keyhash)$/.test(m.name)) {
        return body.replace(ROOT, (whole) => whole.replace(new RegExp(`(\\s)${m.name}=`), `$1${to}=`));
      }
      return body.replace(new RegExp(`<(/?)${escapeRegExp(m.name)}([\\s>/])`, 'g'), `<$1${to}$2`);
    }
    case 'other-namespace':
      return body.replace(ROOT, (_w, name: string, rest: string) => `<${name}${rest.replace(/\s+xmlns="[^"]*"/, '')} xmlns="${m.uri}">`);
    case 'prefixed-elements': {
      const prefixed = body.replace(/<(\/?)([A-Za-z_][\w.-]*)(?=[\s>/])/g, (whole, slash: string, name: string) => (name.includes(':') ? whole : `<${slash}ns9:${name}`));
      return prefixed.replace(/<(ns9:Pull(?:URI|Doc)Request)\b/, '<$1 xmlns:ns9="http://tempuri.org/"');
    }
    case 'oversize': {
      const filler = 'A'.repeat(m.size);
      if (m.where === 'txn') return body.replace(ROOT, (whole) => whole.replace(/(\stxn=)(["'])[^"']*\2/, `$1$2${'1'.repeat(m.size)}$2`));
      if (m.where === 'extra-element') return addElement(body, `<${NOTE}>${filler}</${NOTE}>`);
      const el = elementAt(body, target.key);
      return el ? `${body.slice(0, el.start)}${el.open}${el.text}${filler}${el.close}${body.slice(el.end)}` : addElement(body, `<${NOTE}>${filler}</${NOTE}>`);
    }
    case 'cdata': {
      const el = elementAt(body, m.name);
      if (!el) return body;
      const raw = unescapeXml(el.text);
      return raw.includes(']]>') ? body : `${body.slice(0, el.start)}${el.open}<![CDATA[${raw}]]>${el.close}${body.slice(el.end)}`;
    }
    case 'char-refs': {
      const el = elementAt(body, m.name);
      if (!el) return body;
      const refs = [...unescapeXml(el.text)].map((c) => `&#${c.codePointAt(0)};`).join('');
      return `${body.slice(0, el.start)}${el.open}${refs}${el.close}${body.slice(el.end)}`;
    }
    case 'bom':
      return `\uFEFF${body}`;
  }
}

/** A short human description of a mutation, for counterexamples. */
/** What a mutation did, in words; `root`: the request's root element, so a renamed root is named as sent. */
export function describeMutation(m: Mutation, root?: string): string {
  switch (m.kind) {
    case 'truncate':
      return `the body cut at ${m.permille / 10}%`;
    case 'illegal-char':
      return `U+${m.char.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} (not an XML character) in ${m.where === 'element' ? 'an element' : 'an attribute'}`;
    case 'illegal-char-ref':
      return `the character reference &#${m.code}; (not an XML character)`;
    case 'invalid-utf8':
      return `invalid UTF-8 bytes ${m.bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
    case 'unescaped':
      return `an unescaped ${m.char} in element text`;
    case 'duplicate-attribute':
      return `the ${m.name} attribute twice`;
    case 'mismatched-end-tag':
      return 'a mismatched end tag';
    case 'unclosed-element':
      return 'an element never closed';
    case 'dtd-entity':
      return 'an internal DTD entity standing for the real search value';
    case 'entity-bomb':
      return `a bounded entity bomb (${m.width}^${m.depth} × 8 characters)`;
    case 'not-xml':
      return `a ${m.form} body instead of XML`;
    case 'drop-element':
      return `no ${m.name} element`;
    case 'rename-root':
      return root ? `the root element ${root}X instead of ${root}` : 'an unknown root element';
    case 'drop-attribute':
      return `no ${m.name} attribute`;
    case 'duplicate-element':
      return `${m.name} twice${m.other ? ' with different values' : ''}`;
    case 'case-change':
      return `${m.name} written in ${m.upper ? 'upper' : 'lower'} case`;
    case 'other-namespace':
      return m.uri === '' ? 'xmlns="" (no namespace, declared)' : `the namespace ${m.uri}`;
    case 'prefixed-elements':
      return 'every element with a declared ns9: prefix';
    case 'oversize':
      return `a ${m.size}-character ${m.where === 'txn' ? 'txn' : m.where === 'search' ? 'search value' : 'extra element'}`;
    case 'cdata':
      return `${m.name} in a CDATA section`;
    case 'char-refs':
      return `${m.name} written as character references`;
    case 'bom':
      return 'a UTF-8 byte order mark before the declaration';
  }
}
