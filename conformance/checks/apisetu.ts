/**
 * API Setu's publisher form (profile apisetu, protocol/apisetu.ts): `POST …/v3/<doctype>/certificate`
 * at target.certificate. A valid request per configured format is answered 200 with the PDF or
 * the Certificate XML, naming the requested person; every documented refusal (missing parameter,
 * format, txnId, consentId, API key, client id, no record) gets its status and a documented code;
 * malformed bodies never get a 5xx; every error is the JSON {error, errorDescription}; an answer
 * that carries a txnId carries the request's. The refusal probes are shared (ctx.shared), so the
 * error-shape and echo checks judge the same answers without sending more.
 */
import {
  API_SETU_MEDIA_TYPE,
  certificateRequestBody,
  consentArtifact,
  documentedErrorCodes,
  holderDiffers,
  mediaTypeOf,
  pdfProblem,
  readApiSetuError,
  readApiSetuXml,
  sameTxnId,
  uuidFrom,
  type ApiSetuFormat,
  type CertificateParameters,
  type CertificateRequest,
} from '../../protocol/apisetu.js';
import type { ClauseId } from '../../protocol/clauses.js';
import { fail, pass, skip, warn, type Check, type Outcome } from '../check.js';
import type { RunContext, SentExchange } from '../context.js';

const API = 'apisetu';

const formatsOf = (ctx: RunContext): readonly ApiSetuFormat[] => ctx.config.apiSetu?.formats ?? [];

/** The format of the requests that are not about the format: the first configured (apiSetu.formats has at least one). */
const firstFormat = (ctx: RunContext): ApiSetuFormat => formatsOf(ctx)[0] ?? 'pdf';

function notConfigured(ctx: RunContext): string | undefined {
  return ctx.config.apiSetu === undefined ? 'not profile apisetu' : undefined;
}

/** UID, FullName, DOB of the first document's owner, then the issuer's own parameters (its search). */
function parameters(ctx: RunContext, search: Record<string, string> = ctx.config.documents[0]!.search): CertificateParameters {
  const owner = ctx.config.documents[0]!.owner!;
  return { UID: owner.aadhaar!, FullName: owner.fullName!, DOB: owner.dob!, ...search };
}

function validRequest(ctx: RunContext, format: string): CertificateRequest {
  return {
    txnId: uuidFrom(ctx.random),
    format,
    certificateParameters: parameters(ctx),
    consentArtifact: consentArtifact({
      consentId: uuidFrom(ctx.random),
      now: new Date(),
      consumerId: ctx.config.apiSetu?.clientId ?? 'dlconform',
      providerId: ctx.config.orgId,
      docType: ctx.config.documents[0]!.docType,
    }),
  };
}

interface Credentials {
  apiKey?: string | null;
  clientId?: string | null;
}

async function certificateSend(ctx: RunContext, label: string, request: CertificateRequest | { raw: string }, credentials: Credentials = {}): Promise<SentExchange> {
  const url = ctx.config.target.certificate!;
  const body = 'raw' in request ? request.raw : certificateRequestBody(request);
  const raw = await ctx.client.send({ url, headers: ctx.apiSetuHeaders(credentials), body });
  const txn = 'raw' in request || typeof request.txnId !== 'string' ? '' : request.txnId;
  return { api: API, label, ts: '', txn, raw, secretsSent: [] };
}

/** The valid request for `format`, shared by the checks that judge its answer. */
function valid(ctx: RunContext, format: ApiSetuFormat): Promise<SentExchange> {
  return ctx.shared(`apisetu:valid:${format}`, () => certificateSend(ctx, `valid request, format ${format}, for the first configured document`, validRequest(ctx, format)));
}

/** The baseline of the refusal checks: the valid request in the first configured format, and the check that owns its failure. */
export function apiSetuBaseline(ctx: RunContext): { check: string; exchange: Promise<SentExchange> } {
  const format = firstFormat(ctx);
  return { check: `apisetu.valid.${format}`, exchange: valid(ctx, format) };
}

const served = (e: SentExchange) => e.raw.response?.status === 200;

