import { describe, expect, it } from 'vitest';
import { quantize } from './histogram.js';
import { CHECK_OK, CHECK_SAMPLED, METRIC_FAILURE, METRIC_SCENARIO_START, type StepWindow } from './plan.js';
import { SampleAggregator, splitCsv } from './samples.js';

const HEADER = 'metric_name,timestamp,metric_value,check,error_code,status,extra_tags,metadata';
const T0 = 1_700_000_000_000;
const steps: StepWindow[] = [
  { index: 0, rate: 10, start: 0, measureFrom: 1000, end: 5000 },
  { index: 1, rate: 20, start: 5000, measureFrom: 6000, end: 10_000 },
];

/** The rows k6 writes for one request of the script. */
function request(at: number, ms: number, step: number | undefined, ok = true): string[] {
  const tag = step === undefined ? '' : `step=${step}`;
  const rows = [
    `http_reqs,${at},1.000000,,,${ok ? 200 : 500},${tag},`,
    `http_req_duration,${at},${ms.toFixed(6)},,,${ok ? 200 : 500},${tag},`,
    `http_req_failed,${at},${ok ? '0.000000' : '1.000000'},,,${ok ? 200 : 500},${tag},`,
    `checks,${at},${ok ? '1.000000' : '0.000000'},"${CHECK_OK.replace(/"/g, '""')}",,,${tag},`,
  ];
  if (!ok) rows.push(`${METRIC_FAILURE},${at},1.000000,,,,${tag}${tag ? '&' : ''}reason=http-500,`);
  return rows;
}

describe('k6 CSV samples', () => {
  it('splits quoted fields as Go writes them', () => {
    expect(splitCsv('a,b,,c')).toEqual(['a', 'b', '', 'c']);
    expect(splitCsv('checks,1,1.0,"response ok (HTTP 200, Status=""1"", x)",,')).toEqual(['checks', '1', '1.0', 'response ok (HTTP 200, Status="1", x)', '', '']);
  });

  it('per step: latency and checks by tag, completions and drops by time in the measured window', () => {
    const agg = new SampleAggregator(steps);
    const lines = [HEADER, `${METRIC_SCENARIO_START},${T0 + 1},${T0}.000000,,,,,`];
    lines.push(...request(T0 + 500, 1, undefined)); // settle phase of step 0: totals only
    for (let i = 0; i < 10; i++) lines.push(...request(T0 + 1000 + i * 100, 2 + i, 0));
    lines.push(...request(T0 + 2500, 50, 0, false));
    lines.push(`dropped_iterations,${T0 + 3000},1.000000,,,,,`, `dropped_iterations,${T0 + 5500},1.000000,,,,,`);
    for (let i = 0; i < 4; i++) lines.push(...request(T0 + 7000 + i, 10, 1));
    lines.push(`checks,${T0 + 7001},0.000000,${CHECK_SAMPLED},,,step=1,`);
    // fed in awkward chunks: lines split anywhere
    const text = lines.join('\n') + '\n';
    for (let i = 0; i < text.length; i += 37) agg.feedText(0, text.slice(i, i + 37));
    agg.endSource(0);

    const [s0, s1] = agg.perStep;
    expect(s0!.requests).toBe(11);
    expect(s0!.latency.count).toBe(11);
    expect(s0!.latency.percentileUs(50)).toBe(quantize(7000));
    expect(s0!.latency.max).toBe(50_000);
    expect([s0!.ok, s0!.notOk, s0!.httpFailed]).toEqual([10, 1, 1]);
    expect(s0!.reasons).toEqual({ 'http-500': 1 });
    expect(agg.completedBetween(1000, 5000)).toBe(11);
    expect(agg.completedBetween(0, 1000)).toBe(1);
    expect(s0!.dropped).toBe(1); // the one at 5.5 s is in step 1's settle phase
    expect(s1!.requests).toBe(4);
    expect([s1!.sampledPass, s1!.sampledFail]).toEqual([0, 1]);
    expect(agg.total.requests).toBe(16);
    expect(agg.total.dropped).toBe(2);
    expect(agg.total.latency.count).toBe(16);
    expect(agg.linesOf(0)).toBe(lines.length - 1);
  });

  it('events before the scenario start is known are placed once it is', () => {
    const agg = new SampleAggregator(steps);
    agg.feedText(0, [HEADER, ...request(T0 + 1500, 3, 0), `dropped_iterations,${T0 + 2000},1.000000,,,,,`, ''].join('\n'));
    expect(agg.completedBetween(1000, 5000)).toBe(0);
    agg.feedText(0, `${METRIC_SCENARIO_START},${T0 + 1},${T0}.000000,,,,,\n`);
    expect(agg.completedBetween(1000, 5000)).toBe(1);
    expect(agg.perStep[0]!.dropped).toBe(1);
    expect(agg.total.dropped).toBe(1);
  });

  it('sources are merged sample by sample, each with its own scenario start', () => {
    const agg = new SampleAggregator(steps, { keepRaw: true });
    agg.feedText(0, [HEADER, `${METRIC_SCENARIO_START},${T0},${T0}.000000,,,,,`, ...request(T0 + 1200, 1, 0), ''].join('\n'));
    agg.feedText(1, [HEADER, `${METRIC_SCENARIO_START},${T0 + 400},${T0 + 400}.000000,,,,,`, ...request(T0 + 1300, 3, 0), ...request(T0 + 1500, 5, 0), ''].join('\n'));
    expect(agg.perStep[0]!.requests).toBe(3);
    expect(agg.completedBetween(1000, 5000)).toBe(2); // T0+1300 is in source 1's settle phase (its t0 is T0+400)
    expect(agg.perSource.map((t) => t.requests)).toEqual([1, 2]);
    expect(agg.raw).toEqual([[1], [3, 5]]);
    expect(agg.perStep[0]!.latency.percentileUs(100)).toBe(quantize(5000));
  });
});
