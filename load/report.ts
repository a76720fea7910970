/**
 * What a load run leaves in its report directory: load.json (per step: offered and achieved
 * rate, p50/p90/p95/p99, error rate, dropped iterations; the thresholds; the knee), junit.xml
 * (one test case per threshold, or the knee for capacity), summary.md (tables, and for capacity
 * the latency plot capacity.svg with the knee marked). Everything passes through the redactor.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redactor } from '../conformance/redact.js';
import type { HistogramJson } from './histogram.js';
import type { KneeResult, StepResult } from './knee.js';
import type { LoadProfileName, ScenarioName } from './plan.js';
import type { Thresholds } from './settings.js';
import { capacitySvg } from './svg.js';

export const LOAD_JSON = 'load.json';
export const LOAD_JUNIT = 'junit.xml';
export const LOAD_SUMMARY = 'summary.md';
export const CAPACITY_SVG = 'capacity.svg';

export interface ThresholdResult {
  /** k6's metric and expression, e.g. http_req_duration p(95)<1000 */
  metric: string;
  expression: string;
  actual: number;
  ok: boolean;
}

export interface SegmentResult {
  index: number;
  /** k6's --execution-segment value, e.g. 0:1/2 */
  segment: string;
  exitCode: number | null;
  requests: number;
  achievedRate: number;
  p95Ms?: number;
  dropped: number;
}

export interface LoadResult {
  schemaVersion: 1;
  tool: { name: 'dlconform'; version: string };
  runId: string;
  profile: LoadProfileName;
  scenario: ScenarioName;
  specProfile: string;
  target: string;
  startedAt: string;
  endedAt: string;
  k6: { version: string; segments: number };
  settings: {
    format?: string;
    sampleRate: number;
    requestTimeoutMs: number;
    thresholds: Thresholds;
    datasetSize: number;
    /** the profile's own settings (rate and duration, or the staircase) */
    profile: Record<string, number>;
  };
  /** measured windows; for smoke/ci/soak there is one */
  steps: StepResult[];
  /** the whole run, every sample */
  total: StepResult;
  segments: SegmentResult[];
  thresholds: ThresholdResult[];
  capacity?: KneeResult;
  /** set when dlconform stopped k6 before the planned end */
  stopped?: { reason: string };
  verdict: 'pass' | 'fail' | 'error';
  message: string;
  exitCode: number;
  /** the merged latency histogram of the whole run (µs buckets), so runs can be merged later */
  histogram: HistogramJson;
  files: string[];
}

const xml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
const ms = (v: number | undefined) => (v === undefined ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(2));
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

