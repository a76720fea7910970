/**
 * Robustness: what DigiLocker has been seen to send must still be served: every namespace form
 * (C6), pretty-printed values (§2.4), unknown attributes and elements, fractional seconds in ts.
 * Each variant is judged only when the plain request works, so a failure is the variant's.
 */
import { NAMESPACE_FORMS, type NamespaceForm } from '../../protocol/profiles.js';
import { formatTs } from '../../protocol/time.js';
import type { ClauseId } from '../../protocol/clauses.js';
import { fail, pass, type Check } from '../check.js';
import type { RequestVariant, RunContext } from '../context.js';
import type { PullApi } from '../../core/types.js';
import { describeResponse, needParsed, needSuccess } from './judge.js';

function variantCheck(api: PullApi, name: string, title: string, clause: ClauseId, label: string, variant: (ctx: RunContext) => RequestVariant): Check {
  return {
    id: `${api}.robustness.${name}`,
    api,
    section: 'robustness',
    title,
    clause,
    judgesRefusal: true,
    async run(ctx) {
      const base = await ctx.baseline(api);
      const pre = needSuccess(base, api);
      if (pre) return pre;
      const ex = await ctx.send(api, label, variant(ctx));
      const unusable = needParsed(ex, true);
      if (unusable) return unusable;
      return ex.parsed!.status === '1'
        ? pass('served', [ex])
        : fail(`not served: ${describeResponse(ex)}`, { expected: 'Status="1", as for the plain request', actual: describeResponse(ex) }, [base, ex]);
    },
  };
}

const NS_LABEL: Record<NamespaceForm, string> = {
  none: 'no namespace',
  tempuri: 'xmlns="http://tempuri.org/"',
  'ns2-tempuri': 'xmlns:ns2="http://tempuri.org/"',
  digitallocker: 'xmlns="https://www.digitallocker.gov.in/schema/issuer/v1/…"',
};

export function robustnessChecks(api: PullApi): Check[] {
  return [
    ...NAMESPACE_FORMS.map((ns) => variantCheck(api, `namespace-${ns}`, `a request with ${NS_LABEL[ns]} is served`, 'namespace-forms', `request with ${NS_LABEL[ns]}`, () => ({ namespace: ns }))),
    variantCheck(api, 'whitespace', 'element values padded with newlines and spaces are trimmed', 'whitespace-values', 'values pretty-printed with surrounding whitespace', () => ({
      build: { pad: '\n      ' },
    })),
    variantCheck(api, 'unknown-attribute', 'an unknown root attribute (metadata="Y") is ignored', 'unknown-attributes', 'extra root attribute metadata="Y"', () => ({
      extraAttributes: [['metadata', 'Y']],
    })),
    variantCheck(api, 'unknown-element', 'an unknown DocDetails element is ignored', 'unknown-elements', 'extra DocDetails element <Mobile>', () => ({ extraElements: [['Mobile', '9000000001']] })),
    variantCheck(api, 'ts-fraction', 'a ts with fractional seconds is accepted', 'ts-fraction', 'ts with fractional seconds', (ctx) => ({ ts: formatTs(new Date(), ctx.config.tsOffset, 3) })),
  ];
}
