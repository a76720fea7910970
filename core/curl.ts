/**
 * A shell snippet (POSIX sh, bash, zsh) that reproduces one request with curl.
 *
 * keyhash and x-digilocker-hmac are secret-derived and must never be written to a report, yet
 * a reproduction needs them. So the snippet recomputes them with openssl from the API key in the
 * environment variable the config names (`$DLCONFORM_API_KEY` by default):
 *
 *   DLCONFORM_TS='2016-01-11T14:44:48+05:30'
 *   DLCONFORM_KEYHASH=$(printf '%s' "$DLCONFORM_API_KEY$DLCONFORM_TS" | openssl dgst -sha256 -r | cut -c1-64)
 *   DLCONFORM_BODY='<PullURIRequest … keyhash="'"$DLCONFORM_KEYHASH"'" …>…'
 *   DLCONFORM_HMAC=$(printf '%s' "$DLCONFORM_BODY" | openssl dgst -sha256 -hmac "$DLCONFORM_API_KEY" -r | cut -c1-64 | tr -d '\n' | openssl base64 -A)
 *   printf '%s' "$DLCONFORM_BODY" | curl … -H "x-digilocker-hmac: $DLCONFORM_HMAC" --data-binary @- 'URL'
 *
 * Because the HMAC is computed over the body the shell actually sends, the reproduction still
 * authenticates after the Redactor has replaced personal data in the body. Negative checks keep
 * their meaning: when `apiKey` is given, a keyhash or HMAC that did not verify is reproduced as
 * one computed with a wrong key, and a missing header stays missing. Without `apiKey`, a 64-hex
 * keyhash and a well-formed HMAC header are assumed valid.
 */
import { digilockerHmac, keyhash as computeKeyhash, type HmacEncoding } from '../protocol/auth.js';
// negative checks are reproduced with digests made from the factory's wrong key
import { WRONG_KEY } from '../protocol/request-factory.js';
import { nodeHash } from './node-hash.js';
import type { Redactor } from './redact.js';
import { SENSITIVE_HEADERS } from './redact.js';

export interface CurlRequest {
  method: string;
  url: string;
  headers: Readonly<Record<string, string>>;
  /** the body exactly as sent, before redaction */
  body: string;
}

export interface CurlOptions {
  /** redacts the finished snippet (personal data in the body, stray digests) */
  redactor?: Redactor;
  /** the real key: only used to tell valid from deliberately wrong keyhash/HMAC; never printed */
  apiKey?: string;
  /** the environment variable the snippet reads the key from (default DLCONFORM_API_KEY) */
  apiKeyEnv?: string;
  /** becomes --max-time (default 10000) */
  timeoutMs?: number;
}

const HMAC_HEADER = 'x-digilocker-hmac';
/** Headers curl sets itself from the request it builds. */
const CURL_OWNED = new Set(['host', 'content-length', 'connection', 'transfer-encoding', HMAC_HEADER]);

type KeyhashPlan = { kind: 'none' } | { kind: 'literal' } | { kind: 'compute'; key: 'real' | 'wrong'; upper: boolean; ts: string; start: number; end: number };
type HmacPlan = { kind: 'absent' } | { kind: 'literal'; value: string } | { kind: 'compute'; key: 'real' | 'wrong'; encoding: Exclude<HmacEncoding, 'none'> };

