/**
 * Security: DTD entities are not expanded (XXE), malformed input does not crash the endpoint,
 * error bodies carry no stack trace and echo no secret or personal value.
 */
import { findStackTrace } from '../../protocol/leaks.js';
import { escapeXml } from '../../protocol/xml.js';
import { fail, pass, skip, warn, type Check } from '../check.js';
import type { RunContext, SentExchange } from '../context.js';
import type { PullApi } from '../../core/types.js';
import { wrongKeyhashExchange } from './auth.js';
import { describeResponse, needSuccess, served } from './judge.js';

const ENTITY = 'dlcq';

/** The baseline body with an internal DTD whose entity stands for a real search value (or URI). */
function withDtd(ctx: RunContext, api: PullApi) {
  return (built: string): string => {
    const [name, value] = api === 'pulluri' ? Object.entries(ctx.firstDocument.search)[0]! : ['URI', ctx.firstDocument.uri ?? ''];
    const root = api === 'pulluri' ? 'PullURIRequest' : 'PullDocRequest';
    const withRef = built.replace(`<${name}>${escapeXml(value)}</${name}>`, `<${name}>&${ENTITY};</${name}>`);
    return withRef.replace('?>', `?><!DOCTYPE ${root} [<!ENTITY ${ENTITY} "${escapeXml(value)}">]>`);
  };
}

function malformed(ctx: RunContext, api: PullApi): Promise<SentExchange> {
  return ctx.shared(`malformed:${api}`, () => ctx.send(api, 'malformed XML (truncated document)', { rawBody: (built) => built.slice(0, Math.floor(built.length * 0.6)) }));
}

export function securityChecks(api: PullApi): Check[] {
  return [
    {
      id: `${api}.security.dtd-refused`,
      api,
      section: 'security',
      title: 'a request with a DTD entity is refused, not expanded',
      tags: ['security'],
      clause: 'dtd-refused',
      judgesRefusal: true,
      async run(ctx) {
        const base = await ctx.baseline(api);
        const pre = needSuccess(base, api);
        if (pre) return pre;
        const ex = await ctx.send(api, `request whose ${api === 'pulluri' ? 'search value' : 'URI'} is an internal DTD entity`, { rawBody: withDtd(ctx, api) });
        if (ex.raw.error) return fail(`no response: ${ex.raw.error.message}`, { expected: 'HTTP 4xx, or 200 with Status="0"', actual: ex.raw.error.kind }, [ex]);
        return served(ex)
          ? fail('the entity was expanded and the request served: the XML parser processes DTDs', { expected: 'refused (HTTP 4xx or Status="0")', actual: describeResponse(ex) }, [ex])
          : pass(`refused (${describeResponse(ex)})`, [ex]);
      },
    },
    {
      id: `${api}.security.malformed-no-5xx`,
      api,
      section: 'security',
      title: 'malformed XML gets a 4xx or Status 0, not a 5xx',
      clause: 'malformed-no-5xx',
      judgesRefusal: true,
      async run(ctx) {
        const ex = await malformed(ctx, api);
        if (ex.raw.error) return fail(`no response: ${ex.raw.error.message}`, { expected: 'HTTP 4xx, or 200 with Status="0"', actual: ex.raw.error.kind }, [ex]);
        const status = ex.raw.response!.status;
        if (status >= 500) return fail(`HTTP ${status} for malformed XML`, { expected: 'HTTP 400, or 200 with Status="0"', actual: String(status) }, [ex]);
        if (status === 200 && ex.parsed?.status !== '0') {
          return fail('HTTP 200 without Status="0" for malformed XML', { expected: 'HTTP 400, or 200 with Status="0"', actual: describeResponse(ex) }, [ex]);
        }
        return pass(describeResponse(ex), [ex]);
      },
    },
    {
      id: `${api}.security.no-stack-trace`,
      api,
      section: 'security',
      title: 'error bodies contain no stack trace',
      tags: ['security'],
      clause: 'no-stack-trace',
      judgesRefusal: true,
      failsOnLeak: true,
      async run(ctx) {
        const exchanges = [await malformed(ctx, api), await wrongKeyhashExchange(ctx, api)].filter((e) => e.raw.response);
        if (exchanges.length === 0) return skip('no error response to inspect', []);
        const leaking = exchanges.filter((e) => findStackTrace(e.raw.response!.text) !== undefined);
        if (leaking.length === 0) return pass(`${exchanges.length} error bodies without stack traces`, exchanges);
        const excerpt = findStackTrace(leaking[0]!.raw.response!.text)!;
        return fail('an error body contains a stack trace', { expected: 'a generic error message', actual: excerpt }, leaking);
      },
    },
    {
      id: `${api}.security.no-secret-echo`,
      api,
      section: 'security',
      title: 'no response echoes the API key, a keyhash or an HMAC; error bodies echo no personal value',
      tags: ['security'],
      clause: 'no-secret-echo',
      judgesRefusal: true,
      failsOnLeak: true,
      async run(ctx) {
        const error = await wrongKeyhashExchange(ctx, api);
        if (!error.raw.response) return skip(`no response; see ${api}.auth.wrong-keyhash`, [error]);
        if (served(error)) return skip(`the request was served, so there is no error body; see ${api}.auth.wrong-keyhash`, [error]);
        const exchanges = [await ctx.baseline(api), error, await malformed(ctx, api)].filter((e) => e.raw.response);
        // credentials: the API key in any form, and every keyhash and HMAC these requests carried
        const credentials = [...ctx.apiKeyForms(), ...exchanges.flatMap((e) => e.request?.secrets ?? [])];
        const leaking = exchanges.filter((e) => credentials.some((s) => echoes(e.raw.response!.text, s)));
        if (leaking.length > 0) {
          const count = credentials.filter((s) => leaking.some((e) => echoes(e.raw.response!.text, s))).length;
          return fail(
            `${leaking.length} response(s) echo the API key, a keyhash or an HMAC`,
            { expected: 'no credential in any response', actual: `${count} credential value(s) echoed (values redacted)` },
            leaking,
          );
        }
        // personal values sent: the 3.0 OpenAPI lists UID, FullName and DOB in the response's
        // DocDetails, so an echo is what that profile describes; elsewhere a warning
        const personal = (error.request?.personal ?? []).filter((s) => echoes(error.raw.response!.text, s));
        if (personal.length > 0 && ctx.profile.id !== '3.0') {
          return warn(
            `the error body echoes ${personal.length} personal value(s) of the request`,
            { expected: 'none of the UID, FullName, DOB sent', actual: `${personal.length} echoed (values redacted)` },
            [error],
          );
        }
        const note = personal.length > 0 ? `; ${personal.length} personal value(s) echoed, as the 3.0 OpenAPI's response DocDetails allows` : '';
        return pass(`${exchanges.length} responses searched for ${credentials.length} credential values, none echoed${note}`, exchanges);
      },
    },
  ];
}

/** Whether `body` carries `value` as it is or XML-escaped (short values are ignored: they occur by chance). */
function echoes(body: string, value: string): boolean {
  return value.length >= 4 && (body.includes(value) || body.includes(escapeXml(value)));
}
