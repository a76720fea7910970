/**
 * One fuzz case: which API, which class of request, the logical request (protocol/ builds it), and
 * at most one auth defect or mutation. Cases are plain data: fast-check prints and shrinks them,
 * and the engine builds and signs each one at the moment it is sent (sign.ts).
 *
 * Classes, and what a conformant issuer does with each (invariants.ts judges):
 *  - legal:     a configured document, varied only where XML and the spec allow → Status 1 (MUST)
 *  - tolerant:  padded values, fractional ts, single quotes, reordered children, CDATA,
 *               character references, a BOM → Status 1 (SHOULD)
 *  - unknown:   a search or URI the config does not name → never a document
 *  - unsigned:  a configured document with a wrong keyhash, HMAC or orgId → never Status 1
 *  - malformed: not XML, not well-formed, a DTD, nothing to look up → 4xx or Status 0
 *  - odd:       well-formed oddities (case changes, duplicates, namespaces, huge values, odd txn,
 *               opted-in identity fields left out by name) → any answer but a crash
 * Every class is also held to the general invariants (answers in time, no 5xx, well-formed XML
 * with the right root, ts/txn echoed, no stack trace, no echoed secret).
 */
import fc from 'fast-check';
import type { PullApi } from '../../core/types.js';
import { IDENTITY_KEY, OPT_IN_FIELDS } from '../../protocol/identity.js';
import type { Format, OptInField } from '../../protocol/profiles.js';
import { NAMESPACE_FORMS, type NamespaceForm } from '../../protocol/profiles.js';
import type { HashFunctions } from '../../protocol/auth.js';
import {
  defectiveUri,
  extraAttributes,
  extraElements,
  fractionalTsForm,
  legalBuild,
  legalTsForm,
  legalTxn,
  LOOKUP_BREAKERS,
  oddMutation,
  oddTxn,
  PLAIN_TS,
  refusedMutation,
  sameMeaningMutation,
  searchValue,
  tolerantBuild,
  unissuedNear,
  unknownNear,
  type LogicalRequest,
  type Mutation,
  type MutationTarget,
} from '../arbitraries/index.js';
import { describeMutation } from '../arbitraries/mutations.js';
import { REQUEST_ROOT } from '../../protocol/requests.js';
import { searchKey, type FuzzWorld, type WorldDocument } from './world.js';

/** Arbitraries are built once per distinct input: building one (constantFrom tables, filters) costs more than drawing from it. */
function memo<A extends unknown[], T>(make: (...args: A) => fc.Arbitrary<T>): (...args: A) => fc.Arbitrary<T> {
  const cache = new Map<string, fc.Arbitrary<T>>();
  return (...args: A) => {
    const key = JSON.stringify(args);
    let arb = cache.get(key);
    if (!arb) {
      arb = make(...args);
      cache.set(key, arb);
    }
    return arb;
  };
}

const memoExtraElements = memo((taken: readonly string[]) => extraElements(taken));
const memoExtraAttributes = memo(() => extraAttributes());
const memoTolerantBuild = memo((names: readonly string[]) => tolerantBuild(names));
const memoSameMeaning = memo((t: MutationTarget) => sameMeaningMutation(t));
const memoRefused = memo((t: MutationTarget) => refusedMutation(t));
const memoOdd = memo((t: MutationTarget) => oddMutation(t));
const memoUnknownNear = memo((value: string) => unknownNear(value));
const memoUnissuedNear = memo((uri: string) => unissuedNear(uri));
const memoLegalBuild = memo(() => fc.oneof({ weight: 1, arbitrary: fc.constant({}) }, { weight: 3, arbitrary: legalBuild() }));
const memoOddTxn = memo(() => oddTxn());

export type CaseClass = 'legal' | 'tolerant' | 'unknown' | 'unsigned' | 'malformed' | 'odd';
export const CASE_CLASSES: readonly CaseClass[] = ['legal', 'tolerant', 'unknown', 'unsigned', 'malformed', 'odd'];

export type AuthDefect =
  | { on: 'keyhash'; how: 'wrong-key' | 'other-ts' | 'flip-char' | 'truncated' | 'empty' | 'missing'; at?: number }
  | { on: 'hmac'; how: 'wrong-key' | 'missing' | 'empty' | 'flip-char' | 'truncated' | 'tampered-txn' | 'tampered-space'; at?: number }
  | { on: 'orgId'; how: 'other-org'; orgId: string }
  | { on: 'ts'; how: 'missing' }
  /** neither credential: a keyhash made with another API key and no x-digilocker-hmac */
  | { on: 'both'; how: 'wrong-keyhash-no-hmac' };

