/**
 * The plan: everything a k6 instance needs to run one load test, written by `dlconform load` as
 * JSON and read by the bundled script (load/k6/main.ts) in its init context. Types only and pure
 * helpers: this module is imported by the k6 bundle as well as by Node, so it has no node: imports.
 *
 * The dataset (URIs, searches and, when the issuer opted into them, owners' names and dates of
 * birth) is a separate file loaded with SharedArray; the API key is never in either file: the
 * script reads it from the environment variable the config names.
 */
import type { HmacEncoding } from '../spec/auth.js';
import type { Format, NamespaceForm, ProfileId } from '../spec/profiles.js';

export type ScenarioName = 'pull-doc' | 'pull-uri';
export const SCENARIOS: readonly ScenarioName[] = ['pull-doc', 'pull-uri'];

export type LoadProfileName = 'smoke' | 'ci' | 'capacity' | 'soak';
export const LOAD_PROFILES: readonly LoadProfileName[] = ['smoke', 'ci', 'capacity', 'soak'];

/**
 * One step of the offered load. Times are milliseconds from the scenario's start. Requests that
 * start in [measureFrom, end) are tagged `step=<index>` and make the step's statistics; the
 * [start, measureFrom) part lets the target and k6 settle after the rate changes.
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
export interface DatasetItem {
  uri?: string;
  docType?: string;
  /** search elements in the order they are sent */
  search?: Array<[string, string]>;
  uid?: string;
  fullName?: string;
  dob?: string;
}

export interface K6Plan {
  planVersion: 1;
  /** 16 hex characters; the first half of every txn */
  runId: string;
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
  /** fraction of responses given the full spec/ validation (0..1) */
  sampleRate: number;
  requestTimeoutMs: number;
  /** cheap per-response markers: DocContent carrying a PDF (base64 `JVBERi0`), DataContent present */
  expectPdf: boolean;
  expectXml: boolean;
  steps: StepWindow[];
  /** k6 options as JSON: scenarios, thresholds, and the safety settings */
  options: Record<string, unknown>;
}

/** Names of the checks and metrics the script emits; the sample reader looks for exactly these. */
export const CHECK_OK = 'response ok (HTTP 200, Status="1", content marker)';
export const CHECK_SAMPLED = 'spec validation (sampled)';
export const METRIC_SCENARIO_START = 'dlc_scenario_start';
export const METRIC_FAILURE = 'dlc_failures';
export const STEP_TAG = 'step';

/** The step whose measured window contains `elapsedMs`, or -1. `hint` is where the last lookup ended. */
export function stepAt(steps: readonly StepWindow[], elapsedMs: number, hint = 0): number {
  const n = steps.length;
  for (let k = 0; k < n; k++) {
    const i = (hint + k) % n;
    const s = steps[i]!;
    if (elapsedMs >= s.start && elapsedMs < s.end) return elapsedMs >= s.measureFrom ? i : -1;
  }
  return -1;
}
