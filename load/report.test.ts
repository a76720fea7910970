import { describe, expect, it } from 'vitest';
import { Redactor } from '../conformance/redact.js';
import { Histogram } from './histogram.js';
import { findKnee, type StepResult } from './knee.js';
import { renderJunit, renderSummary, type LoadResult } from './report.js';
import { capacitySvg } from './svg.js';

const step = (index: number, offered: number, achieved: number, p99: number, dropped = 0): StepResult => ({
  index, offeredRate: offered, achievedRate: achieved, windowSeconds: 10, requests: achieved * 10, completed: achieved * 10, dropped,
  errorRate: 0, httpFailedRate: 0, p50Ms: p99 / 4, p90Ms: p99 / 2, p95Ms: p99 / 1.5, p99Ms: p99, maxMs: p99 * 2, sampled: { pass: 3, fail: 0 }, reasons: {},
});

function result(extra: Partial<LoadResult>): LoadResult {
  return {
    schemaVersion: 1, tool: { name: 'dlconform', version: 't' }, runId: 'r1', profile: 'smoke', scenario: 'pull-doc', specProfile: '3.0',
    target: 'http://127.0.0.1:8080/pulldoc', startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:10.000Z',
    k6: { version: 'v1.8.1', segments: 1 },
    settings: { format: 'pdf', sampleRate: 0.005, requestTimeoutMs: 10000, thresholds: { p95Ms: 1000, p99Ms: 2000, errorRate: 0.01, checksRate: 0.99 }, datasetSize: 3, profile: { rate: 20, durationSeconds: 10 } },
    steps: [step(0, 20, 20, 5)], total: step(0, 20, 20, 5), segments: [], thresholds: [], verdict: 'pass', message: 'All thresholds met.', exitCode: 0,
    histogram: new Histogram().toJSON(), files: ['load.json'], ...extra,
  };
}

describe('load reports', () => {
  it('junit: one test case per threshold, failures carry the actual value', () => {
    const r = result({
      verdict: 'fail',
      thresholds: [
        { metric: 'http_req_duration', expression: 'p(95)<1000', actual: 1520.5, ok: false },
        { metric: 'dropped_iterations', expression: 'count==0', actual: 0, ok: true },
      ],
    });
    const xml = renderJunit(r);
    expect(xml).toMatch(/<testsuites name="dlconform load" tests="2" failures="1" errors="0" time="10.000">/);
    expect(xml).toMatch(/<testcase classname="load.smoke.pull-doc" name="http_req_duration p\(95\)&lt;1000" time="0"><failure message="http_req_duration p\(95\)&lt;1000 failed: actual 1520.5"\/><\/testcase>/);
    expect(xml).toMatch(/name="dropped_iterations count==0" time="0"><\/testcase>/);
  });

  it('capacity: the knee test case, the summary with the plot, and an SVG that marks the knee', () => {
    const steps = [step(0, 100, 100, 5), step(1, 200, 200, 6), step(2, 300, 250, 900, 40)];
    const capacity = findKnee(steps, { minAchievedRatio: 0.99, errorRate: 0.01, p99Ms: 500 });
    const r = result({ profile: 'capacity', steps, capacity, message: 'Capacity knee: 200 req/s.' });
    expect(renderJunit(r)).toMatch(/name="capacity knee" time="0"><system-out>knee 200 req\/s<\/system-out><\/testcase>/);
    const md = renderSummary(r);
    expect(md).toMatch(/\*\*Knee: 200 req\/s\*\*/);
    expect(md).toMatch(/First step past the knee: step 2 at 300 req\/s: achieved 250 req\/s < 99% of offered 300 req\/s; 40 iterations dropped/);
    expect(md).toMatch(/\| 1 \*\*knee\*\* \| 200 \| 200 \|/);
    expect(md).toMatch(/!\[latency percentiles against offered rate\]\(capacity.svg\)/);
    const svg = capacitySvg(steps, { kneeRate: 200, sloMs: 500 });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toMatch(/knee 200 req\/s/);
    expect(svg).toMatch(/p99 SLO 500 ms/);
    expect(svg.match(/<polyline /g)).toHaveLength(4);
    const none = result({ profile: 'capacity', steps: [step(0, 100, 10, 900)], capacity: findKnee([step(0, 100, 10, 900)], { minAchievedRatio: 0.99, errorRate: 0.01, p99Ms: 500 }) });
    expect(renderJunit(none)).toMatch(/failures="1"[\s\S]*<failure message="no step was sustained: achieved 10 req\/s/);
  });

  it('segments are listed; percentiles are said to come from the union of samples', () => {
    const r = result({ k6: { version: 'v1.8.1', segments: 2 }, segments: [
      { index: 0, segment: '0:1/2', exitCode: 0, requests: 100, achievedRate: 10, p95Ms: 3, dropped: 0 },
      { index: 1, segment: '1/2:1', exitCode: 0, requests: 100, achievedRate: 10, p95Ms: 4, dropped: 0 },
    ] });
    expect(renderSummary(r)).toMatch(/\| 1\/2:1 \| 100 \| 10 \| 4.00 \| 0 \| 0 \|[\s\S]*union of all segments' raw samples, never averaged/);
  });

  it('what is written passes through the redactor', () => {
    const redactor = new Redactor({ apiKey: 'super-secret-key-123', config: { documents: [{ owner: { fullName: 'Sunil Kumar' } }] } });
    const r = redactor.redactDeep(result({ message: 'k6 said: Sunil Kumar super-secret-key-123' }));
    expect(renderSummary(r)).not.toMatch(/Sunil Kumar|super-secret-key-123/);
  });
});