export interface FuzzCase {
  api: PullApi;
  cls: CaseClass;
  request: LogicalRequest;
  defect?: AuthDefect;
  mutation?: Mutation;
  /** opted-in identity fields left out, by name: never part of legal variation (an issuer may refuse) */
  omit?: OptInField[];
  /** for unknown cases: how the search or URI was made */
  unknown?: string;
}

export interface CaseOptions {
  /** config.hmac !== 'none': HMAC defects are generated */
  hmac: boolean;
  hash: HashFunctions;
}

/** The plain legal request for a document (what shrinking goes to). */
export function baseRequest(world: FuzzWorld, api: PullApi, doc: WorldDocument, format: Format | undefined): LogicalRequest {
  const p = world.profile;
  return {
    kind: api,
    ver: p.ver,
    ts: PLAIN_TS,
    txn: '1000000000',
    orgId: world.orgId,
    format: p.sendsFormat ? format : undefined,
    namespace: 'none',
    extraAttributes: [],
    docType: api === 'pulluri' && p.sendsDocType ? doc.docType : undefined,
    search: api === 'pulluri' ? doc.search : [],
    uri: api === 'pulldoc' ? doc.uri : undefined,
    digiLockerId: p.sendsDigiLockerId ? world.digiLockerId : undefined,
    identity: doc.identity[api],
    extraElements: [],
    build: {},
  };
}

/** Some of the opted-in fields a request carries, at least one: what an omission case leaves out. */
function someOptedIn(req: LogicalRequest): fc.Arbitrary<OptInField[]> | undefined {
  const present = OPT_IN_FIELDS.filter((name) => req.identity[IDENTITY_KEY[name]] !== undefined && (req.kind === 'pulluri' || name !== 'Photo'));
  return present.length === 0 ? undefined : fc.subarray([...present], { minLength: 1 });
}

/**
 * A legal request for one configured document: every variation the spec and XML leave free. It
 * always carries every opted-in identity field and the document's search, as DigiLocker sends them.
 */
function docRequest(world: FuzzWorld, api: PullApi, doc: WorldDocument, opts: { plainBuild?: boolean } = {}): fc.Arbitrary<LogicalRequest> {
  const p = world.profile;
  const formats: Array<Format | undefined> = p.sendsFormat ? ['both', 'pdf', 'xml'] : [undefined];
  const namespaces: NamespaceForm[] = ['none', ...NAMESPACE_FORMS.filter((n) => n !== 'none')];
  const base = baseRequest(world, api, doc, formats[0]);
  return fc
    .record({
      format: fc.constantFrom(...formats),
      namespace: fc.constantFrom(...namespaces),
      ts: legalTsForm(),
      txn: legalTxn(),
      build: opts.plainBuild ? fc.constant({}) : memoLegalBuild(),
      extraAttributes: memoExtraAttributes(),
      extraElements: memoExtraElements(base.search.map(([n]) => n)),
    })
    .map((x): LogicalRequest => ({ ...base, ...x, format: p.sendsFormat ? x.format : undefined }));
}

/** What a mutation of a document's requests works on: every child the request may carry. */
function docTarget(world: FuzzWorld, api: PullApi, doc: WorldDocument): MutationTarget {
  return mutationTarget(baseRequest(world, api, doc, undefined));
}

/** One arbitrary per document, combined (shrinking goes to the first document). */
function perDoc(docs: readonly WorldDocument[], make: (doc: WorldDocument) => fc.Arbitrary<FuzzCase>): fc.Arbitrary<FuzzCase> {
  return fc.oneof(...docs.map(make));
}

function childNames(req: LogicalRequest): string[] {
  const id = req.identity;
  const names = req.kind === 'pulluri' ? ['DocType', 'DigiLockerId', 'UID', 'FullName', 'DOB', 'Photo'] : ['URI', 'DigiLockerId', 'UID', 'FullName', 'DOB'];
  const present = names.filter((n) => {
    if (n === 'DocType') return req.docType !== undefined;
    if (n === 'DigiLockerId') return req.digiLockerId !== undefined;
    if (n === 'URI') return req.uri !== undefined;
    const key = ({ UID: 'uid', FullName: 'fullName', DOB: 'dob', Photo: 'photo' } as const)[n as 'UID'];
    return id[key] !== undefined;
  });
  return [...present, ...req.search.map(([n]) => n), ...req.extraElements.map(([n]) => n)];
}

