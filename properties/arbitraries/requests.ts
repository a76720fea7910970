/**
 * Whole PullURIRequest / PullDocRequest documents valid for a profile, as logical requests that
 * protocol/ builds (`buildRequest`) and the caller signs. A logical request holds everything but the
 * ts instant and the keyhash, which depend on the moment and the key of signing: so a fuzzer can
 * re-sign it after each mutation and at every shrinking step.
 *
 * Legal variation (`legalBuild`: attribute order and spacing, pretty-printing, the declaration,
 * plus namespace form, extra attributes and elements, optional fields) must not change how an
 * issuer answers; tolerant variation (`tolerantBuild`: padded values, single quotes, reordered
 * children) should not.
 */
import fc from 'fast-check';
import type { Identity } from '../../protocol/identity.js';
import { NAMESPACE_FORMS, type Format, type NamespaceForm, type Profile } from '../../protocol/profiles.js';
import { requestBody, type PullRequestFields } from '../../protocol/request-factory.js';
import type { BuildOptions, PullApi } from '../../protocol/requests.js';
import { legalTsForm, PLAIN_TS, renderTs, type TsForm } from './time.js';
import { legalTxn } from './txn.js';
import { validUri } from './uri.js';
import { validDob } from './dates.js';
import { validAadhaar } from './aadhaar.js';
import { indianName, xmlName, xmlText } from './text.js';

export type { Identity };

export interface LogicalRequest {
  kind: PullApi;
  ver: string;
  ts: TsForm;
  txn: string;
  orgId: string;
  /** undefined: no format attribute */
  format?: Format;
  namespace: NamespaceForm;
  extraAttributes: ReadonlyArray<readonly [string, string]>;
  /** Pull URI */
  docType?: string;
  search: ReadonlyArray<readonly [string, string]>;
  /** Pull Doc */
  uri?: string;
  digiLockerId?: string;
  identity: Identity;
  extraElements: ReadonlyArray<readonly [string, string]>;
  build: BuildOptions;
}

/** Root attributes and DocDetails children the protocol defines; extras never collide with these. */
const ROOT_ATTRIBUTES = ['ver', 'ts', 'txn', 'orgId', 'keyhash', 'format'] as const;
const DETAIL_ELEMENTS = ['DocType', 'DigiLockerId', 'UID', 'FullName', 'DOB', 'Photo', 'URI'] as const;

/**
 * A logical request is made for its profile already (a field is there only where the profile sends
 * it), so the factory is told to send what it holds.
 */
export function asHeld(req: LogicalRequest): Pick<Profile, 'ver' | 'sendsFormat' | 'sendsDocType' | 'sendsDigiLockerId'> {
  return { ver: req.ver, sendsFormat: true, sendsDocType: true, sendsDigiLockerId: true };
}

/** The request factory's fields for a logical request at a rendered ts. */
export function fieldsOf(req: LogicalRequest, ts: string): PullRequestFields {
  return {
    kind: req.kind,
    ts,
    txn: req.txn,
    orgId: req.orgId,
    namespace: req.namespace,
    format: req.format,
    docType: req.docType,
    search: req.search,
    uri: req.uri,
    digiLockerId: req.digiLockerId,
    identity: req.identity,
  };
}

/** The body the request factory builds for a logical request, given the rendered ts and the keyhash (omitted when undefined). */
export function buildRequest(req: LogicalRequest, ts: string, keyhash: string | undefined): string {
  return requestBody(asHeld(req), fieldsOf(req, ts), { build: req.build, extraAttributes: req.extraAttributes, extraElements: req.extraElements }, keyhash);
}

export { renderTs };

const lower = (names: readonly string[]) => new Set(names.map((n) => n.toLowerCase()));

/** Unknown root attributes: metadata="Y" (seen from DigiLocker) first, then any name that is not a protocol one. */
const extraAttribute = (taken: readonly string[] = []): fc.Arbitrary<readonly [string, string]> => {
  const reserved = lower([...ROOT_ATTRIBUTES, ...taken]);
  return fc.oneof(
    fc.constant(['metadata', 'Y'] as const),
    fc.tuple(
      xmlName().filter((n) => !reserved.has(n.toLowerCase()) && !/^xmlns/i.test(n) && !n.includes(':')),
      xmlText({ attribute: true, maxLength: 16 }),
    ),
  );
};

/** Unknown DocDetails elements: <Mobile> (seen in implementations) first, then any other name. */
const extraElement = (taken: readonly string[] = []): fc.Arbitrary<readonly [string, string]> => {
  const reserved = lower([...DETAIL_ELEMENTS, ...taken]);
  return fc.oneof(
    fc.tuple(fc.constant('Mobile'), fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 10, maxLength: 10 })),
    fc.tuple(
      xmlName().filter((n) => !reserved.has(n.toLowerCase())),
      xmlText({ maxLength: 16 }),
    ),
  );
};

/** A list of distinct extras (by lower-cased name). */
function distinct(arb: fc.Arbitrary<readonly [string, string]>, max: number) {
  return fc.uniqueArray(arb, { maxLength: max, selector: ([n]) => n.toLowerCase() });
}

export const extraAttributes = (taken: readonly string[] = [], max = 2) => distinct(extraAttribute(taken), max);
export const extraElements = (taken: readonly string[] = [], max = 2) => distinct(extraElement(taken), max);

