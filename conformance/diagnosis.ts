/**
 * The triage of a refused baseline: when the correctly signed request for the first configured
 * document is not served, every other verdict of the run is about a request the target never
 * accepted, so the user first needs to know why. One function for every tool (run, fuzz, timing,
 * load preflight), so the same refusal gets the same words everywhere.
 *
 * The order: a refusal as unauthenticated (HTTP 401/403, or Status 0 with an authentication
 * message) is sent once more, signed with the other HMAC encoding, since the encoding is the one
 * thing the specs leave open (FACTS C1); then an HTML page, a wrong path (404/405), Status 0 for a
 * configured document (search element names or opt-in fields not matching the partner portal).
 * Connection-level failures are not triaged here: the caller ends the run with its own message.
 */
import { bodyExcerpt, type RawExchange } from '../core/client.js';
import type { Config } from '../core/config/index.js';
import type { EvidenceMaker } from '../core/evidence.js';
import { nodeHash } from '../core/node-hash.js';
import type { Diagnosis, PullApi } from '../core/types.js';
import type { HmacEncoding } from '../protocol/auth.js';
import { IDENTITY_KEY, OPT_IN_FIELDS, optedInIdentity } from '../protocol/identity.js';
import type { Profile } from '../protocol/profiles.js';
import type { ParsedResponse } from '../protocol/responses.js';
import { served } from './checks/judge.js';
import type { RunContext, SentExchange } from './context.js';

/** What came back to a baseline request, whichever tool sent it. */
export interface BaselineAnswer {
  /** a failure below HTTP that did not end the run */
  error?: string;
  http?: number;
  contentType?: string;
  /** the body as text (its start is enough) */
  body?: string;
  parsed?: ParsedResponse;
  /** the exchange itself, for the diagnosis's evidence */
  raw?: RawExchange;
}

export interface TriageInput {
  api: PullApi;
  config: Config;
  profile: Profile;
  /** the answer to the correctly signed baseline */
  baseline: BaselineAnswer;
  /** sends the same baseline again, signed with this HMAC encoding (at most once per triage) */
  resend: (hmac: HmacEncoding) => Promise<BaselineAnswer>;
  /** redacts the summary and the evidence where they are made */
  evidence: EvidenceMaker;
}

const ENCODING_NAME: Record<HmacEncoding, string> = { 'hex-base64': 'hex-base64', 'raw-base64': 'raw-base64', none: 'none' };

/** The encoding to try when the configured one is refused; none where the profile has no HMAC. `dlconform init` adopts it after an `hmac-encoding` diagnosis. */
export function otherEncoding(config: Config, profile: Profile): HmacEncoding | undefined {
  if (config.hmac === 'hex-base64') return 'raw-base64';
  if (config.hmac === 'raw-base64') return 'hex-base64';
  // "hmac": "none" sends no header: an issuer that wants one is tried with what DigiLocker is observed to send
  return profile.defaultHmac === 'none' ? undefined : 'hex-base64';
}

/** Words an issuer's refusal uses when it did not authenticate the caller. */
const AUTH_WORDS = /\b(?:auth\w*|unauthori[sz]ed|forbidden|access denied|permission|credentials?|keyhash|key ?hash|hmac|signature|api[ _-]?key|invalid key|org ?id)\b/i;

/** Status 0 whose words (the status text, the text of the body outside its tags) are about authentication. */
function authLike(a: BaselineAnswer): boolean {
  if (a.parsed?.status !== '0') return false;
  const words = `${a.parsed.statusText ?? ''} ${(a.body ?? '').replace(/<[^>]*>/g, ' ')}`;
  return AUTH_WORDS.test(words);
}

function isHtml(a: BaselineAnswer): boolean {
  if (a.contentType && /\btext\/html\b|application\/xhtml/i.test(a.contentType)) return true;
  return /^\s*(?:<!doctype\s+html|<html[\s>])/i.test(a.body ?? '');
}

const isServed = (a: BaselineAnswer) => a.error === undefined && served(a);

/** `HTTP 401, Status="0"`: what came back, in a few words. */
function describeAnswer(a: BaselineAnswer): string {
  if (a.error !== undefined) return a.error;
  const status = a.parsed?.status;
  const type = a.contentType?.split(';')[0]?.trim();
  // the content type only where it says something: anything but XML
  const shownType = type && !/xml/i.test(type) ? `, ${type}` : '';
  return `HTTP ${a.http}${shownType}${status !== undefined ? `, Status="${status}"` : ''}`;
}

const urlField = (api: PullApi) => (api === 'pulluri' ? 'target.pullUri' : 'target.pullDoc');
const API_NAME: Record<PullApi, string> = { pulluri: 'Pull URI', pulldoc: 'Pull Doc' };

/** The opt-in elements the baseline carried: those the config opted into, the profile sends with this API and the owner has. */
function optInSent(config: Config, profile: Profile, api: PullApi): string[] {
  const fields = api === 'pulluri' ? profile.optInFields : profile.pullDocOptInFields;
  const identity = optedInIdentity(nodeHash, { optIn: config.optIn, uidMode: config.uidMode, fields }, config.documents[0]?.owner);
  return OPT_IN_FIELDS.filter((f) => identity[IDENTITY_KEY[f]] !== undefined);
}

