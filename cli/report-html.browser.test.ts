/**
 * report.html in a real browser: Debian's chromium driven by playwright-core, headless. One
 * report of each kind is made by the real code path: `run`, `fuzz` and `timing` against the
 * embedded reference issuer with a fault (real HTTP on loopback), `report push` over a mock
 * DigiLocker's database, and `load` from a LoadResult (vegeta is not run here). Each page must load
 * from file:// with no console error and no request but itself; filters, search, deep links and
 * the copy button must work; print gives a PDF with every check expanded. A screenshot and the PDF
 * of each kind are kept under reports/test-artifacts/ (git-ignored) for a person to look at.
 *
 * Without chromium the tests skip locally and say how to install it; under CI=true they fail.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config/index.js';
import { writeReports } from '../core/report/index.js';
import type { RunResult } from '../core/types.js';
import { startMockDigiLocker } from '../fixtures/digilocker/index.js';
import { startIssuer, type RunningIssuer } from '../fixtures/issuer/index.js';
import { pushCsv } from '../fixtures/issuer/push-client.js';
import { DocumentStore } from '../fixtures/issuer/store.js';
import { findKnee } from '../load/knee.js';
import { writeLoadReports } from '../load/report.js';
import { sampleLoadResult, sampleStep } from '../load/sample-result.js';
import { reportPush } from './digilocker.js';
import { fuzzCommand } from './fuzz.js';
import { runAndReport } from './run.js';
import { timingCommand } from './timing.js';

const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
/** CHROMIUM_PATH, else Debian's /usr/bin/chromium, else a chromium on PATH (what .ci/run checks for). */
const CHROMIUM =
  process.env.CHROMIUM_PATH ?? ['/usr/bin', ...(process.env.PATH ?? '').split(delimiter).filter((d) => d !== '')].map((d) => join(d, 'chromium')).find((p) => existsSync(p)) ?? '/usr/bin/chromium';
const missing = existsSync(CHROMIUM)
  ? undefined
  : `chromium not found at ${CHROMIUM}: install it with \`apt-get install chromium\` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary`;
if (missing && !IN_CI) process.stderr.write(`\n[report.html] browser tests are SKIPPED: ${missing}\n(under CI=true a missing chromium fails them instead)\n\n`);

const ARTIFACTS = resolve('reports', 'test-artifacts');
const KEY_ENV = 'DLCONFORM_HTML_BROWSER_KEY';
const KEY = 'html-browser-key-0123456789abcdef';
const HOSTILE = '<script>window.__pwned = true</script><img src="http://127.0.0.1:9/x.png">';

const dir = mkdtempSync(join(tmpdir(), 'dlconform-html-browser-'));
const page: Record<'run' | 'fuzz' | 'timing' | 'load' | 'push' | 'hostile', string> = {
  run: join(dir, 'run', 'report.html'),
  fuzz: join(dir, 'fuzz', 'report.html'),
  timing: join(dir, 'timing', 'report.html'),
  load: join(dir, 'load', 'report.html'),
  push: join(dir, 'push', 'report.html'),
  hostile: join(dir, 'hostile', 'report.html'),
};
let browser: Browser | undefined;
let context: BrowserContext;
let issuer: RunningIssuer | undefined;
let run: RunResult;

const sink = () =>
  new Writable({
    write(_chunk, _enc, done) {
      done();
    },
  });
const quiet = { stdout: () => {}, stderr: () => {} };

