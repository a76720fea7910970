import { describe, expect, it } from 'vitest';
import { sampleCheck, sampleExchange } from '../core/report/sample-run.js';
import { renderLoadHtml } from './html.js';
import { findKnee } from './knee.js';
import { sampleLoadResult, sampleStep } from './sample-result.js';

const criteria = { minAchievedRatio: 0.99, errorRate: 0.01, p99Ms: 500, lateStartRate: 0.001 };

describe('renderLoadHtml', () => {
  it('a capacity run: the knee in words and on the chart, every step with its verdict', () => {
    const steps = [sampleStep(0, 50, 50, 20), sampleStep(1, 100, 100, 40), sampleStep(2, 150, 120, 900, 30)];
    const html = renderLoadHtml(sampleLoadResult({ profile: 'capacity', steps, capacity: findKnee(steps, criteria), verdict: 'pass', message: 'Knee at 100 req/s.' }));
    expect(html).toContain('<h1>dlconform load: PASS</h1>');
    expect(html).toContain('<strong>Knee: 100 req/s</strong> (achieved 100 req/s, p99 40.00 ms)');
    expect(html).toMatch(/First step past the knee: step 2 at 150 req\/s: achieved 120/);
    // the same SVG as capacity.svg, inline, with the knee line
    expect(html).toMatch(/<figure><svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>[\s\S]*knee 100 req\/s[\s\S]*<\/svg>/);
    expect(html).toContain('<td class="text">1 <strong>knee</strong></td><td>100</td><td>100</td>');
    expect(html).toMatch(/<td class="text">2<\/td>.*<td class="text">not sustained: achieved 120/);
    expect(html).toMatch(/<td class="text">0<\/td>.*<td class="text">sustained<\/td><\/tr>/);
  });

  it('a smoke run: thresholds with their results, the fail verdict, the sampled failures with escaped evidence', () => {
    const failure = sampleCheck({
      id: 'pulldoc.echo.ts',
      verdict: 'fail',
      message: 'ts not echoed',
      evidence: [sampleExchange({ response: { status: 200, headers: {}, body: '<script>window.__pwned=1</script>', truncated: false } })],
    });
    const html = renderLoadHtml(
      sampleLoadResult({
        verdict: 'fail',
        exitCode: 1,
        message: 'latency p(95)<1 failed',
        thresholds: [
          { metric: 'latency', expression: 'p(95)<1', actual: 3.5, ok: false },
          { metric: 'errors', expression: 'rate<0.01', actual: 0, ok: true },
        ],
        conformance: { samples: 10, pass: 9, fail: 1, byCheck: { 'pulldoc.echo.ts': { pass: 9, fail: 1, warn: 0, skip: 0 } }, failures: [failure] },
      }),
    );
    expect(html).toContain('<h1>dlconform load: FAIL</h1>');
    expect(html).toContain('<td class="text">latency</td><td class="text"><code>p(95)&lt;1</code></td><td>3.5</td><td class="text"><span class="badge v-fail">FAIL</span></td>');
    expect(html).toContain('<td class="text">errors</td><td class="text"><code>rate&lt;0.01</code></td><td>0</td><td class="text"><span class="badge v-pass">PASS</span></td>');
    expect(html).toContain('id="sampled-pulldoc.echo.ts"');
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).toContain('class="copy"');
  });
});
