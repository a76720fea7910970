/**
 * The per-iteration work of the load script, as pure functions over spec/: build and sign one
 * request, judge its response cheaply, and (for a sampled fraction) validate it fully. The k6
 * script calls exactly these with k6/crypto; the tests call them with node:crypto, so the bytes k6
 * sends are the bytes Node would send.
 */
import { inspectBase64, startsWithAscii, endsWithAsciiWithin, utf8DecodeStrict } from '../spec/bytes.js';
import { readCertificateXml } from '../spec/certificate.js';
import { PROFILES, type Profile } from '../spec/profiles.js';
import { buildPullDocRequest, buildPullUriRequest, envelopeFor, signedHeaders, type RequestKind, type Signer } from '../spec/requests.js';
import { readResponse } from '../spec/responses.js';
import { formatTs } from '../spec/time.js';
import { checkUri } from '../spec/uri.js';
import type { DatasetItem, K6Plan } from './plan.js';

export interface LoadRequest {
  body: string;
  headers: Record<string, string>;
  ts: string;
  txn: string;
}

export const kindOf = (plan: Pick<K6Plan, 'scenario'>): RequestKind => (plan.scenario === 'pull-doc' ? 'pulldoc' : 'pulluri');

/** txn: the run id (16 hex) and an iteration number (16 hex): 32 lowercase hex, unique in the run. */
export function txnFor(runId: string, iteration: number): string {
  return runId + iteration.toString(16).padStart(16, '0');
}

/**
 * The iteration number of a txn in k6 without asking k6/execution on every iteration (each
 * call costs microseconds there): the VU's id in the test (unique across execution segments
 * too) and the VU's own counter. 26 + 27 bits: below 2^53.
 */
export function iterationId(vu: number, counter: number): number {
  return vu * 2 ** 27 + counter;
}

/** Builds and signs one request: a fresh ts (now) and txn, keyhash in the body, HMAC over its bytes. */
export function buildLoadRequest(plan: K6Plan, profile: Profile, signer: Signer, item: DatasetItem, iteration: number, now: Date): LoadRequest {
  const ts = formatTs(now, plan.tsOffset);
  const txn = txnFor(plan.runId, iteration);
  const env = envelopeFor(profile, signer, { ts, txn, orgId: plan.orgId, namespace: plan.namespace, format: plan.format });
  const body = buildBody(plan, profile, env, item);
  return { body, headers: signedHeaders(signer, body), ts, txn };
}

/**
 * A request body built once by spec/ with markers where ts, txn and keyhash go, split at the
 * markers: filling it in is a few string concatenations, against the whole builder (attribute
 * lists, escaping) on every request. The values filled in (ISO time, hex) need no XML escaping,
 * so a filled template is byte for byte what spec/ builds with those values; the tests and the
 * sampled validation in k6 compare the two.
 */
export interface RequestTemplate {
  /** the text between the markers, one more than `slots` */
  parts: string[];
  slots: Array<'ts' | 'txn' | 'keyhash'>;
}

const MARKS = { ts: 'DLCONFORMxTSxMARKx7f3a', txn: 'DLCONFORMxTXNxMARKx7f3a', keyhash: 'DLCONFORMxKEYHASHxMARKx7f3a' } as const;

