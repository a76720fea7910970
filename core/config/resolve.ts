/**
 * The config file: read, validate against config.schema.json, apply the profile's defaults, and
 * fetch the API key from the environment. Every problem becomes a ConfigError whose lines name
 * the field as a JSON path (`documents[0].search`) and say what is expected, so a user can fix
 * the file without reading the schema. Values of personal fields (owner.*) and the API key never
 * appear in a message: config errors end up in CI logs.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve as resolvePath } from 'node:path';
import type { HmacEncoding } from '../../protocol/auth.js';
import { PROFILES, DEFAULT_PROFILE, type NamespaceForm, type ProfileId } from '../../protocol/profiles.js';
import { isDdMmYyyy } from '../../protocol/dates.js';
import { ownerKey, type PersonField } from '../../protocol/person-match.js';
import { DEFAULT_POLICY, type Policy } from '../policy.js';
import { locateJsonError } from './json-locator.js';
import { resolveReplayFiles } from './replay-files.js';
import { quote, schemaIssues } from './schema-errors.js';
import { apiSetuSettings, formIssues, isApiSetu, type RawApiSetu } from './apisetu.js';
import {
  ConfigError,
  OWNER_MATCH_DEFAULT,
  PENDING_PUSH_WITHIN_DEFAULT,
  PUSHED_LIMIT_DEFAULT,
  TS_WINDOW_DEFAULTS,
  type Config,
  type ConfigIssue,
  type DocumentSpec,
  type FormatAbsentExpectation,
  type LoadConfig,
  type PartnerCredentials,
  type PushUriAccountTarget,
  type SearchSpec,
  type TsWindow,
  type UidMode,
} from './types.js';

/** The profile-dependent defaults (DESIGN.md profile table, protocol/profiles.ts). */
export function defaultsFor(profile: ProfileId): { hmac: HmacEncoding; namespace: NamespaceForm; uidMode: UidMode } {
  const p = PROFILES[profile];
  return { hmac: p.defaultHmac, namespace: p.defaultNamespace, uidMode: p.defaultUidMode };
}

const CLIENT_DEFAULTS = {
  timeoutMs: 10_000,
  concurrency: 4,
  timeBudgetMs: 300_000,
  // a 20 MB certificate PDF is ≈ 27 MB of base64 in DocContent; 64 MiB leaves room above that
  maxResponseBytes: 64 * 1024 * 1024,
} as const;

const DEFAULT_TS_OFFSET = '+05:30';

/** Reads and validates a config file; the API key comes from `env[config.apiKeyEnv]`. */
export async function loadConfig(path: string, env: NodeJS.ProcessEnv): Promise<{ config: Config; apiKey: string; partner?: PartnerCredentials }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [{ field: '', message: fileProblem(err) }]);
  }
  const parsed = parseConfig(parseJson(text, path), env, path);
  const pushed = parsed.config.pushed;
  if (pushed) {
    // the config names its pushed files relative to itself, wherever dlconform runs from
    const dir = dirname(path);
    parsed.config.pushed = { ...pushed, ...(pushed.db !== undefined && { db: resolvePath(dir, pushed.db) }), csv: pushed.csv.map((f) => resolvePath(dir, f)) };
  }
  if (parsed.config.waivers !== undefined) parsed.config.waivers = resolvePath(dirname(path), parsed.config.waivers);
  if (parsed.config.replay) {
    // captured files are named relative to the config, like pushed; every pattern must match
    const { files, issues } = resolveReplayFiles(parsed.config.replay.files, dirname(path), 'replay.files', parsed.config);
    if (issues.length > 0) throw new ConfigError(path, issues);
    parsed.config.replay = { ...parsed.config.replay, files };
  }
  return parsed;
}

/**
 * Validates an already-parsed config value. `sourceName` only labels error messages. With
 * target.pushUriAccount, `partner` holds the clientid and client secret from the variables it names.
 */
