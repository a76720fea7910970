/** Transport: HTTP status, content type, well-formed UTF-8 XML, root element (facts §1.1). */
import { clauseFor } from '../../protocol/clauses.js';
import { utf8DecodeStrict } from '../../protocol/bytes.js';
import { RESPONSE_ROOT } from '../../protocol/requests.js';
import { fail, pass, skip, type Check } from '../check.js';
import type { PullApi } from '../../core/types.js';
import { describeResponse, needParsed, responseContext } from './judge.js';

export function transportChecks(api: PullApi): Check[] {
  return [
    {
      id: `${api}.transport.http-200`,
      api,
      section: 'transport',
      title: 'a valid request is answered with HTTP 200',
      clause: clauseFor(api, 'http-200'),
      async run(ctx) {
        const ex = await ctx.baseline(api);
        if (ex.raw.error) return fail(`no response: ${ex.raw.error.message}`, { expected: 'HTTP 200', actual: ex.raw.error.kind }, [ex]);
        const status = ex.raw.response!.status;
        return status === 200 ? pass('HTTP 200', [ex]) : fail(`HTTP ${status} for a valid request${responseContext(ex, `HTTP ${status}`)}`, { expected: '200', actual: String(status) }, [ex]);
      },
    },
    {
      id: `${api}.transport.content-type`,
      api,
      section: 'transport',
      title: 'the response content type is application/xml or text/xml',
      clause: 'response-content-type',
      async run(ctx) {
        const ex = await ctx.baseline(api);
        if (ex.raw.error) return skip(`no response; see ${api}.transport.http-200`, [ex]);
        const type = ex.raw.response!.headers['content-type'] ?? '';
        return /^\s*(application|text)\/xml\s*(;|$)/i.test(type)
          ? pass(`Content-Type: ${type}`, [ex])
          : fail(`Content-Type is ${type ? JSON.stringify(type) : 'missing'}`, { expected: 'application/xml', actual: type || '(none)' }, [ex]);
      },
    },
    {
      id: `${api}.transport.utf8-xml`,
      api,
      section: 'transport',
      title: 'the response body is well-formed XML in valid UTF-8',
      clause: 'response-xml',
      async run(ctx) {
        const ex = await ctx.baseline(api);
        if (ex.raw.error) return skip(`no response; see ${api}.transport.http-200`, [ex]);
        const r = ex.raw.response!;
        const utf8 = r.utf8 ?? utf8DecodeStrict(r.bytes) !== undefined;
        if (!utf8) {
          const at = firstInvalidUtf8(r.text);
          return fail(`the body is not valid UTF-8 (first undecodable sequence at character ${at})${responseContext(ex)}`, { expected: 'UTF-8', actual: 'invalid byte sequence' }, [ex]);
        }
        // the exchange was read once when it arrived (from its bytes when large): judge that reading
        const parsed = ex.parsed!;
        const problem = parsed.findings[0]?.message;
        if (parsed.rootName === undefined) return fail(`${problem ?? 'not XML'}${responseContext(ex, problem)}`, { expected: 'well-formed XML', actual: describeResponse(ex) }, [ex]);
        return pass(`well-formed UTF-8 XML, root ${parsed.rootName}`, [ex]);
      },
    },
    {
      id: `${api}.transport.root-element`,
      api,
      section: 'transport',
      title: `the response root element is ${RESPONSE_ROOT[api]}`,
      clause: api === 'pulluri' ? 'root-pulluri' : 'root-pulldoc',
      async run(ctx) {
        const ex = await ctx.baseline(api);
        const unusable = needParsed(ex);
        if (unusable) return unusable;
        const root = ex.parsed!.rootName;
        return root === RESPONSE_ROOT[api] ? pass(`root ${root}`, [ex]) : fail(`root element is ${root}`, { expected: RESPONSE_ROOT[api], actual: String(root) }, [ex]);
      },
    },
  ];
}

/** Character offset of the first undecodable sequence, for the message. */
function firstInvalidUtf8(text: string): number {
  return text.indexOf('\uFFFD');
}
