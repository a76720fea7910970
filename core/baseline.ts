/**
 * `--baseline PREVIOUS/result.json`: the previous run's verdicts, read from its result.json
 * (schema versions 2 and 3; only the fields the comparison needs are required, so a result
 * written by an earlier dlconform of either version reads), and how this run differs from it.
 * A failure is a blocking verdict: fail, error or inconclusive. A waived check is not a failure,
 * so a failure whose waiver expired since the baseline is a new failure.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { locateJsonError } from './config/json-locator.js';
import { schemaChecker } from './config/schema-errors.js';
import { ConfigError } from './config/types.js';
import type { BaselineDiff, CheckResult, Verdict } from './types.js';

/** What a baseline must hold: the fields the comparison reads, whatever else its version adds. */
const BASELINE_SCHEMA = {
  type: 'object',
  required: ['schemaVersion', 'runId', 'checks'],
  properties: {
    schemaVersion: { description: 'The result.json schema version, 2 or 3: rerun the baseline with this dlconform if it is older.', enum: [2, 3] },
    runId: { description: 'The id of the previous run.', type: 'string', minLength: 1 },
    checks: {
      description: 'The checks of the previous run.',
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'verdict'],
        properties: {
          id: { description: 'A check id such as "pulluri.echo.ts".', type: 'string', minLength: 1 },
          verdict: { description: 'The verdict of the check.', enum: ['pass', 'fail', 'warn', 'skip', 'error', 'inconclusive', 'waived'] },
        },
      },
    },
  },
} as const;

const baselineIssues = schemaChecker(BASELINE_SCHEMA);

/** A previous run as the comparison needs it. */
export interface Baseline {
  path: string;
  runId: string;
  checks: Array<{ id: string; verdict: Verdict }>;
}

const FAILING: ReadonlySet<Verdict> = new Set(['fail', 'error', 'inconclusive']);

/** Reads PATH, or PATH/result.json when PATH is a report directory. */
export async function loadBaseline(path: string): Promise<Baseline> {
  const problem = (message: string) => new ConfigError(path, [{ field: '', message }], 'baseline');
  let file = path;
  let text: string;
  try {
    if ((await stat(path)).isDirectory()) file = join(path, 'result.json');
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw problem(`${file === path ? 'file' : file} not found; pass --baseline with the result.json of a previous run (reports/RUN_ID/result.json) or its report directory`);
    throw problem(`cannot be read (${code ?? String(err)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const found = locateJsonError(text);
    throw problem(`is not valid JSON (${found ? `line ${found.line}, column ${found.column}: ${found.reason}` : 'syntax error'}); pass the result.json a previous run wrote`);
  }
  const issues = baselineIssues(json);
  if (issues.length > 0) {
    throw new ConfigError(
      file,
      issues.map((i) => ({ ...i, message: `${i.message}; --baseline takes the result.json of a previous dlconform run` })),
      'baseline',
    );
  }
  const parsed = json as { runId: string; checks: Array<{ id: string; verdict: Verdict }> };
  return { path: file, runId: parsed.runId, checks: parsed.checks.map((c) => ({ id: c.id, verdict: c.verdict })) };
}

/** The ids of each group, in this run's order (removed checks in the baseline's). */
export function diffBaseline(baseline: Baseline, checks: readonly CheckResult[]): BaselineDiff {
  const before = new Map(baseline.checks.map((c) => [c.id, c.verdict]));
  const now = new Set(checks.map((c) => c.id));
  const diff: BaselineDiff = { path: baseline.path, runId: baseline.runId, newFailures: [], fixed: [], stillFailing: [], newChecks: [], removedChecks: [] };
  for (const c of checks) {
    const was = before.get(c.id);
    if (was === undefined) diff.newChecks.push(c.id);
    const failedBefore = was !== undefined && FAILING.has(was);
    if (FAILING.has(c.verdict)) (failedBefore ? diff.stillFailing : diff.newFailures).push(c.id);
    // fixed: judged and not blocking now; a skipped or waived check is not known to be fixed
    else if (failedBefore && (c.verdict === 'pass' || c.verdict === 'warn')) diff.fixed.push(c.id);
  }
  for (const c of baseline.checks) if (!now.has(c.id)) diff.removedChecks.push(c.id);
  return diff;
}
