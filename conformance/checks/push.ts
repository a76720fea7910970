/**
 * The Push side against a DigiLocker-like push endpoint (target.pushCsv / target.pushUri: an
 * issuer's staging gateway or the mock of fixtures/digilocker): a valid, correctly signed upload
 * is accepted with ResponseStatus 1 and echoes ver/ts/txn/orgId; invalid uploads (bad keyhash,
 * wrong orgId, bad base64, malformed CSV; for Push URI a bad keyhash and a bad Aadhaar) get
 * ResponseStatus 0 with a non-empty ResponseMessage. Requests are built with protocol/push.ts and
 * signed with spec's keyhash over the same ts as sent.
 */
import {
  buildPushCsvRequest,
  buildPushUriRequest,
  formatCsvRecord,
  pushCsvDocContent,
  pushEnvelopeSigned,
  readPushCsvResponse,
  readPushUriResponse,
  rowFields,
  type PushCsvRow,
  type PushEnvelope,
  type ReadPushResponse,
} from '../../protocol/push.js';
import { formatTs, newTxn, seededRandom } from '../../protocol/time.js';
import { generatedRow } from '../../push/generate.js';
import type { ClauseId } from '../../protocol/clauses.js';
import { fail, pass, skip, type Check, type Outcome } from '../check.js';
import type { RunContext, SentExchange } from '../context.js';

type PushApi = 'pushcsv' | 'pushuri';

/** A Push exchange: what was sent and the Push response read from the answer. */
interface PushExchange {
  sent: SentExchange;
  env: PushEnvelope;
  read?: ReadPushResponse;
}

/** The API key: RunContext keeps it private (it signs Pull requests itself); push requests are signed here. */
function urlOf(ctx: RunContext, api: PushApi): string | undefined {
  return api === 'pushcsv' ? ctx.config.target.pushCsv : ctx.config.target.pushUri;
}

/**
 * The valid row: the first configured document's URI (so a push matches what Pull serves); the
 * rest generated (push/generate.ts). The Aadhaar is always a generated one from the 9999 test
 * range, never the configured owner's: request bodies go into reports as evidence, and the CSV's
 * base64 would hide a real number from the redactor.
 */
function validRow(ctx: RunContext): PushCsvRow {
  const doc = ctx.config.documents[0];
  const generated = generatedRow(seededRandom(11), 0, { issuerId: ctx.config.issuerId, docType: doc?.docType ?? 'INCER' });
  const row = { ...generated };
  const uri = doc?.uri;
  if (uri?.startsWith(`${ctx.config.issuerId}-`)) {
    const docId = uri.slice(uri.lastIndexOf('-') + 1);
    if (/^[A-Za-z0-9]{1,10}$/.test(docId)) {
      row.Uri = uri;
      row.doc_id = docId;
    }
  }
  return row;
}

interface Mutation {
  orgId?: string;
  /** keyhash over another ts than the one sent */
  keyhashTs?: (ts: string) => string;
  docContent?: string;
  csv?: string;
  row?: (row: PushCsvRow) => PushCsvRow;
}

async function pushSend(ctx: RunContext, api: PushApi, label: string, m: Mutation = {}): Promise<PushExchange> {
  const url = urlOf(ctx, api)!;
  const ts = formatTs(new Date(), ctx.config.tsOffset);
  const txn = newTxn(ctx.random);
  const env = pushEnvelopeSigned((sent) => ctx.keyhashFor(m.keyhashTs ? m.keyhashTs(sent) : sent), { ts, txn, orgId: m.orgId ?? ctx.config.orgId });
  const row = (m.row ?? ((r) => r))(validRow(ctx));
  let body: string;
  if (api === 'pushcsv') {
    const csv = m.csv ?? `${formatCsvRecord(rowFields(row))}\n`;
    body = buildPushCsvRequest(env, { docContent: m.docContent ?? pushCsvDocContent(csv), fileName: `dlconform-${txn}.csv` });
  } else {
    body = buildPushUriRequest(env, row);
  }
  const raw = await ctx.client.send({ url, headers: { 'Content-Type': 'application/xml' }, body });
  const sent: SentExchange = { api, label, ts, txn, raw, secretsSent: env.keyhash ? [env.keyhash] : [] };
  const read = raw.response ? (api === 'pushcsv' ? readPushCsvResponse(raw.response.text) : readPushUriResponse(raw.response.text)) : undefined;
  return { sent, env, read };
}

