/**
 * What a config file holds once read: the types every tool consumes, the defaults that are
 * constants, and the error a config problem becomes.
 */
import type { HmacEncoding } from '../../protocol/auth.js';
import type { NamespaceForm, ProfileId } from '../../protocol/profiles.js';
import type { PersonField } from '../../protocol/person-match.js';
import type { Policy } from '../policy.js';
import type { ApiSetuSettings } from './apisetu.js';

export type UidMode = 'md5' | 'plain';
export type FormatAbsentExpectation = 'pdf' | 'xml' | 'none' | 'any';

/** A Pull URI search: the document type and the configured search elements with their values. */
export interface SearchSpec {
  docType: string;
  /** element name → value, in file order (the order they are sent) */
  search: Record<string, string>;
}

/** The search the issuer answers with Status 9, and how long the run waits for its push of that document. */
export interface PendingSpec extends SearchSpec {
  /** seconds after the Status 9 answer within which the issuer's push must reach the mock DigiLocker */
  pushWithinSeconds: number;
}

export const PENDING_PUSH_WITHIN_DEFAULT = 30;

/** Personal data of a document's owner; every value is redacted from reports. */
export interface Owner {
  fullName?: string;
  /** DD-MM-YYYY */
  dob?: string;
  /** 12 digits */
  aadhaar?: string;
  gender?: string;
  phone?: string;
}

export interface DocumentSpec extends SearchSpec {
  uri?: string;
  owner?: Owner;
}

/** Where the URIs an issuer pushed are read from: the mock DigiLocker's database, Push CSV files. */
export interface PushedSource {
  db?: string;
  csv: string[];
  /** at most this many distinct URIs are pulled */
  limit: number;
}

export const PUSHED_LIMIT_DEFAULT = 200;

/** Captured request files to replay and what each must get. */
export interface ReplaySource {
  files: string[];
  expect: 'served' | 'refused';
}

/** The config with every default applied. The API key is not part of it (see loadConfig). */
export interface Config {
  profile: ProfileId;
  /** how levels become verdicts (core/policy.ts): `conformance` unless the config or `--policy` says `strict` */
  policy: Policy;
  /** requester: a Requester's upload service (the widget's data-upload-url), judged by the requester.* checks */
  target: { pullUri: string; pullDoc?: string; pushCsv?: string; pushUri?: string; pushUriAccount?: PushUriAccountTarget; requester?: string; certificate?: string };
  /**
   * Set in profile "apisetu" (API Setu's publisher form, core/config/apisetu.ts): the run judges
   * target.certificate (also in target.pullUri, the run's one endpoint) with the apisetu.* checks
   * only; `profile` then holds the default Pull profile for code that reads one.
   */
  apiSetu?: ApiSetuSettings;
  orgId: string;
  /** prefix of document URIs; defaults to orgId */
  issuerId: string;
  apiKeyEnv: string;
  hmac: HmacEncoding;
  namespace: NamespaceForm;
  tsOffset: string;
  uidMode: UidMode;
  optIn: { uid: boolean; fullName: boolean; dob: boolean; photo: boolean };
  identityCheck: boolean;
  /** the Person attributes DigiLocker matches against the KYC profile (the portal's Match options): IssuedTo must name the owner on these */
  ownerMatch: PersonField[];
  documents: DocumentSpec[];
  absent: SearchSpec;
  pending?: PendingSpec;
  /** unset: the runner derives one from issuerId and the first document's docType */
  absentUri?: string;
  /** formatAbsent unset: either spec's default passes where the profile sends format (C5); 1.0 keeps its content.absent rule */
  /** signed: the issuer promises signed documents, so signature presence is a MUST (default false: SHOULD) */
  expect: { formatAbsent?: FormatAbsentExpectation; signed: boolean };
  /** the ts freshness window the issuer intends (C4: no spec sets one); unset: only measured, never judged */
  tsWindow?: TsWindow;
  /** what the issuer pushed, for the cross-API consistency check (conformance/checks/consistency.ts) */
  pushed?: PushedSource;
  /** hosts `dlconform load` may target besides loopback (load/safety.ts); default none */
  loadAllowedHosts: string[];
  /** `dlconform load` settings as written; load/settings.ts applies their defaults */
  load?: LoadConfig;
  /** the waivers file (YAML or JSON, core/config/waivers.schema.json); loadConfig makes it relative to the config file's folder */
  waivers?: string;
  /** captured requests to replay (conformance/checks/replay.ts); loadConfig expands the patterns to files relative to the config file's folder */
  replay?: ReplaySource;
  client: {
    timeoutMs: number;
    concurrency: number;
    timeBudgetMs: number;
    maxResponseBytes: number;
    /** unset: no rate cap beyond concurrency */
    maxRequestsPerSecond?: number;
  };
}

