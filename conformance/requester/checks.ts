/**
 * The checks of a Requester's upload service (SEED-001 Requester Specification, "Handling the
 * response"): the valid share is stored (answered SUCCESS, its doc_url fetched), a share without
 * each required parameter is answered FAILURE, a doc_url that is unreachable, not a document or
 * over the size limit is answered FAILURE (never a 5xx or no answer), the service is https, and
 * the same document shared twice is stored twice. Each check quotes its clause (protocol/clauses.ts,
 * requester-*); each is some fault's target in the reference service (fixtures/requester/).
 */
import type { ClauseId } from '../../protocol/clauses.js';
import { judgeUploadTransport, type UploadAnswer, type UploadField } from '../../protocol/requester.js';
import type { RawExchange } from '../../core/client.js';
import type { RequesterContext, Share } from './context.js';

export interface RequesterOutcome {
  verdict: 'pass' | 'fail' | 'warn' | 'skip';
  message: string;
  expected?: string;
  actual?: string;
  evidence?: RawExchange[];
}

export interface RequesterCheck {
  id: string;
  section: string;
  title: string;
  clause: ClauseId;
  /**
   * The check judges how a share that must not be stored is refused: it proves something only
   * where the valid share was answered SUCCESS in the same run (else `inconclusive`).
   */
  judgesRefusal?: boolean;
  run(ctx: RequesterContext): Promise<RequesterOutcome>;
}

/** The share, as one line of evidence: its HTTP status and answer, or why there was none. */
export function describeShare(share: Share): string {
  const { raw } = share;
  if (raw.error) return `no answer: ${raw.error.message}`;
  const status = raw.response!.status;
  const body = raw.response!.text.trim();
  const shown = body.length > 80 ? `${body.slice(0, 80)}…` : body;
  return `HTTP ${status} ${share.answer ?? `(neither SUCCESS nor FAILURE) ${JSON.stringify(shown)}`}`;
}

const answered = (share: Share, word: UploadAnswer): boolean => !share.raw.error && share.raw.response!.status < 500 && share.answer === word;

/** FAILURE, as the only answer the document gives for a file that was not stored: no SUCCESS, no 5xx, no silence. */
function refused(share: Share, what: string): RequesterOutcome {
  const evidence = [share.raw];
  if (answered(share, 'FAILURE')) return { verdict: 'pass', message: `${what}: answered FAILURE (HTTP ${share.raw.response!.status})`, evidence };
  const actual = describeShare(share);
  const why = share.raw.error
    ? 'the service gave no answer: the widget waits on it, and the user sees nothing'
    : share.raw.response!.status >= 500
      ? 'the service failed with a 5xx instead of answering FAILURE'
      : share.answer === 'SUCCESS'
        ? 'the service said SUCCESS for a file it cannot have stored as the document says'
        : 'the answer is not FAILURE';
  return { verdict: 'fail', message: `${what}: ${why}`, expected: 'FAILURE (HTTP below 500)', actual, evidence };
}

/** The valid share, stored: the premise of every refusal. */
const stored: RequesterCheck = {
  id: 'requester.share.stored',
  section: 'share',
  title: 'a valid share (user_ref, doc_id, doc_url of a PDF) is answered SUCCESS and its doc_url is fetched',
  clause: 'requester-fetch',
  async run(ctx) {
    const share = await ctx.valid();
    const evidence = [share.raw];
    if (!answered(share, 'SUCCESS')) {
      return { verdict: 'fail', message: 'the valid share was not answered SUCCESS', expected: 'SUCCESS (HTTP below 500)', actual: describeShare(share), evidence };
    }
    if (share.fetchesBeforeAnswer === 0) {
      return {
        verdict: 'fail',
        message: `the service answered SUCCESS without fetching doc_url (${share.fields.doc_url}): no file was retrieved, so none was stored`,
        expected: 'a request for doc_url before the answer',
        actual: 'no request for doc_url',
        evidence,
      };
    }
    return { verdict: 'pass', message: `answered SUCCESS after fetching doc_url ${share.fetchesBeforeAnswer} time(s)`, evidence };
  },
};

function missing(field: UploadField): RequesterCheck {
  return {
    id: `requester.params.${field.replace('_', '-')}`,
    section: 'params',
    title: `a share without ${field} (required) is answered FAILURE`,
    clause: 'requester-params',
    judgesRefusal: true,
    async run(ctx) {
      return refused(await ctx.share(`the valid share without ${field}`, 'pdf', [field]), `without ${field}`);
    },
  };
}

/** A refusal of a bad doc_url means something only from a service seen fetching a good one. */
function badDocument(id: string, clause: ClauseId, title: string, kind: 'dead' | 'html' | 'oversized', what: string): RequesterCheck {
  return {
    id,
    section: 'doc-url',
    title,
    clause,
    judgesRefusal: true,
    async run(ctx) {
      const valid = await ctx.valid();
      if (answered(valid, 'SUCCESS') && valid.fetchesBeforeAnswer === 0) {
        return { verdict: 'skip', message: 'the service does not fetch doc_url at all (see requester.share.stored), so how it refuses a bad one shows nothing', evidence: [valid.raw] };
      }
      return refused(await ctx.share(`a share whose doc_url ${what}`, kind), `doc_url ${what}`);
    },
  };
}

const transport: RequesterCheck = {
  id: 'requester.transport.https',
  section: 'transport',
  title: 'the upload service is served over https (plain http only on a loopback address)',
  clause: 'requester-https',
  async run(ctx) {
    const judged = judgeUploadTransport(ctx.uploadUrl);
    if (judged.verdict === 'invalid') return { verdict: 'fail', message: judged.message };
    return judged.verdict === 'pass' ? { verdict: 'pass', message: judged.message } : { verdict: 'warn', message: judged.message, expected: 'https://…', actual: ctx.uploadUrl };
  },
};

const repeat: RequesterCheck = {
  id: 'requester.share.repeat',
  section: 'share',
  title: 'the same document shared twice is answered SUCCESS the second time too',
  clause: 'requester-repeat',
  async run(ctx) {
    const valid = await ctx.valid();
    if (!answered(valid, 'SUCCESS')) return { verdict: 'skip', message: 'the first share was not answered SUCCESS (see requester.share.stored)', evidence: [valid.raw] };
    const again = await ctx.repeatValid();
    if (answered(again, 'SUCCESS')) return { verdict: 'pass', message: 'the second share of the same user_ref, doc_id and doc_url was answered SUCCESS', evidence: [valid.raw, again.raw] };
    return {
      verdict: 'fail',
      message: 'the second share of the same document was not stored: a user who shares a document again is refused',
      expected: 'SUCCESS',
      actual: describeShare(again),
      evidence: [valid.raw, again.raw],
    };
  },
};

export const REQUESTER_CHECKS: readonly RequesterCheck[] = [
  stored,
  missing('user_ref'),
  missing('doc_id'),
  missing('doc_url'),
  badDocument('requester.doc-url.unreachable', 'requester-answer', 'a doc_url that cannot be reached (a closed port) is answered FAILURE, not a 5xx or no answer', 'dead', 'cannot be reached'),
  badDocument('requester.doc-url.not-a-document', 'requester-document', 'a doc_url serving an HTML page, not a PDF, JPEG or PNG, is answered FAILURE', 'html', 'serves an HTML page'),
  badDocument(
    'requester.doc-url.oversized',
    'requester-size',
    'a doc_url serving a body over the size limit is answered FAILURE, not a 5xx or no answer',
    'oversized',
    'serves a body over the size limit',
  ),
  transport,
  repeat,
];
