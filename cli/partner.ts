/**
 * `dlconform report partner --db FILE`: what a partner's client did against the mock DigiLocker's
 * OAuth 2.0 + PKCE and file upload routes and which rules it broke, read from the mock's SQLite
 * file (secrets were redacted, or hashed, before they were stored). `dlconform demo --partner`:
 * the mock and the reference partner client (fixtures/partner-client/) on loopback, then the report.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { visible } from '../core/report/console.js';
import { escapeHtml, htmlDocument, REPORT_HTML } from '../core/report/html.js';
import { EXIT } from '../core/types.js';
import { TOOL_VERSION } from '../core/version.js';
import { startMockDigiLocker } from '../fixtures/digilocker/index.js';
import { PartnerDb } from '../fixtures/digilocker/partner-db.js';
import { DEFAULT_PARTNER_REDIRECT_URI } from '../fixtures/digilocker/partner-oauth.js';
import { type PartnerSummary, partnerSummary } from '../fixtures/digilocker/partner-report.js';
import { UnknownFaultError } from '../fixtures/fault-list.js';
import { DEFAULT_ORG_ID } from '../fixtures/issuer/index.js';
import { PARTNER_CLIENT_FAULTS, parsePartnerClientFaults, runPartnerClient } from '../fixtures/partner-client/index.js';
import { partnerClause } from '../protocol/partner.js';
import { DEFAULT_POLICY, POLICIES, type Policy } from '../core/policy.js';
import { parse, UsageError } from './args.js';

export const REPORT_PARTNER_HELP = `Usage: dlconform report partner --db FILE [--format text|json] [--report-dir DIR]

Prints what a partner's client did against a mock DigiLocker's OAuth 2.0 + PKCE and file upload
routes (dlconform serve --digilocker --partner-secret-env NAME): every request with its answer,
then every rule the mock judges, with its clause, level and verdict (pass, fail, warn, not
exercised). Client secret, codes, tokens, code_verifier, code_challenge, state and hmac are
shown redacted; the file holds codes and tokens only as SHA-256 hashes.

Options:
      --db FILE            the mock's SQLite file (required; opened read-only)
      --format text|json   output format (default text)
      --report-dir DIR     also write DIR/report.html
      --policy P           conformance (default: a broken SHOULD rule warns) | strict (it blocks)
  -h, --help               this help

Exit codes: ${EXIT.ok} the client kept every MUST rule it exercised; ${EXIT.conformanceFailure} it broke a MUST rule
(under --policy strict, also a SHOULD rule);
${EXIT.usage} usage error; ${EXIT.nothingExecuted} no partner request recorded (nothing judged is not a pass).
`;

export const DEMO_PARTNER_HELP = `Usage: dlconform demo --partner [--fault NAME] [--db FILE] [--format text|json] [--report-dir DIR]

Starts the mock DigiLocker on 127.0.0.1 with a partner registered (a random client secret, the
redirect URI ${DEFAULT_PARTNER_REDIRECT_URI}), runs the reference partner client against
it (two sign-ins: authorize with PKCE S256, token, user details, file uploads, refresh, revoke),
then prints report partner for what the mock recorded. The mock's authorize page stands for a
test account that always consents (302 to the redirect URI at once).

Options:
      --fault NAME         a client fault, repeatable; each breaks exactly one rule:
${Object.entries(PARTNER_CLIENT_FAULTS)
  .map(([name, f]) => `                           ${name}: ${f.fails}`)
  .join('\n')}
      --db FILE            the SQLite file (default: a new one in a temporary directory)
      --format, --report-dir, --policy  as report partner
  -h, --help               this help

Exit codes: as report partner.
`;

export interface PartnerIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: PartnerIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

const STATUS_LABEL = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', 'not exercised': 'N/A ' } as const;

function formatText(s: PartnerSummary): string {
  const out: string[] = ['Requests:'];
  for (const i of s.interactions) {
    out.push(`  #${i.id} ${i.receivedAt} ${i.method} ${i.endpoint} → ${i.httpStatus}${i.error ? ` ${i.error}` : ''}`);
    // what a client sent is shown with control and bidi characters made visible
    if (i.summary !== '') out.push(`      ${visible(i.summary)}`);
    for (const v of i.verdicts.filter((x) => x.verdict === 'fail')) out.push(`      FAIL ${v.rule}: ${visible(v.message)}`);
  }
  if (s.interactions.length === 0) out.push('  (none)');
  out.push('', 'Rules:');
  for (const r of s.rules) {
    out.push(`  ${STATUS_LABEL[r.status]} ${r.rule} [${r.level}] ${r.what} (${r.passed} passed, ${r.failed} failed)`);
    for (const f of r.failures) out.push(`       ${f.interaction === 0 ? 'run' : `#${f.interaction}`}: ${visible(f.message)}`);
  }
  out.push('', s.verdict);
  return `${out.join('\n')}\n`;
}

function renderHtml(s: PartnerSummary, db: string): string {
  const ok = s.exitCode === EXIT.ok;
  const badge = { pass: 'v-pass', fail: 'v-fail', warn: 'v-warn', 'not exercised': 'v-skip' } as const;
  const rows = s.rules.map(
    (r) =>
      `<tr><td class="text"><span class="badge ${badge[r.status]}">${escapeHtml(r.status)}</span></td><td class="text"><code>${escapeHtml(r.rule)}</code></td><td class="text">${escapeHtml(r.level)}</td>` +
      `<td class="text">${escapeHtml(r.what)}<br><q>${escapeHtml(partnerClause(r.rule).text)}</q></td><td class="text">${r.passed}/${r.passed + r.failed}</td>` +
      `<td class="text">${r.failures.map((f) => escapeHtml(`${f.interaction === 0 ? 'run' : `#${f.interaction}`}: ${f.message}`)).join('<br>')}</td></tr>`,
  );
  const requests = s.interactions.map(
    (i) =>
      `<tr><td class="text">#${i.id}</td><td class="text"><time>${escapeHtml(i.receivedAt)}</time></td><td class="text"><code>${escapeHtml(`${i.method} ${i.endpoint}`)}</code></td>` +
      `<td class="text">${i.httpStatus}${i.error ? ` <code>${escapeHtml(i.error)}</code>` : ''}</td><td class="text"><code>${escapeHtml(i.summary)}</code></td></tr>`,
  );
  const table = (caption: string, head: string[], body: string[]) =>
    `<div class="scroll"><table><caption class="text">${escapeHtml(caption)}</caption><thead><tr>${head.map((h) => `<th scope="col" class="text">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table></div>`;
  const body = [
    `<header class="banner v-${ok ? 'pass' : 'fail'}">`,
    `<h1>dlconform report partner: ${ok ? 'PASS' : 'FAIL'}</h1>`,
    `<p>Exit code <strong>${s.exitCode}</strong>: ${escapeHtml(s.verdict)}.</p>`,
    '</header>',
    `<dl class="meta"><dt>Database</dt><dd><code>${escapeHtml(db)}</code></dd><dt>Tool</dt><dd>dlconform ${escapeHtml(TOOL_VERSION)}</dd><dt>Written</dt><dd><time>${escapeHtml(new Date().toISOString())}</time></dd></dl>`,
    '<h2 id="rules">Rules</h2>',
    table('What the mock judged of the client', ['verdict', 'rule', 'level', 'requirement', 'passed', 'failures'], rows),
    '<h2 id="requests">Requests</h2>',
    s.interactions.length === 0
      ? '<p class="notice bad">The mock recorded no partner request.</p>'
      : table('Every request, secrets redacted', ['#', 'received', 'request', 'answer', 'parameters'], requests),
  ];
  return htmlDocument(`dlconform report partner: ${ok ? 'PASS' : 'FAIL'}`, body.join('\n'));
}

/** Prints the report of a database; returns its exit code. */
async function printReport(dbPath: string, format: string, reportDir: string | undefined, policy: Policy, io: PartnerIo): Promise<number> {
  let db: PartnerDb;
  try {
    db = new PartnerDb(dbPath, { readonly: true });
  } catch (err) {
    throw new UsageError(`report partner: cannot open ${dbPath}: ${(err as Error).message}`);
  }
  let summary: PartnerSummary;
  try {
    summary = partnerSummary(db, policy);
  } finally {
    db.close();
  }
  if (reportDir) {
    await mkdir(reportDir, { recursive: true });
    await writeFile(join(reportDir, REPORT_HTML), renderHtml(summary, dbPath), 'utf8');
    io.stderr(`Report: ${join(reportDir, REPORT_HTML)}\n`);
  }
  if (format === 'json')
    io.stdout(
      `${JSON.stringify({ version: 1, db: dbPath, exitCode: summary.exitCode, verdict: summary.verdict, rules: summary.rules, interactions: summary.interactions, grants: summary.grants }, null, 2)}\n`,
    );
  else io.stdout(formatText(summary));
  return summary.exitCode;
}