/**
 * A Push URI to Account endpoint (OAS-AUTHPARTNER /account/1/pushuri) and where its partner
 * credentials are: environment variable names only, the values never enter the config.
 */
export interface PushUriAccountTarget {
  url: string;
  clientIdEnv: string;
  clientSecretEnv: string;
  /** the registered test account the valid push goes to */
  digilockerId: string;
}

/** The partner credentials read from the environment variables a PushUriAccountTarget names. */
export interface PartnerCredentials {
  clientId: string;
  clientSecret: string;
}

/** A ts freshness window in seconds either side of the issuer's clock. */
export interface TsWindow {
  pastSeconds: number;
  futureSeconds: number;
}

/** The sides of a declared tsWindow left out: the 30-minute rule of other DigiLocker APIs (C4), 5 minutes of clock skew. */
/** The portal's Match options when the config names none: name and date of birth, compared where the owner has them. */
export const OWNER_MATCH_DEFAULT: readonly PersonField[] = ['name', 'dob'];

export const TS_WINDOW_DEFAULTS: TsWindow = { pastSeconds: 1800, futureSeconds: 300 };

/** The `load` block of the config file (dlconform load; defaults in load/settings.ts). */
export interface LoadConfig {
  scenario?: 'pull-doc' | 'pull-uri';
  format?: 'pdf' | 'xml' | 'both';
  sampleRate?: number;
  captureBytes?: number;
  requestTimeoutMs?: number;
  /** path of a JSON list of documents, relative to the config file */
  dataset?: string;
  thresholds?: { p95Ms?: number; p99Ms?: number; errorRate?: number; checksRate?: number; lateStartRate?: number };
  smoke?: LoadConstantConfig;
  ci?: LoadConstantConfig;
  soak?: LoadConstantConfig;
  capacity?: {
    startRate?: number;
    stepRate?: number;
    maxSteps?: number;
    stepSeconds?: number;
    settleSeconds?: number;
    minAchievedRatio?: number;
    workers?: number;
    maxWorkers?: number;
  };
}

export interface LoadConstantConfig {
  rate?: number;
  durationSeconds?: number;
  workers?: number;
  maxWorkers?: number;
}

export interface ConfigIssue {
  /** JSON path of the offending field, e.g. `documents[0].search`; empty for the file as a whole */
  field: string;
  message: string;
}

/**
 * A config problem the user must fix (exit code 2). `field` is the first issue's field. `kind`
 * names the file in each line: the config, the waivers file it names, a `--baseline` result.
 */
export class ConfigError extends Error {
  readonly field: string;
  readonly issues: readonly ConfigIssue[];
  constructor(sourceName: string, issues: ConfigIssue[], kind: 'config' | 'waivers' | 'baseline' = 'config') {
    const lines = issues.map((i) => `${kind} ${sourceName}: ${i.field ? `${i.field}: ` : ''}${i.message}`);
    super(lines.join('\n'));
    this.name = 'ConfigError';
    this.field = issues[0]?.field ?? '';
    this.issues = issues;
  }
}
