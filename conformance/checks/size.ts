/**
 * Request size: DigiLocker's requests carry an Aadhaar photo of tens of kilobytes (FACTS C23), so
 * a valid request over 32 KB must be served as the plain one is; and a request far over any
 * sensible limit (about 3 MiB) must be refused cleanly, an HTTP answer below 500, never a 5xx or a
 * connection dropped before the answer.
 */
import { fail, pass, skip, type Check } from '../check.js';
import type { RunContext, SentExchange } from '../context.js';
import type { PullApi } from '../../core/types.js';
import { describeResponse, needParsed, needSuccess } from './judge.js';

/** "over 32 KB": the large request is at least this many bytes */
const LARGE_REQUEST_BYTES = 32 * 1024;
/** about 3 MiB: over the body limit of any gateway or framework default we know of, small enough to send in a moment */
const OVERSIZE_REQUEST_BYTES = 3 * 1024 * 1024;
/** the unknown DocDetails element that fills a request up (the name an issuer log might use for a note) */
const FILLER_ELEMENT = 'Remarks';

function bodyBytes(ex: SentExchange): number {
  const body = ex.request?.body ?? '';
  return typeof body === 'string' ? new TextEncoder().encode(body).length : body.length;
}

/** The opted-in Photo a request of `api` carries (Pull URI only, where the config opts into Photo). */
function photoOf(ctx: RunContext, api: PullApi): string | undefined {
  return api === 'pulluri' ? ctx.identityFor(ctx.firstDocument, api).photo : undefined;
}

/** Filler text of `bytes` ASCII characters, base64-like as a photo or scan a client attaches would be. */
function filler(bytes: number): string {
  const unit = 'ZGxjb25mb3JtIGZpbGxlcg==';
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

function largeRequest(api: PullApi): Check {
  return {
    id: `${api}.robustness.large-request`,
    api,
    section: 'robustness',
    title: api === 'pulluri' ? 'a valid request over 32 KB (an Aadhaar photo) is served' : 'a valid request over 32 KB is served',
    clause: 'large-request',
    judgesRefusal: true,
    async run(ctx) {
      const base = await ctx.baseline(api);
      const pre = needSuccess(base, api);
      if (pre) return pre;
      const photo = photoOf(ctx, api);
      const photoSuffices = photo !== undefined && photo.length > LARGE_REQUEST_BYTES;
      if (!photoSuffices) {
        // the filler is an unknown element: refused even when small, that is the unknown-element check's finding
        const small = await ctx.send(api, `extra DocDetails element <${FILLER_ELEMENT}>, a few bytes`, { extraElements: [[FILLER_ELEMENT, filler(16)]] });
        const unusable = needParsed(small);
        if (unusable) return unusable;
        if (small.parsed!.status !== '1') return skip(`a small unknown element <${FILLER_ELEMENT}> is not served either; see ${api}.robustness.unknown-element`, [base, small]);
      }
      const label = photoSuffices ? 'valid request with the Aadhaar photo (over 32 KB)' : `valid request with an unknown element <${FILLER_ELEMENT}> filling it over 32 KB`;
      const ex = await ctx.send(api, label, photoSuffices ? {} : { extraElements: [[FILLER_ELEMENT, filler(LARGE_REQUEST_BYTES)]] });
      const unusable = needParsed(ex, true);
      if (unusable) return unusable;
      const size = `${bodyBytes(ex)} bytes`;
      return ex.parsed!.status === '1'
        ? pass(`a ${size} request served`, [ex])
        : fail(`a ${size} request is not served: ${describeResponse(ex)}`, { expected: 'Status="1", as for the plain request', actual: describeResponse(ex) }, [base, ex]);
    },
  };
}

function oversizeRefused(api: PullApi): Check {
  return {
    id: `${api}.robustness.oversize-refused`,
    api,
    section: 'robustness',
    title: 'a valid request of about 3 MiB gets a clean answer (a 413 or 400), never a 5xx or a dropped connection',
    clause: 'oversize-refused',
    judgesRefusal: true,
    async run(ctx) {
      const ex = await ctx.send(api, `valid request with an unknown element <${FILLER_ELEMENT}> filling it to about 3 MiB`, {
        extraElements: [[FILLER_ELEMENT, filler(OVERSIZE_REQUEST_BYTES)]],
      });
      const expected = 'an HTTP answer below 500 (413 or 400, Status="0", or the document)';
      const error = ex.raw.error;
      if (error) {
        const dropped = error.kind === 'reset' ? 'the connection was dropped' : 'no answer';
        return fail(`${dropped} for a ${bodyBytes(ex)}-byte request: ${error.message}`, { expected, actual: error.kind }, [ex]);
      }
      const status = ex.raw.response!.status;
      if (status >= 500) return fail(`HTTP ${status} for a ${bodyBytes(ex)}-byte request`, { expected, actual: describeResponse(ex) }, [ex]);
      return pass(`HTTP ${status} for a ${bodyBytes(ex)}-byte request`, [ex]);
    },
  };
}

export function sizeChecks(api: PullApi): Check[] {
  return [largeRequest(api), oversizeRefused(api)];
}