export function parseConfig(json: unknown, env: NodeJS.ProcessEnv, sourceName: string): { config: Config; apiKey: string; partner?: PartnerCredentials } {
  const issues = schemaIssues(json);
  if (issues.length > 0) {
    // Later rules read fields the schema guarantees; still report the key problem in the same pass.
    const keyIssue = isRecord(json) && typeof json.apiKeyEnv === 'string' && !issues.some((i) => i.field === 'apiKeyEnv') ? apiKeyIssue(json.apiKeyEnv, env) : undefined;
    throw new ConfigError(sourceName, keyIssue ? [...issues, keyIssue] : issues);
  }
  const raw = json as RawConfig;
  const config = resolve(raw);
  const crossIssues = [...crossFieldIssues(config), ...ownerMatchIssues(raw)];
  // profile apisetu: target.certificate instead of the Pull endpoints, the apiSetu block (core/config/apisetu.ts)
  const formProblems = formIssues(raw, env);
  crossIssues.push(...formProblems);
  const keyIssue = raw.apiSetu?.apiKeyEnv !== undefined && isApiSetu(raw) ? undefined : apiKeyIssue(config.apiKeyEnv, env);
  if (keyIssue) crossIssues.push(keyIssue);
  const account = config.target.pushUriAccount;
  if (account) crossIssues.push(...partnerIssues(account, env));
  if (crossIssues.length > 0) throw new ConfigError(sourceName, crossIssues);
  if (isApiSetu(raw)) {
    config.apiSetu = apiSetuSettings(raw, env);
    config.apiKeyEnv = config.apiSetu.apiKeyEnv;
  }
  return {
    config,
    apiKey: env[config.apiKeyEnv]!,
    ...(account && { partner: { clientId: env[account.clientIdEnv]!.trim(), clientSecret: env[account.clientSecretEnv]! } }),
  };
}

// ---------------------------------------------------------------------------------------------
// defaults

interface RawConfig {
  profile?: ProfileId | 'apisetu';
  policy?: Policy;
  target: { pullUri?: string; pullDoc?: string; pushCsv?: string; pushUri?: string; pushUriAccount?: PushUriAccountTarget; requester?: string; certificate?: string };
  orgId: string;
  issuerId?: string;
  apiKeyEnv: string;
  hmac?: HmacEncoding;
  namespace?: NamespaceForm;
  tsOffset?: string;
  uidMode?: UidMode;
  optIn?: { uid?: boolean; fullName?: boolean; dob?: boolean; photo?: boolean };
  identityCheck?: boolean;
  ownerMatch?: PersonField[];
  documents: DocumentSpec[];
  absent: SearchSpec;
  pending?: SearchSpec & { pushWithinSeconds?: number };
  absentUri?: string;
  expect?: { formatAbsent?: FormatAbsentExpectation; signed?: boolean };
  tsWindow?: Partial<TsWindow>;
  client?: Partial<Config['client']>;
  pushed?: { db?: string; csv?: string[]; limit?: number };
  loadAllowedHosts?: string[];
  load?: LoadConfig;
  waivers?: string;
  apiSetu?: RawApiSetu;
  replay?: { files: string[]; expect?: 'served' | 'refused' };
}

