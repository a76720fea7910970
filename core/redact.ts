/**
 * Redaction of secrets and personal data from everything dlconform writes: console lines, curl
 * lines, reports. Two layers, because neither is enough alone:
 *  - literal values we know (the API key, the owners' names, dates of birth, Aadhaar numbers and
 *    their MD5, phone numbers), also in their XML-escaped, JSON-escaped and URL-encoded forms;
 *  - shapes that are secret whatever their value (keyhash attributes, x-digilocker-hmac headers,
 *    Aadhaar fields of a request, Person attributes, 12-digit numbers, 64-hex digests), which
 *    catch values derived at run time and values an issuer echoes back in another form.
 * Placeholders look like `[REDACTED:label]`; shell variable references such as `$DLCONFORM_HMAC`
 * (used by curl lines) are left alone, and redacting twice changes nothing.
 */
import { verhoeffValid } from '../protocol/aadhaar.js';
import { apiKeyForms } from '../protocol/leaks.js';
import { createHash } from 'node:crypto';
import { escapeXml } from '../protocol/xml.js';
import type { Owner } from './config/index.js';

/** Secrets shorter than this are not matched literally: redacting "1" everywhere helps no one. */
const MIN_SECRET_LENGTH = 4;

/** Header (and JSON key) names whose whole value is secret. Lower case. */
export const SENSITIVE_HEADERS: ReadonlySet<string> = new Set([
  'x-digilocker-hmac',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'apikey',
  'api_key',
  'keyhash',
  // API Setu's publisher form (protocol/apisetu.ts): the API key; the client id is an identifier
  'x-apisetu-apikey',
]);

export interface RedactorInit {
  apiKey?: string;
  /** the documents' owners are personal data; search values are not secret */
  config?: { documents: ReadonlyArray<{ owner?: Owner }> };
}

interface Secret {
  value: string;
  label: string;
  /**
   * The lower-cased forms of its first word, when every form is ASCII: a text holding none of them
   * cannot hold the secret, so the secret stays out of that text's pattern. Undefined: always in it.
   */
  needles?: string[];
}

/** One alternation of literal secrets, and the label of each of its groups in order. */
interface LiteralPattern {
  regex: RegExp;
  labels: string[];
}

/** Patterns kept for the sets of secrets recent texts held; a run's texts hold few distinct sets. */
const MAX_CACHED_PATTERNS = 32;

export class Redactor {
  private readonly secrets: Secret[] = [];
  /**
   * One alternation per set of secrets a text may hold, by the secrets' indices. A run registers a
   * keyhash and an HMAC per request, hundreds of them; one alternation of them all is matched at
   * every position of every text (a second per response at 600 secrets), so each text gets the
   * pattern of only the secrets whose first word it contains.
   */
  private readonly patterns = new Map<string, LiteralPattern | undefined>();
  private readonly kept = new Set<string>();

  constructor(init: RedactorInit = {}) {
    if (init.apiKey !== undefined) for (const form of apiKeyForms(init.apiKey)) this.addSecret(form, 'apiKey');
    for (const doc of init.config?.documents ?? []) {
      const owner = doc.owner;
      if (!owner) continue;
      if (owner.fullName !== undefined) this.addSecret(owner.fullName, 'name');
      if (owner.dob !== undefined) for (const form of dateForms(owner.dob)) this.addSecret(form, 'dob');
      if (owner.aadhaar !== undefined) {
        for (const form of aadhaarForms(owner.aadhaar)) this.addSecret(form, 'aadhaar');
        this.addSecret(createHash('md5').update(owner.aadhaar, 'utf8').digest('hex'), 'uid');
      }
      if (owner.phone !== undefined) this.addSecret(owner.phone, 'phone');
    }
  }

  /** Registers a value to replace by `[REDACTED:label]` wherever it appears (case-insensitively). */
  addSecret(value: string, label: string): void {
    const trimmed = value.trim();
    if (trimmed.length < MIN_SECRET_LENGTH) return;
    if (this.secrets.some((s) => s.value === trimmed)) return;
    const firstWordForms = tokenForms(trimmed.split(/\s+/)[0]!);
    const needles = firstWordForms.every((f) => /^[\x20-\x7e]*$/.test(f)) ? firstWordForms.map((f) => f.toLowerCase()) : undefined;
    this.secrets.push({ value: trimmed, label: label.replace(/[^\w.-]/g, '_'), ...(needles && { needles }) });
    this.patterns.clear();
  }

