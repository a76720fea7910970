/**
 * The plan: everything one load run needs to build its requests and judge its responses, written
 * to the report folder as plan.json (no secret in it: the API key is read from the environment
 * variable the config names, and the dataset, which may hold owners' names and dates of birth,
 * never leaves the process). Types and pure helpers only, no node: imports.
 */
import type { HmacEncoding } from '../protocol/auth.js';
import type { Format, NamespaceForm, ProfileId } from '../protocol/profiles.js';
import type { Identity } from '../protocol/identity.js';

export type ScenarioName = 'pull-doc' | 'pull-uri';
export const SCENARIOS: readonly ScenarioName[] = ['pull-doc', 'pull-uri'];

export type LoadProfileName = 'smoke' | 'ci' | 'capacity' | 'soak';
export const LOAD_PROFILES: readonly LoadProfileName[] = ['smoke', 'ci', 'capacity', 'soak'];

/**
 * One step of the offered load: one vegeta attack. Times are milliseconds from the start of the
 * profile. Requests that start in [measureFrom, end) make the step's statistics; the
 * [start, measureFrom) part lets the target settle after the rate changes.
 */
export interface StepWindow {
  index: number;
  /** offered rate, requests per second (the total over all segments) */
  rate: number;
  start: number;
  measureFrom: number;
  end: number;
}

/** One request's worth of data: a Pull Doc URI or a Pull URI search, and the opted-in identity fields. */
export interface DatasetItem extends Identity {
  uri?: string;
  docType?: string;
  /** search elements in the order they are sent */
  search?: Array<[string, string]>;
}

export interface LoadPlan {
  planVersion: 1;
  /** 16 hex characters; the first half of every txn */
  runId: string;
  /** this run's share of the rate: segment `index` (1-based) of `count` */
  segment: { index: number; count: number };
  scenario: ScenarioName;
  profile: LoadProfileName;
  /** the endpoint requests are POSTed to */
  url: string;
  specProfile: ProfileId;
  orgId: string;
  issuerId: string;
  hmac: HmacEncoding;
  namespace: NamespaceForm;
  tsOffset: string;
  /** the format attribute sent (profiles with format only) */
  format?: Format;
  /** name of the environment variable holding the API key */
  apiKeyEnv: string;
  /** fraction of the rate sent again by dlconform's client and judged in full (at least one a second) */
  sampleRate: number;
  requestTimeoutMs: number;
  /** bytes of each response vegeta keeps for the cheap check */
  captureBytes: number;
  /** cheap per-response markers: DocContent carrying a PDF (base64 `JVBERi0`), DataContent present */
  expectPdf: boolean;
  expectXml: boolean;
  steps: StepWindow[];
  /** vegeta's bounds, the same for every step */
  limits: { workers: number; maxWorkers: number; maxConnections: number };
}
