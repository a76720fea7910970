/**
 * The partner page in headless Chromium (playwright-core), with no network but loopback: the
 * DigiLocker library's URL (any host, a path ending savelocker.js or dl.js) is answered by the
 * stand-in (stand-in.ts), every other request off loopback is blocked and recorded. Each load is
 * a fresh page; what the page carries and what it shows is read back as data for judge.ts.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { RawExchange } from '../core/client.js';
import { utf8Encode } from '../protocol/bytes.js';
import { widgetKindOf, type WidgetErrorCode, type WidgetResult } from '../protocol/widget.js';
import { STAND_IN_GLOBAL, standInScript, type StandInRecord } from './stand-in.js';

/** --chromium, else $CHROMIUM_PATH, else Debian's /usr/bin/chromium, else a chromium on PATH. */
export function chromiumPath(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return explicit;
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  const dirs = ['/usr/bin', ...(env.PATH ?? '').split(delimiter).filter((d) => d !== '')];
  return dirs.map((d) => join(d, 'chromium')).find((p) => existsSync(p)) ?? '/usr/bin/chromium';
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true });
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

/** 127.0.0.0/8, localhost or ::1 over http(s)/ws(s), or a local scheme (file:, data:, blob:, about:). */
export function isLocalUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (['file:', 'data:', 'blob:', 'about:'].includes(url.protocol)) return true;
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) return false;
  return LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname);
}

export interface ScriptTag {
  /** the src as the browser resolved it */
  src: string;
  attributes: Record<string, string>;
}

export interface WidgetButton {
  id: string | null;
  /** the href attribute as written (Save to Locker) */
  href: string | null;
  /** the href as the browser resolved it against the page */
  resolvedHref: string | null;
}

export interface PageLoad {
  url: string;
  /** when the page's response arrived: what the time-stamp's age is measured from */
  servedAt: Date;
  /** the page's own response, for the evidence (undefined: the navigation failed) */
  exchange?: RawExchange;
  error?: string;
  /** every script with a src, in document order */
  scripts: ScriptTag[];
  /** set when the stand-in ran */
  standIn?: StandInRecord;
  lockerSavers: WidgetButton[];
  requesterButtons: WidgetButton[];
  /** requests off loopback the browser refused to send */
  blocked: string[];
  pageErrors: string[];
}

export type Outcome = WidgetErrorCode | WidgetResult;

export interface OutcomeShown {
  outcome: Outcome;
  /** the stand-in acted it out (false: the stand-in never ran, or there was no button to add result to) */
  simulated: boolean;
  /** the page's visible text before and after */
  before: string;
  after: string;
  dialogs: string[];
  pageErrors: string[];
}

export interface BrowserLimits {
  /** per navigation */
  navigationTimeoutMs: number;
  /** how long the page gets to react to an outcome */
  settleMs: number;
}

export const DEFAULT_BROWSER_LIMITS: BrowserLimits = { navigationTimeoutMs: 15_000, settleMs: 100 };

/** The page's HTML kept for the evidence, at most. */
const PAGE_BODY_LIMIT = 256 * 1024;
/** Blocked requests recorded per load, at most. */
const BLOCKED_LIMIT = 50;

/**
 * What the widget needs from a loaded page, read in the page. Page code is given as source text:
 * a function would be serialised as the build wrote it, with helpers the page does not have.
 */
const READ_PAGE = `(() => {
  const attributesOf = (el) => Object.fromEntries(Array.from(el.attributes, (a) => [a.name, a.value]));
  const button = (el) => ({ id: el.getAttribute('id'), href: el.getAttribute('href'), resolvedHref: el instanceof HTMLAnchorElement && el.hasAttribute('href') ? el.href : null });
  const state = window.${STAND_IN_GLOBAL};
  return {
    scripts: Array.from(document.querySelectorAll('script[src]'), (s) => ({ src: s.src, attributes: attributesOf(s) })),
    standIn: state ? { kind: state.kind, jquery: state.jquery, src: state.src } : undefined,
    lockerSavers: Array.from(document.querySelectorAll('a.locker-saver'), button),
    requesterButtons: Array.from(document.querySelectorAll('div.share_fm_dl'), button),
  };
})()`;

const VISIBLE_TEXT = `(document.body ? document.body.innerText : '').slice(0, 4000)`;

/**
 * A page that never yields (a script in an endless loop) would hold page.evaluate forever: every
 * step in the page gets the navigation timeout, and a step that overruns fails the load.
 */
