/**
 * Authentication (facts §1.2, C3, C18, C19): a request with no valid credential, or from another
 * orgId, is never served; one whose keyhash or HMAC alone is wrong should not be (each is a
 * SHOULD: issuers verify one or both). Rejection may be HTTP 401/403 (any 4xx) or HTTP 200 with
 * Status 0; a 5xx is reported by the no-5xx check, not here.
 */
import { clauseFor, type ClauseId } from '../../protocol/clauses.js';
import { fail, pass, skip, type Check, type Outcome } from '../check.js';
import type { RequestVariant, RunContext, SentExchange } from '../context.js';
import type { PullApi } from '../../core/types.js';
import { describeResponse, served, transportProblem } from './judge.js';

interface AuthCase {
  name: string;
  title: string;
  clause: ClauseId;
  label: string;
  variant: (ctx: RunContext) => RequestVariant;
  needsHmac?: boolean;
}

const CASES: AuthCase[] = [
  { name: 'wrong-keyhash', title: 'a request with a wrong keyhash is rejected', clause: 'keyhash', label: 'keyhash computed with a wrong API key', variant: () => ({ keyhash: { how: 'wrong-key' } }) },
  {
    name: 'wrong-hmac',
    title: 'a request with a wrong x-digilocker-hmac is rejected',
    clause: 'hmac',
    label: 'x-digilocker-hmac computed with a wrong API key',
    variant: () => ({ hmac: { how: 'wrong-key' } }),
    needsHmac: true,
  },
  {
    name: 'missing-hmac',
    title: 'a request without x-digilocker-hmac is rejected',
    clause: 'hmac',
    label: 'no x-digilocker-hmac header',
    variant: () => ({ hmac: { how: 'missing' } }),
    needsHmac: true,
  },
  {
    name: 'tampered-body',
    title: 'a body changed after signing is rejected',
    clause: 'hmac',
    label: 'one byte of the body changed after signing',
    variant: () => ({ tamper: 'txn' }),
    needsHmac: true,
  },
  {
    name: 'wrong-orgid',
    title: 'a correctly signed request from another orgId is rejected',
    clause: 'orgid',
    label: 'correctly signed, from another orgId',
    variant: (ctx) => ({ orgId: `in.gov.not.${ctx.config.orgId}` }),
  },
];

/**
 * Requests that prove nothing: no HMAC, and a keyhash that is wrong or missing. An issuer may
 * verify only one of keyhash and HMAC (each alone is a warning), never neither.
 */
const UNAUTHENTICATED: Array<{ name: string; label: string; variant: RequestVariant }> = [
  { name: 'wrong-keyhash-no-hmac', label: 'keyhash computed with a wrong API key, no x-digilocker-hmac header', variant: { keyhash: { how: 'wrong-key' }, hmac: { how: 'missing' } } },
  { name: 'no-credentials', label: 'no keyhash attribute, no x-digilocker-hmac header', variant: { keyhash: { how: 'missing' }, hmac: { how: 'missing' } } },
];

function authExchange(ctx: RunContext, api: PullApi, c: AuthCase): Promise<SentExchange> {
  return ctx.shared(`auth:${api}:${c.name}`, () => ctx.send(api, c.label, c.variant(ctx)));
}

export function wrongKeyhashExchange(ctx: RunContext, api: PullApi): Promise<SentExchange> {
  return authExchange(ctx, api, CASES[0]!);
}

function judgeRejected(ex: SentExchange): Outcome {
  const problem = transportProblem(ex);
  if (problem) return fail(`no response: ${problem}`, { expected: 'HTTP 401/403, or 200 with Status="0"', actual: ex.raw.error!.kind }, [ex]);
  if (served(ex)) {
    return fail('the request was served: authentication is not enforced', { expected: 'HTTP 401/403, or 200 with Status="0"', actual: describeResponse(ex) }, [ex]);
  }
  return pass(`rejected (${describeResponse(ex)})`, [ex]);
}

export function authChecks(api: PullApi): Check[] {
  const checks: Check[] = CASES.map((c) => ({
    id: `${api}.auth.${c.name}`,
    api,
    section: 'auth',
    title: c.title,
    tags: ['security'],
    clause: clauseFor(api, c.clause),
    judgesRefusal: true,
    notApplicable: (ctx) => (c.needsHmac && ctx.config.hmac === 'none' ? 'hmac is "none" in the config (profile 1.0 predates x-digilocker-hmac)' : undefined),
    run: async (ctx) => judgeRejected(await authExchange(ctx, api, c)),
  }));
  checks.push({
    id: `${api}.auth.unauthenticated`,
    api,
    section: 'auth',
    title: 'a request with no valid credential (no HMAC, and a wrong or no keyhash) is rejected',
    tags: ['security'],
    clause: clauseFor(api, 'auth-required'),
    judgesRefusal: true,
    async run(ctx) {
      const exchanges = await Promise.all(UNAUTHENTICATED.map((c) => ctx.shared(`auth:${api}:${c.name}`, () => ctx.send(api, c.label, c.variant))));
      const silent = exchanges.find((e) => transportProblem(e));
      if (silent) return fail(`no response: ${transportProblem(silent)}`, { expected: 'HTTP 401/403, or 200 with Status="0"', actual: silent.raw.error!.kind }, [silent]);
      const servedOnes = exchanges.filter((e) => served(e));
      if (servedOnes.length > 0) {
        return fail(
          'a request carrying no valid credential was served: the API is open to anyone who knows a search',
          { expected: 'HTTP 401/403, or 200 with Status="0"', actual: servedOnes.map((e) => `${e.label}: ${describeResponse(e)}`).join('; ') },
          servedOnes,
        );
      }
      return pass(`both rejected (${exchanges.map((e) => describeResponse(e)).join('; ')})`, exchanges);
    },
  });
  checks.push({
    id: `${api}.auth.no-5xx`,
    api,
    section: 'auth',
    title: 'an authentication failure is not answered with a 5xx',
    clause: 'auth-no-5xx',
    judgesRefusal: true,
    async run(ctx) {
      const cases = CASES.filter((c) => !c.needsHmac || ctx.config.hmac !== 'none');
      const exchanges = await Promise.all(cases.map((c) => authExchange(ctx, api, c)));
      const answered = exchanges.filter((e) => e.raw.response);
      if (answered.length === 0) return skip('no authentication failure got a response', exchanges);
      const fivexx = answered.filter((e) => e.raw.response!.status >= 500);
      if (fivexx.length === 0) return pass(`${answered.length} rejections, none 5xx`, answered);
      return fail(
        `${fivexx.length} authentication failures answered with a 5xx`,
        {
          expected: 'HTTP 401/403, or 200 with Status="0"',
          actual: fivexx.map((e) => `${e.label}: HTTP ${e.raw.response!.status}`).join('; '),
        },
        fivexx,
      );
    },
  });
  return checks;
}
