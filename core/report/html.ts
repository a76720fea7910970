/**
 * report.html: one self-contained page of a run for the person who signs it off. A header with
 * the verdict and what the exit code means, counts by level and verdict, the baseline diff when
 * there is one, filters (verdict, level, API, tag) and a search box, then every check grouped by
 * API and spec section, each with a stable anchor (#check-<id>): its clause and source, expected
 * and actual, the redacted exchanges, the curl line with a copy button, its waiver.
 *
 * Everything from a check or a target is escaped here (evidence is what a hostile target sent);
 * the CSS and script are inline and allowed by hash only (html-assets.ts). The page stays a few
 * hundred KB for a full run: evidence of passing checks is shortened and then dropped first.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { apiRank, apiTitle } from './apis.js';
import type { CheckResult, Exchange, Level, RunResult, TimingMeasurement, Verdict } from '../types.js';
import { countByLevel, exitCodeMeaning, LEVELS, visible } from './console.js';
import { REPORT_CSS, REPORT_JS } from './html-assets.js';

export const REPORT_HTML = 'report.html';

/** The whole page is kept under this many bytes: past it, evidence of passes goes first, then of findings. */
const DEFAULT_MAX_CHARS = 450_000;
const FULL_EXCERPT_CHARS = 2_000;
const BRIEF_EXCERPT_CHARS = 400;
const MAX_CURL_CHARS = 8_000;
const MAX_LISTED_FINDINGS = 300;

const VERDICT_ORDER: readonly Verdict[] = ['fail', 'error', 'inconclusive', 'warn', 'waived', 'pass', 'skip'];
const VERDICT_LABEL: Record<Verdict, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP', error: 'ERROR', inconclusive: 'INCONCLUSIVE', waived: 'WAIVED' };