export function mutationTarget(req: LogicalRequest): MutationTarget {
  const lookup = req.kind === 'pulluri' ? req.search.map(([n]) => n) : ['URI'];
  return { key: lookup[0] ?? 'DocDetails', lookup, children: childNames(req) };
}

function tolerantCase(world: FuzzWorld, api: PullApi, docs: readonly WorldDocument[]): fc.Arbitrary<FuzzCase> {
  return perDoc(docs, (doc) => {
    const legal = docRequest(world, api, doc);
    const target = docTarget(world, api, doc);
    return fc.oneof(
      fc.tuple(legal, memoTolerantBuild(target.children)).map(([req, b]): FuzzCase => ({ api, cls: 'tolerant', request: { ...req, build: { ...req.build, ...b } } })),
      fc.tuple(legal, fractionalTsForm()).map(([req, ts]): FuzzCase => ({ api, cls: 'tolerant', request: { ...req, ts } })),
      fc.tuple(legal, memoSameMeaning(target)).map(([request, mutation]): FuzzCase => ({ api, cls: 'tolerant', request, mutation })),
    );
  });
}

type SearchChange = { search: ReadonlyArray<readonly [string, string]>; docType?: string; how: string };

/** The searches near a document's that name nothing (built once per document). */
function searchChanges(world: FuzzWorld, doc: WorldDocument, hash: HashFunctions): fc.Arbitrary<SearchChange> {
  const search = doc.search;
  const options: fc.Arbitrary<SearchChange>[] = [fc.constant({ search: world.absent.search, docType: world.absent.docType, how: 'the configured absent search' })];
  const values = memoSearchValue(hash);
  search.forEach(([name, value], i) => {
    const replace = (v: string) => search.map((e, k) => (k === i ? ([e[0], v] as const) : e));
    options.push(
      memoUnknownNear(value).map((v) => ({ search: replace(v.value), how: `${name}: ${v.kind}` })),
      values.map((v) => ({ search: replace(v.value), how: `${name}: ${v.kind}` })),
      fc.constant({ search: search.filter((_, k) => k !== i), how: `no ${name} element` }),
    );
  });
  if (search.length > 0) options.push(fc.constant({ search: search.map(([n]) => [n, ''] as const), how: 'every search value empty' }));
  return fc.oneof(...options).filter((c) => !world.namedSearches.has(searchKey(c.search)));
}

const memoSearchValue = memo((_hash: HashFunctions) => searchValue(_hash));

function unknownPullUri(world: FuzzWorld, docs: readonly WorldDocument[], hash: HashFunctions): fc.Arbitrary<FuzzCase> {
  const api: PullApi = 'pulluri';
  return fc.oneof(
    ...docs.map((doc) =>
      fc.tuple(docRequest(world, api, doc), searchChanges(world, doc, hash)).map(
        ([req, change]): FuzzCase => ({
          api,
          cls: 'unknown',
          request: { ...req, search: change.search, docType: req.docType !== undefined && change.docType !== undefined ? change.docType : req.docType },
          unknown: change.how,
        }),
      ),
    ),
  );
}

/** URIs near a document's that name nothing (built once per document). */
function uriChanges(world: FuzzWorld, doc: WorldDocument): fc.Arbitrary<{ uri: string; how: string }> {
  const uri = doc.uri ?? world.absentUri;
  return fc
    .oneof(
      fc.constant({ uri: world.absentUri, how: 'the absent URI' }),
      memoUnissuedNear(uri),
      defectiveUri(['empty-doc-id', 'empty-doc-type', 'no-separator-doc-id', 'wrong-issuer', 'doc-id-lookalike', 'zero-o'], { issuerId: world.orgId }).map((d) => ({
        uri: d.uri,
        how: `a URI with ${d.defect}`,
      })),
      fc.constantFrom(...LOOKUP_BREAKERS, '').map((b) => ({ uri: b, how: `the URI ${JSON.stringify(b)}` })),
      fc.constantFrom(...LOOKUP_BREAKERS).map((b) => ({ uri: uri + b, how: `the URI with ${JSON.stringify(b)} appended` })),
    )
    .filter((c) => !world.namedUris.has(c.uri.trim().toLowerCase()));
}

