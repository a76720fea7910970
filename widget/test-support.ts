/**
 * What the widget's browser tests share: the chromium they drive (skipped locally without it, with
 * the way to install it; failed under CI=true), and a run of `dlconform widget` against one page of
 * the reference partner site with the given faults and variants.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { RunResult } from '../core/types.js';
import { type PartnerFault, startPartnerSite } from '../fixtures/partner/index.js';
import type { PartnerVariant } from '../fixtures/partner/variants.js';
import { chromiumPath } from './browser.js';
import { runWidget } from './run.js';

export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
export const CHROMIUM = chromiumPath(undefined);

/** Why the browser tests cannot run (no chromium), said once on stderr when they are skipped; undefined when they can. */
export function chromiumMissing(suite: string): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const missing = `chromium not found at ${CHROMIUM}: install it with \`apt-get install chromium\` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary`;
  if (!IN_CI) process.stderr.write(`\n[${suite}] browser tests are SKIPPED: ${missing}\n(under CI=true a missing chromium fails them instead)\n\n`);
  return missing;
}

export const APP_ID = 'DLCONFORMTEST';
export const KEY_ENV = 'DLCONFORM_WIDGET_TEST_KEY';
export type PartnerPage = 'save-to-locker' | 'requester';

export interface PartnerRun {
  browser: Browser;
  appKey: string;
  page: PartnerPage;
  faults?: PartnerFault[];
  variants?: PartnerVariant[];
}

/** `dlconform widget` (conformance policy, the test app id) on one page of a reference partner site started for the run. */
export async function runOnPartnerPage({ browser, appKey, page, faults = [], variants = [] }: PartnerRun): Promise<RunResult> {
  const site = await startPartnerSite({ appId: APP_ID, appKey, faults, variants });
  try {
    return await runWidget({ url: page === 'requester' ? site.requesterUrl : site.saveToLockerUrl, appKey, appKeyEnv: KEY_ENV, appId: APP_ID, policy: 'conformance', browser });
  } finally {
    await site.close();
  }
}