async function makeReports(): Promise<void> {
  process.env[KEY_ENV] = KEY;
  issuer = await startIssuer({ apiKey: KEY, documents: 4, faults: ['txn-not-echoed'] });
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify({ ...issuer.config(KEY_ENV), client: { timeoutMs: 5000 } }));
  const { config, apiKey } = await loadConfig(configPath, process.env);
  const only = ['pulluri.transport', 'pulluri.echo', 'pulluri.success', 'pulluri.auth', 'pulldoc.echo'];
  expect(await runAndReport(config, apiKey, { only, skip: [], quiet: true, reportDir: join(dir, 'run'), seed: 7 }, sink())).toBe(1);
  run = JSON.parse(readFileSync(join(dir, 'run', 'result.json'), 'utf8')) as RunResult;
  expect(await fuzzCommand(['--config', configPath, '--runs', '25', '--rate', '100000', '--seed', '1', '-q', '--report-dir', join(dir, 'fuzz')], sink())).toBeTypeOf('number');
  expect(await timingCommand(['--config', configPath, '--samples', '100', '--seed', '1', '--only', 'keyhash-compare', '-q', '--report-dir', join(dir, 'timing')], sink())).toBeTypeOf('number');

  // the same run with a hostile answer recorded in its evidence: what a target could send
  const firstFailure = run.checks.findIndex((c) => c.verdict === 'fail' && c.evidence[0]?.response);
  const hostile = structuredClone(run);
  hostile.checks[firstFailure]!.evidence[0]!.response!.body = HOSTILE;
  hostile.checks[firstFailure]!.message = HOSTILE;
  await writeReports(hostile, join(dir, 'hostile'));

  const steps = [sampleStep(0, 50, 50, 20), sampleStep(1, 100, 100, 45), sampleStep(2, 150, 131, 900, 40)];
  const capacity = findKnee(steps, { minAchievedRatio: 0.99, errorRate: 0.01, p99Ms: 500, lateStartRate: 0.001 });
  mkdirSync(join(dir, 'load'));
  await writeLoadReports(
    sampleLoadResult({
      profile: 'capacity',
      steps,
      total: sampleStep(0, 100, 94, 900),
      capacity,
      thresholds: [{ metric: 'latency', expression: 'p(99)<500', actual: 900, ok: false }],
      verdict: 'fail',
      exitCode: 1,
      message: 'Knee at 100 req/s; latency p(99)<500 failed.',
    }),
    join(dir, 'load'),
  );

  const dbPath = join(dir, 'push.sqlite');
  const store = new DocumentStore({ orgId: 'in.gov.dlconform.demo', documents: 4, seed: 2 });
  const mock = await startMockDigiLocker({ apiKey: KEY, orgId: store.orgId, dbPath });
  await pushCsv({ digiLockerUrl: mock.url, apiKey: KEY, orgId: store.orgId, store });
  await pushCsv({ digiLockerUrl: mock.url, apiKey: KEY, orgId: store.orgId, store, faults: ['push-bad-checkdigit'] });
  await mock.close();
  expect(await reportPush(['push', '--db', dbPath, '--report-dir', join(dir, 'push')], quiet)).toBe(1);
}

/** Opens a report from file:// and records every console error, page error and request. */
async function open(path: string, hash = ''): Promise<{ page: Page; problems: string[] }> {
  const p = await context.newPage();
  const url = pathToFileURL(path).href;
  const problems: string[] = [];
  p.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  p.on('request', (r) => {
    if (r.url() !== url && r.url() !== url + hash) problems.push(`request: ${r.url()}`);
  });
  await p.goto(url + hash, { waitUntil: 'load' });
  return { page: p, problems };
}

const visibleChecks = (p: Page) => p.locator('details.check:visible');

