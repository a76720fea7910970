/**
 * The reference partner site's variants in a real browser: each is a conformant-but-unusual way of
 * writing the page (fixtures/partner/variants.ts), and `dlconform widget` must pass it clean on
 * every page it applies to: no fail, warn, error or inconclusive. A variant must not hide a fault
 * either: combined with one, that fault's check still fails. One chromium for every case; without
 * it the tests skip locally and say how to install it; under CI=true they fail.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, RunResult } from '../core/types.js';
import { EXIT } from '../core/types.js';
import { type PartnerFault, startPartnerSite } from '../fixtures/partner/index.js';
import { PARTNER_VARIANT_NAMES, PARTNER_VARIANTS, type PartnerVariant, variantConflict } from '../fixtures/partner/variants.js';
import { launchChromium } from './browser.js';
import { APP_ID, CHROMIUM, chromiumMissing, IN_CI, type PartnerPage, runOnPartnerPage } from './test-support.js';

const missing = chromiumMissing('widget variants');
const APP_KEY = 'widget-variants-app-key-8e1a47';
let browser: Browser | undefined;

const runAgainst = (variants: PartnerVariant[], faults: PartnerFault[], page: PartnerPage): Promise<RunResult> => runOnPartnerPage({ browser: browser!, appKey: APP_KEY, page, faults, variants });

const notPassing = (run: RunResult) => run.checks.filter((c: CheckResult) => c.verdict !== 'pass' && c.verdict !== 'skip').map((c) => `${c.id}: ${c.verdict}: ${c.message}`);
const pagesOf = (variant: PartnerVariant): PartnerPage[] => {
  const { page } = PARTNER_VARIANTS[variant];
  return page === 'both' ? ['save-to-locker', 'requester'] : [page];
};

describe('the variants catalogue', () => {
  it('refuses combinations that cannot mean anything, naming both', () => {
    expect(variantConflict(['epoch-ts'], ['utc-ts'])).toContain('variant epoch-ts cannot be combined with fault utc-ts');
    expect(variantConflict(['epoch-ts', 'local-ts'], [])).toContain('variant epoch-ts cannot be combined with variant local-ts');
    expect(variantConflict(['local-ts'], ['utc-ts'])).toBeUndefined();
    expect(
      variantConflict(
        [...PARTNER_VARIANT_NAMES].filter((v) => v !== 'local-ts'),
        [],
      ),
    ).toBeUndefined();
  });

  it('startPartnerSite refuses a conflicting combination', async () => {
    await expect(startPartnerSite({ appId: APP_ID, appKey: APP_KEY, variants: ['epoch-ts'], faults: ['utc-ts'] })).rejects.toThrow('cannot be combined');
  });

  it('each variant writes the page differently from the reference', async () => {
    const reference = await startPartnerSite({ appId: APP_ID, appKey: APP_KEY, now: () => new Date('2026-01-01T00:00:00Z') });
    try {
      const html = async (site: { saveToLockerUrl: string; requesterUrl: string }, page: PartnerPage) => (await fetch(page === 'requester' ? site.requesterUrl : site.saveToLockerUrl)).text();
      for (const variant of PARTNER_VARIANT_NAMES) {
        const site = await startPartnerSite({ appId: APP_ID, appKey: APP_KEY, variants: [variant], now: () => new Date('2026-01-01T00:00:00Z') });
        try {
          for (const page of pagesOf(variant)) {
            const strip = (text: string) => text.replace(/127\.0\.0\.1:\d+/g, 'HOST');
            expect(strip(await html(site, page)), `${variant} on ${page}`).not.toBe(strip(await html(reference, page)));
          }
        } finally {
          await site.close();
        }
      }
    } finally {
      await reference.close();
    }
  });
});

describe.skipIf(missing !== undefined && !IN_CI)('dlconform widget in chromium: conformant-but-unusual partner pages', () => {
  beforeAll(async () => {
    if (missing) throw new Error(missing);
    browser = await launchChromium(CHROMIUM);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  for (const variant of PARTNER_VARIANT_NAMES) {
    for (const page of pagesOf(variant)) {
      it(`variant ${variant} (${page} page) passes clean`, async () => {
        const run = await runAgainst([variant], [], page);
        expect(notPassing(run)).toEqual([]);
        expect(run.checks.filter((c) => c.verdict === 'pass').length).toBeGreaterThan(0);
        expect(run.exitCode).toBe(EXIT.ok);
        // the app key and the hash, in whatever case or quotes, never reach the result
        const text = JSON.stringify(run);
        expect(text).not.toContain(APP_KEY);
        expect(text).not.toMatch(/data-app-hash=\\?["']?[0-9a-fA-F]{64}/);
      }, 60_000);
    }
  }

  for (const page of ['save-to-locker', 'requester'] as const) {
    it(`every variant at once (${page} page, local-ts aside: it and epoch-ts both set the time-stamp) passes clean`, async () => {
      const all = PARTNER_VARIANT_NAMES.filter((v) => v !== 'local-ts' && pagesOf(v).includes(page));
      const run = await runAgainst(all, [], page);
      expect(notPassing(run)).toEqual([]);
      expect(run.exitCode).toBe(EXIT.ok);
    }, 60_000);
  }

  // a variant must not hide a fault: the fault's check still fails, and nothing else does (a UTC wall
  // clock without a zone, read as IST, is also 5 h 30 min old: DigiLocker would answer 206 as well)
  const combos: { variants: PartnerVariant[]; fault: PartnerFault; page: PartnerPage; fails: string | string[] }[] = [
    { variants: ['upper-hash'], fault: 'hash-order', page: 'save-to-locker', fails: 'widget.app-hash' },
    { variants: ['epoch-ts'], fault: 'stale-ts', page: 'requester', fails: 'widget.timestamp-fresh' },
    { variants: ['local-ts'], fault: 'utc-ts', page: 'save-to-locker', fails: ['widget.timestamp-ist', 'widget.timestamp-fresh'] },
    { variants: ['extra-buttons'], fault: 'duplicate-ids', page: 'requester', fails: 'widget.button-ids' },
    { variants: ['jquery-cdn-name', 'script-in-body'], fault: 'jquery-after', page: 'save-to-locker', fails: 'widget.jquery-first' },
    { variants: ['single-quotes', 'query-string-script'], fault: 'missing-dlshare-id', page: 'requester', fails: 'widget.script-tag' },
    { variants: ['png-document'], fault: 'document-not-pdf', page: 'save-to-locker', fails: 'widget.document-fetch' },
  ];
  for (const { variants, fault, page, fails } of combos) {
    const failing = typeof fails === 'string' ? [fails] : fails;
    it(`variant ${variants.join(' + ')} with fault ${fault} (${page} page) still fails ${failing.join(', ')}`, async () => {
      const run = await runAgainst(variants, [fault], page);
      expect(run.checks.filter((c) => c.verdict !== 'pass' && c.verdict !== 'skip').map((c) => `${c.id}: ${c.verdict}`)).toEqual(failing.map((id) => `${id}: fail`));
      expect(run.exitCode).toBe(EXIT.conformanceFailure);
    }, 60_000);
  }
});
