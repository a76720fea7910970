/**
 * Document URIs `IssuerId-DocType-DocId` (facts §1.6, C13): valid per the grammar, and each way of
 * being invalid, with what protocol/uri.ts `checkUri` must say about each (error, warning or nothing).
 * Also the near misses of one issued URI that an issuer must not resolve (0/O confusion,
 * look-alikes, suffixes): those are for fuzzing a target, see `unissuedNear`.
 */
import fc from 'fast-check';
import { DOC_ID_MAX, DOC_TYPE_RECOMMENDED_MAX, formatUri, type ParsedUri } from '../../protocol/uri.js';
import { withLookalike } from './text.js';

const chars = (alphabet: string, min: number, max: number) => fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

/** A domain-style issuer id: in.gov.<label>(.<label>)* as real issuers have (in.gov.covin, in.org.bseh). */
const issuerId = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom('in.gov', 'in.org', 'in.nic', 'in.ac'),
      fc.array(
        fc.tuple(fc.constantFrom(...LOWER), chars(LOWER + DIGITS, 1, 10)).map(([a, b]) => a + b),
        { minLength: 1, maxLength: 3 },
      ),
    )
    .map(([root, labels]) => [root, ...labels].join('.'));

const docType = (): fc.Arbitrary<string> => chars(UPPER, 1, DOC_TYPE_RECOMMENDED_MAX);
const docId = (): fc.Arbitrary<string> => chars(UPPER + LOWER + DIGITS, 1, DOC_ID_MAX);

const uriParts = (fixed: { issuerId?: string; docType?: string } = {}): fc.Arbitrary<ParsedUri> =>
  fc.record({
    issuerId: fixed.issuerId !== undefined ? fc.constant(fixed.issuerId) : issuerId(),
    docType: fixed.docType !== undefined ? fc.constant(fixed.docType) : docType(),
    docId: docId(),
  });

/** A URI the grammar accepts without a finding. */
export const validUri = (fixed: { issuerId?: string; docType?: string } = {}) => uriParts(fixed).map((parts) => ({ uri: formatUri(parts), parts }));

export type UriDefect =
  | 'empty-doc-id'
  | 'empty-doc-type'
  | 'no-separator-doc-id'
  | 'no-separator-issuer'
  | 'wrong-issuer'
  | 'wrong-doc-type'
  | 'whitespace'
  | 'control-char'
  | 'doc-id-too-long'
  | 'doc-type-too-long'
  | 'doc-id-charset'
  | 'doc-id-lookalike'
  | 'doc-type-case'
  | 'zero-o';

/** What checkUri reports for each defect, judged against the expected issuer id and DocType. */
export const URI_DEFECT_VERDICT: Readonly<Record<UriDefect, { error: boolean; warning: boolean }>> = {
  'empty-doc-id': { error: true, warning: false },
  'empty-doc-type': { error: true, warning: true },
  'no-separator-doc-id': { error: true, warning: false },
  'no-separator-issuer': { error: true, warning: false },
  'wrong-issuer': { error: true, warning: false },
  'wrong-doc-type': { error: true, warning: false },
  whitespace: { error: true, warning: true },
  'control-char': { error: true, warning: true },
  'doc-id-too-long': { error: false, warning: true },
  'doc-type-too-long': { error: false, warning: true },
  'doc-id-charset': { error: false, warning: true },
  'doc-id-lookalike': { error: false, warning: true },
  // grammar-valid: DocType is case-insensitive, and 0/O confusion is a lookup problem, not a syntax one
  'doc-type-case': { error: false, warning: false },
  'zero-o': { error: false, warning: false },
};

export const URI_DEFECTS = Object.keys(URI_DEFECT_VERDICT) as UriDefect[];

export interface DefectiveUri {
  defect: UriDefect;
  uri: string;
  /** what the URI is judged against: `checkUri(uri, { issuerId: parts.issuerId, docType: parts.docType })` */
  parts: ParsedUri;
}

