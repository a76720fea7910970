/**
 * `load --format github`: what a load run found as GitHub Actions workflow commands (a failed
 * threshold, a capacity run without a knee, a sampled check that failed, a run that errored or
 * stopped early), and its summary.md appended to $GITHUB_STEP_SUMMARY. The load result arrives
 * redacted (load/report.ts); the commands are escaped by core/report/github.ts.
 */
import { type Annotation, type GithubOutput, workflowCommand, writeGithubOutput } from '../core/report/github.js';
import { renderSummary, type LoadResult } from './report.js';

export function loadWorkflowCommands(r: LoadResult): string[] {
  const out: string[] = [];
  const add = (kind: Annotation, title: string, message: string) => out.push(workflowCommand(kind, title, message));
  const what = `dlconform load ${r.profile} (${r.scenario})`;
  if (r.verdict === 'error') add('error', `${what}: error`, r.message);
  if (r.stopped) add(r.verdict === 'pass' ? 'warning' : 'error', `${what}: stopped early`, r.stopped.reason);
  for (const t of r.thresholds.filter((t) => !t.ok)) add('error', `${what}: threshold ${t.metric} ${t.expression}`, `failed: actual ${t.actual}`);
  if (r.profile === 'capacity' && r.capacity) {
    const k = r.capacity;
    if (!k.knee)
      add('error', `${what}: no step sustained`, k.firstFailure ? `step ${k.firstFailure.index} at ${k.firstFailure.rate} req/s: ${k.firstFailure.problems.join('; ')}` : 'no step completed');
    else
      add(
        'notice',
        `${what}: knee ${k.knee.rate} req/s`,
        `achieved ${k.knee.achievedRate} req/s, p99 ${k.knee.p99Ms ?? '–'} ms${k.saturated ? '' : ' (no step failed: the capacity is at least this)'}`,
      );
  }
  for (const f of r.conformance.failures) {
    const n = r.conformance.byCheck[f.id]?.fail ?? 1;
    const lines = [`${n} sampled response${n === 1 ? '' : 's'} failed: ${f.message}`];
    if (f.expected !== undefined) lines.push(`expected: ${f.expected}`);
    if (f.actual !== undefined) lines.push(`actual: ${f.actual}`);
    lines.push(`clause ${f.clause.id} (${f.clause.document} ${f.clause.section})`);
    add('error', `${f.id} [${f.level}] (sampled during load)`, lines.join('\n'));
  }
  if (out.length === 0) add('notice', `${what}: ${r.verdict}`, r.message);
  return out;
}

/** Prints the commands and appends summary.md's text to the step summary, as `run --format github` does. */
export function writeLoadGithub(r: LoadResult, io: GithubOutput): Promise<string | undefined> {
  return writeGithubOutput(loadWorkflowCommands(r), renderSummary(r), io);
}
