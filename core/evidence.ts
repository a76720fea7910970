/**
 * Where evidence is made, and the one place it is redacted. Everything a check, the fuzzer, the
 * timing analysis or the sampled load checks record about an exchange or a verdict passes through
 * an Evidence maker; what comes out is safe for the console, the transcript and every report
 * writer, which write it as it is.
 */
import { bodyExcerpt, type RawExchange } from './client.js';
import type { Config } from './config/index.js';
import { curlLine } from './curl.js';
import type { Redactor } from './redact.js';
import type { Exchange } from './types.js';

/** How much of a response body a report keeps. */
const EXCERPT = 4000;
/**
 * A request body over this many characters is kept as its head, with no curl line: the oversize
 * probe sends 3 MiB, and redacting all of it against every secret of a run takes seconds. The
 * fuzzer's 4 KiB and 64 KiB values stay reproducible.
 */
const REQUEST_LIMIT = 1024 * 1024;
/** expected/actual come from the target: a hostile one must not bloat the reports */
const VALUE_LIMIT = 500;

/** What recording a verdict needs; `UNRECORDED` stands in where a verdict is only counted. */
export interface EvidenceMaker {
  exchange(r: RawExchange): Exchange;
  text(text: string): string;
  value(text: string | undefined): string | undefined;
}

/** For verdicts that are counted and dropped (the sampled load checks' passes): nothing is kept, so nothing needs redacting. */
export const UNRECORDED: EvidenceMaker = {
  exchange: () => ({ request: { method: 'POST', url: '', headers: {}, body: '' }, durationMs: 0, curl: '' }),
  text: () => '',
  value: () => undefined,
};

export class Evidence implements EvidenceMaker {
  constructor(
    readonly redactor: Redactor,
    private readonly config: Pick<Config, 'apiKeyEnv' | 'client'>,
    private readonly apiKey: string,
  ) {}

  /** A redacted record of one exchange, with a curl line that reproduces it. */
  exchange(r: RawExchange): Exchange {
    const { redactor } = this;
    const body = typeof r.request.body === 'string' ? r.request.body : Buffer.from(r.request.body).toString('utf8');
    const oversize = body.length > REQUEST_LIMIT;
    const kept = oversize ? `${redactor.redact(headOf(body))}… (${body.length} characters in all; the rest is not kept)` : redactor.redact(body);
    const request = { method: r.request.method, url: redactor.redact(r.request.url), headers: redactor.redactHeaders(r.request.headers), body: kept };
    const response = r.response && responseRecord(r.response, redactor);
    return {
      request,
      response,
      error: r.error?.message === undefined ? undefined : redactor.redact(r.error.message),
      durationMs: r.durationMs,
      curl: oversize
        ? `# a ${body.length}-character request body is not kept in the report: the check that sent it sends it again`
        : curlLine(
            { method: r.request.method, url: r.request.url, headers: r.request.headers, body },
            { redactor, apiKey: this.apiKey, apiKeyEnv: this.config.apiKeyEnv, timeoutMs: this.config.client.timeoutMs },
          ),
    };
  }

  /** A message for a person: redacted. */
  text(text: string): string {
    return this.redactor.redact(text);
  }

  /** An expected or actual value taken from the target: bounded, then redacted. */
  value(text: string | undefined): string | undefined {
    if (text === undefined) return undefined;
    return this.redactor.redact(text.length > VALUE_LIMIT ? `${text.slice(0, VALUE_LIMIT)}… (${text.length} characters)` : text);
  }

  /** Any structure (details written as JSON): every string in it redacted. */
  deep<T>(value: T): T {
    return this.redactor.redactDeep(value);
  }
}

/**
 * The head of an oversize request body, cut before the last tag that starts in it: no element or
 * attribute value is cut in half, since half a value escapes the redactor (and redacting all of a
 * 3 MiB body against every secret of the run takes seconds).
 */
function headOf(body: string): string {
  const head = body.slice(0, EXCERPT);
  return head.slice(0, Math.max(0, head.lastIndexOf('<')));
}

function responseRecord(response: NonNullable<RawExchange['response']>, redactor: Redactor): NonNullable<Exchange['response']> {
  const excerpt = bodyExcerpt(response, EXCERPT);
  return {
    status: response.status,
    headers: redactor.redactHeaders(response.headers),
    body: redactor.redact(excerpt.text),
    truncated: response.truncated || excerpt.truncated,
  };
}
