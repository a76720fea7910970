/**
 * The three spec profiles found in the wild (DESIGN.md table), as data. A check asks the profile
 * what applies instead of branching on profile ids.
 */
import type { HmacEncoding } from './auth.js';

export type ProfileId = '1.0' | '3.0' | '1.13';
export type NamespaceForm = 'none' | 'tempuri' | 'ns2-tempuri' | 'digitallocker';
export type Format = 'xml' | 'pdf' | 'both';
/** What a response must do about one content element for one requested format (C9). */
export type ContentRule = 'must' | 'should' | 'may' | 'should-not';
export type FormatKey = Format | 'absent';
export type OptInField = 'UID' | 'FullName' | 'DOB' | 'Photo';

export interface ContentRules {
  docContent: ContentRule;
  dataContent: ContentRule;
}

export interface Profile {
  id: ProfileId;
  title: string;
  source: string;
  /** value of the `ver` attribute DigiLocker sends in this profile */
  ver: string;
  defaultNamespace: NamespaceForm;
  defaultHmac: HmacEncoding;
  defaultUidMode: 'md5' | 'plain';
  /** the request carries a `format` attribute */
  sendsFormat: boolean;
  /** DocDetails carries DocType and DigiLockerId */
  sendsDocType: boolean;
  sendsDigiLockerId: boolean;
  /** Aadhaar fields an issuer may opt into, in the order they are sent */
  optInFields: readonly OptInField[];
  /** Aadhaar fields also sent in Pull Doc when opted in (v1.7 to v1.11) */
  pullDocOptInFields: readonly OptInField[];
  pullUriStatuses: readonly string[];
  pullDocStatuses: readonly string[];
  /** Pull Doc exists in this profile (removed in v1.13) */
  pullDoc: boolean;
  /** DocDetails/IssuedTo/Persons/Person in the Pull URI response */
  issuedTo: 'must' | 'not-required';
  /** the Pull URI response echoes the search elements in DocDetails */
  searchEcho: 'must' | 'should' | 'not-required';
  /** content rules by requested format; `absent` = no format attribute */
  content: Record<FormatKey, ContentRules>;
  /** which formats a suite exercises in this profile */
  formats: readonly FormatKey[];
}

export const NAMESPACES: Record<NamespaceForm, { uri?: string; prefix?: string }> = {
  none: {},
  tempuri: { uri: 'http://tempuri.org/' },
  'ns2-tempuri': { uri: 'http://tempuri.org/', prefix: 'ns2' },
  digitallocker: { uri: 'https://www.digitallocker.gov.in/schema/issuer/v1/pullurirequest' },
};

export const NAMESPACE_FORMS = Object.keys(NAMESPACES) as NamespaceForm[];

const OPT_IN_ALL: readonly OptInField[] = ['UID', 'FullName', 'DOB', 'Photo'];

export const PROFILES: Record<ProfileId, Profile> = {
  '1.0': {
    id: '1.0',
    title: 'Pull API Specification v1.0 (2016)',
    source: 'SEED-001',
    ver: '1.0',
    defaultNamespace: 'ns2-tempuri',
    defaultHmac: 'none',
    defaultUidMode: 'plain',
    sendsFormat: false,
    sendsDocType: false,
    sendsDigiLockerId: false,
    optInFields: [],
    pullDocOptInFields: [],
    pullUriStatuses: ['0', '1'],
    pullDocStatuses: ['0', '1'],
    pullDoc: true,
    issuedTo: 'not-required',
    searchEcho: 'must',
    content: {
      xml: { docContent: 'may', dataContent: 'may' },
      pdf: { docContent: 'must', dataContent: 'may' },
      both: { docContent: 'must', dataContent: 'may' },
      absent: { docContent: 'must', dataContent: 'may' },
    },
    formats: ['absent'],
  },
  '3.0': {
    id: '3.0',
    title: 'OpenAPI DigiLocker Issuer APIs 3.0.0 (spec v1.10)',
    source: 'OAS-ISSUER',
    ver: '1.0',
    defaultNamespace: 'ns2-tempuri',
    defaultHmac: 'hex-base64',
    defaultUidMode: 'plain',
    sendsFormat: true,
    sendsDocType: true,
    sendsDigiLockerId: true,
    optInFields: OPT_IN_ALL,
    pullDocOptInFields: ['UID', 'FullName', 'DOB'],
    pullUriStatuses: ['0', '1', '9'],
    pullDocStatuses: ['0', '1'],
    pullDoc: true,
    issuedTo: 'not-required',
    searchEcho: 'should',
    content: {
      xml: { docContent: 'should-not', dataContent: 'must' },
      pdf: { docContent: 'must', dataContent: 'may' },
      both: { docContent: 'must', dataContent: 'must' },
      absent: { docContent: 'should', dataContent: 'may' },
    },
    formats: ['pdf', 'xml', 'both', 'absent'],
  },
  '1.13': {
    id: '1.13',
    title: 'Issuer API Specification v1.13 (2024)',
    source: 'SPEC-1.13',
    ver: '3.0',
    defaultNamespace: 'tempuri',
    defaultHmac: 'hex-base64',
    defaultUidMode: 'md5',
    sendsFormat: true,
    sendsDocType: true,
    sendsDigiLockerId: true,
    optInFields: OPT_IN_ALL,
    pullDocOptInFields: [],
    pullUriStatuses: ['0', '1', '9'],
    pullDocStatuses: [],
    pullDoc: false,
    issuedTo: 'must',
    searchEcho: 'not-required',
    content: {
      xml: { docContent: 'should-not', dataContent: 'must' },
      pdf: { docContent: 'must', dataContent: 'should' },
      both: { docContent: 'must', dataContent: 'must' },
      absent: { docContent: 'may', dataContent: 'should' },
    },
    formats: ['pdf', 'xml', 'both', 'absent'],
  },
};

export const DEFAULT_PROFILE: ProfileId = '3.0';

export function profileById(id: string): Profile | undefined {
  return Object.hasOwn(PROFILES, id) ? PROFILES[id as ProfileId] : undefined;
}

/** What an issuer should send when `format` is absent, by profile (C5). */
export function formatAbsentDefault(profile: Profile): 'pdf' | 'xml' {
  return profile.content.absent.dataContent === 'should' ? 'xml' : 'pdf';
}
