/** Pull URI / Pull Doc success: Status 1, the URI and its grammar, stability, IssuedTo, echo of search. */
import { isDdMmYyyy } from '../../protocol/dates.js';
import { checkUri } from '../../protocol/uri.js';
import { fail, pass, skip, warn, type Check, type Outcome } from '../check.js';
import type { RunContext, SentExchange } from '../context.js';
import type { ParsedResponse } from '../../protocol/responses.js';
import type { PullApi } from '../../core/types.js';
import { describeResponse, isOutcome, needParsed, needSuccess } from './judge.js';

function statusOne(api: PullApi): Check {
  return {
    id: `${api}.success.status-1`,
    api,
    section: 'success',
    title: api === 'pulluri' ? 'a search for a configured document returns Status 1' : 'a configured URI returns Status 1',
    clause: api === 'pulluri' ? 'uri-search' : 'doccontent-format-pulldoc',
    async run(ctx) {
      const ex = await ctx.baseline(api);
      const unusable = needParsed(ex, true);
      if (unusable) return unusable;
      return ex.parsed!.status === '1' ? pass('Status 1', [ex]) : fail('the configured document was not returned', { expected: 'Status="1"', actual: describeResponse(ex) }, [ex]);
    },
  };
}

const GENDERS = new Set(['male', 'female', 'other', 'transgender']);
const PHOTO_FORMATS = new Set(['PNG', 'JPG', 'JPEG']);

/** The Person attributes v1.13 marks M (8.1.4 #8–11). */
const PERSON_ATTRIBUTES = ['name', 'dob', 'gender', 'phone'] as const;

/** The baseline's Person elements, or the verdict to give when there are none to judge. */
export async function baselinePersons(ctx: RunContext): Promise<Outcome | { ex: SentExchange; persons: NonNullable<ParsedResponse['persons']> }> {
  const ex = await ctx.baseline('pulluri');
  const pre = needSuccess(ex, 'pulluri');
  if (pre) return pre;
  const persons = ex.parsed!.persons;
  if (!persons || persons.length === 0) return skip('no Person elements to judge; see pulluri.success.issued-to', [ex]);
  return { ex, persons };
}

