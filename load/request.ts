/**
 * The per-request work of the load stream, as pure functions over protocol/: build and sign one
 * request through the request factory (or from a template the factory built, filled with a fresh
 * ts, txn and keyhash), and judge its response
 * cheaply from the prefix vegeta captured. The full checks of a sampled fraction are the
 * conformance suite's own (sampled.ts).
 */
import { PROFILES, type Profile } from '../protocol/profiles.js';
import { pullRequest, requestBody, type PullRequestFields, type Signer } from '../protocol/request-factory.js';
import { formatTs } from '../protocol/time.js';
import type { DatasetItem, LoadPlan } from './plan.js';

export interface LoadRequest {
  body: string;
  headers: Record<string, string>;
  ts: string;
  txn: string;
}

/**
 * txn: the run id (16 hex), the segment (3 hex), the step (2 hex) and the request's number in
 * that step (11 hex): 32 lowercase hex, unique across the segments and steps of a run.
 */
export function txnFor(runId: string, segment: number, step: number, counter: number): string {
  return runId + segment.toString(16).padStart(3, '0') + step.toString(16).padStart(2, '0') + counter.toString(16).padStart(11, '0');
}

/** The factory's fields for a dataset item: what the load stream sends for it. */
function fieldsFor(plan: LoadPlan, item: DatasetItem, ts: string, txn: string): PullRequestFields {
  return {
    kind: plan.scenario === 'pull-doc' ? 'pulldoc' : 'pulluri',
    ts,
    txn,
    orgId: plan.orgId,
    namespace: plan.namespace,
    format: plan.format,
    docType: item.docType,
    search: item.search ?? [],
    uri: item.uri ?? '',
    identity: { uid: item.uid, fullName: item.fullName, dob: item.dob, photo: item.photo },
  };
}

/** Builds and signs one request: a fresh ts (now) and txn, keyhash in the body, HMAC over its bytes. */
export function buildLoadRequest(plan: LoadPlan, profile: Profile, signer: Signer, item: DatasetItem, txn: string, now: Date): LoadRequest {
  const ts = formatTs(now, plan.tsOffset);
  const made = pullRequest(profile, signer, fieldsFor(plan, item, ts, txn));
  return { body: made.body as string, headers: made.headers, ts, txn };
}

/**
 * A request body built once by the request factory with markers where ts, txn and keyhash go, split at the
 * markers: filling it in is a few string concatenations, against the whole builder (attribute
 * lists, escaping) on every request. The values filled in (ISO time, hex) need no XML escaping,
 * so a filled template is byte for byte what the factory builds with those values; the tests compare
 * the two.
 */
export interface RequestTemplate {
  /** the text between the markers, one more than `slots` */
  parts: string[];
  slots: Array<'ts' | 'txn' | 'keyhash'>;
}

const MARKS = { ts: 'DLCONFORMxTSxMARKx7f3a', txn: 'DLCONFORMxTXNxMARKx7f3a', keyhash: 'DLCONFORMxKEYHASHxMARKx7f3a' } as const;

/** undefined when a marker does not occur exactly once (a dataset value containing one): build in full then. */
export function requestTemplate(plan: LoadPlan, profile: Profile, item: DatasetItem): RequestTemplate | undefined {
  const body = requestBody(profile, fieldsFor(plan, item, MARKS.ts, MARKS.txn), {}, MARKS.keyhash);
  const found = (Object.keys(MARKS) as Array<keyof typeof MARKS>).map((slot) => ({ slot, at: body.indexOf(MARKS[slot]) }));
  if (found.some(({ slot, at }) => at < 0 || body.indexOf(MARKS[slot], at + 1) >= 0)) return undefined;
  found.sort((a, b) => a.at - b.at);
  const parts: string[] = [];
  let from = 0;
  for (const { slot, at } of found) {
    parts.push(body.slice(from, at));
    from = at + MARKS[slot].length;
  }
  parts.push(body.slice(from));
  return { parts, slots: found.map((f) => f.slot) };
}

export function fillTemplate(t: RequestTemplate, values: { ts: string; txn: string; keyhash: string }): string {
  let out = t.parts[0]!;
  for (let i = 0; i < t.slots.length; i++) out += values[t.slots[i]!] + t.parts[i + 1]!;
  return out;
}

/** A response longer than the capture whose content marker lies beyond it: not judged cheaply. */
export const BEYOND_CAPTURE = 'beyond-capture';

/**
 * The hot-path judgement, from the first bytes of the body vegeta captured (no XML parse, only
 * markers): HTTP 200, a `Status="1"` attribute, and the content the profile requires for the
 * requested format: base64 of `%PDF-` starts with `JVBERi0`, DataContent is present.
 * `truncated`: the body was longer than the capture. A marker not seen in a truncated body is a
 * failure only where the capture shows the element it belongs to; otherwise the answer is
 * BEYOND_CAPTURE (a large document before it, say), left to the sampled checks, which read the
 * whole body: never a failure the response may not have.
 */
export function cheapCheck(plan: Pick<LoadPlan, 'expectPdf' | 'expectXml'>, status: number, body: string | null | undefined, truncated = false): string | undefined {
  if (status !== 200) return status === 0 ? 'no-response' : `http-${status}`;
  if (typeof body !== 'string' || body === '') return 'no-body';
  if (body.indexOf('Status="1"') < 0 && body.indexOf("Status='1'") < 0) {
    return truncated && body.indexOf('Status') < 0 ? BEYOND_CAPTURE : 'status-not-1';
  }
  let beyond = false;
  if (plan.expectPdf && body.indexOf('JVBERi0') < 0) {
    const open = body.indexOf('DocContent>');
    // the content began inside the capture and is not a PDF's
    if (!truncated || (open >= 0 && body.length - open > 64)) return 'no-pdf';
    beyond = true;
  }
  if (plan.expectXml && body.indexOf('DataContent>') < 0) {
    if (!truncated) return 'no-datacontent';
    beyond = true;
  }
  return beyond ? BEYOND_CAPTURE : undefined;
}

/** Which content markers a response must carry for a profile and requested format (the `must` rules). */
export function contentExpectation(profileId: LoadPlan['specProfile'], format: LoadPlan['format']): { expectPdf: boolean; expectXml: boolean } {
  const profile = PROFILES[profileId];
  const rules = profile.content[profile.sendsFormat && format ? format : 'absent'];
  return { expectPdf: rules.docContent === 'must', expectXml: rules.dataContent === 'must' };
}