const ATTRIBUTE_ORDERS = (names: readonly string[]) => fc.shuffledSubarray([...names], { minLength: 0, maxLength: names.length });

/**
 * Build options that change nothing an XML reader sees: attribute order and the whitespace
 * between attributes, pretty-printing with LF or CRLF, the XML declaration. The default (no
 * option) comes first, so shrinking goes to the plain document.
 */
export const legalBuild = (): fc.Arbitrary<BuildOptions> =>
  fc
    .record(
      {
        attributeOrder: ATTRIBUTE_ORDERS(['format', 'keyhash', 'orgId', 'txn', 'ts', 'ver', 'metadata']),
        attributeSpace: fc.constantFrom(' ', '  ', '\n    ', '\t', '\r\n '),
        indent: fc.constantFrom('', '  ', '\t', '    '),
        newline: fc.constantFrom('\n' as const, '\r\n' as const),
        declaration: fc.constantFrom('standalone' as const, 'plain' as const, 'none' as const),
      },
      { requiredKeys: [] },
    )
    .map((o) => clean(o));

/** Build options an issuer SHOULD accept: padded values (§2.4), single quotes, reordered DocDetails children. */
export const tolerantBuild = (childNames: readonly string[]): fc.Arbitrary<BuildOptions> =>
  fc
    .record(
      {
        pad: fc.constantFrom(' ', '\n    ', '\t', '\r\n  '),
        quote: fc.constant("'" as const),
        elementOrder: childNames.length < 2 ? fc.constant(undefined) : fc.shuffledSubarray([...childNames], { minLength: 2, maxLength: childNames.length }).map((names) => [...names].reverse()),
      },
      { requiredKeys: [] },
    )
    .filter((o) => Object.keys(o).length > 0)
    .map((o) => clean(o));

function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))) as T;
}

const DIGILOCKER_ID = () => fc.uuid({ version: 4 });
const TINY_JPEG_BASE64 = fc.constantFrom('/9j/4AAQSkZJRgABAQAAAQABAAD/2Q==', '/9j/2wBDAP//////////////////////////////////////////////////////////////////////////////////////2Q==');

/** Opt-in identity fields of a profile (C21: each may be absent), with realistic values. */
function identity(fields: readonly string[], uidMode: 'md5' | 'plain', md5: (text: string) => string): fc.Arbitrary<Identity> {
  return fc
    .record(
      {
        uid: fields.includes('UID') ? validAadhaar().map((a) => (uidMode === 'md5' ? md5(a) : a)) : fc.constant(undefined),
        fullName: fields.includes('FullName') ? indianName().map((n) => n.value) : fc.constant(undefined),
        dob: fields.includes('DOB') ? validDob() : fc.constant(undefined),
        photo: fields.includes('Photo') ? TINY_JPEG_BASE64 : fc.constant(undefined),
      },
      { requiredKeys: [] },
    )
    .map((o) => clean(o) as Identity);
}

/**
 * Any request valid for a profile, not tied to an issuer: random orgId, search names and values,
 * URI, identity, extras and legal build options. For properties of our own code (build → read).
 */
export function anyRequest(profile: Profile, kind: PullApi, md5: (text: string) => string): fc.Arbitrary<LogicalRequest> {
  const searchNames = fc.uniqueArray(
    xmlName().filter((n) => !lower([...DETAIL_ELEMENTS]).has(n.toLowerCase())),
    { minLength: 1, maxLength: 3, selector: (n) => n.toLowerCase() },
  );
  return fc
    .record({
      ts: legalTsForm(),
      txn: legalTxn(),
      orgId: fc.constantFrom('in.gov.dept.state', 'in.gov.covin', 'in.org.bseh'),
      format: profile.sendsFormat ? fc.option(fc.constantFrom<Format>('pdf', 'xml', 'both'), { nil: undefined }) : fc.constant(undefined),
      namespace: fc.constantFrom(...NAMESPACE_FORMS),
      docType: fc.stringMatching(/^[A-Z]{5}$/),
      digiLockerId: DIGILOCKER_ID(),
      uri: validUri().map((u) => u.uri),
      names: searchNames,
      values: fc.array(xmlText({ maxLength: 20 }), { minLength: 3, maxLength: 3 }),
      identity: identity(kind === 'pulluri' ? profile.optInFields : profile.pullDocOptInFields, profile.defaultUidMode, md5),
      build: fc.oneof(legalBuild(), fc.constant({})),
    })
    .chain((r) => {
      const search = r.names.map((n, i) => [n, r.values[i]!] as const);
      return fc.record({ extraAttributes: extraAttributes(), extraElements: extraElements(r.names) }).map(
        (x): LogicalRequest => ({
          kind,
          ver: profile.ver,
          ts: r.ts,
          txn: r.txn,
          orgId: r.orgId,
          format: r.format,
          namespace: r.namespace,
          extraAttributes: x.extraAttributes,
          docType: kind === 'pulluri' && profile.sendsDocType ? r.docType : undefined,
          search: kind === 'pulluri' ? search : [],
          uri: kind === 'pulldoc' ? r.uri : undefined,
          digiLockerId: profile.sendsDigiLockerId ? r.digiLockerId : undefined,
          identity: r.identity,
          extraElements: x.extraElements,
          build: r.build,
        }),
      );
    });
}

export { PLAIN_TS };
