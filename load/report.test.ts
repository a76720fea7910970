import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Redactor } from '../core/redact.js';
import { REPORT_HTML } from '../core/report/html.js';
import { LatencyHistogram } from './histogram.js';
import { findKnee } from './knee.js';
import { CAPACITY_SVG, LOAD_JSON, LOAD_JUNIT, LOAD_SUMMARY, renderJunit, renderSummary, writeLoadReports, type LoadResult } from './report.js';
import { sampleLoadResult as result, sampleStep as step } from './sample-result.js';
import { capacitySvg } from './svg.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const criteria = { minAchievedRatio: 0.99, errorRate: 0.01, p99Ms: 500, lateStartRate: 0.001 };

/** The test cases of a load junit.xml, checked to be well-formed first. */
function junitCases(xml: string): any[] {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => name === 'testcase' });
  return parser.parse(xml).testsuites.testsuite.testcase;
}

describe('load reports', () => {
  it('junit: one test case per threshold, failures carry the actual value', () => {
    const r = result({
      verdict: 'fail',
      thresholds: [
        { metric: 'latency', expression: 'p(95)<1000', actual: 1520.5, ok: false },
        { metric: 'late_starts', expression: 'rate<=0.001', actual: 0, ok: true },
      ],
    });
    const xml = renderJunit(r);
    expect(xml).toMatch(/<testsuites name="dlconform load" tests="2" failures="1" errors="0" skipped="0" time="10.000">/);
    const [latency, lateStarts] = junitCases(xml);
    expect(latency).toMatchObject({ '@_classname': 'load.smoke.pull-doc', '@_name': 'latency p(95)<1000', failure: { '@_message': 'latency p(95)<1000 failed: actual 1520.5' } });
    expect(lateStarts['@_name']).toBe('late_starts rate<=0.001');
    expect(lateStarts.failure).toBeUndefined();
  });

  it('junit: an error verdict is an error test case carrying the message', () => {
    const xml = renderJunit(result({ verdict: 'error', exitCode: 1, message: 'segment 1/1: vegeta attack exited with 1 <boom>' }));
    expect(xml).toMatch(/tests="1" failures="0" errors="1"/);
    expect(junitCases(xml)).toEqual([{ '@_classname': 'load.smoke.pull-doc', '@_name': 'run', '@_time': '0.000', error: { '@_message': 'segment 1/1: vegeta attack exited with 1 <boom>' } }]);
  });

  it('capacity: the knee test case, the summary with the plot, and an SVG that marks the knee', () => {
    const steps = [step(0, 100, 100, 5), step(1, 200, 200, 6), step(2, 300, 250, 900, 40)];
    const capacity = findKnee(steps, criteria);
    const r = result({
      profile: 'capacity',
      steps,
      capacity,
      message: 'Capacity knee: 200 req/s.',
      settings: { ...result({}).settings, profile: { startRate: 100, stepRate: 100, minAchievedRatio: 0.99 } },
    });
    expect(junitCases(renderJunit(r))).toEqual([{ '@_classname': 'load.capacity.pull-doc', '@_name': 'capacity knee', '@_time': '0.000', 'system-out': 'knee 200 req/s' }]);
    const md = renderSummary(r);
    expect(md).toMatch(/\*\*Knee: 200 req\/s\*\*/);
    expect(md).toMatch(/First step past the knee: step 2 at 300 req\/s: achieved 250 req\/s < 99% of offered 300 req\/s; 40 requests started late/);
    expect(md).toMatch(/A step is sustained when achieved ≥ 99% of offered, late starts ≤ 0.10%, errors ≤ 1.00% and p99 < 2000 ms/);
    expect(md).toMatch(/\| 1 \*\*knee\*\* \| 200 \| 200 \|/);
    expect(md).toMatch(/!\[latency percentiles against offered rate\]\(capacity.svg\)/);
    const svg = capacitySvg(steps, { kneeRate: 200, sloMs: 500 });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toMatch(/knee 200 req\/s/);
    expect(svg).toMatch(/p99 SLO 500 ms/);
    expect(svg.match(/<polyline /g)).toHaveLength(4);
    const none = result({ profile: 'capacity', steps: [step(0, 100, 10, 900)], capacity: findKnee([step(0, 100, 10, 900)], criteria) });
    expect(renderJunit(none)).toMatch(/failures="1"[\s\S]*<failure message="no step was sustained: achieved 10 req\/s/);
    expect(renderSummary(none)).toMatch(/\*\*No step was sustained\*\*/);
  });

  it('the summary names the engine, the bounds and the cheap check; late starts are a column', () => {
    const md = renderSummary(result({ total: step(0, 20, 20, 5, 3) }));
    expect(md).toMatch(/^# dlconform load: smoke \(pull-doc\) — PASS/);
    expect(md).toMatch(/vegeta v12\.13\.0; at most 60 requests in flight/);
    expect(md).toMatch(/every response cheaply checked from its first 4096 bytes/);
    expect(md).toMatch(/\| errors \| late starts \|/);
    expect(md).toMatch(/\| 0 \| 20 \| 20 \| 200 \|.*\| 0\.00% \| 3 \|/);
    expect(md).not.toMatch(/## Segments/);
    expect(md).not.toMatch(/longer than the/);
    // responses whose content marker lay beyond the capture are said to be left to the sampled checks
    const beyond = renderSummary(result({ total: { ...step(0, 20, 20, 5), beyondCapture: 12 } }));
    expect(beyond).toMatch(/12 responses were longer than the 4096 bytes captured .*raise load\.captureBytes/);
  });

  it('segments are listed; percentiles are said to come from the merged HdrHistogram', () => {
    const r = result({
      engine: { name: 'vegeta', version: 'v12.13.0', segments: 2 },
      segments: [
        { index: 1, segment: '1/2', exitCode: 0, requests: 100, p95Ms: 3, lateStarts: 0 },
        { index: 2, segment: '2/2', exitCode: 107, requests: 100, p95Ms: 4, lateStarts: 2, error: 'vegeta attack exited with 107' },
      ],
    });
    const md = renderSummary(r);
    expect(md).toMatch(/2 segments merged \(HdrHistogram\)/);
    expect(md).toMatch(/\| 2\/2 \| 100 \| 4.00 \| 2 \| 107 \(vegeta attack exited with 107\) \|[\s\S]*merged HdrHistogram of every segment, never from averaging/);
  });

  it('writes a redacted result as given: nothing the recording removed comes back', async () => {
    const redactor = new Redactor({ apiKey: 'super-secret-key-123', config: { documents: [{ owner: { fullName: 'Sunil Kumar' } }] } });
    const r = redactor.redactDeep(result({ message: 'vegeta said: Sunil Kumar super-secret-key-123' }));
    expect(renderSummary(r)).not.toMatch(/Sunil Kumar|super-secret-key-123/);

    const dir = mkdtempSync(join(tmpdir(), 'dlconform-report-'));
    dirs.push(dir);
    const raw = result({ profile: 'capacity', steps: [step(0, 100, 100, 5)], capacity: findKnee([step(0, 100, 100, 5)], criteria), message: 'Sunil Kumar super-secret-key-123' });
    const written = await writeLoadReports(redactor.redactDeep(raw), dir);
    expect(written).toEqual([LOAD_JSON, LOAD_JUNIT, LOAD_SUMMARY, REPORT_HTML, CAPACITY_SVG]);
    for (const f of written) expect(readFileSync(join(dir, f), 'utf8'), f).not.toMatch(/Sunil Kumar|super-secret-key-123/);
    const json = JSON.parse(readFileSync(join(dir, LOAD_JSON), 'utf8')) as LoadResult;
    expect(json.schemaVersion).toBe(2);
    expect(json.engine.name).toBe('vegeta');
    expect(json.files).toEqual(['load.json', 'junit.xml', 'summary.md', 'report.html', 'capacity.svg']);
    expect(LatencyHistogram.decode(json.histogram).count).toBe(0);
  });
});
