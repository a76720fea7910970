/**
 * The widget checks: what two loads of a partner page and the outcomes acted out on it (browser.ts)
 * say about each requirement of the widget documents. One check owns one fact; a check whose input
 * another check found missing skips and names that check.
 */
import type { RawExchange } from '../core/client.js';
import type { Evidence } from '../core/evidence.js';
import { type Policy, policyNote, verdictUnder } from '../core/policy.js';
import type { CheckResult, Exchange, Verdict } from '../core/types.js';
import type { HashFunctions } from '../protocol/auth.js';
import { type ClauseId, clause } from '../protocol/clauses.js';
import {
  absoluteHttpUrl,
  errorCodesOf,
  judgeAppHash,
  judgeFreshness,
  judgeIst,
  parseWidgetTimestamp,
  repeatedIds,
  WIDGET_ATTRIBUTES,
  WIDGET_BUTTON,
  WIDGET_SCRIPT_ID,
  WIDGET_SCRIPT_URL,
  widgetKindOf,
  type WidgetKind,
} from '../protocol/widget.js';
import { UPLOAD_MAX_BYTES } from '../protocol/partner.js';
import { documentKind } from '../protocol/requester.js';
import type { OutcomeShown, PageLoad, ScriptTag, WidgetButton } from './browser.js';
import { isLocalUrl } from './browser.js';

export interface WidgetCheck {
  id: string;
  title: string;
  clause: ClauseId;
}

export const WIDGET_CHECKS = [
  {
    id: 'widget.script-tag',
    title: 'The DigiLocker script tag: savelocker.js or dl.js, id="dlshare", data-app-id, data-app-hash, time-stamp (and data-upload-url for the Requester)',
    clause: 'widget-script-tag',
  },
  { id: 'widget.jquery-first', title: 'jQuery is loaded before the DigiLocker library runs', clause: 'widget-jquery' },
  { id: 'widget.app-hash', title: 'data-app-hash is SHA-256 of app id, app key and time-stamp, in that sequence', clause: 'widget-app-hash' },
  { id: 'widget.timestamp-ist', title: 'time-stamp is in IST', clause: 'widget-timestamp-ist' },
  { id: 'widget.timestamp-fresh', title: 'time-stamp is not older than 30 minutes when the page is served', clause: 'widget-timestamp-fresh' },
  { id: 'widget.timestamp-per-load', title: 'time-stamp and app hash are made each time the page is served', clause: 'widget-timestamp-per-load' },
  { id: 'widget.button-ids', title: 'every widget button has a unique id', clause: 'widget-button-ids' },
  { id: 'widget.document-href', title: 'every Save to Locker href is an absolute URL', clause: 'widget-document-href' },
  { id: 'widget.document-fetch', title: 'every Save to Locker href answers a PDF, JPEG or PNG of at most 10 MB', clause: 'widget-document-fetch' },
  { id: 'widget.upload-url-https', title: "the Requester's data-upload-url is an absolute https URL", clause: 'widget-upload-url-https' },
  { id: 'widget.outcome-result', title: 'the page shows a message for the result SUCCESS and for FAILURE', clause: 'widget-outcome-result' },
  { id: 'widget.outcome-errors', title: "the widget's error codes stay visible to the user, and the page does not break on them", clause: 'widget-outcome-errors' },
] as const satisfies readonly WidgetCheck[];

export type WidgetCheckId = (typeof WIDGET_CHECKS)[number]['id'];

/**
 * Where the checks of the Requester's upload service (its own part of the documents: POST
 * user_ref, doc_id, doc_url; SUCCESS or FAILURE) plug in: called with data-upload-url once
 * widget.upload-url-https passed; what it returns is appended to the run.
 */
export type UploadServiceChecks = (uploadUrl: string, evidence: Evidence) => Promise<CheckResult[]>;

export interface WidgetObservation {
  url: string;
  first: PageLoad;
  /** the page loaded again, a second or more later */
  second?: PageLoad;
  outcomes: OutcomeShown[];
}

