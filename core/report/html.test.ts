import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../types.js';
import { REPORT_CSS, REPORT_JS } from './html-assets.js';
import { checkAnchor, escapeHtml, renderHtml, writeHtml } from './html.js';
import { sampleCheck, sampleExchange, sampleRun } from './sample-run.js';

const HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="alert(1)">\u202E\u0007 & "\'';

/** The markup of one check's <details>, found by its anchor. */
function checkMarkup(html: string, anchor: string): string {
  const start = html.indexOf(`<details class="check`, html.indexOf(`id="${anchor}"`) - 200);
  expect(start, `no check ${anchor}`).toBeGreaterThan(0);
  return html.slice(start, html.indexOf('</div>\n</details>', html.indexOf(`id="${anchor}"`)));
}

describe('escapeHtml', () => {
  it('leaves no markup, no attribute break-out and no invisible control or bidi character', () => {
    const out = escapeHtml(HOSTILE);
    expect(out).not.toMatch(/[<>"']/);
    expect(out).toContain('&lt;script&gt;');
    expect(out).toContain('\\u202e');
    expect(out).toContain('\\x07');
    expect(out).toContain('&amp; &quot;&#39;');
  });
});

describe('renderHtml', () => {
  it('shows hostile target output as text: no tag, attribute or script of it survives', () => {
    const hostile = sampleCheck({
      id: 'pulluri.hostile',
      verdict: 'fail',
      title: HOSTILE,
      message: HOSTILE,
      expected: HOSTILE,
      actual: HOSTILE,
      tags: ['x"><script>alert(1)</script>'],
      evidence: [sampleExchange({ response: { status: 500, headers: { 'x-evil': HOSTILE }, body: HOSTILE, truncated: true }, curl: `curl '${HOSTILE}'` })],
    });
    const html = renderHtml(sampleRun({ checks: [hostile], target: { pullUri: `http://127.0.0.1/${HOSTILE}` } }));
    // the only scripts and images are ours: one inline script, no img at all
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<script>window\.__pwned/);
    expect(html).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    expect(html).not.toContain('\u202E');
  });

  it('allows its own style and script by hash and nothing else', () => {
    const html = renderHtml(sampleRun());
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    const hash = (t: string) => createHash('sha256').update(t).digest('base64');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src 'sha256-${hash(REPORT_JS)}'`);
    expect(csp).toContain(`style-src 'sha256-${hash(REPORT_CSS)}'`);
    expect(html).toContain(`<script>${REPORT_JS}</script>`);
    expect(html).toContain(`<style>${REPORT_CSS}</style>`);
    // nothing the page would fetch
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
  });

  it('gives every check a stable anchor, unique within the page, and links findings to it', () => {
    expect(checkAnchor('pulluri.echo-ts')).toBe('check-pulluri.echo-ts');
    expect(checkAnchor('fuzz.case #3/ok')).toBe('check-fuzz.case--3-ok');
    const run = sampleRun({ checks: [sampleCheck({ id: 'a b' }), sampleCheck({ id: 'a/b', verdict: 'fail' }), ...sampleRun().checks] });
    const html = renderHtml(run);
    const ids = [...html.matchAll(/<details class="check[^>]* id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toHaveLength(run.checks.length);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('check-a-b');
    expect(ids).toContain('check-a-b-2');
    expect(ids).toContain('check-pulluri.echo-txn');
    expect(renderHtml(run)).toBe(html);
    // the findings list links to the failing check
    expect(html).toMatch(/<ul class="findings">.*<a href="#check-pulluri\.echo-txn"><code>pulluri\.echo-txn<\/code><\/a>/s);
  });

  it('states the verdict, what the exit code means and the run facts in its header, and the counts by level', () => {
    const run = sampleRun();
    const html = renderHtml(run);
    expect(html).toContain('<h1>dlconform run: FAIL</h1>');
    expect(html).toContain('Exit code <strong>1</strong>: conformance failure: 1 MUST/SECURITY-level failure.');
    for (const fact of [
      'http://127.0.0.1:8080/pulluri',
      'http://127.0.0.1:8080/pulldoc',
      '3.0',
      'conformance',
      'dlconform 0.1.0',
      '20240101T000000Z-abcd',
      '42',
      '2024-01-01T00:00:00.000Z',
      '2024-01-01T00:00:01.500Z',
    ])
      expect(html).toContain(fact);
    const counts = /<table class="counts">.*?<\/table>/s.exec(html)![0];
    expect(counts).toContain('5 in all, 1 blocking');
    expect(counts).toContain('<tr><th scope="row" class="text">MUST</th><td>1</td><td>1</td><td>0</td><td>1</td><td>0</td></tr>');
    expect(counts).toContain('<tr><th scope="row" class="text">SECURITY</th><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>');
    expect(renderHtml(sampleRun({ exitCode: 0 }))).toContain('<h1>dlconform run: PASS</h1>');
    expect(renderHtml(sampleRun({ runId: 'timing-2024' }))).toContain('<h1>dlconform timing: FAIL</h1>');
  });

  it('groups checks by API and section, with filter options drawn from the run', () => {
    const html = renderHtml(sampleRun());
    expect(html.indexOf('id="api-pulluri"')).toBeLessThan(html.indexOf('id="api-pulldoc"'));
    expect(html).toContain('id="section-pulluri-8.1.4"');
    const verdicts = /<select id="f-verdict" name="verdict">(.*?)<\/select>/.exec(html)![1]!;
    expect([...verdicts.matchAll(/value="([^"]*)"/g)].map((m) => m[1])).toEqual(['', 'fail', 'error', 'warn', 'pass', 'skip']);
    expect(html).toContain('<option value="echo">echo</option>');
    expect(html).toContain('<option value="pulldoc">Pull Doc</option>');
  });

  it('titles the groups of the targets beyond Pull and Push, in report order', () => {
    const checks = (['widget', 'requester', 'apisetu', 'pushuriacct'] as const).map((api) => sampleCheck({ id: `${api}.x`, api, section: 'x' }));
    const html = renderHtml(sampleRun({ checks }));
    const titles = [...html.matchAll(/<h2 id="h-api-[^"]*">([^<]*) <small>/g)].map((m) => m[1]);
    expect(titles).toEqual(['Push URI to Account', 'API Setu publisher form', 'Save to Locker / Requester widget', 'Requester upload service']);
  });

  it('shows each finding with its clause, source, expected and actual, excerpt and a copy button for its curl line', () => {
    const html = renderHtml(sampleRun());
    const txn = checkMarkup(html, 'check-pulluri.echo-txn');
    expect(txn).toMatch(/^<details class="check v-fail"[^>]* open>/);
    expect(txn).toContain('“ts (M): A timestamp value as sent in the request.”');
    expect(txn).toContain('<cite>SPEC-1.13 8.1.4 #1</cite>');
    expect(txn).toContain('<dt>Expected</dt><dd><code>1452503688</code></dd>\n<dt>Actual</dt><dd><code>x|y</code></dd>');
    expect(txn).toContain('&lt;PullURIResponse&gt;');
    expect(txn).toMatch(/<button type="button" class="copy" data-copy-target="(copy-c\d+)"[^>]*>Copy<\/button><pre id="\1"><code># dlconform: reproduces POST/);
    // a pass is collapsed, a skip too
    expect(checkMarkup(html, 'check-pulluri.echo-ts')).toMatch(/^<details class="check v-pass"[^>]*-tags="echo">/);
  });

  it('renders the waiver of a check with its state, reason, owner and expiry', () => {
    const waiver = (state: 'active' | 'expired' | 'stale', verdict: CheckResult['verdict']) =>
      sampleCheck({ id: `w.${state}`, verdict, waiver: { selector: 'pulluri.echo-*', reason: 'vendor fix <due>', owner: 'ops@example.in', expires: '2030-01-31', state } });
    const html = renderHtml(sampleRun({ checks: [waiver('active', 'waived'), waiver('expired', 'fail'), waiver('stale', 'pass')] }));
    const active = checkMarkup(html, 'check-w.active');
    expect(active).toContain('<span class="badge v-waived">WAIVED</span>');
    expect(active).toContain('data-waiver="active"');
    expect(active).toContain('the failure is accepted until the waiver expires: it does not block');
    expect(active).toContain('<dd>vendor fix &lt;due&gt;</dd><dt>Owner</dt><dd>ops@example.in</dd><dt>Expires</dt><dd>2030-01-31</dd><dt>Selector</dt><dd><code>pulluri.echo-*</code></dd>');
    const expired = checkMarkup(html, 'check-w.expired');
    expect(expired).toContain('<span class="tag">waiver expired</span>');
    expect(expired).toContain('the waiver has expired: the failure blocks again');
    expect(checkMarkup(html, 'check-w.stale')).toContain('the check passes now: the waiver can be removed');
    expect(html).toContain('<option value="waived">waived</option>');
  });

  it('renders the baseline diff, linking the checks of this run', () => {
    const run = sampleRun({
      failOn: 'new',
      baseline: {
        path: 'prev/result.json',
        runId: 'prev-run',
        newFailures: ['pulluri.echo-txn'],
        fixed: ['pulluri.echo-ts'],
        stillFailing: [],
        newChecks: ['pulldoc.echo-ts'],
        removedChecks: ['pulluri.gone'],
      },
    });
    const html = renderHtml(run);
    const section = /<section aria-labelledby="baseline".*?<\/section>/s.exec(html)![0];
    expect(section).toContain('Baseline run <code>prev-run</code> from <code>prev/result.json</code>');
    expect(section).toContain('<tr><th scope="row" class="text">New failures</th><td>1</td><td class="text">these block (--fail-on new)</td></tr>');
    expect(section).toContain('<tr><th scope="row" class="text">Still failing</th><td>0</td>');
    expect(section).toContain('<a href="#check-pulluri.echo-txn"><code>pulluri.echo-txn</code></a>');
    // a removed check is not in this run: named, not linked
    expect(section).toContain('<li><code>pulluri.gone</code></li>');
    expect(html).toContain('new failures only (--fail-on new)');
    expect(renderHtml(sampleRun())).not.toContain('id="baseline"');
  });

  it('shows a timing measurement as numbers: the difference, its confidence interval and the smallest detectable leak', () => {
    const timed = sampleCheck({
      id: 'timing.keyhash-compare',
      verdict: 'pass',
      timing: { pairs: 2000, differenceUs: 1.234, ciUs: [-3.5, 6.25], confidence: 0.99983, p: 0.42, minimumDetectableUs: 12.5 },
    });
    const block = checkMarkup(renderHtml(sampleRun({ checks: [timed] })), 'check-timing.keyhash-compare');
    // a pass, shown open: its numbers are what the reader wants
    expect(block).toMatch(/^<details class="check v-pass"[^>]* open>/);
    expect(block).toContain('<td>1.23 µs</td>');
    expect(block).toContain('Confidence interval (99.98%)</th><td>-3.50 µs to 6.25 µs</td>');
    expect(block).toContain('Smallest leak this run could detect (80% power)</th><td>12.5 µs</td>');
    expect(block).toContain('<td>2000</td>');
  });

  it('stays within its size by shortening and then dropping evidence, passes first', () => {
    const big = 'A'.repeat(50_000);
    const checks = Array.from({ length: 40 }, (_, i) =>
      sampleCheck({ id: `c.${i}`, verdict: i < 5 ? 'fail' : 'pass', evidence: [sampleExchange({ response: { status: 200, headers: {}, body: big, truncated: false } })] }),
    );
    const run = sampleRun({ checks });
    const roomy = renderHtml(run, { maxChars: 10_000_000 });
    expect(checkMarkup(roomy, 'check-c.0')).toContain(`${'A'.repeat(2000)}\n… (48000 more characters: see result.json)`);
    expect(checkMarkup(roomy, 'check-c.10')).toContain(`${'A'.repeat(400)}\n… (49600 more characters`);
    expect(Buffer.byteLength(roomy)).toBeGreaterThan(100_000);
    const tight = renderHtml(run, { maxChars: 100_000 });
    expect(Buffer.byteLength(tight)).toBeLessThanOrEqual(100_000);
    expect(checkMarkup(tight, 'check-c.0')).toContain('AAAA');
    expect(checkMarkup(tight, 'check-c.10')).toContain('1 exchange left out to keep this page small: see result.json.');
    const tiny = renderHtml(run, { maxChars: 50_000 });
    expect(Buffer.byteLength(tiny)).toBeLessThanOrEqual(50_000);
    expect(checkMarkup(tiny, 'check-c.0')).toContain('1 exchange left out');
  });

  it('opens with the diagnosis of a refused baseline and says when the run was aborted', () => {
    const html = renderHtml(
      sampleRun({
        diagnosis: { api: 'pulluri', cause: 'hmac-encoding', summary: 'served when signed <raw-base64>', suspects: ['hmac'], evidence: [sampleExchange()] },
        aborted: { reason: 'http://127.0.0.1:1/pulluri is unreachable', exitCode: 3 },
      }),
    );
    const diagnosis = /<section class="notice bad" aria-labelledby="diagnosis">.*?<\/section>/s.exec(html)![0];
    expect(diagnosis).toContain('<p>served when signed &lt;raw-base64&gt;</p>');
    expect(diagnosis).toContain('Look at: <code>hmac</code>');
    expect(diagnosis).toMatch(/<button type="button" class="copy" data-copy-target="copy-d1"/);
    expect(html.indexOf('id="diagnosis"')).toBeLessThan(html.indexOf('id="counts"'));
    expect(html).toContain('<strong>Run aborted</strong> (exit 3): http://127.0.0.1:1/pulluri is unreachable');
  });

  it('is written as report.html', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dlconform-html-'));
    const path = await writeHtml(sampleRun(), dir);
    expect(path).toBe(join(dir, 'report.html'));
    expect(await readFile(path, 'utf8')).toBe(renderHtml(sampleRun()));
  });
});

/** WCAG 2 relative luminance and contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('the stylesheet', () => {
  it('uses text colours with at least WCAG AA contrast (4.5:1) on the page, the panels and the notices, and white on each badge', () => {
    const vars = Object.fromEntries([...REPORT_CSS.matchAll(/--([a-z]+): (#[0-9a-f]{6})/g)].map((m) => [m[1]!, m[2]!]));
    const text = ['fg', 'muted', 'pass', 'fail', 'warn', 'skip', 'error', 'inconclusive', 'waived'];
    for (const bg of ['#ffffff', vars.panel!, '#fffaf0', '#fff5f6', '#f3fbf5']) for (const fg of text) expect(contrast(vars[fg]!, bg), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
    for (const badge of text.slice(1)) expect(contrast('#ffffff', vars[badge]!), `white on ${badge}`).toBeGreaterThanOrEqual(4.5);
    expect(contrast('#0b4fb3', '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });

  it('has a visible focus outline, no fixed widths in px, and a print stylesheet that hides the controls and opens every check', () => {
    expect(REPORT_CSS).toMatch(/:focus-visible \{ outline: 3px solid/);
    expect(REPORT_CSS).not.toMatch(/\bwidth: \d+px/);
    const print = REPORT_CSS.slice(REPORT_CSS.indexOf('@media print'));
    expect(print).toMatch(/form\.filters[^{]*\{ display: none !important; \}/);
    expect(print).toContain('details::details-content { content-visibility: visible; display: block; }');
  });
});
