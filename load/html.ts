/**
 * report.html of a load run, in the look of the conformance report (core/report/html.ts): the
 * verdict, the thresholds with their results, the latency-vs-rate chart with the knee (the same
 * SVG as capacity.svg), the per-step table, the segments, the failed responses and the sampled
 * conformance failures with their evidence. Everything was redacted where it was recorded.
 */
import { checkBlock, CopyTargets, escapeHtml, htmlDocument } from '../core/report/html.js';
import type { StepResult } from './knee.js';
import type { LoadResult } from './report.js';
import { capacitySvg } from './svg.js';

const ms = (v: number | undefined) => (v === undefined ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(2));
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

/** A table whose columns are numbers (right-aligned) except those listed in `textColumns`. */
function table(caption: string, head: string[], rows: string[][], textColumns: readonly number[] = [0]): string {
  const cell = (tag: 'th' | 'td', text: string, i: number) => `<${tag}${textColumns.includes(i) ? ' class="text"' : ''}${tag === 'th' ? ' scope="col"' : ''}>${text}</${tag}>`;
  return (
    `<div class="scroll"><table><caption class="text">${escapeHtml(caption)}</caption>` +
    `<thead><tr>${head.map((h, i) => cell('th', escapeHtml(h), i)).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c, i) => cell('td', c, i)).join('')}</tr>`).join('')}</tbody></table></div>`
  );
}

function stepsTable(steps: readonly StepResult[], kneeIndex: number | undefined, verdicts: Map<number, string[]>): string {
  const rows = steps.map((s) => [
    `${s.index}${s.index === kneeIndex ? ' <strong>knee</strong>' : ''}`,
    String(s.offeredRate),
    String(s.achievedRate),
    String(s.requests),
    ms(s.p50Ms),
    ms(s.p90Ms),
    ms(s.p95Ms),
    ms(s.p99Ms),
    ms(s.maxMs),
    pct(s.errorRate),
    String(s.lateStarts),
    verdicts.has(s.index) ? (verdicts.get(s.index)!.length === 0 ? 'sustained' : `not sustained: ${escapeHtml(verdicts.get(s.index)!.join('; '))}`) : '–',
  ]);
  const head = ['step', 'offered req/s', 'achieved req/s', 'requests', 'p50 ms', 'p90 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors', 'late starts', 'step verdict'];
  return table('Per step', head, rows, [0, head.length - 1]);
}

export function renderLoadHtml(r: LoadResult): string {
  const ok = r.verdict === 'pass';
  const out: string[] = [
    `<header class="banner v-${ok ? 'pass' : 'fail'}">`,
    `<h1>dlconform load: ${r.verdict.toUpperCase()}</h1>`,
    `<p>${escapeHtml(r.message)}</p>`,
    `<p>Exit code <strong>${r.exitCode}</strong>.</p>`,
    '</header>',
  ];
  const meta: Array<[string, string]> = [
    ['Target', `<code>${escapeHtml(r.target)}</code>`],
    ['Load profile', `${escapeHtml(r.profile)} (${escapeHtml(r.scenario)})`],
    ['Spec profile', `${escapeHtml(r.specProfile)}${r.settings.format ? `, format ${escapeHtml(r.settings.format)}` : ''}`],
    ['Tool', `${escapeHtml(r.tool.name)} ${escapeHtml(r.tool.version)}; vegeta ${escapeHtml(r.engine.version)}${r.engine.segments > 1 ? `, ${r.engine.segments} segments merged` : ''}`],
    ['Run id', `<code>${escapeHtml(r.runId)}</code>`],
    ['Started', `<time>${escapeHtml(r.startedAt)}</time>`],
    ['Ended', `<time>${escapeHtml(r.endedAt)}</time>`],
    ['Dataset', `${r.settings.datasetSize} documents; at most ${r.settings.limits.maxWorkers} requests in flight`],
  ];
  out.push(`<dl class="meta">${meta.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`);
  if (r.stopped) out.push(`<p class="notice bad"><strong>Stopped early</strong>: ${escapeHtml(r.stopped.reason)}</p>`);

  if (r.thresholds.length > 0) {
    out.push('<h2 id="thresholds">Thresholds</h2>');
    const rows = r.thresholds.map((t) => [
      escapeHtml(t.metric),
      `<code>${escapeHtml(t.expression)}</code>`,
      String(t.actual),
      t.ok ? '<span class="badge v-pass">PASS</span>' : '<span class="badge v-fail">FAIL</span>',
    ]);
    out.push(table('Thresholds and their results', ['metric', 'threshold', 'actual', 'result'], rows, [0, 1, 3]));
  }

  const capacity = r.profile === 'capacity';
  const k = r.capacity;
  out.push(`<h2 id="latency">${capacity ? 'Capacity' : 'Latency'}</h2>`);
  if (capacity && k) {
    if (k.knee)
      out.push(
        `<p class="notice${k.saturated ? '' : ' good'}"><strong>Knee: ${k.knee.rate} req/s</strong> (achieved ${k.knee.achievedRate} req/s, p99 ${ms(k.knee.p99Ms)} ms)${k.saturated ? '' : ': no step failed, so the capacity is at least this'}.</p>`,
      );
    else out.push('<p class="notice bad"><strong>No step was sustained</strong>: the target does not hold even the first step.</p>');
    if (k.firstFailure) out.push(`<p>First step past the knee: step ${k.firstFailure.index} at ${k.firstFailure.rate} req/s: ${escapeHtml(k.firstFailure.problems.join('; '))}.</p>`);
  }
  const steps = capacity ? r.steps : [r.total];
  const title = `Latency percentiles against offered rate: ${r.scenario}`;
  // the chart capacity.svg is, inline: escaped text only (svg.ts escapes its title), no script
  out.push(
    `<figure>${capacitySvg(steps, { kneeRate: k?.knee?.rate, sloMs: r.settings.thresholds.p99Ms, title })}<figcaption class="source">p50, p90, p95 and p99 latency (log scale) against the offered rate; the dashed red line is the p99 SLO${k?.knee ? ', the dashed black one the knee' : ''}.</figcaption></figure>`,
  );
  const verdicts = new Map((k?.verdicts ?? []).map((v) => [v.index, v.problems]));
  out.push(stepsTable(steps, k?.knee?.index, verdicts));

  if (r.segments.length > 1) {
    out.push('<h2 id="segments">Segments</h2>');
    const rows = r.segments.map((s) => [escapeHtml(s.segment), String(s.requests), ms(s.p95Ms), String(s.lateStarts), `${s.exitCode ?? '–'}${s.error ? ` (${escapeHtml(s.error)})` : ''}`]);
    out.push(table('Segments (percentiles above come from the merged histogram)', ['segment', 'requests', 'p95 ms', 'late starts', 'vegeta exit'], rows, [0, 4]));
  }
  const reasons = Object.entries(r.total.reasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) {
    out.push('<h2 id="failed">Failed responses</h2>');
    out.push(
      table(
        'Why responses failed the cheap check',
        ['reason', 'count'],
        reasons.map(([reason, n]) => [escapeHtml(reason), String(n)]),
      ),
    );
  }
  if (r.conformance.samples > 0) {
    out.push(
      '<h2 id="sampled">Sampled conformance</h2>',
      `<p>${r.conformance.samples} requests sent alongside the load and judged by the conformance suite's checks: ${r.conformance.pass} passed, ${r.conformance.fail} failed.</p>`,
    );
    const rows = Object.entries(r.conformance.byCheck).map(([id, c]) => [
      `<code>${escapeHtml(id)}</code>`,
      String(c.pass),
      String(c.warn),
      c.fail > 0 ? `<strong>${c.fail}</strong>` : '0',
      String(c.skip),
    ]);
    out.push(table('Sampled checks', ['check', 'pass', 'warn', 'fail', 'skip'], rows));
    const copy = new CopyTargets('s');
    for (const f of r.conformance.failures) out.push(checkBlock(f, 'full', copy, `sampled-${f.id.replace(/[^A-Za-z0-9._-]/g, '-')}`));
  }
  out.push('<h2 id="files">Files</h2>', `<ul>${r.files.map((f) => `<li><code>${escapeHtml(f)}</code></li>`).join('')}</ul>`);
  return htmlDocument(`dlconform load ${r.profile} ${r.runId}: ${r.verdict.toUpperCase()}`, out.join('\n'));
}