export function curlLine(req: CurlRequest, opts: CurlOptions = {}): string {
  const keyVar = /^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.apiKeyEnv ?? '') ? opts.apiKeyEnv! : 'DLCONFORM_API_KEY';
  const key = `"$${keyVar}"`;
  // Shell variables cannot hold NUL bytes; the transcript keeps the exact bytes.
  const body = req.body.replace(/\0/g, '');
  const keyhashPlan = planKeyhash(body, opts.apiKey);
  const hmacPlan = planHmac(req, opts.apiKey);
  const lines: string[] = [`# dlconform: reproduces ${req.method} ${req.url}`];
  const needsKey = keyhashPlan.kind === 'compute' || hmacPlan.kind === 'compute';
  if (needsKey) {
    const what = [keyhashPlan.kind === 'compute' && 'keyhash', hmacPlan.kind === 'compute' && 'x-digilocker-hmac'].filter(Boolean).join(' and ');
    lines.push(`# needs curl, openssl and the API key in $${keyVar}; ${what} ${what.includes(' and ') ? 'are' : 'is'} recomputed here`);
  }
  if (keyhashPlan.kind === 'compute' && keyhashPlan.key === 'wrong') lines.push('# the check sent a keyhash that does not verify: it is reproduced with a wrong key');
  if (hmacPlan.kind === 'compute' && hmacPlan.key === 'wrong') lines.push('# the check sent an x-digilocker-hmac that does not match the body: it is reproduced with a wrong key');
  if (body.length !== req.body.length) lines.push('# NUL bytes were removed from the body: a shell variable cannot hold them');

  let bodyExpr = shellQuote(body);
  if (keyhashPlan.kind === 'compute') {
    const secret = keyhashPlan.key === 'real' ? key : shellQuote(WRONG_KEY);
    lines.push(`DLCONFORM_TS=${shellQuote(keyhashPlan.ts)}`);
    lines.push(`DLCONFORM_KEYHASH=$(printf '%s%s' ${secret} "$DLCONFORM_TS" | openssl dgst -sha256 -r | cut -c1-64${keyhashPlan.upper ? " | tr 'a-f' 'A-F'" : ''})`);
    bodyExpr = `${shellQuote(body.slice(0, keyhashPlan.start))}"$DLCONFORM_KEYHASH"${shellQuote(body.slice(keyhashPlan.end))}`;
  }
  const hasBody = body.length > 0;
  if (hasBody) lines.push(`DLCONFORM_BODY=${bodyExpr}`);
  if (hmacPlan.kind === 'compute') {
    const secret = hmacPlan.key === 'real' ? key : shellQuote(WRONG_KEY);
    const digest =
      hmacPlan.encoding === 'raw-base64'
        ? `openssl dgst -sha256 -hmac ${secret} -binary | openssl base64 -A`
        : `openssl dgst -sha256 -hmac ${secret} -r | cut -c1-64 | tr -d '\\n' | openssl base64 -A`;
    lines.push(`DLCONFORM_HMAC=$(printf '%s' "${hasBody ? '$DLCONFORM_BODY' : ''}" | ${digest})`);
  }

  const args = ['curl', '-sS', '-i', '--max-time', seconds(opts.timeoutMs ?? 10_000), '-X', shellQuote(req.method)];
  for (const [name, value] of Object.entries(req.headers)) {
    const lower = name.toLowerCase();
    if (CURL_OWNED.has(lower)) continue;
    // API Setu's API key travels as it is: the snippet reads the real one from the environment
    if (lower === 'x-apisetu-apikey' && opts.apiKey !== undefined && value === opts.apiKey) {
      args.push('-H', `"${name}: $${keyVar}"`);
      continue;
    }
    const shown = SENSITIVE_HEADERS.has(lower) ? `[REDACTED:${lower}]` : value;
    args.push('-H', shellQuote(`${name}: ${shown}`));
  }
  if (hmacPlan.kind === 'compute') args.push('-H', `"${HMAC_HEADER}: $DLCONFORM_HMAC"`);
  else if (hmacPlan.kind === 'literal') args.push('-H', shellQuote(`${HMAC_HEADER}: ${hmacPlan.value}`));
  if (hasBody) args.push('--data-binary', '@-');
  args.push(shellQuote(req.url));
  lines.push(`${hasBody ? `printf '%s' "$DLCONFORM_BODY" | ` : ''}${args.join(' ')}`);

  let out = lines.join('\n');
  if (opts.redactor) {
    out = opts.redactor.redact(out);
    // A placeholder in the body means the issuer will not find the document; say so once.
    if (out.includes('[REDACTED:')) out = out.replace('\n', '\n# [REDACTED:…] values were removed from this report: put the real ones back to find the same document\n');
  }
  return out;
}

/** POSIX single-quoting: everything literal, a single quote becomes '\'' */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function seconds(ms: number): string {
  const s = Math.max(ms, 1) / 1000;
  return String(Math.round(s * 1000) / 1000);
}

function planKeyhash(body: string, apiKey: string | undefined): KeyhashPlan {
  const attr = /\bkeyhash\s*=\s*(["'])([^"']*)\1/i.exec(body);
  if (!attr) return { kind: 'none' };
  const value = attr[2]!;
  const start = attr.index + attr[0].length - 1 - value.length;
  const ts = /\bts\s*=\s*(["'])([^"']*)\1/.exec(body)?.[2];
  const isHex64 = /^[0-9a-fA-F]{64}$/.test(value);
  if (ts === undefined || !isHex64) return { kind: 'literal' };
  const upper = value === value.toUpperCase() && /[A-F]/.test(value);
  const base = { kind: 'compute' as const, upper, ts, start, end: start + value.length };
  if (apiKey === undefined) return { ...base, key: 'real' };
  const expected = computeKeyhash(nodeHash, apiKey, ts);
  return { ...base, key: value.toLowerCase() === expected ? 'real' : 'wrong' };
}

function planHmac(req: CurlRequest, apiKey: string | undefined): HmacPlan {
  const entry = Object.entries(req.headers).find(([name]) => name.toLowerCase() === HMAC_HEADER);
  if (!entry) return { kind: 'absent' };
  const value = entry[1].trim();
  const shape = hmacShape(value);
  if (!shape) return { kind: 'literal', value };
  if (apiKey === undefined) return { kind: 'compute', key: 'real', encoding: shape };
  for (const encoding of ['hex-base64', 'raw-base64'] as const) {
    if (digilockerHmac(nodeHash, apiKey, req.body, encoding) === value) return { kind: 'compute', key: 'real', encoding };
  }
  return { kind: 'compute', key: 'wrong', encoding: shape };
}

/** Which encoding a header value has the shape of: Base64 of 64 hex chars, or of 32 bytes. */
function hmacShape(value: string): Exclude<HmacEncoding, 'none'> | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length === 64 && /^[0-9a-fA-F]{64}$/.test(bytes.toString('latin1'))) return 'hex-base64';
  if (bytes.length === 32) return 'raw-base64';
  return undefined;
}
