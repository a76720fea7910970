/**
 * Text arbitraries: Indian names in Latin and Indic scripts (as written, NFC and NFD), XML-legal
 * text, look-alike characters, and the characters XML forbids. Small pieces, composed by the
 * other arbitraries.
 */
import fc from 'fast-check';

/** Given names and family names as Indian issuers print them in Latin letters. */
const LATIN_GIVEN = [
  'Sunil',
  'Priya',
  'Ananya',
  'Mohammed',
  'Gurpreet',
  'Lakshmi',
  'Fatima',
  'Arjun',
  'Meenakshi',
  'Rohan',
  'Irfan',
  'Sunita',
  'Venkatesh',
  'Harpreet',
  'Anil',
  'Deepa',
  'Kavya',
  'Rahul',
] as const;
const LATIN_FAMILY = [
  'Kumar',
  'Sharma',
  'Iyer',
  'Shaikh',
  'Singh',
  'Venkataraman',
  'Begum',
  "D'Souza",
  'Reddy',
  'Sundaram',
  'Nair',
  'Bhattacharya',
  'Chatterjee',
  'Patel',
  'Devi',
  'Pillai',
  'Mukherjee',
] as const;
/** Romanised forms with diacritics: their NFC and NFD differ. */
const LATIN_DIACRITIC = ['Kṛṣṇa', 'Śarmā', 'Gaṇeśa', 'Rāmaṇ', 'Jñāneśvar', 'Zoë', 'Sūrya', 'Ṭhākur'] as const;

/**
 * Names in Indic scripts. Several carry characters whose canonical decomposition differs from
 * what a keyboard produces (Tamil/Malayalam/Kannada/Telugu/Odia two-part vowel signs, Devanagari,
 * Bengali and Gurmukhi nukta letters), so NFC, NFD and the form as typed are not all equal.
 */
export const INDIC_NAMES: Readonly<Record<string, readonly string[]>> = {
  Devanagari: ['रमेश', 'सुनीता', 'अजीत', 'प्रिया', 'कुमार', 'शर्मा', 'देवी', 'सिंह', '\u095Bैनब', '\u0958ादिर'],
  Bengali: ['সুমিত', 'রা\u09DF', 'দেবী', 'অনিন্দিতা', 'চট্টোপাধ্যা\u09DF'],
  Tamil: ['\u0B95\u0BCAற்றவை', 'முருகன்', 'செல்வி', '\u0BAA\u0BCAன்னம்மாள்'],
  Telugu: ['వెంకటేశ్వర', 'లక్ష్మి', '\u0C38\u0C48దులు'],
  Kannada: ['\u0C95\u0CC0ರ್ತಿ', 'ರಾಘವ\u0CC7ಂದ್ರ'],
  Malayalam: ['\u0D15\u0D4Aച്ചുമ\u0D4Bൾ', 'ഗ\u0D4Bപിക'],
  Gujarati: ['પટેલ', 'હર્ષ', 'ભાવના'],
  Gurmukhi: ['ਗੁਰਪ੍ਰੀਤ', 'ਸਿੰਘ', '\u0A59ੁਸ਼ਪ੍ਰੀਤ'],
  Odia: ['\u0B38\u0B48ନିକ', 'ପ୍ରିୟଙ୍କା'],
};

const INDIC_SCRIPTS = Object.keys(INDIC_NAMES);

export type NormalForm = 'as-typed' | 'NFC' | 'NFD';

function normalizeAs(text: string, form: NormalForm): string {
  return form === 'as-typed' ? text : text.normalize(form);
}

/** One name part in a given script ('Latin' or an Indic script). */
function namePart(script: string): fc.Arbitrary<string> {
  if (script === 'Latin') return fc.constantFrom(...LATIN_GIVEN, ...LATIN_FAMILY, ...LATIN_DIACRITIC);
  return fc.constantFrom(...INDIC_NAMES[script]!);
}

export interface IndianName {
  script: string;
  form: NormalForm;
  value: string;
}

/** A full name of 1–3 parts in one script, in one normalisation form. */
export function indianName(opts: { scripts?: readonly string[]; forms?: readonly NormalForm[] } = {}): fc.Arbitrary<IndianName> {
  const scripts = opts.scripts ?? ['Latin', ...INDIC_SCRIPTS];
  const forms = opts.forms ?? ['as-typed', 'NFC', 'NFD'];
  return fc
    .record({ script: fc.constantFrom(...scripts), form: fc.constantFrom(...forms) })
    .chain(({ script, form }) => fc.array(namePart(script), { minLength: 1, maxLength: 3 }).map((parts) => ({ script, form, value: normalizeAs(parts.join(' '), form) })));
}