function statusLine(e: SentExchange): string {
  const r = e.raw.response;
  if (!r) return `no answer: ${e.raw.error?.message ?? 'none'}`;
  const reading = r.status === 200 ? undefined : readApiSetuError(r.text);
  return `HTTP ${r.status}${reading?.error !== undefined ? ` ${reading.error}` : ''}${reading?.errorDescription !== undefined ? `: ${reading.errorDescription}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// the refusal probes, each sent once and shared

interface Probe {
  key: string;
  check: string;
  title: string;
  clause: ClauseId;
  status: 400 | 401 | 404;
  /** what the requests vary, in a few words each, and how */
  requests(ctx: RunContext): Array<{ label: string; request: CertificateRequest; credentials?: Credentials }>;
}

const PROBES: readonly Probe[] = [
  {
    key: 'missing-parameter',
    check: 'apisetu.invalid.missing-parameter',
    title: "A request without one of the issuer's parameters is refused HTTP 400 (missing_parameter)",
    clause: 'apisetu-missing-parameter',
    status: 400,
    requests(ctx) {
      const search = { ...ctx.config.documents[0]!.search };
      const dropped = Object.keys(search)[0];
      const request = validRequest(ctx, firstFormat(ctx));
      if (dropped === undefined) {
        const { DOB: _dob, ...rest } = parameters(ctx);
        return [{ label: 'certificateParameters without DOB', request: { ...request, certificateParameters: rest } }];
      }
      delete search[dropped];
      return [{ label: `certificateParameters without ${dropped}`, request: { ...request, certificateParameters: parameters(ctx, search) } }];
    },
  },
  {
    key: 'format',
    check: 'apisetu.invalid.format',
    title: 'A format other than pdf or xml is refused HTTP 400 (invalid_format)',
    clause: 'apisetu-format',
    status: 400,
    requests: (ctx) => [{ label: 'format "docx"', request: { ...validRequest(ctx, 'docx') } }],
  },
  {
    key: 'txn-id',
    check: 'apisetu.invalid.txn-id',
    title: 'A request without a txnId, or with one that is not a UUID, is refused HTTP 400 (invalid_txnid)',
    clause: 'apisetu-txnid',
    status: 400,
    requests(ctx) {
      const request = validRequest(ctx, firstFormat(ctx));
      const { txnId: _txnId, ...withoutTxnId } = request;
      return [
        { label: 'txnId "dlconform-txn-0001", not a UUID', request: { ...request, txnId: 'dlconform-txn-0001' } },
        { label: 'no txnId', request: withoutTxnId },
      ];
    },
  },
  {
    key: 'consent-id',
    check: 'apisetu.invalid.consent-id',
    title: 'A consentArtifact whose consentId is not a UUID is refused HTTP 400 (invalid_consentid)',
    clause: 'apisetu-consentid',
    status: 400,
    requests(ctx) {
      const request = validRequest(ctx, firstFormat(ctx));
      const artifact = request.consentArtifact as ReturnType<typeof consentArtifact>;
      return [
        { label: 'consentId "dlconform-consent-0001", not a UUID', request: { ...request, consentArtifact: { ...artifact, consent: { ...artifact.consent, consentId: 'dlconform-consent-0001' } } } },
      ];
    },
  },
  {
    key: 'api-key',
    check: 'apisetu.auth.api-key',
    title: 'A request with a wrong or without an X-APISETU-APIKEY is refused HTTP 401',
    clause: 'apisetu-auth',
    status: 401,
    requests(ctx) {
      const format = firstFormat(ctx);
      return [
        { label: 'a wrong X-APISETU-APIKEY', request: validRequest(ctx, format), credentials: { apiKey: `dlconform-wrong-${uuidFrom(ctx.random)}` } },
        { label: 'no X-APISETU-APIKEY', request: validRequest(ctx, format), credentials: { apiKey: null } },
      ];
    },
  },
  {
    key: 'client-id',
    check: 'apisetu.auth.client-id',
    title: 'A request from an unknown or without an X-APISETU-CLIENTID is refused HTTP 401',
    clause: 'apisetu-auth',
    status: 401,
    requests(ctx) {
      const format = firstFormat(ctx);
      return [
        { label: 'an unknown X-APISETU-CLIENTID', request: validRequest(ctx, format), credentials: { clientId: `dlconform-unknown-${uuidFrom(ctx.random).slice(0, 8)}` } },
        { label: 'no X-APISETU-CLIENTID', request: validRequest(ctx, format), credentials: { clientId: null } },
      ];
    },
  },
  {
    key: 'not-found',
    check: 'apisetu.not-found.record',
    title: 'certificateParameters that name no record get HTTP 404 (record_not_found)',
    clause: 'apisetu-not-found',
    status: 404,
    requests(ctx) {
      const request = validRequest(ctx, firstFormat(ctx));
      return [{ label: "the absent search's values as the issuer's parameters", request: { ...request, certificateParameters: parameters(ctx, ctx.config.absent.search) } }];
    },
  },
];

function probe(ctx: RunContext, p: Probe): Promise<SentExchange[]> {
  return ctx.shared(`apisetu:probe:${p.key}`, async () => {
    const out: SentExchange[] = [];
    // in turn: a probe is a few requests
    for (const r of p.requests(ctx)) out.push(await certificateSend(ctx, r.label, r.request, r.credentials));
    return out;
  });
}

/** Malformed bodies: the client's mistakes, never a server error. */
const MALFORMED: ReadonlyArray<{ label: string; body: (ctx: RunContext) => CertificateRequest | { raw: string } }> = [
  { label: 'a body that is not JSON', body: () => ({ raw: '{"txnId": ' }) },
  { label: 'a JSON array body', body: () => ({ raw: '[]' }) },
  { label: 'an empty body', body: () => ({ raw: '' }) },
  { label: 'certificateParameters a string', body: (ctx) => ({ ...validRequest(ctx, firstFormat(ctx)), certificateParameters: 'UID' }) },
  {
    label: 'a parameter that is a number',
    body: (ctx) => {
      const request = validRequest(ctx, firstFormat(ctx));
      const [first] = Object.keys(ctx.config.documents[0]!.search);
      return { ...request, certificateParameters: { ...(request.certificateParameters as object), [first ?? 'DOB']: 12345 } };
    },
  },
];

function refusalCheck(p: Probe): Check {
  return {
    id: p.check,
    api: API,
    section: p.status === 401 ? 'auth' : 'negative',
    title: p.title,
    tags: ['apisetu', 'negative'],
    clause: p.clause,
    judgesRefusal: true,
    notApplicable: notConfigured,
    async run(ctx): Promise<Outcome> {
      const exchanges = await probe(ctx, p);
      const codes = documentedErrorCodes(p.status)!;
      const expected = `HTTP ${p.status} with ${codes.join(' / ')}`;
      const problems: string[] = [];
      for (const e of exchanges) {
        const r = e.raw.response;
        if (!r) return fail(`${e.label}: no answer: ${e.raw.error?.message ?? 'none'}`, { expected }, exchanges);
        if (r.status >= 200 && r.status < 300) return fail(`${e.label} was served (${statusLine(e)})`, { expected, actual: statusLine(e) }, exchanges);
        if (r.status >= 500) return fail(`${e.label} was answered ${statusLine(e)}: a server error for the client's mistake`, { expected, actual: statusLine(e) }, exchanges);
        // refused: what is left is whether the refusal is the documented one (the shape is apisetu.error.shape's)
        const reading = readApiSetuError(r.text);
        if (r.status !== p.status) problems.push(`${e.label}: HTTP ${r.status}, documented ${p.status}`);
        else if (reading.error !== undefined && !codes.includes(reading.error)) problems.push(`${e.label}: error ${JSON.stringify(reading.error)} is not a documented ${p.status} code`);
      }
      const actual = exchanges.map(statusLine).join('; ');
      if (problems.length > 0) return warn(`refused, but not as documented: ${problems.join('; ')}`, { expected, actual }, exchanges);
      return pass(`refused: ${actual}`, exchanges);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// the checks

function validCheck(format: ApiSetuFormat): Check {
  return {
    id: `apisetu.valid.${format}`,
    api: API,
    section: 'success',
    title: format === 'pdf' ? 'A valid request with format pdf is answered HTTP 200 with the PDF' : 'A valid request with format xml is answered HTTP 200 with the Certificate XML',
    tags: ['apisetu'],
    clause: format === 'pdf' ? 'apisetu-certificate-pdf' : 'apisetu-certificate-xml',
    notApplicable: (ctx) => notConfigured(ctx) ?? (formatsOf(ctx).includes(format) ? undefined : `apiSetu.formats does not list ${format}`),
    async run(ctx) {
      const e = await valid(ctx, format);
      const r = e.raw.response;
      if (!r) return fail(`no answer: ${e.raw.error?.message ?? 'none'}`, {}, [e]);
      if (r.status !== 200) return fail(`a valid request was answered ${statusLine(e)}`, { expected: 'HTTP 200', actual: statusLine(e) }, [e]);
      if (format === 'pdf') {
        const problem = pdfProblem(r.bytes);
        return problem ? fail(`the answer is not a PDF: ${problem}`, { expected: 'a PDF (%PDF- … %%EOF)', actual: problem }, [e]) : pass(`HTTP 200 with a ${r.bytes.length}-byte PDF`, [e]);
      }
      const reading = readApiSetuXml(r.text);
      return reading.problems.length > 0
        ? fail(`the answer is not a Certificate document: ${reading.problems.join('; ')}`, { expected: 'a Certificate document with IssuedTo/Person', actual: reading.problems.join('; ') }, [e])
        : pass('HTTP 200 with a Certificate document', [e]);
    },
  };
}

const contentType: Check = {
  id: 'apisetu.valid.content-type',
  api: API,
  section: 'content',
  title: 'A certificate is sent as application/pdf or application/xml, as its format',
  tags: ['apisetu'],
  clause: 'apisetu-content-type',
  notApplicable: notConfigured,
  async run(ctx) {
    const answered = (await Promise.all(formatsOf(ctx).map(async (f) => ({ format: f, e: await valid(ctx, f) })))).filter(({ e }) => served(e));
    if (answered.length === 0) return skip('no certificate was served: apisetu.valid.* owns that failure');
    const wrong = answered.filter(({ format, e }) => {
      const type = mediaTypeOf(e.raw.response!.headers['content-type']);
      return type !== API_SETU_MEDIA_TYPE[format] && !(format === 'xml' && type === 'text/xml');
    });
    const evidence = answered.map(({ e }) => e);
    const actual = answered.map(({ format, e }) => `${format}: ${e.raw.response!.headers['content-type'] ?? '(none)'}`).join('; ');
    if (wrong.length > 0)
      return fail(`Content-Type does not name the format: ${actual}`, { expected: answered.map(({ format }) => `${format}: ${API_SETU_MEDIA_TYPE[format]}`).join('; '), actual }, evidence);
    return pass(actual, evidence);
  },
};

const errorShape: Check = {
  id: 'apisetu.error.shape',
  api: API,
  section: 'negative',
  title: 'Every refusal is the JSON error {error, errorDescription}',
  tags: ['apisetu', 'negative'],
  clause: 'apisetu-error-shape',
  judgesRefusal: true,
  notApplicable: notConfigured,
  async run(ctx) {
    const exchanges = (await Promise.all(PROBES.map((p) => probe(ctx, p)))).flat();
    const refusals = exchanges.filter((e) => {
      const status = e.raw.response?.status;
      return status !== undefined && status >= 400 && status < 500;
    });
    if (refusals.length === 0) return skip('no request was refused with a 4xx: the refusal checks own that', exchanges);
    const broken: string[] = [];
    const typed: string[] = [];
    for (const e of refusals) {
      const reading = readApiSetuError(e.raw.response!.text);
      if (reading.problems.length > 0) broken.push(`${e.label} (HTTP ${e.raw.response!.status}): ${reading.problems.join(', ')}`);
      const type = mediaTypeOf(e.raw.response!.headers['content-type']);
      if (type !== 'application/json' && !type.endsWith('+json')) typed.push(`${e.label}: Content-Type ${type || '(none)'}`);
    }
    const expected = '{"error": "<code>", "errorDescription": "<text>"} as application/json';
    if (broken.length > 0) return fail(`${broken.length} of ${refusals.length} refusals are not the JSON error: ${broken.join('; ')}`, { expected, actual: broken[0] }, refusals);
    if (typed.length > 0) return warn(`the refusals are the JSON error, but not declared application/json: ${typed.join('; ')}`, { expected, actual: typed[0] }, refusals);
    return pass(`${refusals.length} refusals, each the JSON error`, refusals);
  },
};

const noServerError: Check = {
  id: 'apisetu.robustness.no-5xx',
  api: API,
  section: 'robustness',
  title: 'A malformed request (not JSON, an array, empty, parameters of the wrong type) never gets a 5xx',
  tags: ['apisetu', 'robustness'],
  clause: 'apisetu-no-5xx',
  judgesRefusal: true,
  notApplicable: notConfigured,
  async run(ctx) {
    const exchanges: SentExchange[] = [];
    for (const m of MALFORMED) exchanges.push(await certificateSend(ctx, m.label, m.body(ctx)));
    const unanswered = exchanges.find((e) => !e.raw.response);
    if (unanswered) return fail(`${unanswered.label}: no answer: ${unanswered.raw.error?.message ?? 'none'}`, { expected: 'an HTTP answer below 500' }, exchanges);
    const errors = exchanges.filter((e) => e.raw.response!.status >= 500);
    const actual = exchanges.map((e) => `${e.label}: ${statusLine(e)}`).join('; ');
    if (errors.length > 0)
      return fail(`a server error for the client's mistake: ${errors.map((e) => `${e.label}: ${statusLine(e)}`).join('; ')}`, { expected: 'HTTP 400 (invalid_parameter)', actual }, exchanges);
    return pass(actual, exchanges);
  },
};

const txnIdEcho: Check = {
  id: 'apisetu.echo.txn-id',
  api: API,
  section: 'echo',
  title: "An answer that carries a txnId carries the request's",
  tags: ['apisetu', 'echo'],
  clause: 'apisetu-txnid-echo',
  notApplicable: notConfigured,
  async run(ctx) {
    const exchanges = [...(await Promise.all(formatsOf(ctx).map((f) => valid(ctx, f)))), ...(await Promise.all(PROBES.map((p) => probe(ctx, p)))).flat()];
    const carrying: Array<{ e: SentExchange; got: unknown }> = [];
    for (const e of exchanges) {
      const r = e.raw.response;
      if (!r || e.txn === '') continue;
      const type = mediaTypeOf(r.headers['content-type']);
      const got = type.includes('json') ? readApiSetuError(r.text).txnId : type.includes('xml') ? readApiSetuXml(r.text).txnId : undefined;
      if (got !== undefined) carrying.push({ e, got });
    }
    if (carrying.length === 0) return skip('no answer carries a txnId: the documents define no echo, so there is nothing to compare', []);
    const wrong = carrying.filter(({ e, got }) => !sameTxnId(got, e.txn));
    const evidence = carrying.map(({ e }) => e);
    if (wrong.length > 0) {
      const first = wrong[0]!;
      return fail(`${wrong.length} of ${carrying.length} answers carry another txnId than the request's (first: ${first.e.label})`, { expected: first.e.txn, actual: String(first.got) }, evidence);
    }
    return pass(`${carrying.length} answers carry the request's txnId`, evidence);
  },
};

const ownerMatch: Check = {
  id: 'apisetu.owner.match',
  api: API,
  section: 'success',
  title: 'The Certificate returned names the requested person (IssuedTo/Person name, dob, uid as FullName, DOB, UID)',
  tags: ['apisetu', 'identity'],
  clause: 'apisetu-owner',
  notApplicable: (ctx) => notConfigured(ctx) ?? (formatsOf(ctx).includes('xml') ? undefined : 'apiSetu.formats does not list xml: a PDF names its holder in no field to compare'),
  async run(ctx) {
    const e = await valid(ctx, 'xml');
    if (!served(e)) return skip('the valid xml request was not served: apisetu.valid.xml owns that failure', [e]);
    const reading = readApiSetuXml(e.raw.response!.text);
    if (!reading.holder) return skip('the answer names no IssuedTo/Person: apisetu.valid.xml owns that failure', [e]);
    const differing = holderDiffers(reading.holder, parameters(ctx));
    // the values are personal data: the fields are named, the values stay in the (redacted) evidence
    if (differing.length > 0) {
      return fail(
        `the Certificate names another person: ${differing.join(', ')} differ from the request`,
        { expected: 'the FullName, DOB and UID of certificateParameters', actual: `differing: ${differing.join(', ')}` },
        [e],
      );
    }
    return pass('IssuedTo/Person is the requested person', [e]);
  },
};

export const APISETU_CHECKS: readonly Check[] = [validCheck('pdf'), validCheck('xml'), contentType, ownerMatch, ...PROBES.map(refusalCheck), errorShape, noServerError, txnIdEcho];