export function renderJunit(r: LoadResult): string {
  const cases: string[] = [];
  const name = `load.${r.profile}.${r.scenario}`;
  if (r.profile === 'capacity') {
    const k = r.capacity;
    const body = k?.knee
      ? ''
      : `<failure message="${xml(`no step was sustained: ${k?.firstFailure?.problems.join('; ') ?? 'no step completed'}`)}"/>`;
    const out = k?.knee ? `knee ${k.knee.rate} req/s${k.saturated ? '' : ' (no step failed: capacity is at least this)'}` : 'no knee';
    cases.push(`  <testcase classname="${xml(name)}" name="capacity knee" time="0"><system-out>${xml(out)}</system-out>${body}</testcase>`);
  }
  for (const t of r.thresholds) {
    const fail = t.ok ? '' : `<failure message="${xml(`${t.metric} ${t.expression} failed: actual ${t.actual}`)}"/>`;
    cases.push(`  <testcase classname="${xml(name)}" name="${xml(`${t.metric} ${t.expression}`)}" time="0">${fail}</testcase>`);
  }
  if (r.verdict === 'error') cases.push(`  <testcase classname="${xml(name)}" name="run" time="0"><error message="${xml(r.message)}"/></testcase>`);
  const failures = r.thresholds.filter((t) => !t.ok).length + (r.profile === 'capacity' && !r.capacity?.knee ? 1 : 0);
  const seconds = (Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="dlconform load" tests="${cases.length}" failures="${failures}" errors="${r.verdict === 'error' ? 1 : 0}" time="${seconds.toFixed(3)}">\n` +
    ` <testsuite name="${xml(`dlconform load ${r.profile} (${r.scenario})`)}" tests="${cases.length}" failures="${failures}" errors="${r.verdict === 'error' ? 1 : 0}" time="${seconds.toFixed(3)}" timestamp="${xml(r.startedAt)}">\n` +
    cases.join('\n') +
    `\n </testsuite>\n</testsuites>\n`
  );
}

function stepsTable(steps: readonly StepResult[], kneeIndex?: number): string {
  const head = '| step | offered req/s | achieved req/s | requests | p50 ms | p90 ms | p95 ms | p99 ms | max ms | errors | dropped |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const rows = steps.map(
    (s) =>
      `| ${s.index}${s.index === kneeIndex ? ' **knee**' : ''} | ${s.offeredRate} | ${s.achievedRate} | ${s.requests} | ${ms(s.p50Ms)} | ${ms(s.p90Ms)} | ${ms(s.p95Ms)} | ${ms(s.p99Ms)} | ${ms(s.maxMs)} | ${pct(s.errorRate)} | ${s.dropped} |`,
  );
  return [head, ...rows].join('\n');
}

export function renderSummary(r: LoadResult): string {
  const lines: string[] = [];
  const icon = r.verdict === 'pass' ? 'PASS' : r.verdict === 'fail' ? 'FAIL' : 'ERROR';
  lines.push(`# dlconform load: ${r.profile} (${r.scenario}) — ${icon}`, '');
  lines.push(`${r.message}`, '');
  lines.push(`- target: \`${r.target}\` (profile ${r.specProfile}${r.settings.format ? `, format ${r.settings.format}` : ''})`);
  lines.push(`- run ${r.runId}, ${r.startedAt} → ${r.endedAt}; k6 ${r.k6.version}${r.k6.segments > 1 ? `, ${r.k6.segments} segments merged sample by sample` : ''}`);
  lines.push(`- dataset: ${r.settings.datasetSize} documents; full spec/ validation on ${pct(r.settings.sampleRate)} of responses (${r.total.sampled.pass + r.total.sampled.fail} validated, ${r.total.sampled.fail} failed)`);
  if (r.stopped) lines.push(`- stopped early: ${r.stopped.reason}`);
  lines.push('');
  if (r.thresholds.length > 0) {
    lines.push('## Thresholds', '', '| metric | threshold | actual | result |', '|---|---|---:|---|');
    for (const t of r.thresholds) lines.push(`| ${t.metric} | \`${t.expression}\` | ${t.actual} | ${t.ok ? 'pass' : '**fail**'} |`);
    lines.push('');
  }
  if (r.profile === 'capacity' && r.capacity) {
    const k = r.capacity;
    lines.push('## Capacity', '');
    if (k.knee) lines.push(`**Knee: ${k.knee.rate} req/s** (achieved ${k.knee.achievedRate} req/s, p99 ${ms(k.knee.p99Ms)} ms)${k.saturated ? '' : ' — no step failed, so the capacity is at least this; raise load.capacity.maxSteps or stepRate to find the limit'}.`);
    else lines.push('**No step was sustained**: the target does not hold even the first step.');
    if (k.firstFailure) lines.push('', `First step past the knee: step ${k.firstFailure.index} at ${k.firstFailure.rate} req/s: ${k.firstFailure.problems.join('; ')}.`);
    lines.push('', `A step is sustained when achieved ≥ ${Math.round((r.settings.profile.minAchievedRatio ?? 0.99) * 100)}% of offered, no iteration is dropped, errors ≤ ${pct(r.settings.thresholds.errorRate)} and p99 < ${r.settings.thresholds.p99Ms} ms.`);
    lines.push('', `![latency percentiles against offered rate](${CAPACITY_SVG})`, '');
  }
  lines.push(r.profile === 'capacity' ? '## Steps' : '## Result', '');
  lines.push(stepsTable(r.profile === 'capacity' ? r.steps : [r.total], r.capacity?.knee?.index), '');
  if (r.segments.length > 1) {
    lines.push('## Segments', '', '| segment | requests | achieved req/s | p95 ms | dropped | k6 exit |', '|---|---:|---:|---:|---:|---:|');
    for (const s of r.segments) lines.push(`| ${s.segment} | ${s.requests} | ${s.achievedRate} | ${ms(s.p95Ms)} | ${s.dropped} | ${s.exitCode ?? '–'} |`);
    lines.push('', 'Percentiles above are computed from the union of all segments\' raw samples, never averaged.', '');
  }
  const reasons = Object.entries(r.total.reasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) {
    lines.push('## Failed responses', '', '| reason | count |', '|---|---:|');
    for (const [k, v] of reasons) lines.push(`| ${k} | ${v} |`);
    lines.push('');
  }
  lines.push('## Files', '', ...r.files.map((f) => `- \`${f}\``), '');
  return lines.join('\n');
}

/** Writes load.json, junit.xml, summary.md (and capacity.svg); returns the names written. */
export async function writeLoadReports(r: LoadResult, dir: string, redactor: Redactor): Promise<string[]> {
  const written = [LOAD_JSON, LOAD_JUNIT, LOAD_SUMMARY];
  if (r.profile === 'capacity') written.push(CAPACITY_SVG);
  const safe = redactor.redactDeep({ ...r, files: [...new Set([...r.files, ...written])] }) as LoadResult;
  await writeFile(join(dir, LOAD_JSON), JSON.stringify(safe, null, 2) + '\n');
  await writeFile(join(dir, LOAD_JUNIT), renderJunit(safe));
  await writeFile(join(dir, LOAD_SUMMARY), renderSummary(safe));
  if (r.profile === 'capacity') {
    await writeFile(join(dir, CAPACITY_SVG), capacitySvg(safe.steps, { kneeRate: safe.capacity?.knee?.rate, sloMs: safe.settings.thresholds.p99Ms, title: `Capacity: ${safe.scenario} on ${new URL(safe.target).host}` }));
  }
  return written;
}
