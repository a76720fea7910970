/**
 * One `dlconform widget` run: the page loaded twice in Chromium (a second or more apart, so a
 * time-stamp made per load differs), each outcome of its widget acted out on the second load, the
 * documents behind Save to Locker's hrefs fetched on loopback, and the checks judged into the
 * RunResult every command writes.
 */
import type { Browser } from 'playwright-core';
import { TargetClient } from '../core/client.js';
import { Evidence } from '../core/evidence.js';
import { nodeHash } from '../core/node-hash.js';
import type { Policy } from '../core/policy.js';
import { Redactor } from '../core/redact.js';
import { runResult } from '../core/run-result.js';
import { EXIT, type RunResult } from '../core/types.js';
import { UPLOAD_MAX_BYTES } from '../protocol/partner.js';
import { errorCodesOf, WIDGET_RESULTS } from '../protocol/widget.js';
import { type BrowserLimits, DEFAULT_BROWSER_LIMITS, launchChromium, loadPage, type Outcome, type OutcomeShown, showOutcomes, widgetContext } from './browser.js';
import { judgeWidget, type UploadServiceChecks, widgetScriptOf } from './judge.js';

export interface WidgetRunOptions {
  /** the page: http(s) on loopback, or file:// */
  url: string;
  appKey: string;
  appKeyEnv: string;
  appId?: string;
  policy: Policy;
  /** the Chromium to launch, unless `browser` is given */
  chromium?: string;
  /** a browser to reuse (the tests run many pages through one) */
  browser?: Browser;
  limits?: BrowserLimits;
  /** the Requester's upload service checks, run once its URL is https */
  uploadServiceChecks?: UploadServiceChecks;
  runId?: string;
}

/** the documents behind the hrefs: one at a time, each at most the upload limit and one byte */
const CLIENT = { timeoutMs: 10_000, concurrency: 1, timeBudgetMs: 60_000, maxResponseBytes: UPLOAD_MAX_BYTES + 1 };

export async function runWidget(opts: WidgetRunOptions): Promise<RunResult> {
  const startedAt = new Date();
  const limits = opts.limits ?? DEFAULT_BROWSER_LIMITS;
  const redactor = new Redactor({ apiKey: opts.appKey });
  const evidence = new Evidence(redactor, { apiKeyEnv: opts.appKeyEnv, client: CLIENT }, opts.appKey);
  const browser = opts.browser ?? (await launchChromium(opts.chromium ?? '/usr/bin/chromium'));
  const client = new TargetClient(CLIENT);
  const base = {
    runId: opts.runId ?? startedAt.toISOString().replace(/[:.]/g, '-'),
    profile: 'widget',
    policy: opts.policy,
    // the reports show target.pullUri as the run's target
    target: { pullUri: opts.url, widget: opts.url },
    startedAt,
    seed: 0,
  };
  const { context, blocked } = await widgetContext(browser);
  try {
    const { load: first } = await loadPage(context, blocked, opts.url, limits);
    const status = first.exchange?.response?.status;
    if (first.error || (status !== undefined && status >= 400)) {
      const reason = redactor.redact(`the page ${opts.url} did not load: ${first.error ?? `HTTP ${status}`}`);
      return runResult({ ...base, aborted: { reason, exitCode: EXIT.unreachable }, checks: [] });
    }
    // the next load falls in another second, so a time-stamp made per load differs
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 50));
    const kind = widgetScriptOf(first)?.kind;
    const acted: Outcome[] = kind ? [...errorCodesOf(kind), ...(kind === 'save-to-locker' ? WIDGET_RESULTS : [])] : [];
    // the second load also serves the outcomes: one page, each outcome in turn
    const { load: second, acted: shown } = await loadPage(context, blocked, opts.url, limits, (page, pageErrors, dialogs) => showOutcomes(page, acted, pageErrors, dialogs, limits));
    const outcomes: OutcomeShown[] = shown ?? [];
    const checks = await judgeWidget(
      { url: opts.url, first, second, outcomes },
      {
        hash: nodeHash,
        appKey: opts.appKey,
        appKeyEnv: opts.appKeyEnv,
        ...(opts.appId !== undefined && { appId: opts.appId }),
        policy: opts.policy,
        evidence,
        fetchDocument: (url) => client.send({ url, method: 'GET', headers: { accept: 'application/pdf, image/jpeg, image/png' }, body: '' }),
        ...(opts.uploadServiceChecks && { uploadServiceChecks: opts.uploadServiceChecks }),
      },
    );
    return runResult({ ...base, checks });
  } finally {
    // a renderer stuck in a page's script must not keep the run open
    const stop = (p: Promise<void>) => Promise.race([p.catch(() => {}), new Promise<void>((resolve) => setTimeout(resolve, limits.navigationTimeoutMs).unref())]);
    await stop(context.close());
    await client.close();
    if (!opts.browser) await stop(browser.close());
  }
}
