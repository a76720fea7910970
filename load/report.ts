/**
 * What a load run leaves in its report directory: load.json (per step: offered and achieved
 * rate, p50/p90/p95/p99, error rate, late starts; the thresholds; the knee; the sampled
 * conformance checks with their evidence), junit.xml (one test case per threshold, or the knee
 * for capacity, and one per failing sampled check), summary.md (tables, and for capacity the
 * latency plot capacity.svg with the knee marked), report.html (the same in the look of the
 * conformance report, chart inline: load/html.ts). What arrives was redacted where it was
 * recorded (the sampled checks' evidence, vegeta's error text): the writers only format.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPORT_HTML } from '../core/report/html.js';
import { renderJunitReport, type JunitCase } from '../core/report/junit.js';
import { renderLoadHtml } from './html.js';
import type { KneeResult, StepResult } from './knee.js';
import type { LoadProfileName, ScenarioName } from './plan.js';
import type { SampledTally } from './sampled.js';
import type { Thresholds } from './settings.js';
import { capacitySvg } from './svg.js';

export const LOAD_JSON = 'load.json';
export const LOAD_JUNIT = 'junit.xml';
export const LOAD_SUMMARY = 'summary.md';
export const CAPACITY_SVG = 'capacity.svg';
export const LATENCY_HTML = 'latency.html';

export interface ThresholdResult {
  /** the metric and its limit, e.g. latency p(95)<1000 */
  metric: string;
  expression: string;
  actual: number;
  ok: boolean;
}

export interface SegmentResult {
  index: number;
  /** i/N */
  segment: string;
  /** the first non-zero exit code of its vegeta attacks, else 0 */
  exitCode: number | null;
  requests: number;
  p95Ms?: number;
  lateStarts: number;
  error?: string;
}

export interface LoadResult {
  schemaVersion: 2;
  tool: { name: 'dlconform'; version: string };
  runId: string;
  profile: LoadProfileName;
  scenario: ScenarioName;
  specProfile: string;
  target: string;
  startedAt: string;
  endedAt: string;
  engine: { name: 'vegeta'; version: string; segments: number };
  settings: {
    format?: string;
    sampleRate: number;
    captureBytes: number;
    requestTimeoutMs: number;
    thresholds: Thresholds;
    datasetSize: number;
    /** the profile's own settings (rate and duration, or the staircase) */
    profile: Record<string, number>;
    limits: { workers: number; maxWorkers: number; maxConnections: number };
  };
  /** measured windows; for smoke/ci/soak there is one */
  steps: StepResult[];
  /** the whole run, every sample */
  total: StepResult;
  segments: SegmentResult[];
  thresholds: ThresholdResult[];
  capacity?: KneeResult;
  /** set when dlconform stopped the run before the planned end */
  stopped?: { reason: string };
  /** the sampled stream judged by the suite's checks */
  conformance: SampledTally;
  verdict: 'pass' | 'fail' | 'error';
  message: string;
  exitCode: number;
  /** the merged latency HdrHistogram of the whole run (µs, compressed base64), so runs can be merged later */
  histogram: string;
  files: string[];
}

const ms = (v: number | undefined) => (v === undefined ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(2));
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

