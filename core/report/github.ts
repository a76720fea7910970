/**
 * `--format github`: GitHub Actions workflow commands for what a run found (`::error` for what
 * blocks, `::warning` for warnings, `::notice` for waived failures), and the Markdown summary
 * (markdown.ts) appended to the file named by $GITHUB_STEP_SUMMARY. The run arrives redacted; text
 * from the target is escaped so it can neither end a command early nor start a new one.
 */
import { appendFile } from 'node:fs/promises';
import type { CheckResult, RunResult } from '../types.js';
import { oneLine, visible } from './console.js';
import { renderMarkdown } from './markdown.js';

/** GitHub shows at most 10 errors and 10 warnings per step and 50 per job; more only cost log lines. */
const MAX_ANNOTATIONS = 50;
const MAX_MESSAGE_CHARS = 2_000;

/** The data of a workflow command (after `::`): % and line breaks encoded, as the runner decodes them. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value (`title=`): as data, and `:` and `,` too, which would end the value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export type Annotation = 'error' | 'warning' | 'notice';

/** One workflow command line: the title and the message escaped, control characters made visible, the message cut at 2,000 characters. */
export function workflowCommand(kind: Annotation, title: string, message: string): string {
  // control characters (terminal escapes) shown as \xNN; line breaks stay, for escapeData to encode
  const body = visible(message);
  const cut = body.length > MAX_MESSAGE_CHARS ? `${body.slice(0, MAX_MESSAGE_CHARS - 1)}…` : body;
  return `::${kind} title=${escapeProperty(oneLine(title, 200))}::${escapeData(cut)}`;
}

/** How GitHub should show a check, or undefined when it passed or skipped. */
function annotationOf(c: CheckResult, run: RunResult): Annotation | undefined {
  switch (c.verdict) {
    case 'fail':
      // under --fail-on new, a failure the baseline already had does not block
      return run.failOn === 'new' && run.baseline && !run.baseline.newFailures.includes(c.id) ? 'warning' : 'error';
    case 'error':
    case 'inconclusive':
      return 'error';
    case 'warn':
      return 'warning';
    case 'waived':
      return 'notice';
    default:
      return undefined;
  }
}

function checkMessage(c: CheckResult): string {
  const lines = [c.message];
  if (c.expected !== undefined) lines.push(`expected: ${c.expected}`);
  if (c.actual !== undefined) lines.push(`actual: ${c.actual}`);
  lines.push(`clause ${c.clause.id} (${c.clause.document} ${c.clause.section})`);
  if (c.waiver) lines.push(`waiver (${c.waiver.state}): ${c.waiver.reason} (owner ${c.waiver.owner}, until ${c.waiver.expires})`);
  return lines.join('\n');
}

/** The workflow command lines for `run`: the diagnosis and an abort first, then the checks, errors before warnings. */
export function workflowCommands(run: RunResult): string[] {
  const out: string[] = [];
  if (run.diagnosis) out.push(workflowCommand('error', `dlconform: the ${run.diagnosis.api} baseline was refused`, `${run.diagnosis.summary}\nlook at: ${run.diagnosis.suspects.join(', ') || '-'}`));
  if (run.aborted) out.push(workflowCommand('error', 'dlconform: run aborted', run.aborted.reason));
  const rank: Record<Annotation, number> = { error: 0, warning: 1, notice: 2 };
  const annotated = run.checks
    .map((c) => ({ c, kind: annotationOf(c, run) }))
    .filter((a): a is { c: CheckResult; kind: Annotation } => a.kind !== undefined)
    .sort((a, b) => rank[a.kind] - rank[b.kind]);
  for (const { c, kind } of annotated.slice(0, MAX_ANNOTATIONS)) out.push(workflowCommand(kind, `${c.id} [${c.level}]`, checkMessage(c)));
  if (annotated.length > MAX_ANNOTATIONS) out.push(workflowCommand('notice', 'dlconform', `${annotated.length - MAX_ANNOTATIONS} more findings: see the job summary and result.json`));
  return out;
}

export interface GithubOutput {
  /** where the workflow commands go: the step's standard output */
  out: NodeJS.WritableStream;
  /** where the note about a missing $GITHUB_STEP_SUMMARY goes */
  err: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
}

/**
 * Prints the workflow commands and appends the summary to $GITHUB_STEP_SUMMARY; without that
 * variable (not in GitHub Actions) says so once and carries on: the other reports are written.
 */
export async function writeGithub(run: RunResult, io: GithubOutput): Promise<string | undefined> {
  return writeGithubOutput(workflowCommands(run), renderMarkdown(run), io);
}

/** The workflow command lines on the step's output, then the Markdown appended to $GITHUB_STEP_SUMMARY (load writes its own kind this way). */
export async function writeGithubOutput(lines: readonly string[], markdown: string, io: GithubOutput): Promise<string | undefined> {
  if (lines.length > 0) io.out.write(`${lines.join('\n')}\n`);
  const path = (io.env ?? process.env).GITHUB_STEP_SUMMARY;
  if (!path) {
    io.err.write('dlconform: --format github: $GITHUB_STEP_SUMMARY is not set (not in a GitHub Actions step), so no step summary was written; summary.md has the same text\n');
    return undefined;
  }
  try {
    await appendFile(path, `${markdown}\n`, 'utf8');
  } catch (err) {
    io.err.write(`dlconform: --format github: could not append the step summary to $GITHUB_STEP_SUMMARY (${path}): ${(err as Error).message}\n`);
    return undefined;
  }
  return path;
}