  redact(text: string): string {
    let out = text;
    const literal = this.literalPatternFor(text);
    if (literal) {
      out = out.replace(literal.regex, (...args: unknown[]) => {
        // args: match, group1..groupN, offset, input; exactly one group is defined.
        const groups = args.slice(1, 1 + literal.labels.length);
        const index = groups.findIndex((g) => g !== undefined);
        return placeholder(literal.labels[index] ?? 'secret');
      });
    }
    // values the harness made itself (a generated txn) are set aside, so the shape rules cannot
    // mistake a run of their digits for an Aadhaar number
    const aside: string[] = [];
    for (const value of this.kept) {
      if (!out.includes(value)) continue;
      out = out.split(value).join(`\u0000${aside.length}\u0000`);
      aside.push(value);
    }
    for (const rule of SHAPE_RULES) out = out.replace(rule.pattern, rule.replace as (substring: string, ...args: unknown[]) => string);
    if (aside.length > 0) out = out.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => aside[Number(i)]!);
    return out;
  }

  /** A value the harness generated (a txn): never taken for a secret by its shape. */
  keep(value: string): void {
    if (value.length >= 12 && /\d{12}/.test(value)) this.kept.add(value);
  }

  /** Header values redacted; sensitive headers lose their whole value. Array values are joined. */
  redactHeaders(headers: Readonly<Record<string, string | readonly string[] | number | undefined>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      const text = Array.isArray(value) ? value.join(', ') : String(value);
      out[name] = SENSITIVE_HEADERS.has(name.toLowerCase()) ? placeholder(name.toLowerCase()) : this.redact(text);
    }
    return out;
  }

  /** A copy of a JSON-like value with every string redacted, and values under sensitive keys replaced. */
  redactDeep<T>(value: T): T {
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === 'object' && isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) {
        out[key] = typeof v === 'string' && SENSITIVE_HEADERS.has(key.toLowerCase()) ? placeholder(key.toLowerCase()) : this.walk(v);
      }
      return out;
    }
    return value;
  }

  private literalPatternFor(text: string): LiteralPattern | undefined {
    if (this.secrets.length === 0) return undefined;
    const folded = foldedForSearch(text);
    const present: number[] = [];
    this.secrets.forEach((s, i) => {
      if (!s.needles || s.needles.some((n) => folded.includes(n))) present.push(i);
    });
    const key = present.join(',');
    if (this.patterns.has(key)) return this.patterns.get(key);
    if (this.patterns.size >= MAX_CACHED_PATTERNS) this.patterns.clear();
    const pattern = literalPatternOf(present.map((i) => this.secrets[i]!));
    this.patterns.set(key, pattern);
    return pattern;
  }
}

function literalPatternOf(secrets: readonly Secret[]): LiteralPattern | undefined {
  if (secrets.length === 0) return undefined;
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = [...secrets].sort((a, b) => b.value.length - a.value.length);
  const source = ordered.map((s) => `(${secretSource(s.value)})`).join('|');
  return { regex: new RegExp(source, 'giu'), labels: ordered.map((s) => s.label) };
}

/**
 * The text as the case-insensitive pattern sees it, for the ASCII needles: lower case, and the long
 * s (U+017F), which case-folds to s without lower-casing to it (the Kelvin sign lower-cases to k).
 */
function foldedForSearch(text: string): string {
  return text.toLowerCase().replace(/\u017f/g, 's');
}

function placeholder(label: string): string {
  return `[REDACTED:${label}]`;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// ---------------------------------------------------------------------------------------------
// literal secrets

/** Whitespace inside a name may be written many ways (pretty-printing, URL and XML encoding). */
const FLEXIBLE_SPACE = '(?:\\s|%20|\\+|&#32;|&#x20;|&nbsp;)+';

/** A regex source matching the secret raw, XML-escaped, JSON-escaped or URL-encoded. */
function secretSource(value: string): string {
  return value
    .split(/\s+/)
    .map((token) => {
      const alternatives = tokenForms(token)
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp);
      return alternatives.length === 1 ? alternatives[0]! : `(?:${alternatives.join('|')})`;
    })
    .join(FLEXIBLE_SPACE);
}

/** A word of a secret raw, XML-escaped, JSON-escaped and URL-encoded. */
function tokenForms(token: string): string[] {
  return [...new Set([token, escapeXml(token), xmlEscapeNumeric(token), jsonEscape(token), encodeURIComponent(token)])];
}

/**
 * The same five characters as character references (`&#38;` …): another way a serialiser may
 * write a secret, which escapeXml never produces, so redaction must recognise it too.
 */
