/**
 * Writes every report of a run into one directory. The whole run goes through the Redactor
 * once more first: checks already redact their evidence, this is the last safety net before
 * anything reaches disk (and CI artifacts).
 */
import { mkdir } from 'node:fs/promises';
import type { Redactor } from '../redact.js';
import type { RunResult } from '../types.js';
import { writeJson } from './json.js';
import { writeJunit } from './junit.js';
import { writeMarkdown } from './markdown.js';

export { progressLine, summaryTable, useColor, exitCodeMeaning } from './console.js';
export { renderJson, RESULT_JSON } from './json.js';
export { renderJunit, JUNIT_XML } from './junit.js';
export { renderMarkdown, SUMMARY_MD } from './markdown.js';

/** Creates `dir` if needed and writes result.json, junit.xml and summary.md; returns their paths in that order. */
export async function writeReports(run: RunResult, dir: string, redactor: Redactor): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const safe = redactor.redactDeep(run);
  return Promise.all([writeJson(safe, dir), writeJunit(safe, dir), writeMarkdown(safe, dir)]);
}