function unknownPullDoc(world: FuzzWorld, docs: readonly WorldDocument[]): fc.Arbitrary<FuzzCase> {
  const api: PullApi = 'pulldoc';
  return fc.oneof(
    ...docs.map((doc) =>
      fc.tuple(docRequest(world, api, doc), uriChanges(world, doc)).map(([req, change]): FuzzCase => ({ api, cls: 'unknown', request: { ...req, uri: change.uri }, unknown: change.how })),
    ),
  );
}

function authDefect(world: FuzzWorld, opts: CaseOptions): fc.Arbitrary<AuthDefect> {
  const keyhash = fc.record({
    on: fc.constant('keyhash' as const),
    how: fc.constantFrom('wrong-key' as const, 'other-ts' as const, 'flip-char' as const, 'truncated' as const, 'empty' as const, 'missing' as const),
    at: fc.nat(),
  });
  const hmac = fc.record({
    on: fc.constant('hmac' as const),
    how: fc.constantFrom('wrong-key' as const, 'missing' as const, 'empty' as const, 'flip-char' as const, 'truncated' as const, 'tampered-txn' as const, 'tampered-space' as const),
    at: fc.nat(),
  });
  const orgId = fc
    .constantFrom(`${world.orgId}.other`, `x${world.orgId}`, 'in.gov.dlconform.other', world.orgId.split('.').reverse().join('.'))
    .filter((o) => o !== world.orgId)
    .map((o) => ({ on: 'orgId' as const, how: 'other-org' as const, orgId: o }));
  const ts = fc.constant({ on: 'ts' as const, how: 'missing' as const });
  const both = fc.constant({ on: 'both' as const, how: 'wrong-keyhash-no-hmac' as const });
  return opts.hmac ? fc.oneof(keyhash, hmac, orgId, ts, both) : fc.oneof(keyhash, orgId, ts);
}

/** The arbitrary of every case the fuzzer sends to this world. */
export function fuzzCase(world: FuzzWorld, opts: CaseOptions): fc.Arbitrary<FuzzCase> {
  const perApi = world.apis.map((api) => {
    const docs = api === 'pulluri' ? world.documents : world.withUri;
    const classes: Array<fc.WeightedArbitrary<FuzzCase>> = [];
    if (docs.length > 0) {
      const legal = perDoc(docs, (doc) => docRequest(world, api, doc).map((request): FuzzCase => ({ api, cls: 'legal', request })));
      classes.push(
        { weight: 4, arbitrary: legal },
        { weight: 2, arbitrary: tolerantCase(world, api, docs) },
        { weight: 3, arbitrary: api === 'pulluri' ? unknownPullUri(world, docs, opts.hash) : unknownPullDoc(world, docs) },
        {
          weight: 3,
          arbitrary: fc.tuple(legal, authDefect(world, opts)).map(
            ([{ request }, defect]): FuzzCase => ({
              api,
              cls: 'unsigned',
              request: defect.on === 'orgId' ? { ...request, orgId: defect.orgId } : request,
              defect,
            }),
          ),
        },
        {
          weight: 3,
          arbitrary: perDoc(docs, (doc) =>
            fc.tuple(docRequest(world, api, doc, { plainBuild: true }), memoRefused(docTarget(world, api, doc))).map(([request, mutation]): FuzzCase => ({ api, cls: 'malformed', request, mutation })),
          ),
        },
        {
          weight: 2,
          arbitrary: perDoc(docs, (doc) => {
            const plain = docRequest(world, api, doc, { plainBuild: true });
            return fc.oneof(
              { weight: 4, arbitrary: fc.tuple(plain, memoOdd(docTarget(world, api, doc))).map(([request, mutation]): FuzzCase => ({ api, cls: 'odd', request, mutation })) },
              { weight: 1, arbitrary: fc.tuple(plain, memoOddTxn()).map(([request, txn]): FuzzCase => ({ api, cls: 'odd', request: { ...request, txn } })) },
              ...(world.profile.sendsFormat ? [{ weight: 1, arbitrary: plain.map((request): FuzzCase => ({ api, cls: 'odd', request: { ...request, format: undefined } })) }] : []),
              ...omissionCases(api, baseRequest(world, api, doc, undefined), plain),
            );
          }),
        },
      );
    }
    return { weight: api === 'pulluri' ? 3 : 2, arbitrary: classes.length > 0 ? fc.oneof({ withCrossShrink: true }, ...classes) : fc.constant<FuzzCase | undefined>(undefined) };
  });
  return fc.oneof({ withCrossShrink: true }, ...perApi).filter((c): c is FuzzCase => c !== undefined);
}

