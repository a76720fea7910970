/**
 * Examples: every request example of fixtures/examples/ replayed against the target byte for byte
 * except what must change (ts now in the example's own form, a fresh txn of its shape, orgId,
 * keyhash and HMAC, the configured document's values under the configured search names:
 * protocol/replay.ts). The document must be served: Status 1 with the content the profile
 * requires for the format the example asks. Each example belongs to one profile and applies to
 * runs of that profile only. Like robustness, an example is judged only when the plain request
 * works, so a failure is the example's shape.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClauseId } from '../../protocol/clauses.js';
import type { FormatKey, Profile, ProfileId } from '../../protocol/profiles.js';
import type { Replaced } from '../../protocol/replay.js';
import { readRequest } from '../../protocol/requests.js';
import { contentOf } from '../../protocol/responses.js';
import type { PullApi } from '../../core/types.js';
import { packageRoot } from '../../core/build-info.js';
import { fail, pass, type Check, type Outcome } from '../check.js';
import type { RunContext, SentExchange } from '../context.js';
import { describeResponse, isBlank, needParsed, needSuccess } from './judge.js';

export interface RequestExample {
  /** the file in fixtures/examples/, without .xml: the check is <api>.examples.<name> */
  name: string;
  api: PullApi;
  profile: ProfileId;
  /** where the example comes from (fixtures/examples/README.md) */
  source: string;
  /** what its shape exercises, in a few words */
  shape: string;
  clause: ClauseId;
}

export const REQUEST_EXAMPLES: readonly RequestExample[] = [
  {
    name: 'spec-1.13-uri-request',
    api: 'pulluri',
    profile: '1.13',
    source: 'SPEC-1.13 §8.1.1 template, filled in as protocol-facts §4',
    shape: 'default tempuri namespace, no Aadhaar fields',
    clause: 'example-spec-1.13-request',
  },
  {
    name: 'pension-uri-request',
    api: 'pulluri',
    profile: '1.13',
    source: 'IMPL-PENSION test fixture (modelled on live traffic)',
    shape: 'digitallocker namespace, one element a line, padded values',
    clause: 'example-pension-request',
  },
  {
    name: 'sample-dllog-uri-request',
    api: 'pulluri',
    profile: '1.0',
    source: 'SAMPLE-DLLOG, a 2018 pull log',
    shape: 'ts with a +02:00 offset, ns2 declaration, spaces around DocDetails',
    clause: 'example-dllog-request',
  },
  {
    name: 'sample-uidai-pulldoc-request',
    api: 'pulldoc',
    profile: '3.0',
    source: 'SAMPLE-UIDAI, a Pull Doc request to the UIDAI issuer',
    shape: 'metadata="Y", a 32-hex txn',
    clause: 'example-uidai-pulldoc-request',
  },
];

/** The examples directory of this dlconform (the checkout or the installed package). */
function examplesDir(): string {
  const root = packageRoot(dirname(fileURLToPath(import.meta.url)));
  if (!root) throw new Error("dlconform's package directory (with fixtures/examples/) was not found");
  return join(root, 'fixtures', 'examples');
}

function exampleBody(name: string): string {
  return readFileSync(join(examplesDir(), `${name}.xml`), 'utf8');
}

/** What the rewrite changed, one line for evidence; keyhash is said to be recomputed, not shown. */
export function describeReplaced(replaced: readonly Replaced[]): string {
  return replaced
    .filter((r) => r.where !== '@keyhash')
    .map((r) => (r.from === r.to ? `${r.where} kept` : `${r.where}: ${JSON.stringify(r.from)} → ${JSON.stringify(r.to)}`))
    .concat(replaced.some((r) => r.where === '@keyhash') ? ['keyhash and HMAC recomputed'] : ['HMAC recomputed'])
    .join('; ');
}

/** The format an example asks for, as the profile reads it. */
function formatOf(profile: Profile, ex: SentExchange): FormatKey {
  const body = ex.request?.body;
  const raw = typeof body === 'string' ? readRequest(body).request?.attrs.format?.trim().toLowerCase() : undefined;
  return profile.sendsFormat && (raw === 'xml' || raw === 'pdf' || raw === 'both') ? raw : 'absent';
}

/** Served: Status 1 and every content element the profile makes a MUST for the requested format. */
export function judgeServed(ctx: RunContext, ex: SentExchange, replaced: string): Outcome {
  const unusable = needParsed(ex, true);
  if (unusable) return unusable;
  if (ex.parsed!.status !== '1')
    return fail(`not served: ${describeResponse(ex)}; replayed with ${replaced}`, { expected: 'Status="1", as for the plain request', actual: describeResponse(ex) }, [ex]);
  const format = formatOf(ctx.profile, ex);
  const rules = ctx.profile.content[format];
  const missing = (['DocContent', 'DataContent'] as const).filter((e) => rules[e === 'DocContent' ? 'docContent' : 'dataContent'] === 'must' && isBlank(contentOf(ex.parsed, e)));
  if (missing.length > 0) {
    return fail(
      `Status 1 without ${missing.join(' and ')}, which format ${format} requires in profile ${ctx.profile.id}; replayed with ${replaced}`,
      { expected: missing.join(', '), actual: describeResponse(ex) },
      [ex],
    );
  }
  return pass(`served (format ${format}); replayed with ${replaced}`, [ex]);
}

function exampleCheck(example: RequestExample): Check {
  return {
    id: `${example.api}.examples.${example.name}`,
    api: example.api,
    section: 'examples',
    title: `${example.source}: the request (${example.shape}) is served when replayed`,
    clause: example.clause,
    tags: ['examples'],
    judgesRefusal: true,
    notApplicable: (ctx) => (ctx.profile.id === example.profile ? undefined : `an example of profile ${example.profile}; this run is profile ${ctx.profile.id}`),
    async run(ctx) {
      const base = await ctx.baseline(example.api);
      const pre = needSuccess(base, example.api);
      if (pre) return pre;
      const sent = await ctx.sendReplayed(`fixtures/examples/${example.name}.xml (${example.source}), re-signed`, exampleBody(example.name), { personal: false });
      if ('error' in sent) throw new Error(`fixtures/examples/${example.name}.xml could not be replayed: ${sent.error}`);
      return judgeServed(ctx, sent.exchange, describeReplaced(sent.replaced));
    },
  };
}

export const EXAMPLE_CHECKS: readonly Check[] = REQUEST_EXAMPLES.map(exampleCheck);
