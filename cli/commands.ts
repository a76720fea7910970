/** The commands behind the CLI, loaded only when a command runs (keeps --version and --help fast). */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfig } from '../core/config/index.js';
import { TOOL_VERSION } from '../core/version.js';
import { EXIT } from '../core/types.js';
import { DEFAULT_TEST_ACCOUNT, startMockDigiLocker, type RunningMockDigiLocker } from '../fixtures/digilocker/index.js';
import { parseFaultList } from '../fixtures/fault-list.js';
import { DEFAULT_ORG_ID, FAULT_NAMES, FAULTS, parseFaults, parseVariants, startIssuer, VARIANTS, type FaultName, type RunningIssuer } from '../fixtures/issuer/index.js';
import { APISETU_FAULTS, parseApiSetuFaults } from '../fixtures/issuer/apisetu.js';
import { PUSH_ACCOUNT_FAULT_NAMES, pushCsv, PUSH_FAULT_NAMES, pushUriAccount, type PushAccountCredentials, type PushAccountFaultName, type PushFaultName } from '../fixtures/issuer/push-client.js';
import type { ProfileId } from '../protocol/profiles.js';
import { profileById } from '../protocol/profiles.js';
import { integer, parse, UsageError, usageOnError, withPolicy } from './args.js';
import { bundleOptions, bundleRequest } from './bundle.js';
import { DEMO_HELP, RUN_HELP, SERVE_HELP } from './help.js';
import { runAndReport, suiteOptions, suiteRunOptions } from './run.js';

function profileArg(value: string | undefined): ProfileId {
  const id = value ?? '3.0';
  if (!profileById(id)) throw new UsageError(`--profile must be 1.0, 3.0 or 1.13, got ${JSON.stringify(id)}`);
  return id as ProfileId;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...suiteOptions, ...bundleOptions, config: { type: 'string', short: 'c' }, list: { type: 'boolean' } }, 'run');
  if (values.help) return print(RUN_HELP);
  if (!values.config) throw new UsageError('run needs --config FILE (see dlconform run --help)');
  const options = suiteRunOptions(values);
  if (values.list && values.bundle !== undefined) throw new UsageError('--list sends nothing and writes no report: there is nothing to bundle; drop --bundle or --list');
  const loaded = await loadConfig(values.config, process.env);
  const config = withPolicy(loaded.config, values.policy);
  const bundle = bundleRequest(values, { kind: 'run', config, configPath: values.config, apiKey: loaded.apiKey });
  return runAndReport(config, loaded.apiKey, {
    ...options,
    list: !!values.list,
    bundle,
    ...(loaded.partner && { partner: loaded.partner }),
  });
}

