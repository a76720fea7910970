/** Echo: ts and txn byte for byte, Status text equal to the attribute, Status values (facts §1.4). */
import { clauseFor } from '../../protocol/clauses.js';
import { fail, pass, skip, type Check } from '../check.js';
import type { RunContext, SentExchange } from '../context.js';
import type { PullApi } from '../../core/types.js';
import { describeResponse, needParsed } from './judge.js';

function echoCheck(api: PullApi, field: 'ts' | 'txn'): Check {
  return {
    id: `${api}.echo.${field}`,
    api,
    section: 'echo',
    title: `ResponseStatus@${field} is the request's ${field}, byte for byte`,
    clause: clauseFor(api, field === 'ts' ? 'echo-ts' : 'echo-txn'),
    async run(ctx) {
      const ex = await ctx.baseline(api);
      const unusable = needParsed(ex);
      if (unusable) return unusable;
      const got = ex.parsed![field];
      return got === ex[field] ? pass(`${field} echoed`, [ex]) : fail(`${field} not echoed`, { expected: ex[field], actual: got === undefined ? '(absent)' : got }, [ex]);
    },
  };
}

async function statusesSeen(ctx: RunContext, api: PullApi): Promise<SentExchange[]> {
  return Promise.all([ctx.baseline(api), ctx.absent(api)]);
}

export function echoChecks(api: PullApi): Check[] {
  return [
    echoCheck(api, 'ts'),
    echoCheck(api, 'txn'),
    {
      id: `${api}.echo.status-text`,
      api,
      section: 'echo',
      title: 'ResponseStatus text, when present, equals the Status attribute',
      clause: clauseFor(api, 'status-text'),
      async run(ctx) {
        const ex = await ctx.baseline(api);
        const unusable = needParsed(ex);
        if (unusable) return unusable;
        const { status, statusText } = ex.parsed!;
        if (statusText === undefined) return pass('ResponseStatus has no text (the attribute alone is allowed)', [ex]);
        return statusText === status
          ? pass(`text ${statusText} equals Status`, [ex])
          : fail('ResponseStatus text disagrees with the Status attribute', { expected: String(status), actual: statusText }, [ex]);
      },
    },
    {
      id: `${api}.echo.on-error`,
      api,
      section: 'echo',
      title: 'ts and txn are echoed on a Status 0 response too',
      clause: clauseFor(api, 'echo-txn'),
      judgesRefusal: true,
      async run(ctx) {
        const ex = await ctx.absent(api);
        const unusable = needParsed(ex);
        if (unusable) return unusable;
        const bad = (['ts', 'txn'] as const).filter((f) => ex.parsed![f] !== ex[f]);
        if (bad.length === 0) return pass('ts and txn echoed on the error response', [ex]);
        return fail(
          `${bad.join(' and ')} not echoed on the error response`,
          {
            expected: bad.map((f) => `${f}=${ex[f]}`).join(' '),
            actual: bad.map((f) => `${f}=${ex.parsed![f] ?? '(absent)'}`).join(' '),
          },
          [ex],
        );
      },
    },
    {
      id: `${api}.status.values`,
      api,
      section: 'echo',
      title: api === 'pulluri' ? 'Status is one of 1, 0, 9' : 'Status is 1 or 0 (no pending in Pull Doc)',
      clause: api === 'pulluri' ? 'status-values' : 'status-values-pulldoc',
      async run(ctx) {
        const allowed = api === 'pulluri' ? ctx.profile.pullUriStatuses : ctx.profile.pullDocStatuses;
        const exchanges = await statusesSeen(ctx, api);
        // a response that carries no Status at all (an HTML error page, a bare 404) breaks the clause as much as a wrong value
        const answered = exchanges.filter((e) => e.raw.response);
        if (answered.length === 0) return skip(`no response; see ${api}.transport.http-200`, exchanges);
        const missing = answered.filter((e) => e.parsed?.status === undefined);
        if (missing.length > 0) {
          return fail(
            'a response carries no Status attribute',
            { expected: `ResponseStatus Status="${allowed.join(' | ')}"`, actual: missing.map((e) => `${e.label}: ${describeResponse(e)}`).join('; ') },
            missing,
          );
        }
        const seen = answered;
        const wrong = seen.filter((e) => !allowed.includes(e.parsed!.status!));
        if (wrong.length === 0) return pass(`Status values ${seen.map((e) => e.parsed!.status).join(', ')}`, seen);
        return fail(
          `Status ${wrong.map((e) => JSON.stringify(e.parsed!.status)).join(', ')} is not allowed`,
          {
            expected: allowed.join(' | '),
            actual: wrong.map((e) => `${e.label}: ${e.parsed!.status}`).join('; '),
          },
          wrong,
        );
      },
    },
  ];
}
