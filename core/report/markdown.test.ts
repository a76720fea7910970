import { describe, expect, it } from 'vitest';
import { escapeCell, renderMarkdown } from './markdown.js';
import { sampleGatedRun } from './sample-gated-run.js';
import { sampleCheck, sampleExchange, sampleRun } from './sample-run.js';

/** The cells of a GFM table row, split on unescaped pipes as GitHub does. */
function cells(row: string): string[] {
  return row
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

describe('escapeCell', () => {
  it('escapes pipes, newlines, markup and HTML', () => {
    expect(escapeCell('a|b\nc\r\nd')).toBe('a\\|b<br>c<br>d');
    expect(escapeCell('<script>&"')).toBe('&lt;script&gt;&amp;&quot;');
    expect(escapeCell('*x* _y_ `z` [l](u)')).toBe('\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u)');
  });
});

describe('renderMarkdown', () => {
  const md = renderMarkdown(sampleRun());

  it('starts with a headline with counts', () => {
    expect(md.split('\n')[0]).toBe('## ❌ dlconform: 1 passed, 1 failed (1 blocking), 1 warning, 1 error, 1 skipped');
    const ok = renderMarkdown(sampleRun({ exitCode: 0, checks: [sampleCheck()], summary: { total: 1, pass: 1, fail: 0, warn: 0, skip: 0, error: 0, inconclusive: 0, waived: 0, blocking: 0 } }));
    expect(ok.split('\n')[0]).toBe('## ✅ dlconform: 1 passed, 0 failed');
    expect(ok).not.toContain('### Failures');
  });

  it('has a table by level', () => {
    expect(md).toContain('| Level | Pass | Fail | Warn | Skip | Error | Inconclusive |');
    expect(md).toContain('| MUST | 1 | 1 | 0 | 1 | 0 |');
    expect(md).toContain('| SECURITY | 0 | 0 | 0 | 0 | 1 |');
  });

  it('lists failures before warnings, each row with exactly five cells', () => {
    const start = md.indexOf('| | Check | Level | Clause | Message |');
    const rows = md
      .slice(start)
      .split('\n')
      .slice(2)
      .filter((l) => l.startsWith('|'));
    expect(rows.map((r) => cells(r)[1])).toEqual(['`pulluri.echo-txn`', '`pulldoc.echo-ts`', '`pulluri.status-text`']);
    for (const r of rows) expect(cells(r)).toHaveLength(5);
    expect(rows[0]).toContain('txn differs \\| expected &lt;1452503688&gt; &amp; got &quot;x&quot;<br>second line');
    expect(rows[0]).not.toMatch(/\n/);
  });

  it('puts evidence in <details> with a fence the content cannot close', () => {
    expect(md).toContain('<details><summary>❌ <code>pulluri.echo-txn</code> — the response echoes txn</summary>');
    expect(md).toContain('```sh\n# dlconform: reproduces POST');
    expect(md).toContain('````sh\ncurl ```fenced``` x\n````');
    expect(md).toContain('**Expected:** 1452503688<br>');
  });

  it('shows the response each evidence block got, as recorded, cut when long', () => {
    expect(md).toContain('Response:\n\n```xml\n<PullURIResponse><ResponseStatus Status="1"');
    const long = sampleExchange({ response: { status: 500, headers: {}, body: `<html>${'y'.repeat(5000)}</html>`, truncated: false } });
    const out = renderMarkdown(sampleRun({ checks: [sampleCheck({ verdict: 'fail', evidence: [long] })] }));
    expect(out).toContain('… (cut: the recorded excerpt is in result.json)');
    expect(out).not.toContain('y'.repeat(1300));
  });

  it('leaves out evidence rather than exceed the size limit', () => {
    const huge = sampleExchange({ curl: 'x'.repeat(5000) });
    const checks = Array.from({ length: 50 }, (_, i) => sampleCheck({ id: `c${i}`, verdict: 'fail', evidence: [huge] }));
    const out = renderMarkdown(sampleRun({ checks }), { maxChars: 40_000 });
    expect(out.length).toBeLessThan(40_000);
    expect(out).toMatch(/Evidence of \d+ more checks left out/);
  });

  it('shows an aborted run', () => {
    const out = renderMarkdown(sampleRun({ aborted: { reason: 'target | down', exitCode: 3 }, exitCode: 3 }));
    expect(out).toContain('> **Run aborted:** target \\| down');
    expect(out).toContain('exit code **3** (target unreachable)');
  });
});

describe('renderMarkdown with waivers and a baseline', () => {
  const md = renderMarkdown(sampleGatedRun());

  it('a waivers table: each waived, expired or stale check with its waiver, owner, expiry and reason', () => {
    expect(md).toContain('### Waivers');
    const rows = md.split('\n').filter((l) => l.startsWith('| `'));
    const waiverRows = rows.filter((r) => cells(r).length === 7).map(cells);
    expect(waiverRows).toEqual([
      ['`pulluri.echo.ts`', 'MUST', '`pulluri.echo.ts`', '🧹 stale: the check passes, remove the waiver', 'issuer-team', '2026-06-30', 'fixed in release 4.2 \\| see &lt;ticket&gt;'],
      ['`pulluri.echo.txn`', 'MUST', '`echo`', '🛡️ waived', 'issuer-team', '2026-06-30', 'fixed in release 4.2 \\| see &lt;ticket&gt;'],
      ['`pulldoc.echo.txn`', 'MUST', '`pulldoc.echo.txn`', '⏰ expired: blocking', 'vendor', '2026-01-31', 'fixed in release 4.2 \\| see &lt;ticket&gt;'],
    ]);
    expect(md.split('\n')[0]).toContain('1 waived');
    expect(renderMarkdown(sampleRun())).not.toContain('### Waivers');
  });

  it('the baseline diff, group by group', () => {
    expect(md).toContain('### Compared with the baseline\n\nPrevious run `prev-run` (`reports/prev/result.json`).');
    expect(md).toContain('| 🆕 New failures (1) | `pulluri.auth.unauthenticated` |');
    expect(md).toContain('| ✅ Fixed (1) | `pulluri.echo.ts` |');
    expect(md).toContain('| ❌ Still failing (1) | `pulldoc.echo.txn` |');
    expect(md).toContain('| ➖ Removed checks (1) | `pulluri.old-check` |');
    expect(md).toContain('1 new failure since the baseline (--fail-on new)');
  });
});