export interface JudgeContext {
  hash: Pick<HashFunctions, 'sha256'>;
  appKey: string;
  appKeyEnv: string;
  /** --app-id: the registered app id, when given */
  appId?: string;
  policy: Policy;
  evidence: Evidence;
  /** GET on loopback, at most UPLOAD_MAX_BYTES + 1 read */
  fetchDocument(url: string): Promise<RawExchange>;
  uploadServiceChecks?: UploadServiceChecks;
}

type Outcome = Exclude<Verdict, 'waived' | 'error'>;
interface Finding {
  outcome: Outcome;
  message: string;
  expected?: string;
  actual?: string;
  evidence?: RawExchange[];
}

const pass = (message: string, rest: Omit<Finding, 'outcome' | 'message'> = {}): Finding => ({ outcome: 'pass', message, ...rest });
const fail = (message: string, rest: Omit<Finding, 'outcome' | 'message'> = {}): Finding => ({ outcome: 'fail', message, ...rest });
const skip = (message: string): Finding => ({ outcome: 'skip', message });

/** The page's widget script: the first script whose path ends savelocker.js or dl.js. */
export function widgetScriptOf(load: PageLoad): { tag: ScriptTag; kind: WidgetKind; count: number } | undefined {
  const tags = load.scripts.filter((s) => widgetKindOf(s.src) !== undefined);
  const tag = tags[0];
  return tag ? { tag, kind: widgetKindOf(tag.src)!, count: tags.length } : undefined;
}