/** Text for HTML content and double- or single-quoted attributes; control and bidi characters made visible first. */
export function escapeHtml(text: string): string {
  return visible(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The anchor of a check: stable for its id, safe in a URL fragment and an id attribute. */
export function checkAnchor(id: string): string {
  return `check-${id.replace(/[^A-Za-z0-9._-]/g, '-')}`;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');

/**
 * The page around a body: the inline style and script, allowed by their hashes and nothing else
 * (no network, no other script, no form submission), so it works from file:// offline.
 */
export function htmlDocument(title: string, body: string): string {
  const csp = `default-src 'none'; style-src 'sha256-${sha256(REPORT_CSS)}'; script-src 'sha256-${sha256(REPORT_JS)}'; img-src data:; base-uri 'none'; form-action 'none'`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    body,
    '<p id="announce" class="offscreen" role="status" aria-live="polite"></p>',
    '</main>',
    `<script>${REPORT_JS}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function verdictBadge(verdict: Verdict): string {
  return `<span class="badge v-${verdict}">${VERDICT_LABEL[verdict]}</span>`;
}

const cut = (text: string, max: number, where: string) => (text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters: ${where})` : text);

/** Numbers the copy targets of one page, so every button copies its own block. */
export class CopyTargets {
  private next = 0;
  /** `prefix` keeps the numbers of two parts of one page apart */
  constructor(private readonly prefix = '') {}
  /** A <pre> with a copy button for `text`; `label` names what it is for the screen reader. */
  block(text: string, label: string): string {
    const id = `copy-${this.prefix}${++this.next}`;
    return `<div class="repro"><span>${escapeHtml(label)}</span><button type="button" class="copy" data-copy-target="${id}" aria-label="Copy: ${escapeHtml(label)}">Copy</button><pre id="${id}"><code>${escapeHtml(text)}</code></pre></div>`;
  }
}

type EvidenceDepth = 'full' | 'brief' | 'none';

function headerLines(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}

function exchangeBlock(e: Exchange, depth: Exclude<EvidenceDepth, 'none'>, copy: CopyTargets): string {
  const max = depth === 'full' ? FULL_EXCERPT_CHARS : BRIEF_EXCERPT_CHARS;
  const outcome = e.response ? `HTTP ${e.response.status}` : `no response${e.error ? ` (${e.error})` : ''}`;
  const out = [`<div class="exchange"><h4><code>${escapeHtml(`${e.request.method} ${e.request.url}`)}</code> → ${escapeHtml(outcome)}, ${Math.round(e.durationMs)} ms</h4>`];
  const request = [headerLines(e.request.headers), '', cut(e.request.body, max, 'see result.json')].join('\n');
  out.push(`<details><summary>Request sent (redacted)</summary><pre>${escapeHtml(request)}</pre></details>`);
  if (e.response) {
    const body = cut(e.response.body, max, 'see result.json') + (e.response.truncated ? '\n… (the target sent more: only the start was recorded)' : '');
    const response = [headerLines(e.response.headers), '', body].join('\n');
    out.push(`<p>Response (redacted excerpt):</p><pre class="response">${escapeHtml(response)}</pre>`);
  }
  if (e.curl !== '') out.push(copy.block(cut(e.curl, MAX_CURL_CHARS, 'the full line is in result.json'), 'Reproduce with curl'));
  out.push('</div>');
  return out.join('\n');
}

const us = (x: number) => `${x.toFixed(Math.abs(x) < 10 ? 2 : 1)} µs`;
const percent = (x: number) => `${+(100 * x).toPrecision(4)}%`;

function timingBlock(t: TimingMeasurement): string {
  const rows = [
    ['Measured difference', us(t.differenceUs)],
    [`Confidence interval (${percent(t.confidence)})`, `${us(t.ciUs[0])} to ${us(t.ciUs[1])}`],
    ['Smallest leak this run could detect (80% power)', us(t.minimumDetectableUs)],
    ['p-value', t.p < 0.001 ? t.p.toExponential(1) : t.p.toFixed(3)],
    ['Pairs measured', String(t.pairs)],
  ];
  return `<table class="timing"><caption class="text">Timing measurement</caption><tbody>${rows.map(([k, v]) => `<tr><th scope="row" class="text">${escapeHtml(k!)}</th><td>${escapeHtml(v!)}</td></tr>`).join('')}</tbody></table>`;
}

const WAIVER_MEANING = {
  active: 'the failure is accepted until the waiver expires: it does not block',
  expired: 'the waiver has expired: the failure blocks again',
  stale: 'the check passes now: the waiver can be removed',
} as const;

function waiverBlock(w: NonNullable<CheckResult['waiver']>): string {
  const tone = w.state === 'expired' ? ' bad' : w.state === 'stale' ? ' good' : '';
  return (
    `<div class="notice waiver${tone}" data-waiver="${escapeHtml(w.state)}"><strong>Waiver ${escapeHtml(w.state)}</strong>: ${WAIVER_MEANING[w.state]}.` +
    `<dl class="ea"><dt>Reason</dt><dd>${escapeHtml(w.reason)}</dd><dt>Owner</dt><dd>${escapeHtml(w.owner)}</dd><dt>Expires</dt><dd>${escapeHtml(w.expires)}</dd><dt>Selector</dt><dd><code>${escapeHtml(w.selector)}</code></dd></dl></div>`
  );
}

/** One check as a <details> element with its anchor; open when it is a finding or carries a timing measurement (its numbers are the point). */
export function checkBlock(c: CheckResult, depth: EvidenceDepth, copy: CopyTargets, anchor = checkAnchor(c.id)): string {
  const open = (c.verdict !== 'pass' && c.verdict !== 'skip') || c.timing !== undefined;
  const waiverNote = c.waiver && c.verdict !== 'waived' ? ` <span class="tag">waiver ${escapeHtml(c.waiver.state)}</span>` : '';
  const out = [
    `<details class="check v-${c.verdict}" id="${escapeHtml(anchor)}" data-verdict="${escapeHtml(c.verdict)}" data-level="${escapeHtml(c.level)}" data-api="${escapeHtml(c.api)}" data-tags="${escapeHtml(c.tags.join(' '))}"${open ? ' open' : ''}>`,
    `<summary>${verdictBadge(c.verdict)} <code>${escapeHtml(c.id)}</code> <span class="title">${escapeHtml(c.title)}</span> <span class="tag">${escapeHtml(c.level)}</span>${waiverNote} <a class="anchor" href="#${escapeHtml(anchor)}" aria-label="Link to ${escapeHtml(c.id)}">#</a></summary>`,
    '<div class="body">',
    `<p class="message">${escapeHtml(c.message)}</p>`,
    `<blockquote class="clause"><p>“${escapeHtml(c.clause.text)}”</p><p class="source">— <cite>${escapeHtml(c.clause.document)} ${escapeHtml(c.clause.section)}</cite> (clause <code>${escapeHtml(c.clause.id)}</code>)</p></blockquote>`,
  ];
  if (c.expected !== undefined || c.actual !== undefined) {
    out.push('<dl class="ea">');
    if (c.expected !== undefined) out.push(`<dt>Expected</dt><dd><code>${escapeHtml(c.expected)}</code></dd>`);
    if (c.actual !== undefined) out.push(`<dt>Actual</dt><dd><code>${escapeHtml(c.actual)}</code></dd>`);
    out.push('</dl>');
  }
  if (c.timing) out.push(timingBlock(c.timing));
  if (c.waiver) out.push(waiverBlock(c.waiver));
  if (c.tags.length > 0)
    out.push(
      `<p class="source">Tags: ${c.tags.map((t) => `<span class="tag">${escapeHtml(t)}</span>`).join(' ')} · API ${escapeHtml(c.api)} · section ${escapeHtml(c.section)} · ${Math.round(c.durationMs)} ms</p>`,
    );
  if (c.evidence.length > 0) {
    if (depth === 'none') out.push(`<p class="source">${c.evidence.length} exchange${c.evidence.length === 1 ? '' : 's'} left out to keep this page small: see result.json.</p>`);
    else {
      const shown = depth === 'full' ? c.evidence : c.evidence.slice(0, 1);
      for (const e of shown) out.push(exchangeBlock(e, depth, copy));
      if (shown.length < c.evidence.length) out.push(`<p class="source">${c.evidence.length - shown.length} more exchange${c.evidence.length - shown.length === 1 ? '' : 's'} in result.json.</p>`);
    }
  }
  out.push('</div>', '</details>');
  return out.join('\n');
}

function verdictsShown(run: RunResult): Verdict[] {
  return (['pass', 'fail', 'warn', 'skip', 'error', 'inconclusive', 'waived'] as const).filter((v) => (v !== 'inconclusive' && v !== 'waived') || run.summary[v] > 0);
}

function countsTable(run: RunResult): string {
  const byLevel = countByLevel(run.checks);
  const shown = verdictsShown(run);
  const head = `<thead><tr><th scope="col" class="text">Level</th>${shown.map((v) => `<th scope="col">${v}</th>`).join('')}</tr></thead>`;
  const rows = LEVELS.map((l: Level) => `<tr><th scope="row" class="text">${l}</th>${shown.map((v) => `<td>${byLevel[l][v]}</td>`).join('')}</tr>`);
  const total = `<tr><th scope="row" class="text">all</th>${shown.map((v) => `<td><strong>${run.summary[v]}</strong></td>`).join('')}</tr>`;
  return `<div class="scroll"><table class="counts"><caption class="text">Checks by level and verdict (${run.summary.total} in all, ${run.summary.blocking} blocking)</caption>${head}<tbody>${rows.join('')}${total}</tbody></table></div>`;
}

function runKind(run: RunResult): string {
  return /^(fuzz|timing)-/.exec(run.runId)?.[1] ?? 'run';
}

function header(run: RunResult): string {
  const ok = run.exitCode === 0;
  const target = [run.target.pullUri, run.target.pullDoc, run.target.pushCsv, run.target.pushUri, run.target.requester].filter((t): t is string => !!t);
  const seconds = (Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000;
  const meta: Array<[string, string]> = [
    ['Target', target.map((t) => `<code>${escapeHtml(t)}</code>`).join('<br>')],
    ['Profile', escapeHtml(run.profile)],
    ['Policy', escapeHtml(run.policy)],
    ['Tool', `${escapeHtml(run.tool.name)} ${escapeHtml(run.tool.version)}`],
    ['Run id', `<code>${escapeHtml(run.runId)}</code>`],
    ['Seed', String(run.seed)],
    ['Started', `<time>${escapeHtml(run.startedAt)}</time>`],
    ['Ended', `<time>${escapeHtml(run.endedAt)}</time>${Number.isFinite(seconds) ? ` (${seconds.toFixed(1)} s)` : ''}`],
  ];
  if (run.failOn === 'new') meta.push(['Fails on', 'new failures only (--fail-on new)']);
  return [
    `<header class="banner v-${ok ? 'pass' : 'fail'}">`,
    `<h1>dlconform ${runKind(run)}: ${ok ? 'PASS' : 'FAIL'}</h1>`,
    `<p>Exit code <strong>${run.exitCode}</strong>: ${escapeHtml(exitCodeMeaning(run.exitCode, run))}.</p>`,
    '</header>',
    `<dl class="meta">${meta.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`,
  ].join('\n');
}

function diagnosisBlock(d: NonNullable<RunResult['diagnosis']>, copy: CopyTargets): string {
  const out = [`<section class="notice bad" aria-labelledby="diagnosis"><h2 id="diagnosis">Diagnosis: the baseline request was refused (${escapeHtml(d.api)})</h2>`, `<p>${escapeHtml(d.summary)}</p>`];
  if (d.suspects.length > 0) out.push(`<p>Look at: ${d.suspects.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}</p>`);
  for (const e of d.evidence ?? []) if (e.curl !== '') out.push(copy.block(cut(e.curl, MAX_CURL_CHARS, 'the full line is in result.json'), 'Reproduce the baseline request'));
  out.push('</section>');
  return out.join('\n');
}

function baselineBlock(b: NonNullable<RunResult['baseline']>, present: Map<string, string>, failOn: RunResult['failOn']): string {
  const groups: Array<[string, string[], string]> = [
    ['New failures', b.newFailures, failOn === 'new' ? 'these block (--fail-on new)' : 'failing now, not in the baseline'],
    ['Fixed', b.fixed, 'failing in the baseline, passing now'],
    ['Still failing', b.stillFailing, failOn === 'new' ? 'known failures: not blocking under --fail-on new' : 'failing in both runs'],
    ['New checks', b.newChecks, 'not in the baseline'],
    ['Removed checks', b.removedChecks, 'in the baseline, not run now'],
  ];
  const item = (id: string) => (present.has(id) ? `<li><a href="#${escapeHtml(present.get(id)!)}"><code>${escapeHtml(id)}</code></a></li>` : `<li><code>${escapeHtml(id)}</code></li>`);
  const out = [
    '<section aria-labelledby="baseline" class="baseline">',
    `<h2 id="baseline">Compared with the baseline</h2>`,
    `<p>Baseline run <code>${escapeHtml(b.runId)}</code> from <code>${escapeHtml(b.path)}</code>.</p>`,
    `<div class="scroll"><table><thead><tr><th scope="col" class="text">Group</th><th scope="col">Checks</th><th scope="col" class="text">Meaning</th></tr></thead><tbody>`,
    ...groups.map(([name, ids, meaning]) => `<tr><th scope="row" class="text">${name}</th><td>${ids.length}</td><td class="text">${meaning}</td></tr>`),
    '</tbody></table></div>',
  ];
  for (const [name, ids] of groups) {
    if (ids.length === 0) continue;
    out.push(
      `<details class="baseline-group" data-group="${escapeHtml(name)}"${name === 'New failures' ? ' open' : ''}><summary>${name} (${ids.length})</summary><ul>${ids.map(item).join('')}</ul></details>`,
    );
  }
  out.push('</section>');
  return out.join('\n');
}

/** The findings first, as links to their checks: what the reader came for. */
function findingsList(findings: readonly CheckResult[], anchors: Map<string, string>): string {
  const shown = findings.slice(0, MAX_LISTED_FINDINGS);
  const items = shown.map(
    (c) =>
      `<li>${verdictBadge(c.verdict)} <span class="tag">${escapeHtml(c.level)}</span> <a href="#${escapeHtml(anchors.get(c.id)!)}"><code>${escapeHtml(c.id)}</code></a> ${escapeHtml(c.title)}</li>`,
  );
  const more = findings.length > shown.length ? `<p>…and ${findings.length - shown.length} more: filter the checks below.</p>` : '';
  return `<ul class="findings">${items.join('')}</ul>${more}`;
}

function option(value: string, label = value): string {
  return `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`;
}

function filters(run: RunResult): string {
  const verdicts = VERDICT_ORDER.filter((v) => run.checks.some((c) => c.verdict === v));
  const levels = LEVELS.filter((l) => run.checks.some((c) => c.level === l));
  const apis = [...new Set(run.checks.map((c) => c.api))];
  const tags = [...new Set(run.checks.flatMap((c) => c.tags))].sort();
  const select = (name: string, label: string, values: string[], labels?: (v: string) => string) =>
    `<label for="f-${name}">${label}<select id="f-${name}" name="${name}">${option('', 'all')}${values.map((v) => option(v, labels?.(v))).join('')}</select></label>`;
  return [
    '<form id="filters" class="filters" role="search" aria-label="Filter the checks">',
    select('verdict', 'Verdict', verdicts),
    select('level', 'Level', [...levels]),
    select('api', 'API', apis, (a) => apiTitle(a)),
    select('tag', 'Tag', tags),
    '<label for="f-q">Search<input id="f-q" name="q" type="search" placeholder="id, message, clause, response…" autocomplete="off"></label>',
    '<button type="reset">Show all</button>',
    '</form>',
    `<p id="shown" class="shown">${run.checks.length} of ${run.checks.length} checks shown</p>`,
  ].join('\n');
}

/** Checks by API, then by section, each group in the order the run first met it. */
function grouped(checks: readonly CheckResult[]): Array<[string, Array<[string, CheckResult[]]>]> {
  const byApi = new Map<string, Map<string, CheckResult[]>>();
  for (const c of checks) {
    const sections = byApi.get(c.api) ?? byApi.set(c.api, new Map()).get(c.api)!;
    (sections.get(c.section) ?? sections.set(c.section, []).get(c.section)!).push(c);
  }
  return [...byApi.entries()].sort((a, b) => apiRank(a[0]) - apiRank(b[0])).map(([api, sections]) => [api, [...sections.entries()]]);
}

function groupCounts(checks: readonly CheckResult[]): string {
  const parts = VERDICT_ORDER.map((v) => [v, checks.filter((c) => c.verdict === v).length] as const).filter(([, n]) => n > 0);
  return parts.map(([v, n]) => `${n} ${v}`).join(', ');
}

/** Unique anchors for the checks of a run (ids that escape to the same anchor get a suffix). */
function anchorsOf(checks: readonly CheckResult[]): Map<string, string> {
  const used = new Set<string>();
  const anchors = new Map<string, string>();
  for (const c of checks) {
    if (anchors.has(c.id)) continue;
    let a = checkAnchor(c.id);
    for (let n = 2; used.has(a); n++) a = `${checkAnchor(c.id)}-${n}`;
    used.add(a);
    anchors.set(c.id, a);
  }
  return anchors;
}

function checksSection(run: RunResult, depthOf: (c: CheckResult) => EvidenceDepth, anchors: Map<string, string>): string {
  const copy = new CopyTargets('c');
  const out: string[] = ['<h2 id="checks">Checks</h2>', filters(run)];
  for (const [api, sections] of grouped(run.checks)) {
    const all = sections.flatMap(([, cs]) => cs);
    out.push(
      `<section class="group" id="api-${escapeHtml(api)}" aria-labelledby="h-api-${escapeHtml(api)}"><h2 id="h-api-${escapeHtml(api)}">${escapeHtml(apiTitle(api))} <small>(${groupCounts(all)})</small></h2>`,
    );
    for (const [section, cs] of sections) {
      const sid = `section-${api}-${section}`.replace(/[^A-Za-z0-9._-]/g, '-');
      out.push(`<section class="group" id="${escapeHtml(sid)}" aria-labelledby="h-${escapeHtml(sid)}"><h3 id="h-${escapeHtml(sid)}">${escapeHtml(section)} <small>(${groupCounts(cs)})</small></h3>`);
      for (const c of cs) out.push(checkBlock(c, depthOf(c), copy, anchors.get(c.id)));
      out.push('</section>');
    }
    out.push('</section>');
  }
  return out.join('\n');
}

export function renderHtml(run: RunResult, opts: { maxChars?: number } = {}): string {
  const max = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const anchors = anchorsOf(run.checks);
  const top: string[] = [header(run)];
  const copy = new CopyTargets('d');
  if (run.diagnosis) top.push(diagnosisBlock(run.diagnosis, copy));
  if (run.aborted) top.push(`<p class="notice bad"><strong>Run aborted</strong> (exit ${run.aborted.exitCode}): ${escapeHtml(run.aborted.reason)}</p>`);
  top.push('<h2 id="counts">Counts</h2>', countsTable(run));
  const findings = run.checks.filter((c) => c.verdict !== 'pass' && c.verdict !== 'skip').sort((a, b) => VERDICT_ORDER.indexOf(a.verdict) - VERDICT_ORDER.indexOf(b.verdict));
  if (findings.length > 0) top.push('<h2 id="findings">Findings</h2>', findingsList(findings, anchors));
  if (run.baseline) top.push(baselineBlock(run.baseline, anchors, run.failOn));
  const title = `dlconform ${runKind(run)} ${run.runId}: ${run.exitCode === 0 ? 'PASS' : 'FAIL'}`;
  const findingSet = new Set(findings);
  const finding = (c: CheckResult) => findingSet.has(c);
  // the richest page that fits: passes' evidence shortened, then dropped, then findings' dropped too
  const attempts: Array<(c: CheckResult) => EvidenceDepth> = [(c) => (finding(c) ? 'full' : 'brief'), (c) => (finding(c) ? 'full' : 'none'), () => 'none'];
  let page = '';
  for (const depthOf of attempts) {
    page = htmlDocument(title, [...top, checksSection(run, depthOf, anchors)].join('\n'));
    if (Buffer.byteLength(page, 'utf8') <= max) break;
  }
  return page;
}

/** Writes DIR/report.html and returns its path. */
export async function writeHtml(run: RunResult, dir: string): Promise<string> {
  const path = join(dir, REPORT_HTML);
  await writeFile(path, renderHtml(run), 'utf8');
  return path;
}
