/**
 * What a person watching the terminal sees: one line per check as it completes, then a summary
 * that ends with where the reports are and what the exit code means. Colour only when asked
 * for (the stream is a TTY) and NO_COLOR is unset (https://no-color.org).
 */
import { EXIT, type BaselineDiff, type CheckResult, type Diagnosis, type Level, type RunResult, type Verdict, type WaiverState } from '../types.js';

export interface ConsoleOptions {
  /** the output stream is a TTY; default: process.stdout.isTTY (or FORCE_COLOR) */
  color?: boolean;
  /** for NO_COLOR / FORCE_COLOR; default process.env */
  env?: NodeJS.ProcessEnv;
}

export const LEVELS: readonly Level[] = ['MUST', 'SHOULD', 'MAY', 'SECURITY'];
const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'warn', 'skip', 'error', 'inconclusive', 'waived'];

const BADGE: Record<Verdict, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP', error: 'ERR ', inconclusive: 'INC ', waived: 'WAIV' };
const COLOUR: Record<Verdict, string> = { pass: '32', fail: '1;31', warn: '33', skip: '90', error: '1;35', inconclusive: '1;36', waived: '36' };

/** Whether to emit ANSI colour: NO_COLOR always wins. */
export function useColor(opts: ConsoleOptions = {}): boolean {
  const env = opts.env ?? process.env;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (opts.color !== undefined) return opts.color;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return process.stdout.isTTY === true;
}

function paint(text: string, code: string, color: boolean): string {
  return color ? `\x1b[${code}m${text}\x1b[0m` : text;
}

function badge(verdict: Verdict, color: boolean): string {
  return paint(BADGE[verdict], COLOUR[verdict], color);
}

/**
 * Control characters (ESC starts terminal escape sequences) and bidi overrides made visible as
 * \xNN / \uNNNN: messages quote what a target sent, and a target must not be able to drive the
 * terminal or reorder what the reader sees.
 */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** One line, whatever the message holds: newlines and runs of spaces collapse, long text is cut. */