function xmlEscapeNumeric(text: string): string {
  return text.replace(/&/g, '&#38;').replace(/</g, '&#60;').replace(/>/g, '&#62;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

function jsonEscape(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A DD-MM-YYYY date also shows up as DD/MM/YYYY, DD.MM.YYYY, YYYY-MM-DD and DDMMYYYY. */
function dateForms(dob: string): string[] {
  const m = /^(\d{2})-(\d{2})-(\d{4})$/.exec(dob.trim());
  if (!m) return [dob];
  const [, d, mo, y] = m;
  return [dob, `${d}/${mo}/${y}`, `${d}.${mo}.${y}`, `${y}-${mo}-${d}`, `${d}${mo}${y}`];
}

/** Aadhaar numbers are often written in groups of four. */
function aadhaarForms(aadhaar: string): string[] {
  const digits = aadhaar.replace(/\D/g, '');
  if (digits.length !== 12) return [aadhaar];
  const groups = [digits.slice(0, 4), digits.slice(4, 8), digits.slice(8)];
  return [digits, groups.join(' '), groups.join('-')];
}

// ---------------------------------------------------------------------------------------------
// shapes that are secret whatever their value

interface ShapeRule {
  pattern: RegExp;
  replace: (...args: string[]) => string;
}

/** A value already redacted, or a shell variable reference left by curl lines. */
const NOT_A_VALUE = '(?!\\[REDACTED|\\$)';
const PREFIX = '(?:[A-Za-z_][\\w.-]*:)?';
const AADHAAR_ELEMENTS = '(UID|FullName|DOB|Photo)';
/** element text, including CDATA sections */
const ELEMENT_TEXT = '((?:<!\\[CDATA\\[[\\s\\S]*?\\]\\]>|[^<])+)';

/** Replaces an element's text unless it is blank or already redacted. */
function elementText(match: string, open: string, name: string, text: string, close: string): string {
  const value = text.trim();
  if (value === '' || value.startsWith('[REDACTED')) return match;
  return `${open}${placeholder(name)}${close}`;
}

const SHAPE_RULES: readonly ShapeRule[] = [
  {
    // keyhash="…", keyHash='…', also inside JSON strings (keyhash=\"…\")
    pattern: new RegExp(`(\\bkeyhash\\s*=\\s*\\\\?["'])${NOT_A_VALUE}[^"'\\\\\\s<>]+`, 'gi'),
    replace: (_m, head) => `${head}${placeholder('keyhash')}`,
  },
  {
    // "x-digilocker-hmac": "…" in JSON
    pattern: new RegExp(`("x-digilocker-hmac"\\s*:\\s*")${NOT_A_VALUE}[^"]*`, 'gi'),
    replace: (_m, head) => `${head}${placeholder('hmac')}`,
  },
  {
    // x-digilocker-hmac: … header lines (raw HTTP, curl -H)
    pattern: new RegExp(`(x-digilocker-hmac\\s*:[ \\t]*)${NOT_A_VALUE}[^\\s"',;]+`, 'gi'),
    replace: (_m, head) => `${head}${placeholder('hmac')}`,
  },
  {
    // <UID>…</UID>, <ns2:FullName>…</ns2:FullName>, <Photo format="JPG">…</Photo>
    pattern: new RegExp(`(<${PREFIX}${AADHAAR_ELEMENTS}\\b[^>]*?(?<!/)>)${ELEMENT_TEXT}(</${PREFIX}\\2\\s*>)`, 'gi'),
    replace: elementText,
  },
  {
    // the same elements XML-escaped inside another document's text
    pattern: new RegExp(`(&lt;${PREFIX}${AADHAAR_ELEMENTS}\\b(?:(?!&gt;).)*?&gt;)((?:(?!&lt;).)+)(&lt;/${PREFIX}\\2\\s*&gt;)`, 'gis'),
    replace: elementText,
  },
  {
    // <Person name="…" dob="…" phone="…">: only inside Person, so other name= attributes survive
    pattern: new RegExp(`<${PREFIX}Person\\b[^>]*>`, 'gi'),
    replace: (tag) =>
      tag!.replace(/(?<=\s)(name|dob|phone)(\s*=\s*)(["'])(?!\[REDACTED)(.*?)\3/gi, (_m, attr: string, eq: string, q: string) => `${attr}${eq}${q}${placeholder(attr.toLowerCase())}${q}`),
  },
  {
    // Aadhaar-like: a 12-digit number standing alone (not inside a longer number or a word), also
    // in groups of four, whose Verhoeff check digit holds; other 12-digit numbers are not Aadhaar
    pattern: /(?<![0-9A-Za-z])(?:[0-9]{12}|[0-9]{4} [0-9]{4} [0-9]{4})(?![0-9A-Za-z])/g,
    replace: (m) => (verhoeffValid(m!.replace(/ /g, '')) ? placeholder('aadhaar-like') : m!),
  },
  {
    // SHA-256 sized hex (keyhash, hex HMAC) or longer
    pattern: /(?<![0-9A-Za-z])(?:[0-9a-f]{64,}|[0-9A-F]{64,})(?![0-9A-Za-z])/g,
    replace: () => placeholder('hex'),
  },
];
