/**
 * result.json: the RunResult as it is, pretty-printed. Its shape is documented by
 * core/report/result.schema.json and versioned by `schemaVersion`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../types.js';

const RESULT_JSON = 'result.json';

export function renderJson(run: RunResult): string {
  return `${JSON.stringify(run, null, 2)}\n`;
}

/** Writes DIR/result.json and returns its path. */
export async function writeJson(run: RunResult, dir: string): Promise<string> {
  const path = join(dir, RESULT_JSON);
  await writeFile(path, renderJson(run), 'utf8');
  return path;
}