function resolve(raw: RawConfig): Config {
  // profile apisetu speaks no Pull profile: the code that reads one gets the default
  const profile = raw.profile === 'apisetu' ? DEFAULT_PROFILE : (raw.profile ?? DEFAULT_PROFILE);
  const defaults = defaultsFor(profile);
  const config: Config = {
    profile,
    policy: raw.policy ?? DEFAULT_POLICY,
    target: {
      // profile apisetu: the certificate endpoint is the run's one endpoint, reported where the Pull URI is
      pullUri: raw.target.pullUri ?? raw.target.certificate ?? '',
      ...(raw.target.certificate !== undefined && { certificate: raw.target.certificate }),
      ...(raw.target.pullDoc !== undefined && { pullDoc: raw.target.pullDoc }),
      ...(raw.target.pushCsv !== undefined && { pushCsv: raw.target.pushCsv }),
      ...(raw.target.pushUri !== undefined && { pushUri: raw.target.pushUri }),
      ...(raw.target.pushUriAccount !== undefined && { pushUriAccount: { ...raw.target.pushUriAccount } }),
      ...(raw.target.requester !== undefined && { requester: raw.target.requester }),
    },
    orgId: raw.orgId,
    issuerId: raw.issuerId ?? raw.orgId,
    apiKeyEnv: raw.apiKeyEnv,
    hmac: raw.hmac ?? defaults.hmac,
    namespace: raw.namespace ?? defaults.namespace,
    tsOffset: raw.tsOffset ?? DEFAULT_TS_OFFSET,
    uidMode: raw.uidMode ?? defaults.uidMode,
    optIn: {
      uid: raw.optIn?.uid ?? false,
      fullName: raw.optIn?.fullName ?? false,
      dob: raw.optIn?.dob ?? false,
      photo: raw.optIn?.photo ?? false,
    },
    identityCheck: raw.identityCheck ?? true,
    ownerMatch: [...(raw.ownerMatch ?? OWNER_MATCH_DEFAULT)],
    documents: raw.documents.map((d) => ({
      docType: d.docType,
      search: { ...d.search },
      ...(d.uri !== undefined && { uri: d.uri }),
      ...(d.owner !== undefined && { owner: { ...d.owner } }),
    })),
    absent: { docType: raw.absent.docType, search: { ...raw.absent.search } },
    ...(raw.pending !== undefined && {
      pending: { docType: raw.pending.docType, search: { ...raw.pending.search }, pushWithinSeconds: raw.pending.pushWithinSeconds ?? PENDING_PUSH_WITHIN_DEFAULT },
    }),
    ...(raw.absentUri !== undefined && { absentUri: raw.absentUri }),
    expect: { ...(raw.expect?.formatAbsent !== undefined && { formatAbsent: raw.expect.formatAbsent }), signed: raw.expect?.signed ?? false },
    ...(raw.tsWindow !== undefined && {
      tsWindow: {
        pastSeconds: raw.tsWindow.pastSeconds ?? TS_WINDOW_DEFAULTS.pastSeconds,
        futureSeconds: raw.tsWindow.futureSeconds ?? TS_WINDOW_DEFAULTS.futureSeconds,
      },
    }),
    ...(raw.pushed !== undefined && {
      pushed: { ...(raw.pushed.db !== undefined && { db: raw.pushed.db }), csv: [...(raw.pushed.csv ?? [])], limit: raw.pushed.limit ?? PUSHED_LIMIT_DEFAULT },
    }),
    loadAllowedHosts: [...(raw.loadAllowedHosts ?? [])],
    ...(raw.load !== undefined && { load: structuredClone(raw.load) }),
    ...(raw.waivers !== undefined && { waivers: raw.waivers }),
    ...(raw.replay !== undefined && { replay: { files: [...raw.replay.files], expect: raw.replay.expect ?? 'served' } }),
    client: {
      timeoutMs: raw.client?.timeoutMs ?? CLIENT_DEFAULTS.timeoutMs,
      concurrency: raw.client?.concurrency ?? CLIENT_DEFAULTS.concurrency,
      timeBudgetMs: raw.client?.timeBudgetMs ?? CLIENT_DEFAULTS.timeBudgetMs,
      maxResponseBytes: raw.client?.maxResponseBytes ?? CLIENT_DEFAULTS.maxResponseBytes,
      ...(raw.client?.maxRequestsPerSecond !== undefined && { maxRequestsPerSecond: raw.client.maxRequestsPerSecond }),
    },
  };
  return config;
}

// ---------------------------------------------------------------------------------------------
// rules the schema cannot express

function crossFieldIssues(config: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (config.profile === '1.13' && config.target.pullDoc !== undefined) {
    issues.push({
      field: 'target.pullDoc',
      message: 'must not be set with profile "1.13": Pull Doc was removed in spec v1.13; remove target.pullDoc or choose profile "3.0"',
    });
  }
  if (config.pushed && config.pushed.db === undefined && config.pushed.csv.length === 0) {
    issues.push({ field: 'pushed', message: "names no source of pushed URIs; add pushed.db (the mock DigiLocker's database file) or pushed.csv (Push CSV files), or remove pushed" });
  }
  for (const key of ['pullUri', 'pullDoc', 'pushCsv', 'pushUri', 'requester', 'certificate'] as const) {
    const url = config.target[key];
    if (url === undefined || (key === 'pullUri' && url === '')) continue;
    const problem = urlProblem(url);
    if (problem) issues.push({ field: `target.${key}`, message: problem });
  }
  const accountUrl = config.target.pushUriAccount?.url;
  const accountProblem = accountUrl === undefined ? undefined : urlProblem(accountUrl);
  if (accountProblem) issues.push({ field: 'target.pushUriAccount.url', message: accountProblem });
  config.documents.forEach((doc, i) => {
    if (doc.owner?.dob !== undefined && !isDdMmYyyy(doc.owner.dob)) {
      issues.push({ field: `documents[${i}].owner.dob`, message: 'is not a calendar date; write the date of birth as DD-MM-YYYY, such as "31-12-1990"' });
    }
    if (sameSearch(doc, config.absent)) {
      issues.push({ field: 'absent.search', message: `is the same search as documents[${i}]; absent must be a search that matches no document` });
    }
  });
  return issues;
}

