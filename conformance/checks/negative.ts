/** Negative cases: no document for an absent search or unissued URI, identity mismatch, pending (9). */
import { clauseFor } from '../../protocol/clauses.js';
import { fail, pass, skip, type Check } from '../check.js';
import type { Identity, RunContext } from '../context.js';
import type { PullApi } from '../../core/types.js';
import { describeResponse, needParsed, needSuccess, served } from './judge.js';
import { pendingExchange } from './pending.js';

function mismatchCheck(field: 'fullName' | 'dob'): Check {
  const element = field === 'fullName' ? 'FullName' : 'DOB';
  return {
    id: `pulluri.negative.${field === 'fullName' ? 'name' : 'dob'}-mismatch`,
    api: 'pulluri',
    section: 'negative',
    title: `a search with the right parameters but another ${element} gets no document`,
    clause: 'identity-match',
    judgesRefusal: true,
    notApplicable(ctx) {
      if (!ctx.config.identityCheck) return 'identityCheck is false in the config';
      if (!ctx.config.optIn[field] || !ctx.profile.optInFields.includes(element)) return `${element} is not opted in`;
      if (!ctx.firstDocument.owner?.[field]) return `documents[0].owner.${field} is not configured`;
      return undefined;
    },
    async run(ctx: RunContext) {
      const base = await ctx.baseline('pulluri');
      const pre = needSuccess(base, 'pulluri');
      if (pre) return pre;
      const identity: Identity = { ...ctx.identityFor(ctx.firstDocument) };
      identity[field] = field === 'fullName' ? 'Dlconform Mismatch Testperson' : otherDob(ctx.firstDocument.owner!.dob!);
      const ex = await ctx.send('pulluri', `the first document's search with another ${element}`, { identity });
      const unusable = needParsed(ex, true);
      if (unusable) return unusable;
      return served(ex)
        ? fail(`the document was returned although ${element} does not match its owner`, { expected: 'Status="0"', actual: describeResponse(ex) }, [ex])
        : pass(`no document (${describeResponse(ex)})`, [ex]);
    },
  };
}

/** A valid DD-MM-YYYY date that differs from `dob` (one year later). */
function otherDob(dob: string): string {
  const m = /^(\d{2})-(\d{2})-(\d{4})$/.exec(dob);
  return m ? `${m[1]}-${m[2]}-${Number(m[3]) + 1}` : '01-01-1901';
}

export function negativeChecks(api: PullApi): Check[] {
  const name = api === 'pulluri' ? 'absent-search' : 'unknown-uri';
  const checks: Check[] = [
    {
      id: `${api}.negative.${name}`,
      api,
      section: 'negative',
      title: api === 'pulluri' ? 'a search that matches no document gets no document' : 'an unissued URI gets no document',
      clause: clauseFor(api, 'not-found'),
      judgesRefusal: true,
      async run(ctx) {
        const ex = await ctx.absent(api);
        const unusable = needParsed(ex, true);
        if (unusable) return unusable;
        return served(ex)
          ? fail('a document was returned for a request that matches none', { expected: 'Status="0" and no document', actual: describeResponse(ex) }, [ex])
          : pass(`no document (${describeResponse(ex)})`, [ex]);
      },
    },
    {
      id: `${api}.negative.${name}-http`,
      api,
      section: 'negative',
      title: 'not found is answered with HTTP 200 and Status 0, not an HTTP error',
      clause: 'not-found-http',
      judgesRefusal: true,
      async run(ctx) {
        const ex = await ctx.absent(api);
        if (ex.raw.error) return skip(`no response; see ${api}.negative.${name}`, [ex]);
        const status = ex.raw.response!.status;
        return status === 200 ? pass('HTTP 200', [ex]) : fail(`HTTP ${status} for not found`, { expected: '200 with Status="0"', actual: String(status) }, [ex]);
      },
    },
  ];
  if (api === 'pulluri') {
    checks.push(mismatchCheck('fullName'), mismatchCheck('dob'), {
      id: 'pulluri.pending.status-9',
      api,
      section: 'negative',
      title: 'a search the issuer verifies manually gets Status 9 (pending)',
      clause: 'status-pending',
      notApplicable(ctx) {
        if (!ctx.profile.pullUriStatuses.includes('9')) return `profile ${ctx.profile.id} has no pending status`;
        return ctx.config.pending ? undefined : 'no "pending" search in the config';
      },
      async run(ctx) {
        const pre = needSuccess(await ctx.baseline('pulluri'), 'pulluri');
        if (pre) return pre;
        const { exchange: ex } = await pendingExchange(ctx);
        const unusable = needParsed(ex, true);
        if (unusable) return unusable;
        return ex.parsed!.status === '9' ? pass('Status 9', [ex]) : fail('the pending search did not get Status 9', { expected: 'Status="9"', actual: describeResponse(ex) }, [ex]);
      },
    });
  }
  return checks;
}
