/**
 * `dlconform serve --digilocker` (the mock DigiLocker, fixtures/digilocker/) and
 * `dlconform report push --db FILE` (what the mock received, read from its SQLite file).
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TargetClient } from '../core/client.js';
import { loadConfig } from '../core/config/index.js';
import { checkConsistency, formatConsistency, pushedFromConfig, RunContext } from '../conformance/index.js';
import { EXIT } from '../core/types.js';
import { profileById } from '../protocol/profiles.js';
import { PUSH_CSV_PATH, PUSH_URI_ACCOUNT_PATH, PUSH_URI_PATH } from '../protocol/push.js';
import { seededRandom } from '../protocol/time.js';
import type { UploadKind } from '../fixtures/digilocker/db.js';
import { DEFAULT_PARTNER_CLIENT_ID, DEFAULT_TEST_ACCOUNT, MOCK_FAULTS, parseFaultSequence, parseMockFaults, PushDb, startMockDigiLocker, type MockPartner } from '../fixtures/digilocker/index.js';
import { formatRetrySummary, retrySummary, uploadRetries } from '../fixtures/digilocker/retries.js';
import { DEFAULT_ORG_ID } from '../fixtures/issuer/index.js';
import { REPORT_HTML } from '../core/report/html.js';
import { integer, parse, UsageError, usageOnError } from './args.js';
import { renderPushHtml } from './push-html.js';

export const SERVE_DIGILOCKER_HELP = `Usage: dlconform serve --digilocker --db FILE [options]

A mock DigiLocker for the Push APIs on 127.0.0.1: receives an issuer's PushCSVRequest
(POST ${PUSH_CSV_PATH}) and PushUriRequest (POST ${PUSH_URI_PATH}),
checks envelope, orgId, keyhash (sha256 of API key + the ts sent), DocContent base64 and every CSV
row, answers PushCSVResponse / PushUriResponse (ResponseStatus 1 or 0 with a ResponseMessage), and
stores every upload with its findings in the SQLite file --db (reopened as is on a restart).
It also judges how uploads are sent: Content-Type application/xml and an ISO 8601 ts with offset
(warnings otherwise), one URI per (doc_type, doc_id) across everything pushed (an error), and
retries: a request carrying what an earlier one carried, with the same txn or after an answer the
client could not read, is one more attempt of that upload (its rows are not stored twice).
With --partner-secret-env it also serves Push URI to Account (POST /public${PUSH_URI_ACCOUNT_PATH},
multipart/form-data; hmac = SHA-256 of client secret + clientid + ts, hex; ts UNIX seconds, at
most 30 minutes old), answered with the OpenAPI's JSON (200, 400, 401, 404, 500), and the partner
OAuth 2.0 + PKCE and file upload routes (/public/oauth2/1/authorize, token, revoke, user,
file/upload) judging the partner's client (dlconform report partner --db FILE).

Options:
      --db FILE            the SQLite file (required; created when missing)
      --port N             port (default: a free one)
      --org-id ID          the issuer's orgId (default ${DEFAULT_ORG_ID})
      --api-key-env NAME   environment variable holding the issuer's API key (default DLCONFORM_API_KEY)
      --fault NAME         mock fault, repeatable: ${Object.keys(MOCK_FAULTS).join(', ')}
      --fault-sequence LIST  answer the first push requests with these faults in order, then recover
                           (comma-separated slow, http-500, malformed-ack; e.g. http-500,slow,malformed-ack)
      --slow-ms N          delay of the slow fault (default 5000)
      --partner-secret-env NAME  environment variable holding the partner's client secret: serves
                           Push URI to Account (without it that route answers 401)
      --partner-client-id ID  the partner's clientid (default ${DEFAULT_PARTNER_CLIENT_ID})
      --redirect-uri URI   the partner's registered OAuth redirect URI (default
                           http://127.0.0.1/dlconform/callback; matched exactly)
      --account ID         a registered DigiLocker id pushes may go to, repeatable
                           (default ${DEFAULT_TEST_ACCOUNT})
      --list-faults        list the mock faults and exit
  -h, --help               this help
`;

export const REPORT_PUSH_HELP = `Usage: dlconform report push --db FILE [--config FILE] [--format text|json] [--max-findings N] [--report-dir DIR]

Prints what a mock DigiLocker (dlconform serve --digilocker) received: every upload (kind, time,
txn, file, rows, ResponseStatus and message), its findings (line:column, severity, rule, message)
and its URIs, then what the issuer's client did when answers were lost: attempts per upload,
retries, same txn or not, uploads left with a lost answer, rows stored twice. Aadhaar numbers are
stored and shown masked (last 4 digits).
With --config, also checks cross-API consistency: every URI the mock accepted must be fetched by
the issuer's Pull Doc, and found by Pull URI with the search values of the config's document of
that URI (when the config lists it).

Options:
      --db FILE            the mock's SQLite file (required; opened read-only)
  -c, --config FILE        a dlconform config of the issuer: check the pushed URIs are pullable
      --format text|json   output format (default text)
      --max-findings N     findings printed per upload (default 20; all are counted)
      --report-dir DIR     also write DIR/report.html: the same as one page to open or file
  -h, --help               this help

Exit codes: ${EXIT.ok} every upload accepted (and every pushed URI pullable); ${EXIT.conformanceFailure} an upload was rejected\n(ResponseStatus 0) or a pushed URI is not pullable; ${EXIT.usage} usage error.
`;

export interface DigiLockerIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: DigiLockerIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

export async function serveDigiLocker(argv: string[], io: DigiLockerIo = defaultIo): Promise<number> {
  const { values } = parse(
    argv.filter((a) => a !== '--digilocker'),
    {
      db: { type: 'string' },
      port: { type: 'string' },
      'org-id': { type: 'string' },
      'api-key-env': { type: 'string' },
      fault: { type: 'string', multiple: true },
      'slow-ms': { type: 'string' },
      'fault-sequence': { type: 'string', multiple: true },
      'partner-secret-env': { type: 'string' },
      'partner-client-id': { type: 'string' },
      'redirect-uri': { type: 'string' },
      account: { type: 'string', multiple: true },
      'list-faults': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'serve --digilocker',
  );
  if (values.help) {
    io.stdout(SERVE_DIGILOCKER_HELP);
    return EXIT.ok;
  }
  if (values['list-faults']) {
    for (const [name, f] of Object.entries(MOCK_FAULTS)) io.stdout(`${name.padEnd(27)} ${f.description}\n`);
    return EXIT.ok;
  }
  if (!values.db) throw new UsageError('serve --digilocker needs --db FILE (the SQLite file uploads are stored in)');
  const keyEnv = values['api-key-env'] ?? 'DLCONFORM_API_KEY';
  const apiKey = process.env[keyEnv];
  if (!apiKey) throw new UsageError(`serve --digilocker reads the issuer's API key from $${keyEnv}, which is not set`);
  const partner = partnerOf(values['partner-secret-env'], values['partner-client-id'], values.account);
  const faults = usageOnError(() => parseMockFaults(values.fault));
  const faultSequence = usageOnError(() => parseFaultSequence(values['fault-sequence']));
  const mock = await startMockDigiLocker({
    apiKey,
    orgId: values['org-id'] ?? DEFAULT_ORG_ID,
    dbPath: values.db,
    port: integer(values.port, 'port', 0),
    faults,
    faultSequence,
    slowMs: integer(values['slow-ms'], 'slow-ms'),
    ...(partner && { partner }),
    ...(values['redirect-uri'] !== undefined && { partnerRedirectUri: redirectUriOf(values['redirect-uri'], partner) }),
  });
  io.stderr(
    `mock DigiLocker${mock.faults.length ? ` (faults: ${mock.faults.join(', ')})` : ''}${faultSequence.length ? ` (first answers: ${faultSequence.join(', ')})` : ''} on ${mock.url}, storing in ${values.db}\n  Push CSV: ${mock.pushCsvUrl}\n  Push URI: ${mock.pushUriUrl}\n${partner ? `  Push URI to Account: ${mock.pushUriAccountUrl} (clientid ${partner.clientId}, accounts ${partner.accounts.join(', ')})\n  Partner OAuth 2.0 + PKCE, file upload: ${mock.partnerBaseUrl}/oauth2/1/…\n` : ''}Ctrl-C stops it.\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await mock.close();
  return EXIT.ok;
}

/** The partner's registered redirect URI: an absolute URL, and only with a partner to register it for. */
function redirectUriOf(value: string, partner: MockPartner | undefined): string {
  if (!partner) throw new UsageError('--redirect-uri needs --partner-secret-env NAME (the partner it is registered for)');
  if (!URL.canParse(value)) throw new UsageError(`--redirect-uri ${JSON.stringify(value)} is not an absolute URL (e.g. http://127.0.0.1/dlconform/callback)`);
  return value;
}

