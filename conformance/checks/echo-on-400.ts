/**
 * Echo on an HTTP refusal: a well-formed, correctly signed request that no issuer can serve (the
 * other Pull API's request, sent to this API's URL) is refused; where the refusal is an HTTP 4xx
 * carrying a ResponseStatus, that element still echoes the request's ts and txn. The fuzzer's echo
 * invariant judges every answer it provokes; this puts the same question in every run.
 */
import { clauseFor, REQUEST_ROOT, type PullApi } from '../../protocol/index.js';
import { fail, pass, skip, type Check } from '../check.js';
import { describeResponse, needParsed } from './judge.js';

const OTHER: Record<PullApi, PullApi> = { pulluri: 'pulldoc', pulldoc: 'pulluri' };

export function echoOn400Check(api: PullApi): Check {
  const sent = REQUEST_ROOT[OTHER[api]];
  return {
    id: `${api}.echo.on-400`,
    api,
    section: 'echo',
    title: `ts and txn are echoed on an HTTP 4xx refusal (a ${sent} sent to the ${api === 'pulluri' ? 'Pull URI' : 'Pull Doc'} URL)`,
    clause: clauseFor(api, 'echo-txn'),
    judgesRefusal: true,
    async run(ctx) {
      const ex = await ctx.send(api, `correctly signed ${sent} sent to the ${api} URL`, {
        // the same request with the other API's root (and its namespace URI): well-formed, signed, unservable here
        rawBody: (built) => built.replaceAll(REQUEST_ROOT[api], sent).replaceAll(REQUEST_ROOT[api].toLowerCase(), sent.toLowerCase()),
      });
      const unusable = needParsed(ex);
      if (unusable) return unusable;
      const http = ex.raw.response!.status;
      // an in-band refusal (HTTP 200, Status 0) is echo.on-error's to judge; a 5xx is no refusal of this kind
      if (http < 400 || http >= 500) return skip(`answered ${describeResponse(ex)}: not an HTTP 4xx refusal; see ${api}.echo.on-error`, [ex]);
      const parsed = ex.parsed!;
      if (parsed.findings.some((f) => f.code === 'no-response-status')) return skip(`answered HTTP ${http} without a ResponseStatus: there is no element to echo into`, [ex]);
      const bad = (['ts', 'txn'] as const).filter((f) => parsed[f] !== ex[f]);
      if (bad.length === 0) return pass(`ts and txn echoed on the HTTP ${http} refusal`, [ex]);
      return fail(
        `${bad.join(' and ')} not echoed on the HTTP ${http} refusal`,
        { expected: bad.map((f) => `${f}=${ex[f]}`).join(' '), actual: bad.map((f) => `${f}=${parsed[f] ?? '(absent)'}`).join(' ') },
        [ex],
      );
    },
  };
}