/** Latin look-alikes from Cyrillic and fullwidth digits, and the classic confusions of ids. */
const LOOKALIKE: Readonly<Record<string, readonly string[]>> = {
  A: ['\u0410'],
  B: ['\u0412', '8'],
  C: ['\u0421'],
  E: ['\u0415'],
  H: ['\u041D'],
  I: ['1', 'l', '\u0406'],
  K: ['\u041A'],
  M: ['\u041C'],
  O: ['0', '\u041E'],
  P: ['\u0420'],
  S: ['5'],
  T: ['\u0422'],
  X: ['\u0425'],
  Z: ['2'],
  a: ['\u0430'],
  c: ['\u0441'],
  e: ['\u0435'],
  i: ['\u0456'],
  o: ['\u043E', '0'],
  p: ['\u0440'],
  x: ['\u0445'],
  y: ['\u0443'],
  l: ['1', 'I'],
  '0': ['O', '\uFF10'],
  '1': ['I', 'l', '\uFF11'],
  '2': ['Z', '\uFF12'],
  '3': ['\uFF13'],
  '4': ['\uFF14'],
  '5': ['S', '\uFF15'],
  '6': ['\uFF16'],
  '7': ['\uFF17'],
  '8': ['B', '\uFF18'],
  '9': ['\uFF19'],
};

/**
 * `value` with one character replaced by a look-alike (Cyrillic, fullwidth, 0/O, 1/I/l):
 * never equal to `value`, also not ignoring ASCII case. Undefined when no character has one.
 */
export function withLookalike(value: string): fc.Arbitrary<string> | undefined {
  const positions = [...value].map((c, i) => (LOOKALIKE[c] ? i : -1)).filter((i) => i >= 0);
  if (positions.length === 0) return undefined;
  return fc.record({ at: fc.constantFrom(...positions), pick: fc.nat() }).map(({ at, pick }) => {
    const chars = [...value];
    const options = LOOKALIKE[chars[at]!]!;
    chars[at] = options[pick % options.length]!;
    return chars.join('');
  });
}

/** true for a code point XML 1.0 allows in a document. */
function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

/** Characters XML 1.0 forbids: C0 controls but tab/LF/CR, U+FFFE, U+FFFF. */
export const ILLEGAL_XML_CHARS: readonly string[] = [
  ...Array.from({ length: 32 }, (_, i) => i)
    .filter((c) => c !== 0x9 && c !== 0xa && c !== 0xd)
    .map((c) => String.fromCharCode(c)),
  '\uFFFE',
  '\uFFFF',
];

let piece: fc.Arbitrary<string> | undefined;
/** One piece of text: ASCII, an XML special, an Indian name, any code point (built once: building it is costly). */
function textPiece(): fc.Arbitrary<string> {
  piece ??= fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
    { weight: 2, arbitrary: fc.constantFrom('&', '<', '>', '"', "'", ' ', '&amp;', ']]>') },
    { weight: 2, arbitrary: fc.constantFrom(...Object.values(INDIC_NAMES).flat(), ...LATIN_DIACRITIC) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c >= 0xd800 && c <= 0xdfff ? c + 0x800 : c)) },
  );
  return piece;
}

/**
 * Text that survives XML unchanged: only XML characters, no CR (end-of-line handling turns CR LF
 * into LF), and for attribute values no tab or LF either (attribute-value normalisation makes
 * them spaces). Any Unicode otherwise, Indic names among it.
 */
export function xmlText(opts: { maxLength?: number; attribute?: boolean; minLength?: number } = {}): fc.Arbitrary<string> {
  const allowed = (c: string) => {
    const code = c.codePointAt(0)!;
    if (!isXmlChar(code) || code === 0xd) return false;
    return !(opts.attribute && (code === 0x9 || code === 0xa));
  };
  return fc
    .array(textPiece(), { minLength: opts.minLength ?? 0, maxLength: opts.maxLength ?? 24 })
    .map((parts) => [...parts.join('')].filter(allowed).join(''))
    .filter((s) => s.length >= (opts.minLength ?? 0));
}

/** An XML name as a configured search element might be (ASCII, not starting with xml). */
export const xmlName = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_'),
      fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-'), maxLength: 12 }),
    )
    .map(([a, b]) => a + b)
    .filter((n) => !/^xml/i.test(n));