/** The partner of Push URI to Account: its secret only from the environment, never a flag's value. */
function partnerOf(secretEnv: string | undefined, clientId: string | undefined, accounts: string[] | undefined): MockPartner | undefined {
  if (secretEnv === undefined) {
    if (clientId !== undefined || accounts !== undefined) throw new UsageError("--partner-client-id and --account need --partner-secret-env NAME (the variable holding the partner's client secret)");
    return undefined;
  }
  const clientSecret = process.env[secretEnv];
  if (!clientSecret) throw new UsageError(`serve --digilocker reads the partner's client secret from $${secretEnv} (--partner-secret-env), which is not set`);
  const list = (accounts ?? [])
    .flatMap((a) => a.split(','))
    .map((a) => a.trim())
    .filter((a) => a !== '');
  return { clientId: clientId ?? DEFAULT_PARTNER_CLIENT_ID, clientSecret, accounts: list.length > 0 ? list : [DEFAULT_TEST_ACCOUNT] };
}

export async function reportPush(argv: string[], io: DigiLockerIo = defaultIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = argv[0] === 'push' ? argv.slice(1) : argv;
  const { values } = parse(
    args,
    {
      db: { type: 'string' },
      config: { type: 'string', short: 'c' },
      format: { type: 'string' },
      'max-findings': { type: 'string' },
      'report-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    'report push',
  );
  if (values.help) {
    io.stdout(REPORT_PUSH_HELP);
    return EXIT.ok;
  }
  if (!values.db) throw new UsageError("report push needs --db FILE (the mock DigiLocker's SQLite file)");
  if (!existsSync(values.db)) throw new UsageError(`report push: ${values.db} does not exist`);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got ${JSON.stringify(format)}`);
  const maxFindings = integer(values['max-findings'], 'max-findings', 20)!;
  let db: PushDb;
  try {
    db = new PushDb(values.db, { readonly: true });
  } catch (err) {
    throw new UsageError(`report push: cannot open ${values.db}: ${(err as Error).message}`);
  }
  try {
    const uploads = db.uploads().map((u) => {
      const attempts = db.attempts(u.id);
      const { finding, ...retry } = uploadRetries(attempts);
      // the derived finding (last answer lost) is listed with the stored ones
      const findings = [...db.findings(u.id), ...(finding ? [finding] : [])];
      return { ...u, findings, uris: db.uris(u.id).map(({ uploadId: _, ...x }) => x), attempts: attempts.map(({ uploadId: _, payloadHash: __, ...a }) => a), retry };
    });
    const rejected = uploads.filter((u) => u.status !== '1').length;
    const retries = retrySummary(
      db,
      uploads.map((u) => u.retry),
    );
    const consistency = values.config ? await consistencyOf(values.config, db.acceptedUris(), env) : undefined;
    const exitCode = rejected > 0 || consistency?.ok === false ? EXIT.conformanceFailure : EXIT.ok;
    if (values['report-dir']) {
      const dir = values['report-dir'];
      await mkdir(dir, { recursive: true });
      const report = { db: values.db, generatedAt: new Date().toISOString(), uploads, acceptedUris: db.acceptedUris(), retries, consistency, exitCode };
      await writeFile(join(dir, REPORT_HTML), renderPushHtml(report), 'utf8');
      io.stderr(`Report: ${join(dir, REPORT_HTML)}\n`);
    }
    if (format === 'json') {
      io.stdout(`${JSON.stringify({ version: 1, db: values.db, uploads, acceptedUris: db.acceptedUris(), retries, ...(consistency && { consistency }) }, null, 2)}\n`);
    } else {
      const out: string[] = [];
      for (const u of uploads) {
        out.push(
          `#${u.id} ${KIND_LABEL[u.kind]} ${u.receivedAt} ${u.kind === 'account' ? `clientid=${u.orgId} ts=${u.ts}` : `txn=${u.txn} orgId=${u.orgId}`}${u.fileName ? ` file=${u.fileName}` : ''} rows=${u.rows} ` +
            `status=${u.status}${u.answeredWith ? ` (answered with fault ${u.answeredWith})` : ''}: ${u.message}`,
        );
        if (u.retry.attempts > 1 || u.retry.answerLost) {
          const txn = u.retry.retries === 0 ? '' : u.retry.newTxnRetries === 0 ? ', same txn' : `, ${u.retry.newTxnRetries} with a new txn`;
          out.push(`    attempts: ${u.retry.attempts} (${u.retry.retries} retr${u.retry.retries === 1 ? 'y' : 'ies'}${txn}): ${u.retry.answers.join(', ')}`);
        }
        for (const f of u.findings.slice(0, maxFindings)) {
          const at = f.line === 0 ? 'upload' : f.column === 0 ? `line ${f.line}` : `${f.line}:${f.column}`;
          out.push(`    ${at}: ${f.severity} [${f.code}] (${f.clause}) ${f.message}`);
        }
        if (u.findings.length > maxFindings) out.push(`    … ${u.findings.length - maxFindings} more findings (--max-findings)`);
        const accepted = u.uris.filter((x) => x.accepted).length;
        if (u.uris.length > 0) out.push(`    URIs: ${accepted} accepted, ${u.uris.length - accepted} rejected`);
      }
      out.push('');
      out.push(`${uploads.length} uploads: ${uploads.length - rejected} accepted, ${rejected} rejected; ${db.acceptedUris().length} distinct URIs added`);
      out.push(formatRetrySummary(retries));
      if (consistency) out.push('', 'cross-API consistency (pushed URIs → Pull URI, Pull Doc):', formatConsistency(consistency).trimEnd());
      io.stdout(`${out.join('\n')}\n`);
    }
    return exitCode;
  } finally {
    db.close();
  }
}

const KIND_LABEL: Record<UploadKind, string> = { csv: 'Push CSV', uri: 'Push URI', account: 'Push URI to Account' };

async function consistencyOf(configPath: string, uris: string[], env: NodeJS.ProcessEnv) {
  const { config, apiKey } = await loadConfig(configPath, env);
  const client = new TargetClient({
    timeoutMs: config.client.timeoutMs,
    concurrency: config.client.concurrency,
    maxResponseBytes: config.client.maxResponseBytes,
    maxRequestsPerSecond: config.client.maxRequestsPerSecond,
  });
  try {
    const ctx = new RunContext(config, profileById(config.profile)!, apiKey, client, seededRandom(Date.now() % 2_147_483_647), () => {});
    return await checkConsistency(ctx, pushedFromConfig(config, uris));
  } finally {
    await client.close();
  }
}
