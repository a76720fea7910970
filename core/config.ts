/**
 * The config file: read, validate against config.schema.json, apply the profile's defaults, and
 * fetch the API key from the environment. Every problem becomes a ConfigError whose lines name
 * the field as a JSON path (`documents[0].search`) and say what is expected, so a user can fix
 * the file without reading the schema. Values of personal fields (owner.*) and the API key never
 * appear in a message: config errors end up in CI logs.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve as resolvePath } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import schema from './config.schema.json' with { type: 'json' };
import type { HmacEncoding } from '../protocol/auth.js';
import { PROFILES, DEFAULT_PROFILE, type NamespaceForm, type ProfileId } from '../protocol/profiles.js';
import { isDdMmYyyy } from '../protocol/time.js';

export type UidMode = 'md5' | 'plain';
export type FormatAbsentExpectation = 'pdf' | 'xml' | 'none' | 'any';

/** A Pull URI search: the document type and the configured search elements with their values. */
export interface SearchSpec {
  docType: string;
  /** element name → value, in file order (the order they are sent) */
  search: Record<string, string>;
}

/** Personal data of a document's owner; every value is redacted from reports. */
export interface Owner {
  fullName?: string;
  /** DD-MM-YYYY */
  dob?: string;
  /** 12 digits */
  aadhaar?: string;
  gender?: string;
  phone?: string;
}

export interface DocumentSpec extends SearchSpec {
  uri?: string;
  owner?: Owner;
}

/** Where the URIs an issuer pushed are read from: the mock DigiLocker's database, Push CSV files. */
export interface PushedSource {
  db?: string;
  csv: string[];
  /** at most this many distinct URIs are pulled */
  limit: number;
}

export const PUSHED_LIMIT_DEFAULT = 200;

/** The config with every default applied. The API key is not part of it (see loadConfig). */
export interface Config {
  profile: ProfileId;
  target: { pullUri: string; pullDoc?: string; pushCsv?: string; pushUri?: string };
  orgId: string;
  /** prefix of document URIs; defaults to orgId */
  issuerId: string;
  apiKeyEnv: string;
  hmac: HmacEncoding;
  namespace: NamespaceForm;
  tsOffset: string;
  uidMode: UidMode;
  optIn: { uid: boolean; fullName: boolean; dob: boolean; photo: boolean };
  identityCheck: boolean;
  documents: DocumentSpec[];
  absent: SearchSpec;
  pending?: SearchSpec;
  /** unset: the runner derives one from issuerId and the first document's docType */
  absentUri?: string;
  /** formatAbsent unset: the profile's reading of C5 applies (protocol/profiles.ts content.absent) */
  expect: { formatAbsent?: FormatAbsentExpectation };
  /** the ts freshness window the issuer intends (C4: no spec sets one); unset: only measured, never judged */
  tsWindow?: TsWindow;
  /** what the issuer pushed, for the cross-API consistency check (conformance/checks/consistency.ts) */
  pushed?: PushedSource;
  /** hosts `dlconform load` may target besides loopback (load/safety.ts); default none */
  loadAllowedHosts: string[];
  /** `dlconform load` settings as written; load/settings.ts applies their defaults */
  load?: LoadConfig;
  client: {
    timeoutMs: number;
    concurrency: number;
    timeBudgetMs: number;
    maxResponseBytes: number;
    /** unset: no rate cap beyond concurrency */
    maxRequestsPerSecond?: number;
  };
}

/** A ts freshness window in seconds either side of the issuer's clock. */
export interface TsWindow {
  pastSeconds: number;
  futureSeconds: number;
}

/** The sides of a declared tsWindow left out: the 30-minute rule of other DigiLocker APIs (C4), 5 minutes of clock skew. */
export const TS_WINDOW_DEFAULTS: TsWindow = { pastSeconds: 1800, futureSeconds: 300 };

/** The `load` block of the config file (dlconform load; defaults in load/settings.ts). */
export interface LoadConfig {
  scenario?: 'pull-doc' | 'pull-uri';
  format?: 'pdf' | 'xml' | 'both';
  sampleRate?: number;
  captureBytes?: number;
  requestTimeoutMs?: number;
  /** path of a JSON list of documents, relative to the config file */
  dataset?: string;
  thresholds?: { p95Ms?: number; p99Ms?: number; errorRate?: number; checksRate?: number; lateStartRate?: number };
  smoke?: LoadConstantConfig;
  ci?: LoadConstantConfig;
  soak?: LoadConstantConfig;
  capacity?: {
    startRate?: number;
    stepRate?: number;
    maxSteps?: number;
    stepSeconds?: number;
    settleSeconds?: number;
    minAchievedRatio?: number;
    workers?: number;
    maxWorkers?: number;
  };
}

