/** Small judgements several checks share: is there a usable response, was a document served. */
import { isBlankText } from '../../protocol/bytes.js';
import { contentOf } from '../../protocol/responses.js';
import { fail, skip, type Outcome } from '../check.js';
import type { SentExchange } from '../context.js';
import type { PullApi } from '../../core/types.js';

export function transportProblem(ex: SentExchange): string | undefined {
  if (ex.raw.error) return `${ex.label}: ${ex.raw.error.message}`;
  return undefined;
}

const UNREADABLE = ['not-well-formed', 'html', 'dtd', 'too-large', 'too-deep'];

/**
 * A check needs a response that parsed. When the exchange is the check's own (`owns`), a missing
 * or unreadable response is its failure; when it is shared, the check skips, since the check that
 * owns that exchange reports it.
 */
export function needParsed(ex: SentExchange, owns = false): Outcome | undefined {
  const problem = transportProblem(ex);
  if (problem) {
    return owns ? fail(`no response: ${problem}`, { expected: 'an HTTP response', actual: ex.raw.error!.kind }, [ex]) : skip(`no usable response to "${ex.label}": ${ex.raw.error!.message}`, [ex]);
  }
  const unreadable = !ex.parsed ? undefined : ex.parsed.findings.find((f) => f.severity === 'error' && UNREADABLE.includes(f.code));
  if (!ex.parsed || unreadable) {
    const message = unreadable?.message ?? 'no body';
    const why = message + responseContext(ex, message);
    return owns ? fail(`the response is not readable XML: ${why}`, { expected: 'an XML response', actual: describeResponse(ex) }, [ex]) : skip(`no usable response to "${ex.label}": ${why}`, [ex]);
  }
  return undefined;
}

/** The baseline must have succeeded before a variant of it can be judged. */
export function needSuccess(ex: SentExchange, api: PullApi): Outcome | undefined {
  const parsedProblem = needParsed(ex);
  if (parsedProblem) return parsedProblem;
  if (ex.parsed!.status !== '1') {
    return skip(`the plain request did not return Status 1 (got ${JSON.stringify(ex.parsed!.status)}); see ${api}.success.status-1`, [ex]);
  }
  return undefined;
}

function hasContent(ex: Pick<SentExchange, 'parsed'>): boolean {
  return !isBlank(contentOf(ex.parsed, 'DocContent')) || !isBlank(contentOf(ex.parsed, 'DataContent'));
}

/** A document was served: Status 1, or document content despite another status. */
export function served(ex: Pick<SentExchange, 'parsed'>): boolean {
  return ex.parsed?.status === '1' || hasContent(ex);
}

export function describeResponse(ex: SentExchange): string {
  if (ex.raw.error) return ex.raw.error.message;
  const r = ex.raw.response!;
  const status = ex.parsed?.status;
  const notes = r.notes?.length ? `; ${r.notes.join('; ')}` : '';
  return `HTTP ${r.status}${status !== undefined ? `, Status="${status}"` : ''}${hasContent(ex) ? ', with document content' : ''}${notes}`;
}

/**
 * What a reader of "not readable XML" needs besides the parser's message: the HTTP status when it
 * is not 200, and what the client noticed (a redirect not followed, a content coding, UTF-16, an
 * empty body). Empty for a plain HTTP 200.
 */
export function responseContext(ex: SentExchange, alreadySaid = ''): string {
  const r = ex.raw.response;
  if (!r) return '';
  const notes = (r.notes ?? []).filter((n) => !(n.startsWith('the body is empty') && /the body is empty/.test(alreadySaid)));
  const statusSaid = notes.some((n) => n.startsWith(`HTTP ${r.status} `));
  const parts = [...(r.status === 200 || statusSaid ? [] : [`HTTP ${r.status}`]), ...notes];
  return parts.length ? ` (${parts.join('; ')})` : '';
}

/** Absent, empty or only whitespace (content held as bytes too: see contentOf). */
export const isBlank = isBlankText;

/** Whether a helper returned a verdict to pass on rather than the value it looked for. */
export function isOutcome(x: unknown): x is Outcome {
  return typeof x === 'object' && x !== null && 'verdict' in x;
}
