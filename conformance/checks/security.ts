/**
 * Security: external entities are never resolved (XXE, with a canary listener), internal entities
 * are not expanded, an entity bomb does not bring the endpoint down, malformed input does not crash
 * it, and error bodies carry no stack trace and echo no secret or personal value.
 */
import { findStackTrace } from '../../protocol/leaks.js';
import { escapeXml } from '../../protocol/xml.js';
import { fail, pass, skip, warn, type Check, type Outcome } from '../check.js';
import type { RunContext, SentExchange } from '../context.js';
import type { PullApi } from '../../core/types.js';
import { wrongKeyhashExchange } from './auth.js';
import { describeResponse, needSuccess, served } from './judge.js';

const ENTITY = 'dlcq';

/**
 * The baseline body with an internal DTD subset (`declarations`) and the first search value (Pull
 * URI) or the URI (Pull Doc) replaced by a reference to the entity `name`.
 */
function withEntity(ctx: RunContext, api: PullApi, declarations: string, name: string) {
  return (built: string): string => {
    const [element, value] = api === 'pulluri' ? Object.entries(ctx.firstDocument.search)[0]! : ['URI', ctx.firstDocument.uri ?? ''];
    const root = api === 'pulluri' ? 'PullURIRequest' : 'PullDocRequest';
    const withRef = built.replace(`<${element}>${escapeXml(value)}</${element}>`, `<${element}>&${name};</${element}>`);
    return withRef.replace('?>', `?><!DOCTYPE ${root} [${declarations}]>`);
  };
}

/** The baseline body whose search value (or URI) is an internal entity standing for itself. */
function withDtd(ctx: RunContext, api: PullApi) {
  const value = api === 'pulluri' ? Object.values(ctx.firstDocument.search)[0]! : (ctx.firstDocument.uri ?? '');
  return withEntity(ctx, api, `<!ENTITY ${ENTITY} "${escapeXml(value)}">`, ENTITY);
}

/** Nesting of the entity bomb: each level refers to the one below ten times. */
const BOMB_LEVELS = 4;
const BOMB_FAN_OUT = 10;
const BOMB_LEAF = 'dlconform';

/**
 * A bounded "billion laughs": `BOMB_LEVELS` levels of internal entities, each the one below
 * repeated `BOMB_FAN_OUT` times, about 90 KB when expanded: enough to see how the parser handles
 * nested entities, small enough that even a naive one survives it.
 */
export function entityBombDeclarations(): { declarations: string; top: string; expandedChars: number } {
  let declarations = `<!ENTITY dlcb0 "${BOMB_LEAF}">`;
  for (let level = 1; level <= BOMB_LEVELS; level++) declarations += `<!ENTITY dlcb${level} "${`&dlcb${level - 1};`.repeat(BOMB_FAN_OUT)}">`;
  return { declarations, top: `dlcb${BOMB_LEVELS}`, expandedChars: BOMB_LEAF.length * BOMB_FAN_OUT ** BOMB_LEVELS };
}

/** What a parser that tried to open a file says: Node, Java, libxml2 (PHP, Python lxml), .NET. */
const FILE_ERROR = /ENOENT|no such file|FileNotFoundException|failed to load external entity|could not find (?:a part of )?the (?:path|file)|cannot open|could not open/i;

function malformed(ctx: RunContext, api: PullApi): Promise<SentExchange> {
  return ctx.shared(`malformed:${api}`, () => ctx.send(api, 'malformed XML (truncated document)', { rawBody: (built) => built.slice(0, Math.floor(built.length * 0.6)) }));
}

/**
 * The line of an answer that reports an error opening the named file, if it does: the file's name
 * and a file error both in the body (a bare echo of the request names the file, but no error).
 */
export function fileErrorLine(body: string, fileName: string): string | undefined {
  if (!body.includes(fileName) || !FILE_ERROR.test(body)) return undefined;
  const line = body.split(/\r?\n/).find((l) => l.includes(fileName) && FILE_ERROR.test(l)) ?? body.split(/\r?\n/).find((l) => FILE_ERROR.test(l))!;
  return line.trim().slice(0, 300);
}

/**
 * Two probes: the search value (or URI) as an external entity whose system id is a URL on the
 * run's canary listener, then one naming a file that does not exist. A fetch of the URL, the
 * canary's content in a response, or an error about the missing file shows external entities
 * resolved; what the issuer answers otherwise (served or refused) is not this check's concern.
 */