export interface LoadConstantConfig {
  rate?: number;
  durationSeconds?: number;
  workers?: number;
  maxWorkers?: number;
}

export interface ConfigIssue {
  /** JSON path of the offending field, e.g. `documents[0].search`; empty for the file as a whole */
  field: string;
  message: string;
}

/** A config problem the user must fix (exit code 2). `field` is the first issue's field. */
export class ConfigError extends Error {
  readonly field: string;
  readonly issues: readonly ConfigIssue[];
  constructor(sourceName: string, issues: ConfigIssue[]) {
    const lines = issues.map((i) => `config ${sourceName}: ${i.field ? `${i.field}: ` : ''}${i.message}`);
    super(lines.join('\n'));
    this.name = 'ConfigError';
    this.field = issues[0]?.field ?? '';
    this.issues = issues;
  }
}

/** The profile-dependent defaults (DESIGN.md profile table, protocol/profiles.ts). */
export function defaultsFor(profile: ProfileId): { hmac: HmacEncoding; namespace: NamespaceForm; uidMode: UidMode } {
  const p = PROFILES[profile];
  return { hmac: p.defaultHmac, namespace: p.defaultNamespace, uidMode: p.defaultUidMode };
}

export const CLIENT_DEFAULTS = {
  timeoutMs: 10_000,
  concurrency: 4,
  timeBudgetMs: 300_000,
  // a 20 MB certificate PDF is ≈ 27 MB of base64 in DocContent; 64 MiB leaves room above that
  maxResponseBytes: 64 * 1024 * 1024,
} as const;

export const DEFAULT_TS_OFFSET = '+05:30';

/** Reads and validates a config file; the API key comes from `env[config.apiKeyEnv]`. */
export async function loadConfig(path: string, env: NodeJS.ProcessEnv): Promise<{ config: Config; apiKey: string }> {
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
  return parsed;
}

/** Validates an already-parsed config value. `sourceName` only labels error messages. */
export function parseConfig(json: unknown, env: NodeJS.ProcessEnv, sourceName: string): { config: Config; apiKey: string } {
  const issues = schemaIssues(json);
  if (issues.length > 0) {
    // Later rules read fields the schema guarantees; still report the key problem in the same pass.
    const keyIssue = isRecord(json) && typeof json.apiKeyEnv === 'string' && !issues.some((i) => i.field === 'apiKeyEnv')
      ? apiKeyIssue(json.apiKeyEnv, env)
      : undefined;
    throw new ConfigError(sourceName, keyIssue ? [...issues, keyIssue] : issues);
  }
  const raw = json as RawConfig;
  const config = resolve(raw);
  const crossIssues = crossFieldIssues(config);
  const keyIssue = apiKeyIssue(config.apiKeyEnv, env);
  if (keyIssue) crossIssues.push(keyIssue);
  if (crossIssues.length > 0) throw new ConfigError(sourceName, crossIssues);
  return { config, apiKey: env[config.apiKeyEnv]! };
}

// ---------------------------------------------------------------------------------------------
// defaults

interface RawConfig {
  profile?: ProfileId;
  target: { pullUri: string; pullDoc?: string; pushCsv?: string; pushUri?: string };
  orgId: string;
  issuerId?: string;
  apiKeyEnv: string;
  hmac?: HmacEncoding;
  namespace?: NamespaceForm;
  tsOffset?: string;
  uidMode?: UidMode;
  optIn?: { uid?: boolean; fullName?: boolean; dob?: boolean; photo?: boolean };
  identityCheck?: boolean;
  documents: DocumentSpec[];
  absent: SearchSpec;
  pending?: SearchSpec;
  absentUri?: string;
  expect?: { formatAbsent?: FormatAbsentExpectation };
  tsWindow?: Partial<TsWindow>;
  client?: Partial<Config['client']>;
  pushed?: { db?: string; csv?: string[]; limit?: number };
  loadAllowedHosts?: string[];
  load?: LoadConfig;
}