const list = (names: readonly string[]) => (names.length === 0 ? 'none' : names.join(', '));

/** Why the baseline of `api` was refused, or undefined when it was served. At most one extra request. */
export async function triageBaseline(t: TriageInput): Promise<Diagnosis | undefined> {
  const { api, config, profile, baseline } = t;
  if (isServed(baseline)) return undefined;
  const tried: BaselineAnswer[] = [baseline];
  const said = describeAnswer(baseline);
  const refused = `The correctly signed ${API_NAME[api]} baseline request was refused (${said})`;
  const diagnosis = (cause: Diagnosis['cause'], summary: string, suspects: string[]): Diagnosis => {
    const exchanges = tried.flatMap((a) => (a.raw ? [t.evidence.exchange(a.raw)] : []));
    return { api, cause, summary: t.evidence.text(summary), suspects, ...(exchanges.length > 0 && { evidence: exchanges }) };
  };
  const htmlPage = `an HTML page came back (a proxy, firewall or error page), not the issuer's XML`;

  if (baseline.error === undefined && (baseline.http === 401 || baseline.http === 403 || authLike(baseline))) {
    const other = otherEncoding(config, profile);
    const retry = other === undefined ? undefined : await t.resend(other);
    if (retry) tried.push(retry);
    if (retry && other && isServed(retry)) {
      return diagnosis('hmac-encoding', `${refused} with "hmac": "${ENCODING_NAME[config.hmac]}", and served when signed with "hmac": "${other}": set "hmac": "${other}" in the config.`, ['hmac']);
    }
    if (isHtml(baseline)) return diagnosis('html-page', `${refused}: ${htmlPage}. Check ${urlField(api)} and what stands in front of the issuer.`, [urlField(api)]);
    const retried = other && retry ? `, and again (${describeAnswer(retry)}) when signed with "hmac": "${other}"` : '';
    return diagnosis(
      'credentials',
      `${refused}${retried}: the issuer did not accept the caller. Check the API key in $${config.apiKeyEnv} (apiKeyEnv) against the one on the partner portal, orgId "${config.orgId}" and hmac "${ENCODING_NAME[config.hmac]}".`,
      ['apiKeyEnv', 'orgId', 'hmac'],
    );
  }
  if (baseline.http === 404 || baseline.http === 405) {
    const page = isHtml(baseline) ? ` (${htmlPage})` : '';
    return diagnosis('url-path', `${refused}${page}: the URL path is wrong, or not the issuer's ${API_NAME[api]} endpoint. Check ${urlField(api)}.`, [urlField(api)]);
  }
  if (baseline.error === undefined && isHtml(baseline)) return diagnosis('html-page', `${refused}: ${htmlPage}. Check ${urlField(api)} and what stands in front of the issuer.`, [urlField(api)]);
  if (baseline.parsed?.status === '0') {
    const optIn = optInSent(config, profile, api);
    if (api === 'pulluri') {
      const names = Object.keys(config.documents[0]?.search ?? {});
      return diagnosis(
        'search-names',
        `${refused}: Status 0 for the configured document documents[0]. The search elements sent were ${list(names)} and the opt-in fields ${list(optIn)}; they must match the names configured on the partner portal.`,
        ['documents[0].search', 'optIn'],
      );
    }
    return diagnosis(
      'search-names',
      `${refused}: Status 0 for the URI of the configured document documents[0]. The opt-in fields sent were ${list(optIn)}; they must match those configured on the partner portal, and the URI must be one the issuer issued.`,
      ['documents[0].uri', 'optIn'],
    );
  }
  return diagnosis('not-served', `${refused}; see ${api}.success.status-1 for what was wrong with the answer.`, []);
}

/** The answer a RunContext exchange carries. */
export function answerOf(ex: Pick<SentExchange, 'raw' | 'parsed'>): BaselineAnswer {
  const r = ex.raw.response;
  if (!r) return { error: ex.raw.error?.message ?? 'no response', raw: ex.raw };
  return { http: r.status, contentType: r.headers['content-type'], body: bodyExcerpt(r, 4096).text, parsed: ex.parsed, raw: ex.raw };
}

/**
 * The triage of a run that sends through a RunContext (the suite, timing): each API's baseline in
 * turn, Pull URI first; the first refused one is the diagnosis.
 */
export async function diagnoseBaselines(ctx: RunContext, apis: readonly PullApi[], evidence: EvidenceMaker): Promise<Diagnosis | undefined> {
  for (const api of apis) {
    const base = await ctx.baseline(api);
    const kind = base.raw.error?.kind;
    // a stopped client or an exhausted budget is the runner's to report, not a refusal
    if (kind !== undefined && kind !== 'other') return undefined;
    const found = await triageBaseline({
      api,
      config: ctx.config,
      profile: ctx.profile,
      baseline: answerOf(base),
      resend: async (hmac) => answerOf(await ctx.send(api, `baseline signed with "hmac": "${hmac}"`, { hmacEncoding: hmac })),
      evidence,
    });
    if (found) return found;
  }
  return undefined;
}
