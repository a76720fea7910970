/**
 * What one segment of a load run leaves behind, so that segments run on other hosts merge into one
 * report: `segment.json` (the plan, one record per step with its encoded HdrHistogram, the totals,
 * the sampled checks with redacted evidence) and `results.json` (vegeta's per-request results
 * without bodies or headers, one JSON object a line, readable by `vegeta plot` and `vegeta report`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadPlan } from './plan.js';
import type { StepRecord } from './results.js';
import type { SampledTally } from './sampled.js';
import type { Thresholds } from './settings.js';

export const SEGMENT_JSON = 'segment.json';
export const RESULTS_JSON = 'results.json';

export interface SegmentFile {
  segmentVersion: 1;
  tool: { name: 'dlconform'; version: string };
  engine: { name: 'vegeta'; version: string };
  plan: LoadPlan;
  /** what the merge judges with: the run's thresholds and the profile's settings */
  settings: { thresholds: Thresholds; minAchievedRatio: number; datasetSize: number; profile: Record<string, number> };
  startedAt: string;
  endedAt: string;
  /** one record per step run, in order */
  steps: StepRecord[];
  /** every result of the segment, settle parts included */
  total: StepRecord;
  sampled: SampledTally;
  /** vegeta attack exit codes, one per step run */
  exitCodes: Array<number | null>;
  /** set when the segment was stopped before its plan ended */
  stopped?: string;
  /** a problem that makes the segment's figures unusable (vegeta crashed, nothing sent) */
  error?: string;
}

export async function writeSegment(dir: string, segment: SegmentFile): Promise<void> {
  await writeFile(join(dir, SEGMENT_JSON), `${JSON.stringify(segment, null, 2)}\n`);
}

export class SegmentReadError extends Error {}

export async function readSegment(dir: string): Promise<SegmentFile> {
  const path = join(dir, SEGMENT_JSON);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new SegmentReadError(`${path}: cannot read a segment (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); give the report folder of a \`dlconform load --segment i/N\` run`);
  }
  const s = json as Partial<SegmentFile>;
  if (s.segmentVersion !== 1 || !s.plan || !Array.isArray(s.steps) || !s.total) throw new SegmentReadError(`${path}: not a dlconform load segment (segmentVersion 1 expected)`);
  return s as SegmentFile;
}

/**
 * Drops a result line's body and headers: the body may carry owners' names and dates of birth,
 * and neither is needed to plot or merge latencies. vegeta writes `body` before `method` and
 * `headers` last.
 */
export function slimResultLine(line: string): string {
  const body = line.indexOf(',"body":');
  const method = line.indexOf(',"method":', body);
  const headers = line.lastIndexOf(',"headers":');
  if (body < 0 || method < 0 || headers < method) {
    // not vegeta's usual field order: never keep a body by accident
    const r = JSON.parse(line) as Record<string, unknown>;
    return JSON.stringify({ ...r, body: null, headers: null });
  }
  return `${line.slice(0, body)},"body":null${line.slice(method, headers)},"headers":null}`;
}
