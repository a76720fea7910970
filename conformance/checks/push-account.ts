/**
 * Push URI to Account (OAS-AUTHPARTNER `POST /account/1/pushuri`) against a DigiLocker-like
 * endpoint (target.pushUriAccount: a staging gateway or the mock of fixtures/digilocker): a valid,
 * correctly signed push of the first configured document into the configured test account is
 * answered 200; a bad hmac, an unknown clientid, a stale ts, an unknown digilockerid and a date
 * that is not DDMMYYYY each get the OpenAPI's JSON error with its status. Forms are built with
 * protocol/push.ts and sent as multipart/form-data made by the platform's FormData; the hmac is
 * signed inside RunContext, which holds the partner's secret.
 */
import { WRONG_KEY } from '../../protocol/request-factory.js';
import type { ClauseId } from '../../protocol/clauses.js';
import {
  buildPushUriAccountForm,
  formatDdmmyyyy,
  IST_OFFSET_SECONDS,
  PUSH_URI_ACCOUNT_ERRORS,
  pushUriAccountHmac,
  readPushUriAccountAnswer,
  type PushAction,
  type PushUriAccountError,
  type ReadPushUriAccountAnswer,
} from '../../protocol/push.js';
import { nodeHash } from '../../core/node-hash.js';
import { fail, pass, warn, type Check, type Outcome } from '../check.js';
import type { RunContext, SentExchange } from '../context.js';

const API = 'pushuriacct';
const ID_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

interface AccountExchange {
  sent: SentExchange;
  answer?: ReadPushUriAccountAnswer;
}

interface Mutation {
  /** another clientid than the partner's (signed with the partner's secret over it) */
  clientId?: string;
  /** the hmac over the right values with another secret */
  wrongSecret?: boolean;
  /** seconds taken off now */
  age?: number;
  digilockerId?: string;
  issueDate?: string;
  /** a fresh URI of the first document's type, not the configured document's */
  freshUri?: boolean;
  action?: PushAction;
}

function randomDocId(ctx: RunContext): string {
  let id = '';
  for (let i = 0; i < 10; i++) id += ID_ALPHABET[Math.floor(ctx.random() * ID_ALPHABET.length)]!;
  return id;
}

