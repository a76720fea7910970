/**
 * report partner's report.html in a real browser (Debian's chromium via playwright-core, headless,
 * launched as cli/report-html.browser.test.ts does): made by `demo --partner` clean and with a
 * fault, each must load from file:// with no console error and no request but itself, show every
 * rule with its verdict, and print to a PDF. Without chromium the tests skip locally; under
 * CI=true they fail.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARTNER_RULE_IDS } from '../protocol/partner.js';
import { partnerDemo } from './partner.js';

const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
const CHROMIUM =
  process.env.CHROMIUM_PATH ?? ['/usr/bin', ...(process.env.PATH ?? '').split(delimiter).filter((d) => d !== '')].map((d) => join(d, 'chromium')).find((p) => existsSync(p)) ?? '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? undefined : `chromium not found at ${CHROMIUM}: install it with \`apt-get install chromium\`, or set CHROMIUM_PATH`;

const dir = mkdtempSync(join(tmpdir(), 'dlconform-partner-html-'));
const quiet = { stdout: () => {}, stderr: () => {} };
let browser: Browser | undefined;

describe.skipIf(missing !== undefined && !IN_CI)('report partner: report.html in chromium', () => {
  beforeAll(async () => {
    if (missing) throw new Error(missing);
    expect(await partnerDemo(['--partner', '--db', join(dir, 'clean.sqlite'), '--report-dir', join(dir, 'clean')], quiet)).toBe(0);
    expect(await partnerDemo(['--partner', '--db', join(dir, 'bad.sqlite'), '--report-dir', join(dir, 'bad'), '--fault', 'wrong-upload-hmac'], quiet)).toBe(1);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [kind, title, failing] of [
    ['clean', 'PASS', []],
    ['bad', 'FAIL', ['partner-upload-hmac']],
  ] as const) {
    it(`${kind}: loads with no error and no request, lists every rule, prints to a PDF`, async () => {
      const p = await browser!.newPage();
      const url = pathToFileURL(join(dir, kind, 'report.html')).href;
      const problems: string[] = [];
      p.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
      });
      p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      p.on('request', (r) => {
        if (r.url() !== url) problems.push(`request: ${r.url()}`);
      });
      await p.goto(url, { waitUntil: 'load' });
      expect(await p.locator('h1').textContent()).toBe(`dlconform report partner: ${title}`);
      const rows = p.locator('#rules + div table tbody tr');
      expect(await rows.count()).toBe(PARTNER_RULE_IDS.length);
      const failed = await p.locator('tr:has(.badge.v-fail) code').allTextContents();
      expect(failed).toEqual([...failing]);
      const pdf = await p.pdf({ format: 'A4', printBackground: true });
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(problems).toEqual([]);
      await p.close();
    });
  }
});