function resolve(raw: RawConfig): Config {
  const profile = raw.profile ?? DEFAULT_PROFILE;
  const defaults = defaultsFor(profile);
  const config: Config = {
    profile,
    target: {
      pullUri: raw.target.pullUri,
      ...(raw.target.pullDoc !== undefined && { pullDoc: raw.target.pullDoc }),
      ...(raw.target.pushCsv !== undefined && { pushCsv: raw.target.pushCsv }),
      ...(raw.target.pushUri !== undefined && { pushUri: raw.target.pushUri }),
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
    documents: raw.documents.map((d) => ({
      docType: d.docType,
      search: { ...d.search },
      ...(d.uri !== undefined && { uri: d.uri }),
      ...(d.owner !== undefined && { owner: { ...d.owner } }),
    })),
    absent: { docType: raw.absent.docType, search: { ...raw.absent.search } },
    ...(raw.pending !== undefined && { pending: { docType: raw.pending.docType, search: { ...raw.pending.search } } }),
    ...(raw.absentUri !== undefined && { absentUri: raw.absentUri }),
    expect: raw.expect?.formatAbsent !== undefined ? { formatAbsent: raw.expect.formatAbsent } : {},
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
    issues.push({ field: 'pushed', message: 'names no source of pushed URIs; add pushed.db (the mock DigiLocker\'s database file) or pushed.csv (Push CSV files), or remove pushed' });
  }
  for (const key of ['pullUri', 'pullDoc', 'pushCsv', 'pushUri'] as const) {
    const url = config.target[key];
    if (url === undefined) continue;
    const problem = urlProblem(url);
    if (problem) issues.push({ field: `target.${key}`, message: problem });
  }
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

// ---------------------------------------------------------------------------------------------
// schema validation and its messages

const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true });
const validate = ajv.compile(schema);

/** Fields whose values are personal data or may be a secret: their values are never echoed. */
const SENSITIVE_FIELD = /(^|\.)owner(\.|$)|^apiKeyEnv$/;

function schemaIssues(json: unknown): ConfigIssue[] {
  if (validate(json)) return [];
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const issue = describe(error);
    if (!issue || seen.has(issue.field)) continue; // one message per field: the first is the most basic
    seen.add(issue.field);
    issues.push(issue);
  }
  return issues;
}

function describe(error: ErrorObject): ConfigIssue | undefined {
  const base = pointerToPath(error.instancePath);
  const parent = (error.parentSchema ?? {}) as SchemaNode;
  const hint = hintOf(parent);
  const got = (f: string) => (SENSITIVE_FIELD.test(f) ? '' : ` (got ${quote(error.data)})`);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const name = String(params.missingProperty);
      const field = join(base, name);
      return { field, message: `is required${withHint(hintOf(childSchema(parent, name)))}` };
    }
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      return { field: join(base, name), message: unknownFieldMessage(base, name, Object.keys(parent.properties ?? {})) };
    }
    case 'propertyNames': {
      const name = String(params.propertyName);
      const pattern = (parent.propertyNames as SchemaNode | undefined)?.pattern;
      return {
        field: `${base}.${name}`,
        message: `is not a valid XML element name: must match ${pattern}${withHint(hintOf(parent.propertyNames as SchemaNode))}`,
      };
    }
    case 'pattern':
      // propertyNames failures are reported once, by the propertyNames error above.
      if (error.schemaPath.includes('/propertyNames/')) return undefined;
      if (parent.pattern === schema.properties.target.properties.pullUri.pattern) {
        return { field: base, message: `must be an http(s) URL${got(base)}${withHint(hint)}` };
      }
      return { field: base, message: `must match ${String(params.pattern)}${got(base)}${withHint(hint)}` };
    case 'type':
      return { field: base, message: `must be ${article(String(params.type))}${typeOf(error.data)}${withHint(hint)}` };
    case 'enum':
      return {
        field: base,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${got(base)}`,
      };
    case 'minLength':
      return { field: base, message: `must not be empty${withHint(hint)}` };
    case 'minItems':
      return { field: base, message: `must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}${withHint(hint)}` };
    case 'minProperties':
      return { field: base, message: `must have at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}${withHint(hint)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { field: base, message: `must be ${String(params.comparison)} ${String(params.limit)}${got(base)}${withHint(hint)}` };
    default:
      return { field: base, message: `${error.message ?? 'is invalid'}${withHint(hint)}` };
  }
}

interface SchemaNode {
  description?: string;
  pattern?: string;
  properties?: Record<string, SchemaNode>;
  propertyNames?: SchemaNode;
  $ref?: string;
}

/** A property's schema, following one local `$ref` so a missing `absent` gets its hint too. */
function childSchema(parent: SchemaNode, name: string): SchemaNode | undefined {
  const child = parent.properties?.[name];
  if (child?.description || !child?.$ref) return child;
  const defName = child.$ref.replace('#/$defs/', '');
  return (schema.$defs as Record<string, SchemaNode>)[defName];
}