function policyOf(value: string | undefined): Policy {
  if (value === undefined) return DEFAULT_POLICY;
  if (!(POLICIES as readonly string[]).includes(value)) throw new UsageError(`--policy must be ${POLICIES.join(' or ')}, got ${JSON.stringify(value)}`);
  return value as Policy;
}

function formatOf(value: string | undefined): string {
  const format = value ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got ${JSON.stringify(format)}`);
  return format;
}

export async function reportPartner(argv: string[], io: PartnerIo = defaultIo): Promise<number> {
  const args = argv[0] === 'partner' ? argv.slice(1) : argv;
  const { values } = parse(
    args,
    { db: { type: 'string' }, format: { type: 'string' }, 'report-dir': { type: 'string' }, policy: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    'report partner',
  );
  if (values.help) {
    io.stdout(REPORT_PARTNER_HELP);
    return EXIT.ok;
  }
  if (!values.db) throw new UsageError("report partner needs --db FILE (the mock DigiLocker's SQLite file)");
  if (!existsSync(values.db)) throw new UsageError(`report partner: ${values.db} does not exist (give the --db the mock DigiLocker wrote)`);
  return printReport(values.db, formatOf(values.format), values['report-dir'], policyOf(values.policy), io);
}

export async function partnerDemo(argv: string[], io: PartnerIo = defaultIo): Promise<number> {
  const { values } = parse(
    argv.filter((a) => a !== '--partner'),
    {
      fault: { type: 'string', multiple: true },
      db: { type: 'string' },
      format: { type: 'string' },
      'report-dir': { type: 'string' },
      policy: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    'demo --partner',
  );
  if (values.help) {
    io.stdout(DEMO_PARTNER_HELP);
    return EXIT.ok;
  }
  const format = formatOf(values.format);
  let faults: ReturnType<typeof parsePartnerClientFaults>;
  try {
    faults = parsePartnerClientFaults(values.fault);
  } catch (err) {
    if (err instanceof UnknownFaultError) throw new UsageError(`--fault: ${err.message}`);
    throw err;
  }
  const dbPath = values.db ?? join(mkdtempSync(join(tmpdir(), 'dlconform-partner-')), 'digilocker.sqlite');
  const partner = { clientId: 'DLCONFORMPARTNERDEMO', clientSecret: randomBytes(16).toString('hex'), accounts: [] };
  const mock = await startMockDigiLocker({ apiKey: randomBytes(16).toString('hex'), orgId: DEFAULT_ORG_ID, dbPath, partner, partnerRedirectUri: DEFAULT_PARTNER_REDIRECT_URI });
  try {
    const run = await runPartnerClient({ baseUrl: mock.partnerBaseUrl!, clientId: partner.clientId, clientSecret: partner.clientSecret, redirectUri: DEFAULT_PARTNER_REDIRECT_URI, faults });
    io.stderr(`reference partner client${faults.length ? ` (faults: ${faults.join(', ')})` : ''} against ${mock.partnerBaseUrl}: ${run.steps.length} requests, storing in ${dbPath}\n`);
  } finally {
    await mock.close();
  }
  return printReport(dbPath, format, values['report-dir'], policyOf(values.policy), io);
}
