/** `dlconform widget URL|FILE`: a partner page's Save to Locker or Requester widget in Chromium; `dlconform serve --partner`: the reference partner site. */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_POLICY } from '../core/policy.js';
import { progressLine, summaryTable } from '../core/report/console.js';
import { writeGithub } from '../core/report/github.js';
import { writeReports } from '../core/report/index.js';
import { EXIT } from '../core/types.js';
import { PARTNER_FAULTS, parsePartnerFaults, startPartnerSite } from '../fixtures/partner/index.js';
import { PARTNER_VARIANTS, parsePartnerVariants, variantConflict } from '../fixtures/partner/variants.js';
import { chromiumPath, isLocalUrl } from '../widget/browser.js';
import type { UploadServiceChecks } from '../widget/judge.js';
import { runWidget } from '../widget/run.js';
import { requesterUploadChecks } from '../widget/upload-service.js';
import { integer, outputFormats, parse, UsageError, usageOnError, withPolicy } from './args.js';

export const WIDGET_HELP = `Usage: dlconform widget URL|FILE --app-key-env VAR [options]

Loads a partner page that embeds DigiLocker's Save to Locker (savelocker.js) or Requester (dl.js)
widget in headless Chromium and checks it against the widget documents: the script tag, jQuery
before it, data-app-hash = SHA-256(app id ‖ app key ‖ time-stamp), the time-stamp in IST, fresh and
made per page load, unique button ids, Save to Locker's document hrefs (absolute, a PDF/JPEG/PNG of
at most 10 MB), the Requester's https data-upload-url, and what the page shows for each of the
widget's outcomes (error codes 203–207, result SUCCESS/FAILURE).

DigiLocker's library is never fetched: the browser gets a stand-in that acts out each outcome.
The page is loaded only from loopback (127.0.0.1, localhost) or a file; every other request the
page makes is blocked and named in the report.

Options:
      --app-key-env VAR  environment variable holding the app key (required; never printed)
      --app-id ID        the registered app id: data-app-id must be it
      --report-dir DIR   where result.json, junit.xml, summary.md, report.html go
                         (default: reports/<run-id>)
      --policy P         conformance (default: SHOULD warns) | strict (SHOULD blocks)
      --check-upload     a Requester page: also judge the upload service its data-upload-url
                         names, as dlconform requester does (loopback only; it stores test shares)
      --chromium PATH    the Chromium to drive (default: $CHROMIUM_PATH, /usr/bin/chromium, chromium on PATH)
      --format github    also GitHub Actions annotations and a step summary
  -q, --quiet            no progress lines
  -h, --help             this help

Exit codes: ${EXIT.ok} every check passed or warned; ${EXIT.conformanceFailure} a check failed or was inconclusive;
${EXIT.usage} usage error (no app key, no Chromium, a page off loopback); ${EXIT.unreachable} the page did not load.
`;

export const PARTNER_HELP = `Usage: dlconform serve --partner [options]

Starts the reference partner site on 127.0.0.1 until interrupted (Ctrl-C): a Save to Locker page
(/save-to-locker.html) and a Requester page (/requester.html), each time-stamp and app hash made
per page load. Its app key is read from $DLCONFORM_PARTNER_APP_KEY (or --app-key-env).

Options:
      --fault NAME       switch on a fault; repeatable or comma-separated (see --list-faults)
      --list-faults      list the faults, the page each applies to and the check it fails, and exit
      --variant NAME     write the pages in a conformant-but-unusual way that must pass clean;
                         repeatable or comma-separated, combines with --fault (see --list-variants)
      --list-variants    list the variants and the page each applies to, and exit
      --app-id ID        the app id the pages carry (default DLCONFORMPARTNER)
      --upload-url URL   the Requester page's data-upload-url (default https://127.0.0.1:PORT/upload)
      --port N           port on 127.0.0.1 (default 0: a free port)
      --app-key-env NAME environment variable holding the app key (default DLCONFORM_PARTNER_APP_KEY)
  -h, --help             this help
`;

/** URL|FILE as the browser should open it: a loopback http(s) URL or a file: URL. */
export function pageUrl(arg: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) {
    if (!isLocalUrl(arg) || !/^(https?|file):/i.test(arg)) {
      throw new UsageError(
        `widget loads pages only from loopback (http://127.0.0.1…, http://localhost…) or a file, got ${JSON.stringify(arg)}: serve the page on this machine and pass its loopback URL`,
      );
    }
    return arg;
  }
  const path = resolve(arg);
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`widget: no such file ${JSON.stringify(arg)} (give a loopback URL or an HTML file)`);
  return pathToFileURL(path).href;
}

export interface WidgetCommandHooks {
  /** the Requester's upload service checks (see UploadServiceChecks) */
  uploadServiceChecks?: UploadServiceChecks;
  env?: NodeJS.ProcessEnv;
}