/** The first sentence of a schema description, written to read as a hint after a value. */
function hintOf(node: SchemaNode | undefined): string | undefined {
  const description = node?.description;
  if (!description) return undefined;
  const first = description.split(/\.(?:\s|$)/)[0]!;
  return first.charAt(0).toLowerCase() + first.slice(1);
}

function withHint(hint: string | undefined): string {
  return hint ? `; expected ${hint}` : '';
}

const UNKNOWN_FIELD_ADVICE: Record<string, string> = {
  apiKey: 'the API key must not be in the config file: put it in an environment variable and write that variable\'s name in "apiKeyEnv"',
  key: 'the API key must not be in the config file: put it in an environment variable and write that variable\'s name in "apiKeyEnv"',
};

function unknownFieldMessage(base: string, name: string, known: string[]): string {
  if (base === '' && UNKNOWN_FIELD_ADVICE[name]) return `unknown field: ${UNKNOWN_FIELD_ADVICE[name]}`;
  const suggestion = closest(name, known);
  if (suggestion) return `unknown field (did you mean "${suggestion}"?)`;
  return `unknown field (known fields here: ${known.join(', ')})`;
}

/** The known name a typo most likely meant: equal ignoring case, a prefix, or a small edit distance. */
export function closest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase().replace(/[-_]/g, '');
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of known) {
    const c = candidate.toLowerCase();
    const score = c === lower ? 0 : c.startsWith(lower) && lower.length >= 3 ? 1 : editDistance(lower, c);
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  const allowed = Math.max(1, Math.floor(name.length / 3));
  return bestScore <= allowed ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** `/documents/0/search` → `documents[0].search` */
export function pointerToPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(part) ? `[${part}]` : path === '' ? part : `.${part}`;
  }
  return path;
}

function join(base: string, name: string): string {
  return base === '' ? name : `${base}.${name}`;
}

function article(type: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    object: 'an object {…}',
    array: 'a list […]',
  };
  return names[type] ?? type;
}

function typeOf(value: unknown): string {
  const t = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  return ` (got ${t})`;
}

function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// reading the file

function fileProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found; pass --config with the path of your config JSON (see core/config.schema.json)';
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

/** Line (1-based), column (1-based) and a plain reason for the first JSON syntax error in `text`. */
export function locateJsonError(text: string): { line: number; column: number; reason: string } | undefined {
  const offset = scanJson(text);
  if (!offset) return undefined;
  const before = text.slice(0, offset.at);
  const line = before.split('\n').length;
  const column = offset.at - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column, reason: offset.reason };
}

class JsonSyntax {
  constructor(
    readonly at: number,
    readonly reason: string,
  ) {}
}

/** A strict JSON recogniser that stops at the first error; undefined when the text is valid. */
function scanJson(text: string): JsonSyntax | undefined {
  let i = 0;
  const fail = (reason: string): never => {
    throw new JsonSyntax(i, reason);
  };
  const unexpected = (): never => {
    const c = text[i];
    if (c === undefined) return fail('unexpected end of file');
    if (c === '/') return fail('comments are not allowed in JSON');
    if (c === "'") return fail('strings must use double quotes');
    return fail(`unexpected ${JSON.stringify(c)}`);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) unexpected();
      i++;
    }
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      const c = text[i];
      if (c === undefined) fail('unterminated string');
      if (c === '"') return void i++;
      if (c === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('bad \\u escape');
          i += 5;
        } else if ('"\\/bfnrt'.includes(text[i] ?? 'x')) i++;
        else fail('bad escape in string');
      } else if (c! < ' ') fail('control character in string (write newlines as \\n)');
      else i++;
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) unexpected();
    i += m![0].length;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    unexpected();
  };
  const object = () => {
    i++;
    space();
    if (text[i] === '}') return void i++;
    for (;;) {
      space();
      if (text[i] === '}') fail('trailing comma before "}"');
      if (text[i] !== '"') unexpected();
      string();
      space();
      if (text[i] !== ':') fail('expected ":" after the property name');
      i++;
      value();
      space();
      if (text[i] === ',') i++;
      else if (text[i] === '}') return void i++;
      else if (text[i] === '"') fail('missing "," between properties');
      else unexpected();
    }
  };
  const array = () => {
    i++;
    space();
    if (text[i] === ']') return void i++;
    for (;;) {
      value();
      space();
      if (text[i] === ',') {
        i++;
        space();
        if (text[i] === ']') fail('trailing comma before "]"');
      } else if (text[i] === ']') return void i++;
      else unexpected();
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail(`unexpected ${JSON.stringify(text[i])} after the end of the JSON value`);
    return undefined;
  } catch (err) {
    if (err instanceof JsonSyntax) return err;
    throw err;
  }
}