async function bounded<T>(step: Promise<T>, limits: BrowserLimits, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the page did not answer within ${limits.navigationTimeoutMs} ms while ${what}`)), limits.navigationTimeoutMs);
  });
  try {
    return await Promise.race([step, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A browser context whose only network is loopback, with the stand-in in place of DigiLocker's library. */
export async function widgetContext(browser: Browser): Promise<{ context: BrowserContext; blocked: string[] }> {
  const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1024, height: 800 } });
  const blocked: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    const kind = widgetKindOf(url);
    if (kind) return route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: standInScript(kind) });
    if (isLocalUrl(url)) return route.continue();
    if (blocked.length < BLOCKED_LIMIT) blocked.push(url);
    return route.abort('blockedbyclient');
  });
  return { context, blocked };
}

/** Loads `url` in a fresh page, reads what the widget needs from it, then runs `act` on the open page (when given). */
export async function loadPage<T = undefined>(
  context: BrowserContext,
  blocked: string[],
  url: string,
  limits: BrowserLimits,
  act?: (page: Page, pageErrors: string[], dialogs: string[]) => Promise<T>,
): Promise<{ load: PageLoad; acted?: T }> {
  const page = await context.newPage();
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  blocked.length = 0;
  const startedAt = Date.now();
  let servedAt = new Date(startedAt);
  page.on('response', (r) => {
    if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) servedAt = new Date();
  });
  try {
    const response = await page.goto(url, { waitUntil: 'load', timeout: limits.navigationTimeoutMs });
    const html = await bounded(response ? response.text().catch(() => '') : page.content(), limits, 'reading the page');
    const kept = html.length > PAGE_BODY_LIMIT ? html.slice(0, PAGE_BODY_LIMIT) : html;
    const bytes = utf8Encode(kept);
    const exchange: RawExchange = {
      request: { method: 'GET', url, headers: {}, body: '' },
      response: { status: response?.status() ?? 200, headers: response?.headers() ?? {}, bytes, text: kept, truncated: kept.length < html.length },
      startedAt,
      durationMs: Date.now() - startedAt,
    };
    const read = (await bounded(page.evaluate(READ_PAGE), limits, 'reading the page')) as {
      scripts: ScriptTag[];
      standIn?: StandInRecord;
      lockerSavers: WidgetButton[];
      requesterButtons: WidgetButton[];
    };
    const acted = act ? await act(page, pageErrors, dialogs) : undefined;
    return {
      load: {
        url,
        servedAt,
        exchange,
        scripts: read.scripts,
        ...(read.standIn && { standIn: read.standIn }),
        lockerSavers: read.lockerSavers,
        requesterButtons: read.requesterButtons,
        blocked: [...blocked],
        pageErrors: [...pageErrors],
      },
      ...(acted !== undefined && { acted }),
    };
  } catch (err) {
    return {
      load: {
        url,
        servedAt,
        error: (err as Error).message.split('\n')[0] ?? 'navigation failed',
        scripts: [],
        lockerSavers: [],
        requesterButtons: [],
        blocked: [...blocked],
        pageErrors: [...pageErrors],
      },
    };
  } finally {
    // a page stuck in a script may not close politely: do not wait for it longer than a step
    await bounded(page.close({ runBeforeUnload: false }), limits, 'closing').catch(() => {});
  }
}

const visibleText = async (page: Page, limits: BrowserLimits) => String(await bounded(page.evaluate(VISIBLE_TEXT), limits, 'reading what the page shows'));

/**
 * Has the stand-in act out each outcome in turn on an open page, recording what the page shows
 * before and after each (what an earlier outcome left on the page is in the next one's "before").
 */
export async function showOutcomes(page: Page, outcomes: readonly Outcome[], pageErrors: string[], dialogs: string[], limits: BrowserLimits): Promise<OutcomeShown[]> {
  const shown: OutcomeShown[] = [];
  for (const outcome of outcomes) {
    const before = await visibleText(page, limits);
    const errorsBefore = pageErrors.length;
    const dialogsBefore = dialogs.length;
    const simulated = (await bounded(page.evaluate(`window.${STAND_IN_GLOBAL} ? window.${STAND_IN_GLOBAL}.simulate(${JSON.stringify(outcome)}) : false`), limits, `acting out ${outcome}`)) === true;
    // the page reacts in its own time (a MutationObserver, a timer): give it a frame and then settleMs
    await bounded(page.evaluate(`new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, ${Number(limits.settleMs)})))`), limits, `waiting for the page after ${outcome}`);
    const after = await visibleText(page, limits);
    shown.push({ outcome, simulated, before, after, dialogs: dialogs.slice(dialogsBefore), pageErrors: pageErrors.slice(errorsBefore) });
  }
  return shown;
}