export async function widgetCommand(argv: string[], out: NodeJS.WritableStream = process.stdout, hooks: WidgetCommandHooks = {}): Promise<number> {
  const env = hooks.env ?? process.env;
  const { values, positionals } = parse(
    argv,
    {
      'app-key-env': { type: 'string' },
      'app-id': { type: 'string' },
      'report-dir': { type: 'string' },
      policy: { type: 'string' },
      chromium: { type: 'string' },
      'check-upload': { type: 'boolean' },
      format: { type: 'string', multiple: true },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
    'widget',
    true,
  );
  if (values.help) {
    out.write(WIDGET_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('widget takes one URL or FILE: the partner page (see dlconform widget --help)');
  const url = pageUrl(positionals[0]!);
  const keyEnv = values['app-key-env'];
  if (!keyEnv) throw new UsageError('widget needs --app-key-env VAR: the environment variable holding the app key the page hashes with');
  const appKey = env[keyEnv];
  if (!appKey) throw new UsageError(`widget reads the app key from $${keyEnv}, which is not set.\nFix: export ${keyEnv}=<the api key DigiLocker gave your application>`);
  const { policy } = withPolicy({ policy: DEFAULT_POLICY }, values.policy);
  const { github } = outputFormats(values.format);
  const chromium = chromiumPath(values.chromium, env);
  if (!existsSync(chromium)) {
    throw new UsageError(
      `chromium not found at ${chromium}: install it with \`apt-get install chromium\` (Debian/Ubuntu), or pass --chromium PATH (or set CHROMIUM_PATH) to a Chromium or Chrome binary`,
    );
  }
  const uploadServiceChecks = hooks.uploadServiceChecks ?? (values['check-upload'] ? requesterUploadChecks({ policy }) : undefined);
  const result = await runWidget({
    url,
    appKey,
    appKeyEnv: keyEnv,
    ...(values['app-id'] !== undefined && { appId: values['app-id'] }),
    policy,
    chromium,
    ...(uploadServiceChecks && { uploadServiceChecks }),
  });
  const tty = (out as { isTTY?: boolean }).isTTY === true;
  if (!values.quiet) for (const c of result.checks) out.write(`${progressLine(c, { color: tty })}\n`);
  const dir = values['report-dir'] ?? resolve('reports', result.runId);
  await writeReports(result, dir);
  out.write(`${summaryTable(result, { color: tty, reportDir: dir })}\n`);
  if (github) await writeGithub(result, { out, err: process.stderr });
  return result.exitCode;
}

export async function servePartner(argv: string[], env: NodeJS.ProcessEnv = process.env, until?: Promise<void>): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      partner: { type: 'boolean' },
      fault: { type: 'string', multiple: true },
      'list-faults': { type: 'boolean' },
      variant: { type: 'string', multiple: true },
      'list-variants': { type: 'boolean' },
      'app-id': { type: 'string' },
      'upload-url': { type: 'string' },
      port: { type: 'string' },
      'app-key-env': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    'serve --partner',
    true,
  );
  if (values.help) {
    process.stdout.write(PARTNER_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`serve --partner takes no arguments, got ${positionals.join(' ')}`);
  if (values['list-faults']) {
    for (const [name, f] of Object.entries(PARTNER_FAULTS)) process.stdout.write(`${name.padEnd(22)} ${f.page.padEnd(15)} ${f.target.padEnd(26)} ${f.description}\n`);
    return EXIT.ok;
  }
  if (values['list-variants']) {
    for (const [name, v] of Object.entries(PARTNER_VARIANTS)) process.stdout.write(`${name.padEnd(22)} ${v.page.padEnd(15)} ${v.description}\n`);
    return EXIT.ok;
  }
  const faults = usageOnError(() => parsePartnerFaults(values.fault));
  const variants = usageOnError(() => parsePartnerVariants(values.variant));
  const conflict = variantConflict(variants, faults);
  if (conflict) throw new UsageError(conflict);
  const keyEnv = values['app-key-env'] ?? 'DLCONFORM_PARTNER_APP_KEY';
  const appKey = env[keyEnv];
  if (!appKey)
    throw new UsageError(`serve --partner reads the app key from $${keyEnv}, which is not set.\nFix: export ${keyEnv}="$(node -e "console.log(require('crypto').randomBytes(16).toString('hex'))")"`);
  const site = await startPartnerSite({
    appId: values['app-id'] ?? 'DLCONFORMPARTNER',
    appKey,
    faults,
    variants,
    port: integer(values.port, 'port', 0),
    ...(values['upload-url'] !== undefined && { uploadUrl: values['upload-url'] }),
  });
  process.stderr.write(
    `reference partner site${site.faults.length ? ` (faults: ${site.faults.join(', ')})` : ''}${site.variants.length ? ` (variants: ${site.variants.join(', ')})` : ''} on ${site.url}\n  Save to Locker: ${site.saveToLockerUrl}\n  Requester:      ${site.requesterUrl}\nCtrl-C stops it.\n`,
  );
  await (until ??
    new Promise<void>((done) => {
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    }));
  await site.close();
  return EXIT.ok;
}