export async function serve(argv: string[]): Promise<number> {
  if (argv.includes('--chaos')) return (await import('../fixtures/chaos/index.js')).serveChaos(argv);
  if (argv.includes('--digilocker')) return (await import('./digilocker.js')).serveDigiLocker(argv);
  if (argv.includes('--requester')) return (await import('./requester.js')).serveRequester(argv);
  if (argv.includes('--partner')) return (await import('./widget.js')).servePartner(argv);
  const { values } = parse(
    argv,
    {
      profile: { type: 'string' },
      port: { type: 'string' },
      documents: { type: 'string' },
      seed: { type: 'string' },
      fault: { type: 'string', multiple: true },
      'list-faults': { type: 'boolean' },
      variant: { type: 'string', multiple: true },
      'list-variants': { type: 'boolean' },
      hmac: { type: 'string' },
      'print-config': { type: 'boolean' },
      'write-config': { type: 'string' },
      'api-key-env': { type: 'string' },
      'large-documents': { type: 'string' },
      'rate-limit': { type: 'string' },
      'retry-after': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    'serve',
  );
  if (values.help) return print(SERVE_HELP);
  if (values['list-faults']) {
    for (const [name, f] of Object.entries(FAULTS)) process.stdout.write(`${name.padEnd(28)} ${f.description}\n`);
    for (const [name, f] of Object.entries(APISETU_FAULTS)) process.stdout.write(`${name.padEnd(28)} ${f.description}\n`);
    return EXIT.ok;
  }
  if (values['list-variants']) {
    for (const [name, v] of Object.entries(VARIANTS)) process.stdout.write(`${name.padEnd(28)} ${v.description}\n`);
    return EXIT.ok;
  }
  const keyEnv = values['api-key-env'] ?? 'DLCONFORM_API_KEY';
  const apiKey = process.env[keyEnv];
  if (!apiKey) {
    throw new UsageError(`serve reads the issuer's API key from $${keyEnv}, which is not set.\nFix: export ${keyEnv}="$(node -e "console.log(require('crypto').randomBytes(16).toString('hex'))")"`);
  }
  // unset: the issuer verifies both encodings (FACTS C1)
  const hmac = values.hmac;
  if (hmac !== undefined && hmac !== 'hex-base64' && hmac !== 'raw-base64') throw new UsageError(`--hmac must be hex-base64 or raw-base64, got ${JSON.stringify(hmac)}`);
  const issuer = await startIssuer({
    profile: profileArg(values.profile),
    port: integer(values.port, 'port', 0),
    documents: integer(values.documents, 'documents'),
    seed: integer(values.seed, 'seed'),
    // the publisher form's faults (apisetu-*) switch the /v3/<doctype>/certificate route
    faults: faultsArg(values.fault?.flatMap((v) => v.split(',')).filter((f) => !f.trim().startsWith('apisetu-'))),
    apiSetuFaults: usageOnError(() => parseApiSetuFaults(values.fault?.flatMap((v) => v.split(',')).filter((f) => f.trim().startsWith('apisetu-')))),
    variants: usageOnError(() => parseVariants(values.variant)),
    hmac,
    apiKey,
    largeDocumentBytes: integer(values['large-documents'], 'large-documents'),
    rateLimitPerMinute: integer(values['rate-limit'], 'rate-limit'),
    rateLimitRetryAfterSeconds: integer(values['retry-after'], 'retry-after'),
  });
  const configText = `${JSON.stringify(issuer.config(keyEnv), null, 2)}\n`;
  // written once the issuer listens, and atomically (a rename): a script that waits for the file
  // never reads half a config, and finds the issuer ready when it does
  if (values['write-config']) writeConfigFile(values['write-config'], configText);
  if (values['print-config']) process.stdout.write(configText);
  process.stderr.write(
    `reference issuer (profile ${issuer.profile}${issuer.faults.length ? `, faults: ${issuer.faults.join(', ')}` : ''}${issuer.variants.length ? `, variants: ${issuer.variants.join(', ')}` : ''}) on ${issuer.url}\n  Pull URI: ${issuer.pullUriUrl}\n${issuer.pullDocUrl ? `  Pull Doc: ${issuer.pullDocUrl}\n` : ''}Ctrl-C stops it.\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await issuer.close();
  return EXIT.ok;
}

function writeConfigFile(path: string, text: string): void {
  const partial = `${path}.${process.pid}.partial`;
  try {
    writeFileSync(partial, text, { mode: 0o600 });
    renameSync(partial, path);
  } catch (err) {
    rmSync(partial, { force: true });
    throw new UsageError(`--write-config ${path}: ${(err as Error).message}`);
  }
}

function faultsArg(values: string[] | undefined) {
  return usageOnError(() => parseFaults(values));
}

export async function demo(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...suiteOptions, profile: { type: 'string' }, fault: { type: 'string', multiple: true }, 'push-account': { type: 'boolean' } }, 'demo');
  if (values.help) return print(DEMO_HELP);
  const options = suiteRunOptions(values);
  if (values.profile === 'apisetu') {
    if (values['push-account']) throw new UsageError('--push-account does not apply to --profile apisetu, which judges the certificate endpoint alone');
    return (await import('./apisetu.js')).demoApiSetu(values.fault, values.policy, options);
  }
  const { issuerFaults, pushFaults, accountFaults } = demoFaults(values.fault);
  const byAccount = !!values['push-account'];
  if (accountFaults.length > 0 && !byAccount) throw new UsageError(`--fault ${accountFaults.join(',')}: Push URI to Account faults need --push-account`);
  if (pushFaults.length > 0 && byAccount) throw new UsageError(`--fault ${pushFaults.join(',')}: Push CSV faults do not apply with --push-account (its faults are push-acct-*)`);
  const apiKey = randomBytes(16).toString('hex');
  const keyEnv = 'DLCONFORM_DEMO_API_KEY';
  const profile = profileArg(values.profile);
  const dbDir = mkdtempSync(join(tmpdir(), 'dlconform-demo-'));
  const dbPath = join(dbDir, 'pushes.sqlite');
  let digiLocker: RunningMockDigiLocker | undefined;
  let issuer: RunningIssuer | undefined;
  try {
    // both sides, as an issuer has them: it pushes its documents to (mock) DigiLocker, then the
    // suite checks its Pull endpoints, the push endpoint and that every pushed URI is pullable;
    // the pending search's document is pushed there after its Status 9 answer
    // --push-account: the issuer is also a partner, pushing into a DigiLocker account with Push URI to Account
    const account: PushAccountCredentials | undefined = byAccount ? { clientId: 'DLCONFORMDEMO', clientSecret: randomBytes(16).toString('hex'), digilockerId: DEFAULT_TEST_ACCOUNT } : undefined;
    digiLocker = await startMockDigiLocker({
      apiKey,
      orgId: DEFAULT_ORG_ID,
      dbPath,
      ...(account && { partner: { clientId: account.clientId, clientSecret: account.clientSecret, accounts: [account.digilockerId] } }),
    });
    issuer = await startIssuer({ profile, apiKey, faults: issuerFaults, pushPendingTo: digiLocker.url, ...(account && { pushPendingAccount: account }) });
    const banner = `dlconform ${TOOL_VERSION}: reference issuer (profile ${issuer.profile}) on ${issuer.url}; mock DigiLocker on ${digiLocker.url}\n`;
    if (account) {
      let accepted = 0;
      // one request per document, in turn: the store is small and bounded
      for (const document of issuer.store.documents) {
        const r = await pushUriAccount({ digiLockerUrl: digiLocker.url, account, store: issuer.store, document, faults: accountFaults });
        if (r.accepted) accepted++;
      }
      process.stdout.write(`${banner}  the issuer pushed ${issuer.store.documents.length} URIs with Push URI to Account: ${accepted} accepted\n`);
    } else {
      const pushed = await pushCsv({ digiLockerUrl: digiLocker.url, apiKey, orgId: issuer.store.orgId, store: issuer.store, faults: pushFaults });
      process.stdout.write(
        `${banner}  the issuer's push client pushed ${pushed.uris.length} URIs: ${pushed.accepted ? 'accepted' : `rejected (${pushed.error ?? pushed.response?.message ?? `HTTP ${pushed.httpStatus}`})`}\n`,
      );
    }
    const base = issuer.config(keyEnv);
    const partnerEnv = { clientIdEnv: 'DLCONFORM_DEMO_PARTNER_ID', clientSecretEnv: 'DLCONFORM_DEMO_PARTNER_SECRET' };
    const json = {
      ...base,
      target: {
        ...base.target,
        pushCsv: digiLocker.pushCsvUrl,
        pushUri: digiLocker.pushUriUrl,
        ...(account && { pushUriAccount: { url: digiLocker.pushUriAccountUrl, ...partnerEnv, digilockerId: account.digilockerId } }),
      },
      pushed: { db: dbPath },
    };
    const env = { [keyEnv]: apiKey, ...(account && { [partnerEnv.clientIdEnv]: account.clientId, [partnerEnv.clientSecretEnv]: account.clientSecret }) };
    const parsed = parseConfig(json, env, 'reference issuer');
    const config = withPolicy(parsed.config, values.policy);
    return await runAndReport(config, apiKey, {
      ...options,
      ...(parsed.partner && { partner: parsed.partner }),
    });
  } finally {
    await issuer?.close();
    await digiLocker?.close();
    rmSync(dbDir, { recursive: true, force: true });
  }
}

/** demo --fault takes the issuer's faults and its push client's (push-*, push-acct-*) alike. */
function demoFaults(values: string[] | undefined): { issuerFaults: FaultName[]; pushFaults: PushFaultName[]; accountFaults: PushAccountFaultName[] } {
  type Name = FaultName | PushFaultName | PushAccountFaultName;
  const names: Name[] = usageOnError(() => parseFaultList(values, [...FAULT_NAMES, ...PUSH_FAULT_NAMES, ...PUSH_ACCOUNT_FAULT_NAMES]));
  const isPush = (n: Name): n is PushFaultName => (PUSH_FAULT_NAMES as readonly string[]).includes(n);
  const isAccount = (n: Name): n is PushAccountFaultName => (PUSH_ACCOUNT_FAULT_NAMES as readonly string[]).includes(n);
  return { issuerFaults: names.filter((n): n is FaultName => !isPush(n) && !isAccount(n)), pushFaults: names.filter(isPush), accountFaults: names.filter(isAccount) };
}

function print(text: string): number {
  process.stdout.write(text);
  return EXIT.ok;
}