async function xxeExternal(ctx: RunContext, api: PullApi): Promise<Outcome> {
  const canary = await ctx.canary();
  const url = canary.url(api);
  const file = canary.missingFile(api);
  const viaUrl = await ctx.send(api, `request whose ${api === 'pulluri' ? 'search value' : 'URI'} is an external entity on the run's canary listener (${url})`, {
    rawBody: withEntity(ctx, api, `<!ENTITY ${ENTITY} SYSTEM "${url}">`, ENTITY),
  });
  const viaFile = await ctx.send(api, `request whose ${api === 'pulluri' ? 'search value' : 'URI'} is an external entity naming a missing file (${file})`, {
    rawBody: withEntity(ctx, api, `<!ENTITY ${ENTITY} SYSTEM "${file}">`, ENTITY),
  });
  const probes = [viaUrl, viaFile];
  const hits = canary.hitsOn(api);
  if (hits.length > 0) {
    return fail(
      `the issuer fetched the external entity's URL: its parser resolves external entities (${hits.length} hit(s) on the canary listener)`,
      { expected: 'no request to the canary listener', actual: hits.map((h) => `${h.requestLine} from ${h.from}`).join('; ') },
      probes,
    );
  }
  const echoed = probes.filter((e) => e.raw.response?.text.includes(canary.content));
  if (echoed.length > 0) {
    return fail(
      'a response carries the content the canary listener serves: the external entity was resolved',
      { expected: 'no canary content in any response', actual: describeResponse(echoed[0]!) },
      echoed,
    );
  }
  const opened = fileErrorLine(viaFile.raw.response?.text ?? '', file.slice(file.lastIndexOf('/') + 1));
  if (opened !== undefined) {
    return fail('the answer reports an error opening the file the external entity names: the parser tried to read it', { expected: 'the entity not resolved', actual: opened }, [viaFile]);
  }
  const missing = probes.find((e) => e.raw.error);
  if (missing) return fail(`no response: ${missing.raw.error!.message}`, { expected: 'an answer, refused or not', actual: missing.raw.error!.kind }, probes);
  return pass(`no hit on the canary listener, its content in no response, no error reading the missing file (${describeResponse(viaUrl)}; ${describeResponse(viaFile)})`, probes);
}

export function securityChecks(api: PullApi): Check[] {
  return [
    {
      id: `${api}.security.xxe-external`,
      api,
      section: 'security',
      title: 'an external entity in a request is never resolved (no fetch of a canary URL, no file read)',
      tags: ['security'],
      clause: 'xxe-external',
      judgesRefusal: true,
      // a hit on the canary is shown whatever the baseline
      failsOnLeak: true,
      run: (ctx) => xxeExternal(ctx, api),
    },
    {
      id: `${api}.security.entity-bomb`,
      api,
      section: 'security',
      title: 'a request with nested internal entities (about 90 KB expanded) is answered in time, without a 5xx',
      tags: ['security'],
      clause: 'entity-bomb',
      judgesRefusal: true,
      async run(ctx) {
        const bomb = entityBombDeclarations();
        const ex = await ctx.send(api, `request whose ${api === 'pulluri' ? 'search value' : 'URI'} is an entity nested ${BOMB_LEVELS} levels deep (${bomb.expandedChars} characters expanded)`, {
          rawBody: withEntity(ctx, api, bomb.declarations, bomb.top),
        });
        if (ex.raw.error) return fail(`no response: ${ex.raw.error.message}`, { expected: 'an answer in time: HTTP 4xx, or 200 with Status="0"', actual: ex.raw.error.kind }, [ex]);
        const status = ex.raw.response!.status;
        if (status >= 500) return fail(`HTTP ${status} for a request with nested entities`, { expected: 'HTTP 4xx, or 200 with Status="0"', actual: describeResponse(ex) }, [ex]);
        return pass(describeResponse(ex), [ex]);
      },
    },
    {
      id: `${api}.security.dtd-refused`,
      api,
      section: 'security',
      title: 'a request with an internal DTD entity is refused, not expanded',
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
          ? fail('the internal entity was expanded and the request served: the XML parser processes DTDs', { expected: 'refused (HTTP 4xx or Status="0")', actual: describeResponse(ex) }, [ex])
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
