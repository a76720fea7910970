/**
 * The dlconform load script (bundled by esbuild with spec/ into one ES module for k6).
 *
 * Init context: reads the plan (DLCONFORM_PLAN) and the dataset (DLCONFORM_DATASET, a SharedArray:
 * one copy for all VUs); the API key comes from the environment variable the plan names.
 * Each iteration: one freshly signed request (its own ts and txn), a cheap check of the response
 * (no XML parse), and for a sampled fraction the full spec/ validation, counted as its own check.
 */
import { check } from 'k6';
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter, Gauge } from 'k6/metrics';
import { keyhash } from '../../spec/auth.js';
import { PROFILES } from '../../spec/profiles.js';
import { signedHeaders, type Signer } from '../../spec/requests.js';
import { formatTs } from '../../spec/time.js';
import { CHECK_OK, CHECK_SAMPLED, METRIC_FAILURE, METRIC_SCENARIO_START, STEP_TAG, stepAt, type DatasetItem, type K6Plan } from '../plan.js';
import { buildLoadRequest, cheapCheck, fillTemplate, iterationId, requestTemplate, txnFor, validateResponse, type RequestTemplate } from '../request.js';
import { k6Hash } from './hash.js';

const plan = JSON.parse(open(__ENV.DLCONFORM_PLAN!)) as K6Plan;
const data = new SharedArray<DatasetItem>('dlconform dataset', () => JSON.parse(open(__ENV.DLCONFORM_DATASET!)) as DatasetItem[]);

export const options = plan.options;

const apiKey: string = __ENV[plan.apiKeyEnv] ?? '';
if (!apiKey) throw new Error(`the API key variable ${plan.apiKeyEnv} is not set in k6's environment`);
const profile = PROFILES[plan.specProfile];
const signer: Signer = { hash: k6Hash, apiKey, hmac: plan.hmac };
const params = { headers: {} as Record<string, string>, timeout: `${plan.requestTimeoutMs}ms`, redirects: 0 };
const failures = new Counter(METRIC_FAILURE);
const scenarioStart = new Gauge(METRIC_SCENARIO_START);
const steps = plan.steps;
const tagged = steps.length > 0;
const size = data.length;

// per VU: reading k6/execution and the SharedArray costs microseconds a call, so what does not
// change is read once; the request template of each dataset item is built on first use
let vu = -1;
let t0 = 0;
let counter = 0;
let stepHint = 0;
let currentStep = -2;
let warnings = 0;
let second = -1;
let ts = '';
let hash = '';
const cache: Array<{ item: DatasetItem; template?: RequestTemplate }> = [];
// the check sets are made once: a new object and closure per iteration is measurable in k6
const okCheck = { [CHECK_OK]: (p: string | undefined) => p === undefined };
const sampledCheck = { [CHECK_SAMPLED]: (p: string[]) => p.length === 0 };

export default function (): void {
  const now = Date.now();
  if (vu < 0) {
    vu = exec.vu.idInTest;
    t0 = exec.scenario.startTime;
    // the scenario's start on the clock of the samples, so dropped iterations (which carry no
    // step tag) can be placed in their step by time
    scenarioStart.add(t0);
  }
  if (tagged) {
    const step = stepAt(steps, now - t0, stepHint);
    if (step !== currentStep) {
      if (step >= 0) {
        exec.vu.metrics.tags[STEP_TAG] = String(step);
        stepHint = step;
      } else delete exec.vu.metrics.tags[STEP_TAG];
      currentStep = step;
    }
  }
  const first = counter === 0;
  const id = iterationId(vu, counter);
  const index = (vu * 7919 + counter) % size;
  counter++;
  let entry = cache[index];
  if (!entry) {
    const item = data[index]!;
    entry = cache[index] = { item, template: requestTemplate(plan, profile, signer, item) };
  }
  // ts has whole seconds: it and the keyhash (which depends only on ts) change once a second
  const sec = Math.floor(now / 1000);
  if (sec !== second) {
    second = sec;
    ts = formatTs(new Date(now), plan.tsOffset);
    hash = keyhash(k6Hash, apiKey, ts);
  }
  const txn = txnFor(plan.runId, id);
  let body: string;
  if (entry.template) {
    body = fillTemplate(entry.template, { ts, txn, keyhash: hash });
    params.headers = signedHeaders(signer, body);
  } else {
    const full = buildLoadRequest(plan, profile, signer, entry.item, id, new Date(now));
    body = full.body;
    params.headers = full.headers;
  }
  const res = http.post(plan.url, body, params);
  const text = res.body as string | null;
  const problem = cheapCheck(plan, res.status, text);
  check(problem, okCheck);
  if (problem !== undefined) failures.add(1, { reason: res.error_code ? `${problem} (k6 error ${res.error_code})` : problem });
  if (first || Math.random() < plan.sampleRate) {
    const problems = text === null ? ['no response body'] : validateResponse(plan, { ts, txn }, entry.item, text);
    // the fast path must send exactly what spec/'s builder sends
    const reference = buildLoadRequest(plan, profile, signer, entry.item, id, new Date(now));
    if (reference.body !== body || reference.headers['x-digilocker-hmac'] !== params.headers['x-digilocker-hmac']) problems.push("the request differs from spec/'s builder");
    check(problems, sampledCheck);
    if (problems.length > 0 && warnings < 3) {
      warnings++;
      console.warn(`spec validation failed (txn ${txn}): ${problems.slice(0, 3).join('; ')}`);
    }
  }
}