export function oneLine(text: string, max = 160): string {
  const flat = visible(text.replace(/\s+/g, ' ').trim());
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `FAIL  pulluri.echo-ts  the response echoes ts [MUST] — expected "…", got "…"` */
export function progressLine(result: CheckResult, opts: ConsoleOptions = {}): string {
  const color = useColor(opts);
  const head = `${badge(result.verdict, color)}  ${oneLine(result.id, 80)}  ${oneLine(result.title, 100)}`;
  switch (result.verdict) {
    case 'pass':
      return head;
    case 'skip':
      return result.message ? `${head} — ${oneLine(result.message)}` : head;
    default: {
      // what was expected and what came back, under the line (both redacted where they were recorded)
      const detail = [
        ...(result.expected !== undefined ? [`      expected: ${oneLine(result.expected, 200)}`] : []),
        ...(result.actual !== undefined ? [`      actual:   ${oneLine(result.actual, 200)}`] : []),
      ];
      return [`${head} [${result.level}] — ${oneLine(result.message)}`, ...detail].join('\n');
    }
  }
}

/**
 * The diagnosis of a refused baseline, as the console opens with it: what was wrong, then the
 * config fields to look at.
 */
export function diagnosisText(d: Diagnosis, opts: ConsoleOptions = {}): string {
  const color = useColor(opts);
  const lines = [`${paint('Diagnosis', COLOUR.fail, color)} (${d.api}): ${oneLine(d.summary, 600)}`];
  if (d.suspects.length > 0) lines.push(`  Look at: ${d.suspects.map((s) => oneLine(s, 60)).join(', ')}`);
  return lines.join('\n');
}

export function exitCodeMeaning(code: number, run?: RunResult): string {
  switch (code) {
    case EXIT.ok: {
      if (run?.failOn === 'new' && run.baseline) {
        const old = run.baseline.stillFailing.length;
        return `no new failure since the baseline (--fail-on new)${old > 0 ? `; ${old} still failing from it` : ''}`;
      }
      const waived = run && run.summary.waived > 0 ? `; ${run.summary.waived} waived` : '';
      return `${run?.policy === 'strict' ? 'no failure and no warning (policy strict)' : 'no MUST- or SECURITY-level failure'}${waived}`;
    }
    case EXIT.conformanceFailure: {
      if (run?.failOn === 'new' && run.baseline && !run.aborted && !run.diagnosis) {
        const n = run.baseline.newFailures.length;
        return `conformance failure: ${n} new failure${n === 1 ? '' : 's'} since the baseline (--fail-on new)`;
      }
      const n = run?.summary.blocking;
      const inconclusive = run?.summary.inconclusive ?? 0;
      const unjudged = inconclusive > 0 ? `, ${inconclusive} inconclusive (see their messages: the baseline not served, or throttling)` : '';
      const refused = run?.diagnosis ? ', the baseline request was refused (see the diagnosis)' : '';
      const what = run?.policy === 'strict' ? 'blocking failure' : 'MUST/SECURITY-level failure';
      const suffix = run?.policy === 'strict' ? ' (policy strict: warnings block too)' : '';
      return n === undefined ? 'conformance failure' : `conformance failure: ${n} ${what}${n === 1 ? '' : 's'}${suffix}${unjudged}${refused}`;
    }
    case EXIT.usage:
      return 'usage or config error';
    case EXIT.unreachable:
      return 'target unreachable';
    case EXIT.nothingExecuted:
      return 'nothing was executed (zero checks run is never a pass)';
    case EXIT.brokenPipe:
      return 'the output was closed early (| head): the run did not finish';
    default:
      return 'unknown exit code';
  }
}

export interface SummaryOptions extends ConsoleOptions {
  /** printed so the user knows where result.json, junit.xml and summary.md went */
  reportDir?: string;
}

/** Counts of each verdict per level, with totals. */
export function countByLevel(checks: readonly CheckResult[]): Record<Level, Record<Verdict, number>> {
  const table = Object.fromEntries(LEVELS.map((l) => [l, Object.fromEntries(VERDICTS.map((v) => [v, 0]))])) as Record<Level, Record<Verdict, number>>;
  for (const c of checks) if (table[c.level]) table[c.level][c.verdict]++;
  return table;
}

export function summaryTable(run: RunResult, opts: SummaryOptions = {}): string {
  const color = useColor(opts);
  const s = run.summary;
  const lines: string[] = [];
  if (run.diagnosis) lines.push(diagnosisText(run.diagnosis, opts), '');
  lines.push(`dlconform ${run.tool.version} · profile ${run.profile} · policy ${run.policy} · run ${run.runId} · seed ${run.seed}`);
  // the rarer verdicts are shown only when they happened, so the common line stays short
  const shown = VERDICTS.filter((v) => (v !== 'inconclusive' && v !== 'waived') || s[v] > 0);
  lines.push(`${s.total} check${s.total === 1 ? '' : 's'}: ${shown.map((v) => `${s[v]} ${v}`).join(', ')}${s.blocking > 0 ? ` (${s.blocking} blocking)` : ''}`);
  lines.push('');

  const byLevel = countByLevel(run.checks);
  const width = (v: Verdict) => Math.max(7, v.length + 1);
  lines.push(['level'.padEnd(10), ...shown.map((v) => v.padStart(width(v)))].join(''));
  for (const level of LEVELS) {
    lines.push([level.padEnd(10), ...shown.map((v) => String(byLevel[level][v]).padStart(width(v)))].join(''));
  }

  const failures = run.checks.filter((c) => c.verdict === 'fail' || c.verdict === 'error');
  if (failures.length > 0) {
    lines.push('', `Failures (${failures.length}):`);
    for (const c of failures) {
      lines.push(`  ${badge(c.verdict, color)}  ${c.level.padEnd(8)} ${oneLine(c.id, 80)}  ${oneLine(`[clause ${c.clause.id}, ${c.clause.document} ${c.clause.section}]`, 120)}`);
      lines.push(`        ${oneLine(c.message, 200)}`);
    }
  }
  const inconclusive = run.checks.filter((c) => c.verdict === 'inconclusive');
  if (inconclusive.length > 0) {
    lines.push('', `Inconclusive (${inconclusive.length}): not judged, since the correctly signed baseline request was not served either:`);
    for (const c of inconclusive) lines.push(`  ${badge(c.verdict, color)}  ${c.level.padEnd(8)} ${oneLine(c.id, 80)}  ${oneLine(c.message, 200)}`);
  }
  lines.push(...waiverLines(run, color));
  if (run.baseline) lines.push(...baselineLines(run.baseline));
  if (s.warn > 0) lines.push('', `${s.warn} warning${s.warn === 1 ? '' : 's'}: see summary.md or result.json.`);
  if (run.aborted) lines.push('', paint(`Run aborted: ${oneLine(run.aborted.reason, 300)}`, COLOUR.fail, color));

  lines.push('');
  if (opts.reportDir) lines.push(`Reports: ${visible(opts.reportDir)} (report.html, result.json, junit.xml, summary.md)`);
  const exitText = `Exit code ${run.exitCode}: ${exitCodeMeaning(run.exitCode, run)}`;
  lines.push(paint(exitText, run.exitCode === EXIT.ok ? COLOUR.pass : COLOUR.fail, color));
  return lines.join('\n');
}

/** Waived failures with their owner, reason and expiry; expired waivers (blocking again); stale ones (to remove). */
function waiverLines(run: RunResult, color: boolean): string[] {
  const lines: string[] = [];
  const withState = (state: WaiverState['state']) => run.checks.filter((c) => c.waiver?.state === state);
  const waived = withState('active');
  if (waived.length > 0) {
    lines.push('', `Waived (${waived.length}): failures a waiver accepts until it expires, not blocking:`);
    for (const c of waived) lines.push(`  ${badge('waived', color)}  ${c.level.padEnd(8)} ${oneLine(c.id, 80)}  ${waiverText(c.waiver!)}`);
  }
  const expired = withState('expired');
  if (expired.length > 0) {
    lines.push('', `Expired waivers (${expired.length}): these failures block again; fix them or renew the waiver:`);
    for (const c of expired) lines.push(`  ${badge('fail', color)}  ${c.level.padEnd(8)} ${oneLine(c.id, 80)}  expired on ${oneLine(c.waiver!.expires, 20)}, owner ${oneLine(c.waiver!.owner, 80)}`);
  }
  const stale = withState('stale');
  if (stale.length > 0) {
    lines.push('', `Stale waivers (${stale.length}): the check passes now; remove the waiver from the waivers file:`);
    for (const c of stale) lines.push(`  ${badge('pass', color)}  ${oneLine(c.id, 80)}  waiver ${oneLine(c.waiver!.selector, 80)}, owner ${oneLine(c.waiver!.owner, 80)}`);
  }
  return lines;
}

function waiverText(w: WaiverState): string {
  return oneLine(`through ${w.expires}, owner ${w.owner}: ${w.reason}`, 200);
}

/** At most this many ids of one group are listed; result.json has them all. */
const MAX_LISTED_IDS = 20;

function baselineLines(b: BaselineDiff): string[] {
  const lines = ['', `Compared with run ${oneLine(b.runId, 80)} (${visible(b.path)}):`];
  const groups: Array<[string, string[]]> = [
    ['new failures', b.newFailures],
    ['fixed', b.fixed],
    ['still failing', b.stillFailing],
    ['new checks', b.newChecks],
    ['removed checks', b.removedChecks],
  ];
  lines.push(`  ${groups.map(([name, ids]) => `${ids.length} ${name}`).join(', ')}`);
  for (const [name, ids] of groups) {
    if (ids.length === 0 || name === 'new checks') continue;
    const shown = ids.slice(0, MAX_LISTED_IDS).map((id) => oneLine(id, 80));
    lines.push(`  ${name}: ${shown.join(', ')}${ids.length > MAX_LISTED_IDS ? `, …and ${ids.length - MAX_LISTED_IDS} more (result.json)` : ''}`);
  }
  return lines;
}