export function renderJunit(r: LoadResult): string {
  const cases: JunitCase[] = [];
  const classname = `load.${r.profile}.${r.scenario}`;
  const testcase = (name: string, rest: Partial<JunitCase> = {}, suffix = ''): JunitCase => ({ classname: classname + suffix, name, timeMs: 0, ...rest });
  if (r.profile === 'capacity') {
    const k = r.capacity;
    const out = k?.knee ? `knee ${k.knee.rate} req/s${k.saturated ? '' : ' (no step failed: capacity is at least this)'}` : 'no knee';
    const failure = k?.knee ? {} : { failure: { message: `no step was sustained: ${k?.firstFailure?.problems.join('; ') ?? 'no step completed'}` } };
    cases.push(testcase('capacity knee', { systemOut: out, ...failure }));
  }
  for (const t of r.thresholds) {
    cases.push(testcase(`${t.metric} ${t.expression}`, t.ok ? {} : { failure: { message: `${t.metric} ${t.expression} failed: actual ${t.actual}` } }));
  }
  for (const f of r.conformance.failures) {
    const n = r.conformance.byCheck[f.id]?.fail ?? 1;
    cases.push(testcase(f.id, { failure: { message: `${n} sampled response${n === 1 ? '' : 's'} failed: ${f.message}` } }, '.sampled'));
  }
  if (r.verdict === 'error') cases.push(testcase('run', { error: { message: r.message } }));
  const timeMs = Date.parse(r.endedAt) - Date.parse(r.startedAt);
  return renderJunitReport({
    name: 'dlconform load',
    timeMs,
    suites: [{ name: `dlconform load ${r.profile} (${r.scenario})`, timestamp: r.startedAt, timeMs, cases }],
  });
}

function stepsTable(steps: readonly StepResult[], kneeIndex?: number): string {
  const head = '| step | offered req/s | achieved req/s | requests | p50 ms | p90 ms | p95 ms | p99 ms | max ms | errors | late starts |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const rows = steps.map(
    (s) =>
      `| ${s.index}${s.index === kneeIndex ? ' **knee**' : ''} | ${s.offeredRate} | ${s.achievedRate} | ${s.requests} | ${ms(s.p50Ms)} | ${ms(s.p90Ms)} | ${ms(s.p95Ms)} | ${ms(s.p99Ms)} | ${ms(s.maxMs)} | ${pct(s.errorRate)} | ${s.lateStarts} |`,
  );
  return [head, ...rows].join('\n');
}