const shared = (ctx: RunContext, api: PushApi, key: string, label: string, m: Mutation = {}) => ctx.shared(`push:${api}:${key}`, () => pushSend(ctx, api, label, m));

function notConfigured(api: PushApi) {
  return (ctx: RunContext) => (urlOf(ctx, api) === undefined ? `target.${api === 'pushcsv' ? 'pushCsv' : 'pushUri'} is not configured` : undefined);
}

function noAnswer(ex: PushExchange): Outcome | undefined {
  const r = ex.sent.raw;
  if (r.error) return fail(`no answer: ${r.error.message}`, {}, [ex.sent]);
  if (!r.response) return fail('no answer', {}, [ex.sent]);
  if (r.response.status !== 200) return fail(`HTTP ${r.response.status}; expected 200 with a Push response`, { expected: 'HTTP 200', actual: `HTTP ${r.response.status}` }, [ex.sent]);
  if (!ex.read?.rootName) return fail('the answer is not a well-formed Push response', { actual: r.response.text.slice(0, 200) }, [ex.sent]);
  return undefined;
}

function validAccepted(api: PushApi): Check {
  return {
    id: `${api}.valid.status-1`,
    api,
    section: 'push',
    title: `A valid, correctly signed ${api === 'pushcsv' ? 'Push CSV upload' : 'Push URI'} gets ResponseStatus 1`,
    tags: ['push'],
    clause: 'push-valid-accepted',
    notApplicable: notConfigured(api),
    async run(ctx) {
      const ex = await shared(ctx, api, 'valid', 'valid upload of the configured document');
      const bad = noAnswer(ex);
      if (bad) return bad;
      if (ex.read!.status !== '1') {
        return fail(
          `a valid upload was not accepted: ResponseStatus ${JSON.stringify(ex.read!.status)} (${ex.read!.message ?? 'no message'})`,
          { expected: 'ResponseStatus 1', actual: `ResponseStatus ${ex.read!.status ?? '(none)'}` },
          [ex.sent],
        );
      }
      return pass('ResponseStatus 1 for a valid upload', [ex.sent]);
    },
  };
}

function echoes(api: PushApi): Check {
  return {
    id: `${api}.valid.echo`,
    api,
    section: 'push',
    title: api === 'pushcsv' ? 'The response echoes ver, ts, txn and orgId of the request' : 'The response echoes ver, ts and txn of the request',
    tags: ['push', 'echo'],
    clause: 'push-response-echo',
    notApplicable: notConfigured(api),
    async run(ctx) {
      const ex = await shared(ctx, api, 'valid', 'valid upload of the configured document');
      const bad = noAnswer(ex);
      if (bad) return bad;
      const attrs = ex.read!.attrs;
      // PushCSVResponse carries orgId as sent (SEED-001 8.1.2); no Push URI source puts it in the response
      const echoed = api === 'pushcsv' ? (['ver', 'ts', 'txn', 'orgId'] as const) : (['ver', 'ts', 'txn'] as const);
      const wrong = echoed.filter((k) => attrs[k] !== ex.env[k]);
      if (wrong.length > 0) {
        return fail(
          `not echoed as sent: ${wrong.join(', ')}`,
          {
            expected: wrong.map((k) => `${k}="${ex.env[k]}"`).join(' '),
            actual: wrong.map((k) => (attrs[k] === undefined ? `${k} missing` : `${k}="${attrs[k]}"`)).join(' '),
          },
          [ex.sent],
        );
      }
      return pass(`${echoed.join(', ')} echoed byte for byte`, [ex.sent]);
    },
  };
}