/** Requests without some of their opted-in identity fields (none when the document has none). */
function omissionCases(api: PullApi, base: LogicalRequest, plain: fc.Arbitrary<LogicalRequest>): Array<fc.WeightedArbitrary<FuzzCase>> {
  const omit = someOptedIn(base);
  if (!omit) return [];
  return [{ weight: 1, arbitrary: fc.tuple(plain, omit).map(([request, names]): FuzzCase => ({ api, cls: 'odd', request, omit: names })) }];
}

/** A few words about a case, for counterexamples and progress lines. */
export function describeCase(c: FuzzCase): string {
  const r = c.request;
  const parts: string[] = [`${c.cls} ${c.api === 'pulluri' ? 'Pull URI' : 'Pull Doc'} request`];
  if (c.unknown) parts.push(`(${c.unknown})`);
  if (c.defect) parts.push(`with ${describeDefect(c.defect)}`);
  if (c.omit?.length) parts.push(`without opted-in ${c.omit.join(', ')}`);
  const variation: string[] = [];
  if (r.namespace !== 'none') variation.push(`namespace ${r.namespace}`);
  if (r.format) variation.push(`format ${r.format}`);
  if (r.ts.offset !== '+05:30') variation.push(`ts offset ${r.ts.offset}`);
  if (r.ts.fractionDigits > 0) variation.push(`${r.ts.fractionDigits} fraction digits in ts`);
  if (r.extraAttributes.length) variation.push(`extra attributes ${r.extraAttributes.map(([n]) => n).join(', ')}`);
  if (r.extraElements.length) variation.push(`extra elements ${r.extraElements.map(([n]) => n).join(', ')}`);
  const b = r.build;
  if (b.attributeOrder?.length) variation.push(`attributes ordered ${b.attributeOrder.join(', ')} first`);
  if (b.attributeSpace !== undefined && b.attributeSpace !== ' ') variation.push(`attributes separated by ${JSON.stringify(b.attributeSpace)}`);
  if (b.indent !== undefined) variation.push(`pretty-printed (${JSON.stringify(b.newline ?? '\n')} + ${JSON.stringify(b.indent)})`);
  if (b.declaration && b.declaration !== 'standalone') variation.push(`declaration ${b.declaration}`);
  if (b.pad !== undefined) variation.push(`values padded with ${JSON.stringify(b.pad)}`);
  if (b.quote === "'") variation.push('single-quoted attributes');
  if (b.elementOrder?.length) variation.push(`DocDetails children reordered (${b.elementOrder.join(', ')} first)`);
  if (variation.length) parts.push(`[${variation.join('; ')}]`);
  if (c.mutation) parts.push(`mutated: ${describeMutation(c.mutation, REQUEST_ROOT[c.api])}`);
  return parts.join(' ');
}

function describeDefect(d: AuthDefect): string {
  switch (d.on) {
    case 'keyhash':
      return {
        'wrong-key': 'a keyhash made with another API key',
        'other-ts': 'a keyhash made for another ts',
        'flip-char': 'one character of the keyhash changed',
        truncated: 'the keyhash one character short',
        empty: 'an empty keyhash',
        missing: 'no keyhash attribute',
      }[d.how];
    case 'hmac':
      return {
        'wrong-key': 'an x-digilocker-hmac made with another API key',
        missing: 'no x-digilocker-hmac header',
        empty: 'an empty x-digilocker-hmac header',
        'flip-char': 'one character of the x-digilocker-hmac changed',
        truncated: 'the x-digilocker-hmac one character short',
        'tampered-txn': 'the body changed after signing (the last character of txn)',
        'tampered-space': 'the body changed after signing (a space in the root tag)',
      }[d.how];
    case 'orgId':
      return `another orgId (${d.orgId})`;
    case 'ts':
      return 'no ts attribute (the keyhash cannot be verified)';
    case 'both':
      return 'a keyhash made with another API key and no x-digilocker-hmac header (no credential at all)';
  }
}