export function successChecks(api: PullApi): Check[] {
  if (api === 'pulldoc') return [statusOne(api)];
  return [
    statusOne(api),
    {
      id: 'pulluri.success.uri-format',
      api,
      section: 'success',
      title: 'the URI has the form IssuerId-DocType-DocId for this issuer and DocType',
      clause: 'uri-format',
      async run(ctx) {
        const ex = await ctx.baseline(api);
        const pre = needSuccess(ex, api);
        if (pre) return pre;
        const uri = ex.parsed!.uri;
        if (!uri) return fail('Status 1 without a URI', { expected: 'DocDetails/URI', actual: '(absent)' }, [ex]);
        const { findings } = checkUri(uri, { issuerId: ctx.config.issuerId, docType: ctx.firstDocument.docType });
        const errors = findings.filter((f) => f.severity === 'error');
        if (errors.length) return fail(errors.map((f) => f.message).join('; '), { expected: `${ctx.config.issuerId}-${ctx.firstDocument.docType}-<DocId>`, actual: uri }, [ex]);
        if (findings.length) return warn(findings.map((f) => f.message).join('; '), { actual: uri }, [ex]);
        return pass(`URI ${uri}`, [ex]);
      },
    },
    {
      id: 'pulluri.success.uri-expected',
      api,
      section: 'success',
      title: 'the URI is the one configured for the document',
      clause: 'uri-element',
      notApplicable: (ctx) => (ctx.firstDocument.uri ? undefined : 'documents[0].uri is not configured'),
      async run(ctx) {
        const ex = await ctx.baseline(api);
        const pre = needSuccess(ex, api);
        if (pre) return pre;
        const expected = ctx.firstDocument.uri!;
        return ex.parsed!.uri === expected ? pass('URI as configured', [ex]) : fail('the search returned another URI', { expected, actual: ex.parsed!.uri ?? '(absent)' }, [ex]);
      },
    },
    {
      id: 'pulluri.success.uri-stable',
      api,
      section: 'success',
      title: 'the same search returns the same URI on repeat',
      clause: 'uri-persistent',
      async run(ctx) {
        const first = await ctx.baseline(api);
        const pre = needSuccess(first, api);
        if (pre) return pre;
        const again = await ctx.send(api, 'the baseline search, repeated');
        const unusable = needParsed(again, true);
        if (unusable) return unusable;
        return again.parsed!.uri === first.parsed!.uri
          ? pass('URI stable across calls', [first, again])
          : fail('the URI changed between two identical searches', { expected: String(first.parsed!.uri), actual: String(again.parsed!.uri) }, [first, again]);
      },
    },
    {
      id: 'pulluri.success.issued-to',
      api,
      section: 'success',
      title: 'DocDetails has IssuedTo/Persons with at least one Person',
      clause: 'issued-to',
      notApplicable: (ctx) => (ctx.profile.issuedTo === 'must' ? undefined : `IssuedTo is not part of profile ${ctx.profile.id}`),
      async run(ctx) {
        const ex = await ctx.baseline(api);
        const pre = needSuccess(ex, api);
        if (pre) return pre;
        const persons = ex.parsed!.persons;
        if (!persons) return fail('no IssuedTo element', { expected: 'IssuedTo/Persons/Person', actual: '(absent)' }, [ex]);
        if (persons.length === 0) return fail('IssuedTo has no Persons/Person', { expected: 'at least one Person', actual: '0' }, [ex]);
        return pass(`${persons.length} Person element(s)`, [ex]);
      },
    },
    {
      id: 'pulluri.success.person-present',
      api,
      section: 'success',
      title: 'each Person has a name, dob, gender and phone',
      clause: 'person-present',
      async run(ctx) {
        const got = await baselinePersons(ctx);
        if (isOutcome(got)) return got;
        const { ex, persons } = got;
        const missing = persons.flatMap((p, i) => PERSON_ATTRIBUTES.filter((a) => !p.attrs[a]?.trim()).map((a) => `Person[${i}] has no ${a}`));
        return missing.length === 0
          ? pass(`${persons.length} Person element(s) with name, dob, gender and phone`, [ex])
          : fail(missing.join('; '), { expected: 'name, dob, gender, phone on every Person' }, [ex]);
      },
    },
    {
      id: 'pulluri.success.person-attributes',
      api,
      section: 'success',
      title: 'Person dob is DD-MM-YYYY, gender Male, Female or Other; Photo has a known format',
      clause: 'person-attributes',
      async run(ctx) {
        const got = await baselinePersons(ctx);
        if (isOutcome(got)) return got;
        const { ex, persons } = got;
        const problems: string[] = [];
        persons.forEach((p, i) => {
          const dob = p.attrs.dob;
          if (dob && !isDdMmYyyy(dob.trim())) problems.push(`Person[${i}] dob is not DD-MM-YYYY`);
          const gender = p.attrs.gender?.trim();
          if (gender && !GENDERS.has(gender.toLowerCase())) problems.push(`Person[${i}] gender "${gender}" is not Male, Female or Other`);
          if (p.photo && !PHOTO_FORMATS.has((p.photo.format ?? '').trim())) problems.push(`Person[${i}] Photo format "${p.photo.format ?? ''}" is not PNG, JPG or JPEG`);
        });
        return problems.length === 0
          ? pass('Person attributes well-formed', [ex])
          : fail(problems.join('; '), { expected: 'dob DD-MM-YYYY, gender Male, Female or Other, Photo PNG, JPG or JPEG' }, [ex]);
      },
    },
    {
      id: 'pulluri.success.search-echo',
      api,
      section: 'success',
      title: 'DocDetails echoes the search parameters',
      clause: (p) => (p.searchEcho === 'must' ? 'search-echo-1.0' : 'search-echo-oas'),
      notApplicable: (ctx) => (ctx.profile.searchEcho === 'not-required' ? `profile ${ctx.profile.id} does not echo search parameters` : undefined),
      async run(ctx) {
        const ex = await ctx.baseline(api);
        const pre = needSuccess(ex, api);
        if (pre) return pre;
        const echoed = new Map((ex.parsed!.docDetails?.children ?? []).map((c) => [c.name, c.text.trim()]));
        const missing = Object.entries(ctx.firstDocument.search).filter(([k, v]) => echoed.get(k) !== v);
        return missing.length === 0
          ? pass('search parameters echoed', [ex])
          : fail(
              `not echoed: ${missing.map(([k]) => k).join(', ')}`,
              { expected: missing.map(([k, v]) => `<${k}>${v}</${k}>`).join(''), actual: missing.map(([k]) => `${k}=${echoed.get(k) ?? '(absent)'}`).join(' ') },
              [ex],
            );
      },
    },
  ];
}