function rejected(api: PushApi, key: string, title: string, clause: ClauseId, label: string, m: (ctx: RunContext) => Mutation, level?: Check['level']): Check {
  return {
    id: `${api}.invalid.${key}`,
    api,
    section: 'push',
    title,
    tags: ['push', 'negative'],
    clause,
    ...(level && { level }),
    notApplicable: notConfigured(api),
    async run(ctx) {
      const ex = await pushSend(ctx, api, label, m(ctx));
      const r = ex.sent.raw;
      if (r.error || !r.response) return fail(`no answer: ${r.error?.message ?? 'none'}`, {}, [ex.sent]);
      if (r.response.status >= 500)
        return fail(`HTTP ${r.response.status} for an invalid upload; expected ResponseStatus 0`, { expected: 'HTTP 200, ResponseStatus 0', actual: `HTTP ${r.response.status}` }, [ex.sent]);
      if (r.response.status !== 200 || !ex.read?.rootName) return skip(`HTTP ${r.response.status} without a Push response: not judged`, [ex.sent]);
      const { status, message } = ex.read;
      if (status !== '0')
        return fail(`an invalid upload (${label}) was answered ResponseStatus ${JSON.stringify(status)}`, { expected: 'ResponseStatus 0', actual: `ResponseStatus ${status ?? '(none)'}` }, [ex.sent]);
      if (!message) return fail('ResponseStatus 0 without a ResponseMessage', { expected: 'a non-empty ResponseMessage', actual: 'empty or missing' }, [ex.sent]);
      return pass(`ResponseStatus 0: ${message}`, [ex.sent]);
    },
  };
}

/** a keyhash over the API key and another ts (the ts sent with its last digit changed) */
const otherTs = (ts: string) => ts.replace(/\d(?=\D*$)/, (d) => String((Number(d) + 1) % 10));

/** a CSV with an unterminated quote and a row of 3 columns */
const MALFORMED_CSV = 'not,a,row\n"unterminated,quote\n';

function pushChecks(api: PushApi): Check[] {
  const what = api === 'pushcsv' ? 'Push CSV upload' : 'Push URI';
  const out: Check[] = [
    validAccepted(api),
    echoes(api),
    rejected(api, 'bad-keyhash', `A ${what} whose keyhash is not sha256(apiKey + the ts sent) gets ResponseStatus 0`, 'push-keyhash', 'keyhash over another ts', () => ({ keyhashTs: otherTs })),
  ];
  if (api === 'pushcsv') {
    out.push(
      rejected(api, 'wrong-orgid', 'An upload with another orgId gets ResponseStatus 0', 'push-orgid', 'another orgId', (ctx) => ({ orgId: `${ctx.config.orgId}.other` })),
      rejected(api, 'bad-base64', 'An upload whose DocContent is not base64 gets ResponseStatus 0', 'push-doccontent-base64', 'DocContent not base64', () => ({ docContent: 'not base64!*' })),
      rejected(api, 'malformed-csv', 'An upload of a malformed CSV gets ResponseStatus 0', 'push-csv-malformed', 'malformed CSV', () => ({ csv: MALFORMED_CSV })),
    );
  } else {
    out.push(
      rejected(api, 'bad-aadhaar', 'A Push URI with an Aadhaar failing the Verhoeff check digit gets ResponseStatus 0', 'push-uri-aadhaar', 'Aadhaar with a wrong check digit', () => ({
        row: (r) => ({ ...r, Aadhaar: r.Aadhaar.slice(0, 11) + String((Number(r.Aadhaar[11]) + 1) % 10) }),
      })),
    );
  }
  return out;
}

export const PUSH_CHECKS: readonly Check[] = [...pushChecks('pushcsv'), ...pushChecks('pushuri')];