export async function judgeWidget(obs: WidgetObservation, ctx: JudgeContext): Promise<CheckResult[]> {
  const { first } = obs;
  const found = widgetScriptOf(first);
  const kind = found?.kind;
  const attr = (name: string, load: PageLoad = first) => {
    const tag = load === first ? found?.tag : widgetScriptOf(load)?.tag;
    const value = tag?.attributes[name];
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  for (const load of [first, obs.second]) {
    const hash = load && attr('data-app-hash', load);
    if (hash) ctx.evidence.redactor.addSecret(hash, 'appHash');
  }
  const noScript = skip('the page has no DigiLocker widget script: widget.script-tag owns that');
  const missing = (name: string) => skip(`the widget script has no ${name}: widget.script-tag owns that`);
  const buttons: WidgetButton[] = kind === 'requester' ? first.requesterButtons : first.lockerSavers;
  const timestamp = attr('time-stamp');
  const parsed = timestamp === undefined ? undefined : parseWidgetTimestamp(timestamp);

  const findings: Record<WidgetCheckId, () => Promise<Finding> | Finding> = {
    'widget.script-tag': () => {
      if (!found) {
        const srcs = first.scripts.map((s) => s.src).join(', ') || 'none';
        return fail(`no script whose path ends savelocker.js (Save to Locker) or dl.js (Requester); scripts on the page: ${srcs}`, {
          expected: `${WIDGET_SCRIPT_URL['save-to-locker']} or ${WIDGET_SCRIPT_URL.requester}`,
        });
      }
      const problems: string[] = [];
      if (found.count > 1) problems.push(`the widget library is included ${found.count} times`);
      if (found.tag.attributes.id !== WIDGET_SCRIPT_ID) problems.push(found.tag.attributes.id === undefined ? 'no id="dlshare"' : `id is ${JSON.stringify(found.tag.attributes.id)}, not "dlshare"`);
      const absent = WIDGET_ATTRIBUTES[found.kind].filter((a) => a !== 'id' && attr(a) === undefined);
      if (absent.length > 0) problems.push(`missing or empty: ${absent.join(', ')}`);
      const appId = attr('data-app-id');
      if (ctx.appId !== undefined && appId !== undefined && appId !== ctx.appId)
        problems.push(`data-app-id is ${JSON.stringify(appId)}, not the registered app id ${JSON.stringify(ctx.appId)} (DigiLocker answers 204)`);
      const host = new URL(found.tag.src).host;
      const note = host === new URL(WIDGET_SCRIPT_URL[found.kind]).host ? '' : ` (loaded from ${host}, not from DigiLocker: a copy does not follow DigiLocker's changes)`;
      const expected = `<script src="${WIDGET_SCRIPT_URL[found.kind]}" ${WIDGET_ATTRIBUTES[found.kind].map((a) => (a === 'id' ? 'id="dlshare"' : `${a}="…"`)).join(' ')}>`;
      const actual = Object.entries(found.tag.attributes)
        .map(([k, v]) => `${k}="${v}"`)
        .join(' ');
      return problems.length > 0
        ? fail(`the ${found.kind} script tag: ${problems.join('; ')}`, { expected, actual })
        : pass(`the ${found.kind} script tag carries every attribute the documents list${note}`, { expected, actual });
    },
    'widget.jquery-first': () => {
      if (!found) return noScript;
      if (!first.standIn) return fail('the DigiLocker library never ran on the page (its script tag is there, but the stand-in was not executed): nothing of the widget works');
      if (first.standIn.jquery) return pass('window.jQuery was defined when the DigiLocker library ran');
      const offLoopback = first.blocked.filter((u) => /jquery/i.test(u));
      const why =
        offLoopback.length > 0
          ? `; jQuery was requested from ${offLoopback.join(', ')}, which dlconform does not load (the documents say to place jquery.min.js on your own web server)`
          : '; load jquery.min.js in a script before the DigiLocker script';
      return fail(`window.jQuery was not defined when the DigiLocker library ran${why}`, { expected: 'jQuery loaded before savelocker.js / dl.js', actual: 'typeof window.jQuery !== "function"' });
    },
    'widget.app-hash': () => {
      if (!found) return noScript;
      const appId = attr('data-app-id');
      const given = attr('data-app-hash');
      if (appId === undefined) return missing('data-app-id');
      if (given === undefined) return missing('data-app-hash');
      if (timestamp === undefined) return missing('time-stamp');
      const j = judgeAppHash(ctx.hash, given, { appId, appKey: ctx.appKey, timestamp });
      const expected = 'lowercase hex of SHA-256(app id ‖ app key ‖ time-stamp)';
      if (!j.hex) return fail(`data-app-hash is not 64 hexadecimal digits (a SHA-256 in hex): ${given.length} characters (DigiLocker answers 203)`, { expected });
      if (j.ok)
        return pass(
          `data-app-hash is SHA-256 of the app id, the app key in $${ctx.appKeyEnv} and the time-stamp, in that sequence${j.upperCase ? ' (in upper-case hex: the documents do not fix the case)' : ''}`,
          { expected },
        );
      if (j.order)
        return fail(`data-app-hash is SHA-256(${j.order.join(' ‖ ')}): the documents' sequence is app id, app key, timestamp (DigiLocker answers 203)`, {
          expected,
          actual: `SHA-256(${j.order.join(' ‖ ')})`,
        });
      return fail(
        `data-app-hash is not SHA-256 of data-app-id, the app key in $${ctx.appKeyEnv} and time-stamp in any order: the key, the app id or the time-stamp the hash was made of differ from the page's (DigiLocker answers 203)`,
        { expected },
      );
    },
    'widget.timestamp-ist': () => {
      if (!found) return noScript;
      if (timestamp === undefined || !parsed) return missing('time-stamp');
      const j = judgeIst(parsed, first.servedAt);
      return j.ok ? pass(`time-stamp ${timestamp}: ${j.reason}`, { actual: timestamp }) : fail(`time-stamp ${timestamp}: ${j.reason}`, { expected: 'YYYY-MM-DDThh:mm:ss+05:30', actual: timestamp });
    },
    'widget.timestamp-fresh': () => {
      if (!found) return noScript;
      if (timestamp === undefined || !parsed) return missing('time-stamp');
      if (parsed.form === 'unknown') return skip(`time-stamp ${JSON.stringify(timestamp)} cannot be read: widget.timestamp-ist owns that`);
      const j = judgeFreshness(parsed, first.servedAt);
      const minutes = (Math.abs(j.ageMs) / 60_000).toFixed(1);
      const actual = `${timestamp}, page served at ${first.servedAt.toISOString()}`;
      if (j.verdict === 'old')
        return fail(`time-stamp ${timestamp} was ${minutes} minutes old when the page was served: older than 30 minutes (DigiLocker answers 206)`, { expected: 'at most 30 minutes old', actual });
      if (j.verdict === 'ahead')
        return { outcome: 'warn', message: `time-stamp ${timestamp} is ${minutes} minutes ahead of the clock when the page was served: the page's clock or zone is off`, actual };
      return pass(`time-stamp ${timestamp} was ${minutes} minutes ${j.ageMs < 0 ? 'ahead' : 'old'} when the page was served`, { actual });
    },
    'widget.timestamp-per-load': () => {
      if (!found) return noScript;
      if (timestamp === undefined) return missing('time-stamp');
      const second = obs.second;
      if (!second || second.error)
        return { outcome: 'inconclusive', message: `the page did not load a second time${second?.error ? `: ${second.error}` : ''}; whether its time-stamp is made per load is unknown` };
      const again = attr('time-stamp', second);
      const evidence = [first.exchange, second.exchange].filter((e): e is RawExchange => e !== undefined);
      const actual = `first load ${timestamp}, second load ${again ?? '(none)'}`;
      if (again === timestamp) {
        const file = obs.url.startsWith('file:') ? ' (a file cannot make one: serve the page from code that writes the time-stamp and hash on each request)' : '';
        return fail(
          `two loads of the page, ${((second.servedAt.getTime() - first.servedAt.getTime()) / 1000).toFixed(1)} s apart, carry the same time-stamp: it is made once, and is older than 30 minutes half an hour later${file}`,
          { actual, evidence },
        );
      }
      // the hash is made again with each time-stamp: judged when the first load's hash verified (else widget.app-hash owns it)
      const appId = attr('data-app-id');
      const hashes = [attr('data-app-hash'), attr('data-app-hash', second)];
      const verifies = (hash: string | undefined, ts: string | undefined) =>
        hash !== undefined && ts !== undefined && appId !== undefined && judgeAppHash(ctx.hash, hash, { appId, appKey: ctx.appKey, timestamp: ts }).ok;
      if (verifies(hashes[0], timestamp) && !verifies(hashes[1], again)) {
        return fail('the second load carries a new time-stamp but a data-app-hash that is not made from it: the hash must be made again with each time-stamp', { actual, evidence });
      }
      return pass('each load of the page carries its own time-stamp, and its hash is made from it', { actual, evidence });
    },
    'widget.button-ids': () => {
      if (!found) return noScript;
      const selector = WIDGET_BUTTON[found.kind];
      if (buttons.length === 0)
        return fail(`no ${selector} on the page: the widget has no button to turn into "${found.kind === 'save-to-locker' ? 'Save to DigiLocker' : 'Choose from DigiLocker'}"`, {
          expected: `<${selector.replace('.', ' class="')}" id="…">`,
        });
      const ids = buttons.map((b) => b.id);
      const actual = ids.map((id) => (id === null ? '(no id)' : JSON.stringify(id))).join(', ');
      const blank = ids.filter((id) => id === null || id.trim() === '').length;
      const repeated = repeatedIds(ids).filter((id) => id !== '');
      if (blank > 0 || repeated.length > 0) {
        const what = [...(blank > 0 ? [`${blank} ${selector} without an id`] : []), ...(repeated.length > 0 ? [`ids used more than once: ${repeated.join(', ')}`] : [])];
        return fail(`${what.join('; ')}`, { expected: `a unique id on each of the ${buttons.length} ${selector}`, actual });
      }
      return pass(`${buttons.length} ${selector}, each with its own id`, { actual });
    },
    'widget.document-href': () => {
      if (!found) return noScript;
      if (found.kind !== 'save-to-locker') return skip('the Requester has no document href (DigiLocker gives the document; the page gives an upload URL)');
      if (buttons.length === 0) return skip('no a.locker-saver on the page: widget.button-ids owns that');
      const bad = buttons.filter((b) => b.href === null || !absoluteHttpUrl(b.href));
      const actual = buttons.map((b) => `${b.id ?? '(no id)'}: ${b.href ?? '(no href)'}`).join(', ');
      if (bad.length > 0)
        return fail(
          `${bad.length} of ${buttons.length} hrefs are not absolute http(s) URLs (DigiLocker fetches the document from its servers, where a relative URL means nothing): ${bad.map((b) => b.href ?? '(no href)').join(', ')}`,
          { expected: 'https://your.site/path/document.pdf', actual },
        );
      return pass(`every href (${buttons.length}) is an absolute URL`, { actual });
    },
    'widget.document-fetch': async () => {
      if (!found) return noScript;
      if (found.kind !== 'save-to-locker') return skip('the Requester has no document href');
      const urls = [...new Set(buttons.map((b) => b.resolvedHref).filter((u): u is string => u !== null))].slice(0, 10);
      if (urls.length === 0) return skip('no a.locker-saver with an href: widget.button-ids and widget.document-href own that');
      const problems: string[] = [];
      const notFetched: string[] = [];
      const evidence: RawExchange[] = [];
      const seen: string[] = [];
      for (const url of urls) {
        if (!/^https?:/i.test(url) || !isLocalUrl(url)) {
          notFetched.push(url);
          continue;
        }
        const ex = await ctx.fetchDocument(url);
        evidence.push(ex);
        if (ex.error || !ex.response) {
          problems.push(`${url}: ${ex.error?.message ?? 'no answer'}`);
          continue;
        }
        const { status, bytes, size } = ex.response;
        const length = size ?? bytes.length;
        const type = documentKind(bytes.subarray(0, 16));
        if (status !== 200) problems.push(`${url}: HTTP ${status}`);
        else if (!type)
          problems.push(`${url}: not a PDF, JPEG or PNG (${ex.response.headers['content-type'] ?? 'no content-type'}, first bytes ${JSON.stringify(new TextDecoder().decode(bytes.subarray(0, 16)))})`);
        else if (length > UPLOAD_MAX_BYTES) problems.push(`${url}: ${length} bytes, over the 10 MB limit`);
        else seen.push(`${url}: ${type}, ${length} bytes`);
      }
      if (problems.length > 0) return fail(`${problems.length} of ${urls.length} documents cannot be saved: ${problems.join('; ')}`, { evidence, actual: [...problems, ...seen].join('; ') });
      if (notFetched.length > 0) return { outcome: 'inconclusive', message: `not fetched, since dlconform sends only to loopback: ${notFetched.join(', ')}`, evidence };
      return pass(`every document (${urls.length}) is a PDF, JPEG or PNG within 10 MB`, { actual: seen.join('; '), evidence });
    },
    'widget.upload-url-https': () => {
      if (!found) return noScript;
      if (found.kind !== 'requester') return skip('Save to Locker has no upload URL');
      const uploadUrl = attr('data-upload-url');
      if (uploadUrl === undefined) return missing('data-upload-url');
      const url = absoluteHttpUrl(uploadUrl);
      if (!url) return fail(`data-upload-url ${JSON.stringify(uploadUrl)} is not an absolute URL`, { expected: 'https://clientapp.gov.in/upload', actual: uploadUrl });
      if (url.protocol !== 'https:')
        return fail(
          `data-upload-url ${uploadUrl} is ${url.protocol.slice(0, -1)}, not https: the document's service is provided "over https" (also on loopback: the page is judged as it will be deployed)`,
          { expected: 'https://…', actual: uploadUrl },
        );
      return pass(`data-upload-url ${uploadUrl} is an absolute https URL`, { actual: uploadUrl });
    },
    'widget.outcome-result': () => {
      if (!found) return noScript;
      if (found.kind !== 'save-to-locker') return skip('the Requester documents define no result attribute: DigiLocker shows the status message itself');
      const shown = obs.outcomes.filter((o) => o.outcome === 'SUCCESS' || o.outcome === 'FAILURE');
      if (shown.length < 2 || shown.some((o) => !o.simulated))
        return skip('the result attribute could not be added (no a.locker-saver, or the library never ran): widget.button-ids and widget.jquery-first own that');
      const what = shown.map((o) => ({ outcome: o.outcome, shows: shownText(o) }));
      const actual = what.map((w) => `${w.outcome}: ${w.shows ?? '(nothing)'}`).join('; ');
      const silent = what.filter((w) => w.shows === undefined).map((w) => w.outcome);
      if (silent.length > 0) return fail(`the page shows nothing when result="${silent.join('" or "')}" is added to the <a> tag`, { expected: 'a message for SUCCESS and one for FAILURE', actual });
      if (what[0]!.shows === what[1]!.shows) return fail('the page shows the same thing for SUCCESS and for FAILURE', { actual });
      return pass('the page shows its own message for SUCCESS and for FAILURE', { actual });
    },
    'widget.outcome-errors': () => {
      if (!found) return noScript;
      const codes = errorCodesOf(found.kind);
      const shown = obs.outcomes.filter((o) => typeof o.outcome === 'number');
      if (shown.length < codes.length || shown.some((o) => !o.simulated)) return skip('the widget library never ran: widget.jquery-first owns that');
      const problems: string[] = [];
      const lines: string[] = [];
      for (const o of shown) {
        const code = String(o.outcome);
        const visible = o.after.includes(code) || o.dialogs.some((d) => d.includes(code));
        lines.push(`${code}: ${shownText(o) ?? '(nothing)'}`);
        if (!visible) problems.push(`${code} is not visible`);
        if (o.pageErrors.length > 0) problems.push(`${code} broke the page: ${o.pageErrors.join('; ')}`);
      }
      const actual = lines.join('; ');
      if (problems.length > 0) return fail(`the user cannot see what went wrong: ${problems.join('; ')}`, { expected: `each of ${codes.join(', ')} visible on the page`, actual });
      return pass(`each error code (${codes.join(', ')}) stays visible and the page does not break`, { actual });
    },
  };

  const results: CheckResult[] = [];
  for (const check of WIDGET_CHECKS) {
    const started = Date.now();
    const f = await findings[check.id]();
    results.push(resultOf(check, kind, f, ctx, first, Date.now() - started));
  }
  const upload = kind === 'requester' ? attr('data-upload-url') : undefined;
  // the service is judged whatever its scheme: widget.upload-url-https already records an http one
  if (upload && ctx.uploadServiceChecks && /^https?:\/\//i.test(upload)) {
    results.push(...(await ctx.uploadServiceChecks(upload, ctx.evidence)));
  }
  return results;
}

/** What the page shows after an outcome that it did not show before: new lines of its text, and its dialogs. */
function shownText(o: OutcomeShown): string | undefined {
  const before = new Set(o.before.split('\n').map((l) => l.trim()));
  const added = o.after
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !before.has(l));
  const all = [...added, ...o.dialogs.map((d) => `dialog: ${d}`)];
  return all.length > 0 ? all.join(' / ') : undefined;
}

function resultOf(check: WidgetCheck, kind: WidgetKind | undefined, f: Finding, ctx: JudgeContext, first: PageLoad, durationMs: number): CheckResult {
  const c = clause(check.clause);
  const verdict = f.outcome === 'pass' || f.outcome === 'skip' || f.outcome === 'inconclusive' ? f.outcome : verdictUnder(ctx.policy, c.level, f.outcome);
  const ev = ctx.evidence;
  const exchanges: Exchange[] = (f.evidence ?? (first.exchange ? [first.exchange] : [])).map((x) => ev.exchange(x));
  return {
    id: check.id,
    title: check.title,
    api: 'widget',
    section: kind ?? 'widget',
    tags: ['widget', ...(kind ? [kind] : [])],
    level: c.level,
    clause: { id: c.id, document: c.document, section: c.section, text: c.text },
    verdict,
    message: ev.text(f.message + policyNote(ctx.policy, f.outcome, verdict)),
    ...(f.expected !== undefined && { expected: ev.value(f.expected) }),
    ...(f.actual !== undefined && { actual: ev.value(f.actual) }),
    evidence: exchanges,
    durationMs,
  };
}