/** undefined when a marker does not occur exactly once (a dataset value containing one): build in full then. */
export function requestTemplate(plan: K6Plan, profile: Profile, signer: Signer, item: DatasetItem): RequestTemplate | undefined {
  const real = envelopeFor(profile, signer, { ts: MARKS.ts, txn: MARKS.txn, orgId: plan.orgId, namespace: plan.namespace, format: plan.format });
  const body = buildBody(plan, profile, { ...real, keyhash: MARKS.keyhash }, item);
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

function buildBody(plan: K6Plan, profile: Profile, env: ReturnType<typeof envelopeFor>, item: DatasetItem): string {
  const identity = { uid: item.uid, fullName: item.fullName, dob: item.dob };
  return plan.scenario === 'pull-doc'
    ? buildPullDocRequest(env, { uri: item.uri ?? '', ...identity })
    : buildPullUriRequest(env, { docType: profile.sendsDocType ? item.docType : undefined, ...identity, search: item.search ?? [] });
}

/**
 * The hot-path judgement: no XML parse, only markers. HTTP 200, a `Status="1"` attribute, and the
 * content the profile requires for the requested format: base64 of `%PDF-` starts with `JVBERi0`,
 * DataContent is present.
 */
export function cheapCheck(plan: Pick<K6Plan, 'expectPdf' | 'expectXml'>, status: number, body: string | null | undefined): string | undefined {
  if (status !== 200) return status === 0 ? 'no-response' : `http-${status}`;
  if (typeof body !== 'string') return 'no-body';
  if (body.indexOf('Status="1"') < 0 && body.indexOf("Status='1'") < 0) return 'status-not-1';
  if (plan.expectPdf && body.indexOf('JVBERi0') < 0) return 'no-pdf';
  if (plan.expectXml && body.indexOf('DataContent>') < 0) return 'no-datacontent';
  return undefined;
}

/**
 * The full validation given to a sampled fraction of responses: spec/'s hardened reader, the
 * echo of ts and txn, Status 1, the URI grammar (Pull URI), and the content (base64 without line
 * breaks, a PDF from %PDF- to %%EOF, DataContent well-formed XML). Returns the problems found.
 */
export function validateResponse(plan: K6Plan, sent: Pick<LoadRequest, 'ts' | 'txn'>, item: DatasetItem, body: string): string[] {
  const kind = kindOf(plan);
  const parsed = readResponse(kind, body);
  const problems: string[] = parsed.findings.filter((f) => f.severity === 'error').map((f) => f.message);
  if (parsed.status !== '1') problems.push(`Status is ${JSON.stringify(parsed.status)}, expected "1"`);
  if (parsed.ts !== sent.ts) problems.push('ts is not echoed byte for byte');
  if (parsed.txn !== sent.txn) problems.push('txn is not echoed byte for byte');
  if (kind === 'pulluri') {
    if (parsed.uri === undefined) problems.push('no URI in DocDetails');
    else {
      const verdict = checkUri(parsed.uri, { issuerId: plan.issuerId, docType: item.docType });
      for (const f of verdict.findings) if (f.severity === 'error') problems.push(f.message);
    }
  }
  if (plan.expectPdf) {
    if (parsed.docContent === undefined) problems.push('no DocContent');
    else {
      const b64 = inspectBase64(parsed.docContent);
      if (!b64.valid) problems.push(`DocContent is not base64: ${b64.problem}`);
      else if (b64.hadWhitespace) problems.push('DocContent base64 has line breaks or spaces');
      else if (!startsWithAscii(b64.bytes!, '%PDF-') || !endsWithAsciiWithin(b64.bytes!, '%%EOF')) problems.push('DocContent is not a PDF (%PDF- … %%EOF)');
    }
  }
  if (plan.expectXml) {
    if (parsed.dataContent === undefined) problems.push('no DataContent');
    else {
      const b64 = inspectBase64(parsed.dataContent);
      if (!b64.valid) problems.push(`DataContent is not base64: ${b64.problem}`);
      else if (b64.hadWhitespace) problems.push('DataContent base64 has line breaks or spaces');
      else {
        const text = utf8DecodeStrict(b64.bytes!);
        if (text === undefined) problems.push('DataContent is not UTF-8');
        else {
          const cert = readCertificateXml(text);
          if (!cert.root) problems.push(`DataContent is not well-formed XML: ${cert.findings[0]?.message ?? ''}`);
        }
      }
    }
  }
  return problems;
}

/** Which content markers a response must carry for a profile and requested format (the `must` rules). */
export function contentExpectation(profileId: K6Plan['specProfile'], format: K6Plan['format']): { expectPdf: boolean; expectXml: boolean } {
  const profile = PROFILES[profileId];
  const rules = profile.content[profile.sendsFormat && format ? format : 'absent'];
  return { expectPdf: rules.docContent === 'must', expectXml: rules.dataContent === 'must' };
}
