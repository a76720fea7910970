/**
 * `dlconform widget` in a real browser: Debian's chromium through playwright-core, headless, one
 * browser for every case. The reference partner site passes clean (both pages), and each of its
 * faults makes exactly its own check fail (or warn, for a SHOULD); no secret reaches a report; the
 * command's exit codes. Without chromium the tests skip locally and say how to install it; under
 * CI=true they fail.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import type { Browser } from 'playwright-core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import resultSchema from '../core/report/result.schema.json' with { type: 'json' };
import type { CheckResult, RunResult } from '../core/types.js';
import { type RequesterFaultName, startRequesterService } from '../fixtures/requester/index.js';
import { PARTNER_FAULT_NAMES, PARTNER_FAULTS, type PartnerFault, startPartnerSite } from '../fixtures/partner/index.js';
import { launchChromium } from './browser.js';
import { WIDGET_CHECKS } from './judge.js';
import { requesterUploadChecks } from './upload-service.js';
import { runWidget } from './run.js';
import { widgetCommand } from '../cli/widget.js';
import { APP_ID, CHROMIUM, chromiumMissing, IN_CI, KEY_ENV, type PartnerPage, runOnPartnerPage } from './test-support.js';
import { EXIT } from '../core/types.js';

const missing = chromiumMissing('widget');

const validate = new Ajv2020({ allErrors: true, strict: true }).compile(resultSchema);
const APP_KEY = 'widget-browser-app-key-5f2c9d';
let browser: Browser | undefined;
const dir = mkdtempSync(join(tmpdir(), 'dlconform-widget-browser-'));

const sink = () =>
  new Writable({
    write(_chunk, _enc, done) {
      done();
    },
  });

const runAgainst = (faults: PartnerFault[], page: PartnerPage): Promise<RunResult> => runOnPartnerPage({ browser: browser!, appKey: APP_KEY, page, faults });

const notPassing = (run: RunResult) => run.checks.filter((c: CheckResult) => c.verdict !== 'pass' && c.verdict !== 'skip').map((c) => `${c.id}: ${c.verdict}`);

describe.skipIf(missing !== undefined && !IN_CI)('dlconform widget in chromium', () => {
  beforeAll(async () => {
    if (missing) throw new Error(missing);
    browser = await launchChromium(CHROMIUM);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const page of ['save-to-locker', 'requester'] as const) {
    it(`the reference ${page} page passes every check that applies to it`, async () => {
      const run = await runAgainst([], page);
      expect(notPassing(run)).toEqual([]);
      expect(run.checks.map((c) => c.id)).toEqual(WIDGET_CHECKS.map((c) => c.id));
      const skipped = run.checks.filter((c) => c.verdict === 'skip').map((c) => c.id);
      expect(skipped).toEqual(page === 'requester' ? ['widget.document-href', 'widget.document-fetch', 'widget.outcome-result'] : ['widget.upload-url-https']);
      expect(run.exitCode).toBe(EXIT.ok);
      expect(validate(run), JSON.stringify(validate.errors)).toBe(true);
      // the app key and the hashes never reach the result
      const text = JSON.stringify(run);
      expect(text).not.toContain(APP_KEY);
      expect(text).not.toMatch(/data-app-hash="[0-9a-f]{64}"/);
      expect(text).toContain('data-app-hash=\\"[REDACTED:appHash]\\"');
    }, 60_000);
  }

  it('every check is the target of a fault, and every fault of one check', () => {
    expect(new Set(Object.values(PARTNER_FAULTS).map((f) => f.target))).toEqual(new Set(WIDGET_CHECKS.map((c) => c.id)));
    expect(Object.values(PARTNER_FAULTS).length).toBe(WIDGET_CHECKS.length);
  });

  for (const fault of PARTNER_FAULT_NAMES) {
    const { page, target } = PARTNER_FAULTS[fault];
    const on = page === 'both' ? 'save-to-locker' : page;
    it(`fault ${fault} (${on} page) fails exactly ${target}`, async () => {
      const run = await runAgainst([fault], on);
      const level = run.checks.find((c) => c.id === target)!.level;
      expect(notPassing(run)).toEqual([`${target}: ${level === 'SHOULD' ? 'warn' : 'fail'}`]);
      expect(run.exitCode).toBe(level === 'SHOULD' ? EXIT.ok : EXIT.conformanceFailure);
    }, 60_000);
  }

  it('the shared faults fail their check on the Requester page too', async () => {
    const run = await runAgainst(['hash-order', 'utc-ts', 'duplicate-ids'], 'requester');
    expect(notPassing(run).sort()).toEqual(['widget.app-hash: fail', 'widget.button-ids: fail', 'widget.timestamp-ist: fail']);
    expect(run.checks.find((c) => c.id === 'widget.app-hash')!.message).toContain('SHA-256(app key ‖ app id ‖ timestamp)');
  }, 60_000);

  it("--check-upload judges the page's upload service as dlconform requester does: the reference service passes, its fault fails its check", async () => {
    const uploadServiceChecks = requesterUploadChecks({ policy: 'conformance', timeoutMs: 3_000 });
    for (const faults of [[], ['ignores-doc-url']] as RequesterFaultName[][]) {
      const service = await startRequesterService({ faults });
      // the reference service runs on plain http (no certificate here): widget.upload-url-https fails for it, as it should
      const site = await startPartnerSite({ appId: APP_ID, appKey: APP_KEY, uploadUrl: service.url });
      try {
        const run = await runWidget({ url: site.requesterUrl, appKey: APP_KEY, appKeyEnv: KEY_ENV, appId: APP_ID, policy: 'conformance', browser: browser!, uploadServiceChecks });
        const requester = run.checks.filter((c) => c.api === 'requester');
        expect(requester.length).toBeGreaterThan(5);
        expect(notPassing(run).sort()).toEqual(faults.length === 0 ? ['widget.upload-url-https: fail'] : ['requester.share.stored: fail', 'widget.upload-url-https: fail']);
        if (faults.length === 0) expect(service.stored.length).toBeGreaterThan(0);
        expect(validate(JSON.parse(JSON.stringify(run))), JSON.stringify(validate.errors)).toBe(true);
      } finally {
        await site.close();
        await service.close();
      }
    }
    // off loopback nothing is sent: a skip naming the command that judges it
    const site = await startPartnerSite({ appId: APP_ID, appKey: APP_KEY, uploadUrl: 'https://clientapp.gov.in/upload' });
    try {
      const run = await runWidget({ url: site.requesterUrl, appKey: APP_KEY, appKeyEnv: KEY_ENV, appId: APP_ID, policy: 'conformance', browser: browser!, uploadServiceChecks });
      const unjudged = run.checks.find((c) => c.id === 'widget.upload-service')!;
      expect(unjudged.verdict).toBe('skip');
      expect(unjudged.message).toContain('dlconform requester --upload-url https://clientapp.gov.in/upload');
    } finally {
      await site.close();
    }
  }, 90_000);

  it('a SHOULD failure blocks under policy strict', async () => {
    const site = await startPartnerSite({ appId: APP_ID, appKey: APP_KEY, faults: ['ignores-result'] });
    try {
      const run = await runWidget({ url: site.saveToLockerUrl, appKey: APP_KEY, appKeyEnv: KEY_ENV, policy: 'strict', browser: browser! });
      expect(notPassing(run)).toEqual(['widget.outcome-result: fail']);
      expect(run.exitCode).toBe(EXIT.conformanceFailure);
    } finally {
      await site.close();
    }
  }, 60_000);

  it('a static file carries one time-stamp for every load: per-load fails, and what blocks is named', async () => {
    const site = await startPartnerSite({ appId: APP_ID, appKey: APP_KEY });
    const file = join(dir, 'saved-page.html');
    try {
      const html = await (await fetch(site.saveToLockerUrl)).text();
      // a page saved to disk that loads jQuery from a CDN: the browser is not let off loopback
      writeFileSync(file, html.replace('<script src="/jquery.min.js"></script>', '<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>'));
      const env = { [KEY_ENV]: APP_KEY };
      const code = await widgetCommand([file, '--app-key-env', KEY_ENV, '--report-dir', join(dir, 'file'), '-q'], sink(), { env });
      expect(code).toBe(EXIT.conformanceFailure);
      const run = JSON.parse(readFileSync(join(dir, 'file', 'result.json'), 'utf8')) as RunResult;
      const failed = notPassing(run);
      expect(failed).toContain('widget.timestamp-per-load: fail');
      expect(failed).toContain('widget.jquery-first: fail');
      expect(run.checks.find((c) => c.id === 'widget.jquery-first')!.message).toContain('https://code.jquery.com/jquery-3.7.1.min.js');
    } finally {
      await site.close();
    }
  }, 60_000);

  it('a page stuck in an endless script ends the run as not loaded (exit 3), within the time limit', async () => {
    const file = join(dir, 'stuck.html');
    writeFileSync(file, "<!doctype html><title>stuck</title><script>addEventListener('load', () => setTimeout(() => { for (;;) {} }, 0));</script>");
    const run = await runWidget({ url: pathToFileURL(file).href, appKey: APP_KEY, appKeyEnv: KEY_ENV, policy: 'conformance', browser: browser!, limits: { navigationTimeoutMs: 2000, settleMs: 50 } });
    expect(run.exitCode).toBe(EXIT.unreachable);
    expect(run.aborted?.reason).toContain('did not answer within 2000 ms');
  }, 60_000);

  it('exit codes: 0 clean, 1 on a MUST failure, 3 when the page does not load; the reports are written', async () => {
    const env = { [KEY_ENV]: APP_KEY };
    const clean = await startPartnerSite({ appId: APP_ID, appKey: APP_KEY });
    const faulty = await startPartnerSite({ appId: APP_ID, appKey: APP_KEY, faults: ['relative-href'] });
    try {
      expect(await widgetCommand([clean.saveToLockerUrl, '--app-key-env', KEY_ENV, '--app-id', APP_ID, '--report-dir', join(dir, 'clean')], sink(), { env })).toBe(EXIT.ok);
      for (const f of ['result.json', 'junit.xml', 'summary.md', 'report.html']) expect(readFileSync(join(dir, 'clean', f), 'utf8')).not.toContain(APP_KEY);
      expect(await widgetCommand([faulty.saveToLockerUrl, '--app-key-env', KEY_ENV, '--report-dir', join(dir, 'faulty'), '-q'], sink(), { env })).toBe(EXIT.conformanceFailure);
      expect(await widgetCommand([`${clean.url}/no-such-page.html`, '--app-key-env', KEY_ENV, '--report-dir', join(dir, 'missing'), '-q'], sink(), { env })).toBe(EXIT.unreachable);
      expect(await widgetCommand([clean.saveToLockerUrl, '--app-key-env', KEY_ENV, '--app-id', 'SOMEONEELSE', '--report-dir', join(dir, 'other-id'), '-q'], sink(), { env })).toBe(
        EXIT.conformanceFailure,
      );
    } finally {
      await clean.close();
      await faulty.close();
    }
  }, 120_000);
});