export function renderSummary(r: LoadResult): string {
  const lines: string[] = [];
  const icon = r.verdict === 'pass' ? 'PASS' : r.verdict === 'fail' ? 'FAIL' : 'ERROR';
  lines.push(`# dlconform load: ${r.profile} (${r.scenario}) — ${icon}`, '');
  lines.push(`${r.message}`, '');
  lines.push(`- target: \`${r.target}\` (profile ${r.specProfile}${r.settings.format ? `, format ${r.settings.format}` : ''})`);
  lines.push(
    `- run ${r.runId}, ${r.startedAt} → ${r.endedAt}; vegeta ${r.engine.version}${r.engine.segments > 1 ? `, ${r.engine.segments} segments merged (HdrHistogram)` : ''}; at most ${r.settings.limits.maxWorkers} requests in flight`,
  );
  lines.push(
    `- dataset: ${r.settings.datasetSize} documents; every response cheaply checked from its first ${r.settings.captureBytes} bytes; ${r.conformance.samples} sampled requests (${pct(r.settings.sampleRate)} of the rate, at least one a second) judged by the suite's checks: ${r.conformance.pass} passed, ${r.conformance.fail} failed`,
  );
  if (r.total.beyondCapture > 0)
    lines.push(
      `- ${r.total.beyondCapture} responses were longer than the ${r.settings.captureBytes} bytes captured with their content marker beyond them: not judged by the cheap check (the sampled checks read whole bodies); raise load.captureBytes to judge them`,
    );
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
    if (k.knee)
      lines.push(
        `**Knee: ${k.knee.rate} req/s** (achieved ${k.knee.achievedRate} req/s, p99 ${ms(k.knee.p99Ms)} ms)${k.saturated ? '' : ' — no step failed, so the capacity is at least this; raise load.capacity.maxSteps or stepRate to find the limit'}.`,
      );
    else lines.push('**No step was sustained**: the target does not hold even the first step.');
    if (k.firstFailure) lines.push('', `First step past the knee: step ${k.firstFailure.index} at ${k.firstFailure.rate} req/s: ${k.firstFailure.problems.join('; ')}.`);
    lines.push(
      '',
      `A step is sustained when achieved ≥ ${Math.round((r.settings.profile.minAchievedRatio ?? 0.99) * 100)}% of offered, late starts ≤ ${pct(r.settings.thresholds.lateStartRate)}, errors ≤ ${pct(r.settings.thresholds.errorRate)} and p99 < ${r.settings.thresholds.p99Ms} ms.`,
    );
    lines.push('', `![latency percentiles against offered rate](${CAPACITY_SVG})`, '');
  }
  lines.push(r.profile === 'capacity' ? '## Steps' : '## Result', '');
  lines.push(stepsTable(r.profile === 'capacity' ? r.steps : [r.total], r.capacity?.knee?.index), '');
  if (r.segments.length > 1) {
    lines.push('## Segments', '', '| segment | requests | p95 ms | late starts | vegeta exit |', '|---|---:|---:|---:|---:|');
    for (const s of r.segments) lines.push(`| ${s.segment} | ${s.requests} | ${ms(s.p95Ms)} | ${s.lateStarts} | ${s.exitCode ?? '–'}${s.error ? ` (${s.error})` : ''} |`);
    lines.push('', 'Percentiles above come from the merged HdrHistogram of every segment, never from averaging.', '');
  }
  const reasons = Object.entries(r.total.reasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) {
    lines.push('## Failed responses', '', '| reason | count |', '|---|---:|');
    for (const [k, v] of reasons) lines.push(`| ${k} | ${v} |`);
    lines.push('');
  }
  const failing = Object.entries(r.conformance.byCheck).filter(([, c]) => c.fail > 0);
  if (r.conformance.samples > 0) {
    lines.push('## Sampled conformance', '', `${r.conformance.samples} requests sent alongside the load and judged by the conformance suite's checks of a served request.`, '');
    lines.push('| check | pass | warn | fail | skip |', '|---|---:|---:|---:|---:|');
    for (const [id, c] of Object.entries(r.conformance.byCheck)) lines.push(`| ${id} | ${c.pass} | ${c.warn} | ${c.fail > 0 ? `**${c.fail}**` : 0} | ${c.skip} |`);
    lines.push('');
    for (const f of r.conformance.failures) {
      lines.push(`### ${f.id} (${f.level}) — ${f.verdict}`, '', `${f.message}`, '', `Clause ${f.clause.id} (${f.clause.document} ${f.clause.section}): “${f.clause.text}”`, '');
      if (f.expected !== undefined) lines.push(`- expected: ${f.expected}`);
      if (f.actual !== undefined) lines.push(`- actual: ${f.actual}`);
      for (const e of f.evidence) lines.push('', 'Reproduce:', '', '```sh', e.curl, '```');
      lines.push('');
    }
    if (failing.length === 0) lines.push('No sampled check failed.', '');
  }
  lines.push('## Files', '', ...r.files.map((f) => `- \`${f}\``), '');
  return lines.join('\n');
}

/** Writes load.json, junit.xml, summary.md, report.html (and capacity.svg); returns the names written. */
export async function writeLoadReports(r: LoadResult, dir: string): Promise<string[]> {
  const written = [LOAD_JSON, LOAD_JUNIT, LOAD_SUMMARY, REPORT_HTML];
  if (r.profile === 'capacity') written.push(CAPACITY_SVG);
  const safe: LoadResult = { ...r, files: [...new Set([...r.files, ...written])] };
  await writeFile(join(dir, LOAD_JSON), `${JSON.stringify(safe, null, 2)}\n`);
  await writeFile(join(dir, LOAD_JUNIT), renderJunit(safe));
  await writeFile(join(dir, LOAD_SUMMARY), renderSummary(safe));
  await writeFile(join(dir, REPORT_HTML), renderLoadHtml(safe));
  if (r.profile === 'capacity') {
    await writeFile(
      join(dir, CAPACITY_SVG),
      capacitySvg(safe.steps, { kneeRate: safe.capacity?.knee?.rate, sloMs: safe.settings.thresholds.p99Ms, title: `Capacity: ${safe.scenario} on ${new URL(safe.target).host}` }),
    );
  }
  return written;
}