/** A URI with exactly one defect, made from a valid one. */
export function defectiveUri(defects: readonly UriDefect[] = URI_DEFECTS, fixed: { issuerId?: string; docType?: string } = {}): fc.Arbitrary<DefectiveUri> {
  return fc.record({ defect: fc.constantFrom(...defects), parts: uriParts(fixed), k: fc.nat(), extra: chars(UPPER + DIGITS, 11, 30) }).chain(({ defect, parts, k, extra }) => {
    const { issuerId: iss, docType: dt, docId: id } = parts;
    const make = (uri: string) => fc.constant({ defect, uri, parts });
    switch (defect) {
      case 'empty-doc-id':
        return make(`${iss}-${dt}-`);
      case 'empty-doc-type':
        return make(`${iss}--${id}`);
      case 'no-separator-doc-id':
        return make(`${iss}-${dt}${id}`);
      case 'no-separator-issuer':
        return make(`${iss}${dt}-${id}`);
      case 'wrong-issuer':
        return make(`${iss}x-${dt}-${id}`);
      case 'wrong-doc-type':
        return make(`${iss}-${dt.slice(0, -1)}${dt.endsWith('Q') ? 'R' : 'Q'}-${id}`);
      case 'whitespace':
        return make(`${iss}-${dt}-${id.slice(0, 1)}${[' ', '\t', '\u00a0 '][k % 3]}${id.slice(1)}`);
      case 'control-char':
        return make(`${iss}-${dt}-${id}${String.fromCharCode(1 + (k % 31))}`.replace(/[\t\n\r]$/, '\u0001'));
      case 'doc-id-too-long':
        return make(`${iss}-${dt}-${(id + extra).slice(0, Math.max(DOC_ID_MAX + 1, id.length + extra.length))}`);
      case 'doc-type-too-long': {
        const long = `${dt}${'ABCDEF'.slice(0, DOC_TYPE_RECOMMENDED_MAX + 1 - dt.length + (k % 3))}`;
        return fc.constant({ defect, uri: `${iss}-${long}-${id}`, parts: { ...parts, docType: long } });
      }
      case 'doc-id-charset':
        return make(`${iss}-${dt}-${id}${['_', '.', '/', '#', '+', '—'][k % 6]}1`);
      case 'doc-id-lookalike':
        return make(`${iss}-${dt}-${id}${['\u0410', '\u041E', '\uFF10', '\u0435'][k % 4]}`);
      case 'doc-type-case':
        return make(`${iss}-${dt.toLowerCase()}-${id}`);
      case 'zero-o':
        return make(`${iss}-${dt}-${id.slice(0, DOC_ID_MAX - 2)}${k % 2 ? '0O' : 'O0'}`);
    }
  });
}

/**
 * URIs near an issued one that no issuer hands out for it and that are not the same URI in any
 * reasonable reading (not an ASCII case change, not surrounding whitespace): a DocId with a
 * look-alike character (0/O, 1/I, Cyrillic, fullwidth), a suffix, a marker DocId.
 */
export function unissuedNear(uri: string): fc.Arbitrary<{ uri: string; how: string }> {
  const dash = uri.lastIndexOf('-');
  const head = uri.slice(0, dash + 1);
  const id = uri.slice(dash + 1);
  const options: fc.Arbitrary<{ uri: string; how: string }>[] = [
    chars(UPPER + DIGITS, 1, 4).map((s) => ({ uri: `${uri}Z${s}`, how: 'the DocId with a suffix' })),
    chars(UPPER + DIGITS, 4, 8).map((s) => ({ uri: `${head}ZZ9${s}`, how: 'a DocId never issued' })),
  ];
  const look = withLookalike(id);
  if (look) options.push(look.map((l) => ({ uri: head + l, how: 'the DocId with a look-alike character' })));
  return fc.oneof(...options);
}
