/**
 * summary.md, written to be appended to $GITHUB_STEP_SUMMARY: a headline, counts by level, a
 * table of failures and warnings, and the curl lines that reproduce them in <details>.
 * Text from checks and targets is escaped for table cells and HTML; the file is kept under
 * GitHub's 1 MiB step-summary limit by dropping evidence first.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, type CheckResult, type RunResult } from '../types.js';
import { countByLevel, exitCodeMeaning, LEVELS, visible } from './console.js';

const SUMMARY_MD = 'summary.md';

/** GitHub rejects step summaries over 1 MiB; stay well below it. */
const DEFAULT_MAX_CHARS = 900_000;
/** How much of a response body each evidence block shows. */
const MAX_EXCERPT_CHARS = 1200;
const MAX_CURL_CHARS = 8_000;
const MAX_ROWS = 300;

const ICON = { fail: '❌', error: '💥', inconclusive: '❔', warn: '⚠️' } as const;

/** Escapes text for one GFM table cell: no raw HTML, no markdown markup, no line or cell breaks. */
export function escapeCell(text: string): string {
  return escapeHtml(text)
    .replace(/([\\`*_[\]~#!])/g, '\\$1')
    .replace(/\|/g, '\\|')
    .replace(/\r\n|\r|\n/g, '<br>');
}

/** HTML for GitHub's renderer, not XML: `'` needs no escape there, so protocol/xml.ts escapeXml is not used. */
function escapeHtml(text: string): string {
  return visible(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A code span whose content cannot end it early (backticks) or split the table (pipes). */
function codeCell(text: string): string {
  return `\`${visible(text).replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\s+/g, ' ')}\``;
}

/** A fence longer than any backtick run inside, so the content cannot close it. */
function fenced(raw: string, lang: string): string {
  const text = visible(raw);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${text}\n${fence}`;
}

function headline(run: RunResult): string {
  const s = run.summary;
  const ok = run.exitCode === EXIT.ok;
  const parts = [`${s.pass} passed`, `${s.fail} failed${s.blocking > 0 ? ` (${s.blocking} blocking)` : ''}`];
  if (s.warn > 0) parts.push(`${s.warn} warning${s.warn === 1 ? '' : 's'}`);
  if (s.error > 0) parts.push(`${s.error} error${s.error === 1 ? '' : 's'}`);
  if (s.inconclusive > 0) parts.push(`${s.inconclusive} inconclusive`);
  if (s.waived > 0) parts.push(`${s.waived} waived`);
  if (s.skip > 0) parts.push(`${s.skip} skipped`);
  return `## ${ok ? '✅' : '❌'} dlconform: ${parts.join(', ')}`;
}

function levelTable(run: RunResult): string[] {
  const counts = countByLevel(run.checks);
  const rows = ['| Level | Pass | Fail | Warn | Skip | Error | Inconclusive |', '|---|--:|--:|--:|--:|--:|--:|'];
  for (const level of LEVELS) {
    const c = counts[level];
    rows.push(`| ${level} | ${c.pass} | ${c.fail} | ${c.warn} | ${c.skip} | ${c.error} | ${c.inconclusive} |`);
  }
  return rows;
}

function noteworthy(run: RunResult): CheckResult[] {
  const rank = { fail: 0, error: 1, inconclusive: 2, warn: 3 } as Record<string, number>;
  return run.checks.filter((c) => c.verdict in rank).sort((a, b) => rank[a.verdict]! - rank[b.verdict]!);
}

function findingsTable(checks: CheckResult[]): string[] {
  const rows = ['| | Check | Level | Clause | Message |', '|---|---|---|---|---|'];
  for (const c of checks.slice(0, MAX_ROWS)) {
    const clause = escapeCell(`${c.clause.id} (${c.clause.document} ${c.clause.section})`);
    rows.push(`| ${ICON[c.verdict as keyof typeof ICON]} | ${codeCell(c.id)} | ${c.level} | ${clause} | ${escapeCell(c.message)} |`);
  }
  if (checks.length > MAX_ROWS) rows.push('', `…and ${checks.length - MAX_ROWS} more: see result.json.`);
  return rows;
}

function evidenceBlock(c: CheckResult): string {
  const parts = [`<details><summary>${ICON[c.verdict as keyof typeof ICON]} <code>${escapeHtml(c.id)}</code> — ${escapeHtml(c.title)}</summary>`, ''];
  parts.push(`> ${escapeCell(c.clause.text)}`, '');
  if (c.expected !== undefined) parts.push(`**Expected:** ${escapeCell(c.expected)}<br>`);
  if (c.actual !== undefined) parts.push(`**Actual:** ${escapeCell(c.actual)}`);
  parts.push('');
  for (const e of c.evidence) {
    const outcome = e.response ? `HTTP ${e.response.status}` : `no response${e.error ? ` (${e.error})` : ''}`;
    parts.push(`${codeCell(`${e.request.method} ${e.request.url}`)} → ${escapeCell(outcome)}, ${Math.round(e.durationMs)} ms`, '');
    // what came back, as recorded (redacted) and shortened: the reader sees the answer without opening result.json
    if (e.response && e.response.body !== '') {
      const body = e.response.body.length > MAX_EXCERPT_CHARS ? `${e.response.body.slice(0, MAX_EXCERPT_CHARS)}\n… (cut: the recorded excerpt is in result.json)` : e.response.body;
      parts.push('Response:', '', fenced(body, 'xml'), '');
    }
    const curl = e.curl.length > MAX_CURL_CHARS ? `${e.curl.slice(0, MAX_CURL_CHARS)}\n# … cut: the full line is in result.json` : e.curl;
    parts.push(fenced(curl, 'sh'), '');
  }
  parts.push('</details>');
  return parts.join('\n');
}

/** The diagnosis of a refused baseline, under the headline and before everything else. */
function diagnosisBlock(d: NonNullable<RunResult['diagnosis']>): string[] {
  const out = [`> **Diagnosis (${d.api}):** ${escapeCell(d.summary)}`];
  if (d.suspects.length > 0) out.push('>', `> Look at: ${d.suspects.map(codeCell).join(', ')}`);
  out.push('');
  const curls = (d.evidence ?? []).map((e) => e.curl).filter((c) => c !== '');
  if (curls.length > 0) {
    out.push('<details><summary>Reproduce the baseline request</summary>', '');
    for (const c of curls) out.push(fenced(c.length > MAX_CURL_CHARS ? `${c.slice(0, MAX_CURL_CHARS)}\n# … cut: the full line is in result.json` : c, 'sh'), '');
    out.push('</details>', '');
  }
  return out;
}

export function renderMarkdown(run: RunResult, opts: { maxChars?: number } = {}): string {
  const max = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const out: string[] = [headline(run), ''];
  if (run.diagnosis) out.push(...diagnosisBlock(run.diagnosis));
  const pullTarget = run.target.pullDoc ? `${codeCell(run.target.pullUri)}, ${codeCell(run.target.pullDoc)}` : codeCell(run.target.pullUri);
  // a requester run has no Pull URI: its target is the upload service
  const target = run.target.requester !== undefined ? codeCell(run.target.requester) : pullTarget;
  out.push(
    `Profile **${escapeCell(run.profile)}** · policy **${escapeCell(run.policy)}** · target ${target} · run ${codeCell(run.runId)} · seed ${run.seed} · exit code **${run.exitCode}** (${escapeCell(exitCodeMeaning(run.exitCode, run))})`,
    '',
  );
  if (run.aborted) out.push(`> **Run aborted:** ${escapeCell(run.aborted.reason)}`, '');
  out.push('### By level', '', ...levelTable(run), '');

  out.push(...waiverSection(run));
  if (run.baseline) out.push(...baselineSection(run.baseline));

  const findings = noteworthy(run);
  if (findings.length > 0) {
    out.push('### Failures and warnings', '', ...findingsTable(findings), '');
    const withEvidence = findings.filter((c) => c.evidence.length > 0);
    if (withEvidence.length > 0) {
      out.push('### Evidence', '');
      let size = out.join('\n').length;
      let omitted = 0;
      for (const c of withEvidence) {
        const block = evidenceBlock(c);
        if (size + block.length + 200 > max) {
          omitted++;
          continue;
        }
        out.push(block, '');
        size += block.length + 1;
      }
      if (omitted > 0) out.push(`_Evidence of ${omitted} more check${omitted === 1 ? '' : 's'} left out to fit the job summary: see result.json._`, '');
    }
  }
  return out.join('\n');
}

const WAIVER_STATE = { active: '🛡️ waived', expired: '⏰ expired: blocking', stale: '🧹 stale: the check passes, remove the waiver' } as const;

/** Every check a waiver matched: waived failures, expired waivers (blocking again), stale waivers. */
function waiverSection(run: RunResult): string[] {
  const waived = run.checks.filter((c) => c.waiver);
  if (waived.length === 0) return [];
  const rows = ['### Waivers', '', '| Check | Level | Waiver | State | Owner | Expires | Reason |', '|---|---|---|---|---|---|---|'];
  for (const c of waived.slice(0, MAX_ROWS)) {
    const w = c.waiver!;
    rows.push(`| ${codeCell(c.id)} | ${c.level} | ${codeCell(w.selector)} | ${WAIVER_STATE[w.state]} | ${escapeCell(w.owner)} | ${escapeCell(w.expires)} | ${escapeCell(w.reason)} |`);
  }
  if (waived.length > MAX_ROWS) rows.push('', `…and ${waived.length - MAX_ROWS} more: see result.json.`);
  rows.push('');
  return rows;
}

function baselineSection(b: NonNullable<RunResult['baseline']>): string[] {
  const out = ['### Compared with the baseline', '', `Previous run ${codeCell(b.runId)} (${codeCell(b.path)}).`, '', '| | Checks |', '|---|---|'];
  const groups: Array<[string, string[]]> = [
    ['🆕 New failures', b.newFailures],
    ['✅ Fixed', b.fixed],
    ['❌ Still failing', b.stillFailing],
    ['➕ New checks', b.newChecks],
    ['➖ Removed checks', b.removedChecks],
  ];
  for (const [name, ids] of groups) {
    const shown = ids.slice(0, MAX_ROWS).map(codeCell).join(', ');
    out.push(`| ${name} (${ids.length}) | ${shown}${ids.length > MAX_ROWS ? ` …and ${ids.length - MAX_ROWS} more` : ''} |`);
  }
  out.push('');
  return out;
}

/** Writes DIR/summary.md and returns its path. */
export async function writeMarkdown(run: RunResult, dir: string): Promise<string> {
  const path = join(dir, SUMMARY_MD);
  await writeFile(path, renderMarkdown(run), 'utf8');
  return path;
}