function randomUuid(ctx: RunContext): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(ctx.random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The pushed document: the first configured one (so what is pushed is what Pull serves), or, for
 * the refusals, a fresh DocId of its type, so "URI already exists" never answers in their place.
 */
function documentOf(ctx: RunContext, fresh: boolean): { uri: string; docType: string; docId: string } {
  const doc = ctx.config.documents[0]!;
  const uri = doc.uri;
  const docId = uri?.slice(uri.lastIndexOf('-') + 1);
  if (!fresh && uri?.startsWith(`${ctx.config.issuerId}-`) && docId && /^[A-Za-z0-9]{1,10}$/.test(docId)) return { uri, docType: doc.docType, docId };
  const id = randomDocId(ctx);
  return { uri: `${ctx.config.issuerId}-${doc.docType}-${id}`, docType: doc.docType, docId: id };
}

async function accountSend(ctx: RunContext, label: string, m: Mutation = {}): Promise<AccountExchange> {
  const target = ctx.config.target.pushUriAccount!;
  const clientId = m.clientId ?? ctx.partnerClientId!;
  const now = Math.floor(Date.now() / 1000);
  const tsSeconds = now - (m.age ?? 0);
  const doc = documentOf(ctx, m.freshUri ?? false);
  const today = formatDdmmyyyy(new Date((now + IST_OFFSET_SECONDS) * 1000));
  const fields = buildPushUriAccountForm(
    nodeHash,
    // the secret is RunContext's: the hmac is replaced below with one it signs
    WRONG_KEY,
    {
      clientId,
      digilockerId: m.digilockerId ?? target.digilockerId,
      uri: doc.uri,
      docType: doc.docType,
      description: `${doc.docType} document (dlconform test push)`,
      docId: doc.docId,
      issueDate: m.issueDate ?? today,
      validFrom: today,
      action: m.action ?? 'A',
    },
    tsSeconds,
  );
  const ts = String(tsSeconds);
  const hmac = m.wrongSecret ? pushUriAccountHmac(nodeHash, WRONG_KEY, clientId, ts) : ctx.pushUriAccountHmacFor(clientId, ts);
  const form = new FormData();
  for (const [k, v] of fields) form.append(k, k === 'hmac' ? hmac : v);
  // the platform writes the multipart body and its boundary; the harness's client sends those bytes
  const request = new Request(target.url, { method: 'POST', body: form });
  const body = new Uint8Array(await request.arrayBuffer());
  const raw = await ctx.client.send({ url: target.url, headers: { 'Content-Type': request.headers.get('content-type')! }, body });
  const sent: SentExchange = { api: API, label, ts, txn: '', raw, secretsSent: [hmac] };
  return { sent, ...(raw.response && { answer: readPushUriAccountAnswer(raw.response.status, raw.response.text) }) };
}

function notConfigured(ctx: RunContext): string | undefined {
  return ctx.config.target.pushUriAccount === undefined ? 'target.pushUriAccount is not configured' : undefined;
}

const ALREADY_HERE = /URI already exists in this account/i;

/** The valid push; a URI already in the test account (an earlier run) is pushed again as an update (Action U). */
function validPush(ctx: RunContext): Promise<AccountExchange[]> {
  return ctx.shared('pushuriacct:valid', async () => {
    const first = await accountSend(ctx, 'valid push of the first configured document');
    const r = first.sent.raw.response;
    if (r?.status !== 400 || !ALREADY_HERE.test(first.answer?.errorDescription ?? '')) return [first];
    return [first, await accountSend(ctx, 'the same push as an update (Action U): the account already holds the URI', { action: 'U' })];
  });
}

const validAccepted: Check = {
  id: 'pushuriacct.valid.success',
  api: API,
  section: 'push',
  title: 'A valid, correctly signed Push URI to Account is answered HTTP 200',
  tags: ['push'],
  clause: 'pushuriacct-valid',
  notApplicable: notConfigured,
  async run(ctx) {
    const exchanges = await validPush(ctx);
    const ex = exchanges.at(-1)!;
    const sent = exchanges.map((e) => e.sent);
    const r = ex.sent.raw;
    if (r.error || !r.response) return fail(`no answer: ${r.error?.message ?? 'none'}`, {}, sent);
    if (r.response.status !== 200) {
      const why = ex.answer?.error !== undefined ? ` ${ex.answer.error}: ${ex.answer.errorDescription ?? ''}` : '';
      return fail(`a valid push was answered HTTP ${r.response.status}${why}`, { expected: 'HTTP 200', actual: `HTTP ${r.response.status}${why}` }, sent);
    }
    return pass(exchanges.length > 1 ? 'HTTP 200 for the update of a URI the test account already held' : 'HTTP 200 for a valid push', sent);
  },
};

/** A refusal as the OpenAPI documents it: the status, the JSON error code, and a description naming the parameter. */
function refused(key: string, title: string, clause: ClauseId, label: string, error: PushUriAccountError, text: RegExp, m: (ctx: RunContext) => Mutation): Check {
  const status = PUSH_URI_ACCOUNT_ERRORS[error];
  return {
    id: `${API}.invalid.${key}`,
    api: API,
    section: 'push',
    title,
    tags: ['push', 'negative'],
    clause,
    notApplicable: notConfigured,
    async run(ctx): Promise<Outcome> {
      const ex = await accountSend(ctx, label, { freshUri: true, ...m(ctx) });
      const r = ex.sent.raw;
      const expected = `HTTP ${status} {"error":"${error}"} naming ${text.source}`;
      if (r.error || !r.response) return fail(`no answer: ${r.error?.message ?? 'none'}`, { expected }, [ex.sent]);
      const got = `HTTP ${r.response.status}${ex.answer?.error !== undefined ? ` ${ex.answer.error}: ${ex.answer.errorDescription ?? ''}` : ''}`;
      if (r.response.status < 400) return fail(`a push with ${label} was accepted (${got})`, { expected, actual: got }, [ex.sent]);
      if (r.response.status >= 500) return fail(`a push with ${label} was answered ${got}: a server error for the client's mistake`, { expected, actual: got }, [ex.sent]);
      // refused: what is left is whether the refusal is the documented one
      const problems = [...(ex.answer?.problems ?? [])];
      if (r.response.status !== status) problems.push(`HTTP ${r.response.status}, the OpenAPI gives ${status}`);
      if (ex.answer?.error !== undefined && ex.answer.error !== error) problems.push(`error ${JSON.stringify(ex.answer.error)}, the OpenAPI gives ${error}`);
      if (ex.answer?.errorDescription !== undefined && !text.test(ex.answer.errorDescription))
        problems.push(`error_description ${JSON.stringify(ex.answer.errorDescription)} does not name ${text.source}`);
      const distinct = [...new Set(problems)];
      if (distinct.length > 0) return warn(`refused, but not as documented: ${distinct.join('; ')}`, { expected, actual: got }, [ex.sent]);
      return pass(`refused: ${got}`, [ex.sent]);
    },
  };
}

export const PUSH_ACCOUNT_CHECKS: readonly Check[] = [
  validAccepted,
  refused(
    'bad-hmac',
    'A push whose hmac is not sha256(client secret + clientid + ts) gets 400 invalid_parameter (HMAC)',
    'pushuriacct-hmac',
    'an hmac signed with another secret',
    'invalid_parameter',
    /HMAC/,
    () => ({
      wrongSecret: true,
    }),
  ),
  refused(
    'unknown-client',
    'A push from a clientid that is not registered gets 401 invalid_client_id',
    'pushuriacct-client-id',
    'an unregistered clientid',
    'invalid_client_id',
    /client_id/,
    (ctx) => ({
      clientId: `DLCONFORMUNKNOWN${randomDocId(ctx)}`,
    }),
  ),
  refused('stale-ts', 'A push whose ts is 45 minutes old gets 400 invalid_parameter (Timestamp)', 'pushuriacct-ts', 'a ts 45 minutes old', 'invalid_parameter', /Timestamp/, () => ({ age: 45 * 60 })),
  refused(
    'unknown-account',
    'A push to a digilockerid that is not registered gets 404 invalid_digilocker_id',
    'pushuriacct-digilocker-id',
    'an unregistered digilockerid',
    'invalid_digilocker_id',
    /digilockerid/,
    (ctx) => ({ digilockerId: randomUuid(ctx) }),
  ),
  refused(
    'bad-date',
    'A push whose issuedate is not DDMMYYYY gets 400 invalid_parameter (Issuedate)',
    'pushuriacct-issuedate',
    'issuedate written DD/MM/YYYY',
    'invalid_parameter',
    /Issuedate/,
    () => ({
      issueDate: '15/06/2020',
    }),
  ),
];
