/** `dlconform widget` and `serve --partner` refusing bad input with a usage error (exit 2) that names the fix; no browser needed. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../core/types.js';
import { UsageError } from './args.js';
import { pageUrl, servePartner, widgetCommand } from './widget.js';

const sink = new Writable({
  write(_chunk, _enc, done) {
    done();
  },
});
const env = { DLCONFORM_WIDGET_KEY: 'widget-cli-key-123' };

describe('widget command input', () => {
  it('takes loopback URLs and files, and refuses a page off loopback', () => {
    expect(pageUrl('http://127.0.0.1:8080/page.html')).toBe('http://127.0.0.1:8080/page.html');
    expect(pageUrl('http://localhost/page.html')).toBe('http://localhost/page.html');
    const file = join(mkdtempSync(join(tmpdir(), 'dlconform-widget-cli-')), 'page.html');
    writeFileSync(file, '<!doctype html>');
    expect(pageUrl(file)).toMatch(/^file:\/\/.*page\.html$/);
    expect(() => pageUrl('https://partner.gov.in/page.html')).toThrow(/only from loopback/);
    expect(() => pageUrl('ftp://127.0.0.1/page.html')).toThrow(UsageError);
    expect(() => pageUrl('no-such-page.html')).toThrow(/no such file/);
  });

  it('names the missing app key, its variable and the missing Chromium', async () => {
    await expect(widgetCommand(['http://127.0.0.1:9/x.html'], sink, { env })).rejects.toThrow(/--app-key-env VAR/);
    await expect(widgetCommand(['http://127.0.0.1:9/x.html', '--app-key-env', 'UNSET_WIDGET_KEY'], sink, { env })).rejects.toThrow(/\$UNSET_WIDGET_KEY, which is not set/);
    await expect(widgetCommand(['http://127.0.0.1:9/x.html', '--app-key-env', 'DLCONFORM_WIDGET_KEY', '--chromium', '/nonexistent/chromium'], sink, { env })).rejects.toThrow(
      /chromium not found at \/nonexistent\/chromium: install it/,
    );
    await expect(widgetCommand(['http://127.0.0.1:9/x.html', '--app-key-env', 'DLCONFORM_WIDGET_KEY', '--policy', 'lenient'], sink, { env })).rejects.toThrow(/--policy must be/);
    await expect(widgetCommand([], sink, { env })).rejects.toThrow(/one URL or FILE/);
  });

  it('serve --partner: an unknown fault is named with the known ones; no key is a usage error', async () => {
    await expect(servePartner(['--partner', '--fault', 'no-such-fault'], { DLCONFORM_PARTNER_APP_KEY: 'partner-key-1234' })).rejects.toThrow(
      /unknown fault "no-such-fault"; known faults: missing-dlshare-id/,
    );
    await expect(servePartner(['--partner'], {})).rejects.toThrow(/DLCONFORM_PARTNER_APP_KEY, which is not set/);
  });

  it('serve --partner --variant: an unknown variant is named with the known ones; a combination that means nothing is a usage error', async () => {
    const key = { DLCONFORM_PARTNER_APP_KEY: 'partner-key-1234' };
    await expect(servePartner(['--partner', '--variant', 'no-such-variant'], key)).rejects.toThrow(/unknown variant "no-such-variant"; known variants: epoch-ts/);
    await expect(servePartner(['--partner', '--variant', 'epoch-ts', '--fault', 'utc-ts'], key)).rejects.toThrow(UsageError);
    expect(await servePartner(['--partner', '--variant', 'epoch-ts,upper-hash', '--fault', 'hash-order'], key, Promise.resolve())).toBe(EXIT.ok);
  });

  it('the built CLI exits 2 on a usage error', () => {
    const r = spawnSync(process.execPath, ['dist/dlconform.mjs', 'widget', 'https://partner.gov.in/page.html', '--app-key-env', 'DLCONFORM_WIDGET_KEY'], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(EXIT.usage);
    expect(r.stderr).toContain('widget loads pages only from loopback');
  });
});