/** A Match option named in the config is judged on every owner given: one without that value would be skipped unseen. */
function ownerMatchIssues(raw: RawConfig): ConfigIssue[] {
  const listed = raw.ownerMatch ?? [];
  return raw.documents.flatMap((doc, i) =>
    doc.owner === undefined
      ? []
      : listed
          .filter((field) => doc.owner![ownerKey(field)] === undefined)
          .map((field) => ({
            field: `documents[${i}].owner.${ownerKey(field)}`,
            message: `is not set, but ownerMatch lists "${field}"; add it, or remove "${field}" from ownerMatch`,
          })),
  );
}

function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `is not a valid URL (got ${quote(url)}); write an http(s) URL such as "https://issuer.example/pulluri"`;
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // Credentials in the URL would be copied into every report and curl line.
    return 'must not contain a user name or password: they would be written into reports; remove them from the URL';
  }
  return undefined;
}

function sameSearch(a: SearchSpec, b: SearchSpec): boolean {
  const ak = Object.keys(a.search);
  return a.docType === b.docType && ak.length === Object.keys(b.search).length && ak.every((k) => a.search[k] === b.search[k]);
}

function apiKeyIssue(name: string, env: NodeJS.ProcessEnv): ConfigIssue | undefined {
  const value = env[name];
  if (value !== undefined && value.trim() !== '') return undefined;
  // A conventional variable name is safe to print; anything else may be the key pasted by mistake.
  const shown = /^[A-Z_][A-Z0-9_]*$/.test(name) ? `environment variable ${name}` : 'the environment variable named by apiKeyEnv';
  const state = value === undefined ? 'is not set' : 'is empty';
  return {
    field: 'apiKeyEnv',
    message: `${shown} ${state}; export it with the issuer's API key (apiKeyEnv holds the variable's name, such as "DLCONFORM_API_KEY", never the key)`,
  };
}

/** The partner's clientid and secret must be in the environment: the config only names the variables. */
function partnerIssues(account: PushUriAccountTarget, env: NodeJS.ProcessEnv): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [key, what] of [
    ['clientIdEnv', "the partner's clientid"],
    ['clientSecretEnv', "the partner's client secret"],
  ] as const) {
    const name = account[key];
    const value = env[name];
    if (value !== undefined && value.trim() !== '') continue;
    issues.push({
      field: `target.pushUriAccount.${key}`,
      message: `environment variable ${name} ${value === undefined ? 'is not set' : 'is empty'}; export it with ${what} (${key} holds the variable's name, never the value)`,
    });
  }
  return issues;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// reading the file

function fileProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found; pass --config with the path of your config JSON (see core/config/config.schema.json)';
  if (code === 'EISDIR') return 'is a directory; pass --config with the path of a config JSON file';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  return `cannot be read (${code ?? String(err)})`;
}

function parseJson(text: string, sourceName: string): unknown {
  // Editors on Windows save a BOM that JSON.parse rejects; it carries no meaning.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch {
    // V8's own message quotes the file's text (which may hold personal data) and often has no
    // position, so the error is located by our own scanner instead.
    const found = locateJsonError(body);
    const where = found ? `line ${found.line}, column ${found.column}: ${found.reason}` : 'syntax error';
    throw new ConfigError(sourceName, [{ field: '', message: `is not valid JSON (${where})` }]);
  }
}