describe.skipIf(missing !== undefined && !IN_CI)('report.html in chromium', () => {
  beforeAll(async () => {
    if (missing) throw new Error(missing);
    mkdirSync(ARTIFACTS, { recursive: true });
    await makeReports();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
    context = await browser.newContext({ viewport: { width: 1280, height: 1600 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await issuer?.close();
    delete process.env[KEY_ENV];
    rmSync(dir, { recursive: true, force: true });
  });

  for (const kind of ['run', 'fuzz', 'timing', 'load', 'push'] as const) {
    it(`${kind}: loads from file:// with no error and no request, and prints to a PDF with every detail open`, async () => {
      const { page: p, problems } = await open(page[kind]);
      expect(await p.locator('h1').textContent()).toMatch(/^dlconform .*: (PASS|FAIL)$/);
      await p.screenshot({ path: join(ARTIFACTS, `report-${kind}.png`) });
      await p.emulateMedia({ media: 'print' });
      // in print every <details> shows its content and no control is shown
      const closed = p.locator('details:not([open]) > :not(summary)');
      for (const el of await closed.all()) expect(await el.isVisible()).toBe(true);
      expect(await p.locator('form, button').evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().height > 0).length)).toBe(0);
      const pdf = await p.pdf({ format: 'A4', printBackground: true });
      expect(pdf.length).toBeGreaterThan(1000);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      writeFileSync(join(ARTIFACTS, `report-${kind}.pdf`), pdf);
      expect(problems).toEqual([]);
      await p.close();
    });
  }

  it('run: the verdict filter and the search box change what is shown', async () => {
    const { page: p, problems } = await open(page.run);
    const total = run.checks.length;
    const failing = run.checks.filter((c) => c.verdict === 'fail').length;
    expect(failing).toBeGreaterThan(0);
    expect(failing).toBeLessThan(total);
    expect(await visibleChecks(p).count()).toBe(total);
    await p.selectOption('#f-verdict', 'fail');
    expect(await visibleChecks(p).count()).toBe(failing);
    expect(new Set(await visibleChecks(p).evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict'))))).toEqual(new Set(['fail']));
    await expect.poll(() => p.locator('#shown').textContent()).toBe(`${failing} of ${total} checks shown`);
    await p.selectOption('#f-verdict', '');
    await p.fill('#f-q', 'pulldoc.echo.txn');
    expect(await visibleChecks(p).evaluateAll((els) => els.map((e) => e.id))).toEqual(['check-pulldoc.echo.txn']);
    // a section with nothing left to show is hidden with its heading
    expect(await p.locator('#api-pulluri').isVisible()).toBe(false);
    await p.click('button[type=reset]');
    await expect.poll(() => visibleChecks(p).count()).toBe(total);
    expect(problems).toEqual([]);
    await p.close();
  });

  it('run: the copy button puts the curl line on the clipboard', async () => {
    const { page: p, problems } = await open(page.run);
    const button = p.locator('details.check[open] button.copy').first();
    const target = await button.getAttribute('data-copy-target');
    await button.click();
    await expect.poll(() => button.getAttribute('data-copied')).toBe('yes');
    const copied = await p.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await p.locator(`#${target}`).textContent());
    expect(copied).toMatch(/^# dlconform: reproduces POST http:\/\/127\.0\.0\.1:\d+\/pull/);
    expect(copied).not.toContain(KEY);
    expect(problems).toEqual([]);
    await p.close();
  });

  it('run: a deep link opens its check; keyboard alone reaches the filters and opens a check, with a visible focus ring', async () => {
    const passing = run.checks.find((c) => c.verdict === 'pass')!;
    const anchor = `check-${passing.id}`;
    const { page: p, problems } = await open(page.run, `#${anchor}`);
    const linked = p.locator(`[id="${anchor}"]`);
    expect(await linked.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await linked.isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await p.close();

    const { page: k, problems: keyboardProblems } = await open(page.run);
    await k.keyboard.press('Tab');
    for (let i = 0; i < 60 && (await k.evaluate(() => document.activeElement?.id)) !== 'f-verdict'; i++) await k.keyboard.press('Tab');
    expect(await k.evaluate(() => document.activeElement?.id)).toBe('f-verdict');
    expect(await k.evaluate(() => getComputedStyle(document.activeElement!).outlineWidth)).toBe('3px');
    const summary = k.locator(`[id="${anchor}"] > summary`);
    await summary.focus();
    await k.keyboard.press('Enter');
    expect(await k.locator(`[id="${anchor}"]`).evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(keyboardProblems).toEqual([]);
    await k.close();
  });

  it('run: at 200% zoom (half the width) the page reflows without a horizontal scroll bar', async () => {
    const zoomed = await browser!.newContext({ viewport: { width: 640, height: 900 } });
    const p = await zoomed.newPage();
    await p.goto(pathToFileURL(page.run).href);
    expect(await p.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await p.screenshot({ path: join(ARTIFACTS, 'report-run-200pct.png') });
    await zoomed.close();
  });

  it('a <script> a target sent is shown as text and never runs', async () => {
    const { page: p, problems } = await open(page.hostile);
    expect(await p.evaluate(() => (window as { __pwned?: boolean }).__pwned)).toBeUndefined();
    expect(await p.locator('main script, main img').count()).toBe(0);
    expect(await p.locator('pre.response', { hasText: HOSTILE }).count()).toBe(1);
    expect(await p.locator('p.message', { hasText: HOSTILE }).count()).toBe(1);
    expect(problems).toEqual([]);
    await p.close();
  });

  it('timing: the measured difference, its confidence interval and the smallest detectable leak are shown as numbers', async () => {
    const { page: p } = await open(page.timing);
    const table = p.locator('[id="check-timing.keyhash-compare"] table.timing');
    expect(await table.locator('th', { hasText: /^Confidence interval \(\d+(\.\d+)?%\)$/ }).count()).toBe(1);
    expect(await table.textContent()).toMatch(/Measured difference-?\d+\.\d+ µs.*Smallest leak this run could detect \(80% power\)\d+\.\d+ µs.*Pairs measured100/);
    await p.close();
  });
});
