/**
 * `dlconform bundle`, `dlconform verify`, `dlconform keygen`, and the `--bundle FILE.tar.gz` /
 * `--sign-key FILE` options of run, fuzz, timing and load: the evidence bundle an auditor can
 * check (core/bundle/).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { KeyObject } from 'node:crypto';
import { toolCommit } from '../core/build-info.js';
import { MANIFEST, type Manifest, type RunKind } from '../core/bundle/manifest.js';
import { generateSigningKeys, KeyFileError, keyFingerprint, readPublicKey, readSigningKey } from '../core/bundle/keys.js';
import { sanitizeConfig } from '../core/bundle/sanitize.js';
import { verifyBundle } from '../core/bundle/verify.js';
import { BundleError, defaultBundlePath, makeBundle, relativeToCwd } from '../core/bundle/write.js';
import { parseConfig } from '../core/config/index.js';
import { Redactor } from '../core/redact.js';
import { visible } from '../core/report/console.js';
import { EXIT } from '../core/types.js';
import { catalogueDigest } from '../conformance/index.js';
import { UsageError } from './args.js';
import { BUNDLE_HELP, KEYGEN_HELP, VERIFY_HELP } from './help.js';

/** The options run, fuzz, timing and load add to theirs. */
export const bundleOptions = {
  bundle: { type: 'string' },
  'sign-key': { type: 'string' },
} as const;

/** What a run needs to bundle its report directory once written; made before the run so a bad flag costs no run. */
export interface BundleRequest {
  out: string;
  signKey?: KeyObject;
  kind: RunKind;
  /** the config as the run used it (secrets removed before bundling) */
  config?: unknown;
  configPath?: string;
  apiKey?: string;
}

function bundlePathArg(value: string, flag: string): string {
  if (!/\.(tar\.gz|tgz)$/.test(value)) throw new UsageError(`${flag} names the .tar.gz to write, such as evidence.tar.gz; got ${JSON.stringify(value)}`);
  if (existsSync(value) && statSync(value).isDirectory()) throw new UsageError(`${flag} ${value}: is a directory; give a file name such as ${join(value, 'evidence.tar.gz')}`);
  return value;
}

function signKeyArg(path: string | undefined): KeyObject | undefined {
  if (path === undefined) return undefined;
  try {
    return readSigningKey(path);
  } catch (err) {
    if (err instanceof KeyFileError) throw new UsageError(err.message);
    throw err;
  }
}

/** Checks --bundle / --sign-key before the run; undefined without --bundle. */
export function bundleRequest(values: { bundle?: string; 'sign-key'?: string }, run: { kind: RunKind; config?: unknown; configPath?: string; apiKey?: string }): BundleRequest | undefined {
  if (values.bundle === undefined) {
    if (values['sign-key'] !== undefined) throw new UsageError('--sign-key signs the bundle: give --bundle FILE.tar.gz too');
    return undefined;
  }
  return { out: bundlePathArg(values.bundle, '--bundle'), signKey: signKeyArg(values['sign-key']), ...run };
}

/**
 * Bundles the report directory a run wrote; prints where. A bundle that could not be written
 * turns a passing run into exit 1: a CI job that asked for evidence must not pass without it.
 */
export async function bundleAfterRun(request: BundleRequest, reportDir: string, exitCode: number, out: NodeJS.WritableStream): Promise<number> {
  try {
    const outcome = await writeBundle({ reportDir, out: request.out, kind: request.kind, config: request.config, configPath: request.configPath, apiKey: request.apiKey, signKey: request.signKey });
    out.write(bundleLine(outcome.path, outcome.manifest, outcome.signKey, outcome.skipped));
    return exitCode;
  } catch (err) {
    if (!(err instanceof BundleError)) throw err;
    out.write(`dlconform: the evidence bundle was not written: ${err.message}\n`);
    return exitCode === EXIT.ok ? EXIT.conformanceFailure : exitCode;
  }
}

function bundleLine(path: string, manifest: Manifest, signKey: KeyObject | undefined, skipped: string[]): string {
  const signed = signKey ? `, signed (${keyFingerprint(signKey)})` : ', not signed';
  const skippedLine = skipped.length > 0 ? `  left out (not regular files): ${skipped.join(', ')}\n` : '';
  return `Evidence bundle: ${relativeToCwd(path)} (${manifest.files.length} files${signed}); check it with: dlconform verify ${relativeToCwd(path)}\n${skippedLine}`;
}

async function writeBundle(opts: {
  reportDir: string;
  out: string;
  kind?: RunKind;
  config?: unknown;
  configPath?: string;
  apiKey?: string;
  signKey?: KeyObject;
}): Promise<{ path: string; manifest: Manifest; signKey?: KeyObject; skipped: string[] }> {
  const documents = documentsOf(opts.config);
  const redactor = new Redactor({ apiKey: opts.apiKey, config: { documents } });
  const outcome = await makeBundle({
    reportDir: opts.reportDir,
    out: opts.out,
    kind: opts.kind,
    config: opts.config === undefined ? undefined : sanitizeConfig(opts.config, redactor),
    waivers: opts.configPath ? waiversOf(opts.configPath, redactor) : undefined,
    catalogue: catalogueDigest(),
    commit: toolCommit(),
    signKey: opts.signKey,
  });
  return { path: outcome.path, manifest: outcome.manifest, signKey: opts.signKey, skipped: outcome.skipped };
}

function documentsOf(config: unknown): Array<{ owner?: Record<string, string> }> {
  const docs = (config as { documents?: unknown } | undefined)?.documents;
  return Array.isArray(docs) ? docs.filter((d): d is { owner?: Record<string, string> } => d !== null && typeof d === 'object') : [];
}

/**
 * The waivers file the config names (`waivers`, relative to the config file), redacted as any
 * text the run did not make. Read from the file itself, so a config of any version is understood.
 */
function waiversOf(configPath: string, redactor: Redactor): { name: string; text: string } | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(configPath, 'utf8'));
  } catch {
    return undefined;
  }
  const named = (raw as { waivers?: unknown } | null)?.waivers;
  if (typeof named !== 'string' || named === '') return undefined;
  const path = resolve(dirname(configPath), named);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BundleError(`the waivers file the config names (${named}) cannot be read: ${(err as Error).message}`);
  }
  return { name: path, text: redactor.redact(text) };
}

function parseCommand<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, command: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\. To specify.*$/s, '')}\nSee: dlconform ${command} --help`);
  }
}

/** `dlconform bundle REPORT_DIR [--out FILE.tar.gz] [--config FILE] [--sign-key FILE]` */
export async function bundleCommand(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    { out: { type: 'string', short: 'o' }, config: { type: 'string', short: 'c' }, 'sign-key': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    'bundle',
  );
  if (values.help) return print(out, BUNDLE_HELP);
  if (positionals.length !== 1) throw new UsageError('bundle takes one REPORT_DIR (the directory a run wrote its reports to); see dlconform bundle --help');
  const reportDir = positionals[0]!;
  if (!existsSync(reportDir) || !statSync(reportDir).isDirectory()) throw new UsageError(`${reportDir}: no such directory (give the --report-dir a run wrote to)`);
  if (!existsSync(join(reportDir, 'result.json')) && !existsSync(join(reportDir, 'load.json'))) {
    throw new UsageError(`${reportDir}: neither result.json nor load.json: not the report directory of a run`);
  }
  const target = bundlePathArg(values.out ?? defaultBundlePath(reportDir), '--out');
  const signKey = signKeyArg(values['sign-key']);
  let config: unknown;
  let apiKey: string | undefined;
  const configPath = values.config;
  if (configPath !== undefined) ({ config, apiKey } = readConfigForBundle(configPath));
  try {
    const outcome = await writeBundle({ reportDir, out: target, config, configPath, apiKey, signKey });
    out.write(bundleLine(outcome.path, outcome.manifest, signKey, outcome.skipped));
    if (configPath === undefined) out.write('  no --config: the bundle holds no config and no waivers\n');
    return EXIT.ok;
  } catch (err) {
    if (err instanceof BundleError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * The config as a run resolves it (defaults applied); the API key is not needed to describe the
 * run, so a missing variable is no error here, but its value, when set, is redacted.
 */
function readConfigForBundle(path: string): { config: unknown; apiKey?: string } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--config ${path}: ${(err as Error).message}`);
  }
  const keyEnv = (json as { apiKeyEnv?: unknown } | null)?.apiKeyEnv;
  const apiKey = typeof keyEnv === 'string' ? process.env[keyEnv] : undefined;
  const env = typeof keyEnv === 'string' ? { [keyEnv]: apiKey || 'not-needed-to-bundle' } : {};
  const { config } = parseConfig(json, env, path);
  return { config, apiKey: apiKey || undefined };
}

/** `dlconform verify BUNDLE [--public-key FILE]` */
export async function verifyCommand(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, positionals } = parseCommand(argv, { 'public-key': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 'verify');
  if (values.help) return print(out, VERIFY_HELP);
  if (positionals.length !== 1) throw new UsageError('verify takes one BUNDLE (a .tar.gz made by --bundle or dlconform bundle); see dlconform verify --help');
  const path = positionals[0]!;
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`${path}: no such file`);
  let publicKey: KeyObject | undefined;
  try {
    publicKey = values['public-key'] === undefined ? undefined : readPublicKey(values['public-key']);
  } catch (err) {
    if (err instanceof KeyFileError) throw new UsageError(err.message);
    throw err;
  }
  const outcome = await verifyBundle(path, publicKey);
  // everything below quotes an untrusted manifest: one line each, control characters made visible
  const say = (line: string) => out.write(`${visible(line.replace(/[\r\n]+/g, ' '))}\n`);
  if (outcome.manifest) for (const line of describeManifest(path, outcome.manifest)) say(line);
  for (const note of outcome.notes) say(`  ${note}`);
  if (outcome.ok) {
    say(`VERIFIED: ${outcome.manifest!.files.length} files match ${MANIFEST}`);
    return EXIT.ok;
  }
  say(`NOT VERIFIED: ${outcome.problems.length} problem${outcome.problems.length === 1 ? '' : 's'}`);
  for (const p of outcome.problems) say(`  ${p}`);
  return EXIT.conformanceFailure;
}

/** What the manifest says made the run, read field by field: it may hold anything. */
function describeManifest(path: string, m: Manifest): string[] {
  const field = (value: unknown): string | undefined => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);
  const run = (m.run ?? {}) as Partial<Manifest['run']>;
  const tool = (m.tool ?? {}) as Partial<Manifest['tool']>;
  const catalogue = (m.catalogue ?? {}) as Partial<Manifest['catalogue']>;
  const parts = [
    field(run.profile) && `profile ${field(run.profile)}`,
    field(run.loadProfile) && `load profile ${field(run.loadProfile)}`,
    field(run.policy) && `policy ${field(run.policy)}`,
    field(run.seed) && `seed ${field(run.seed)}`,
    field(run.exitCode) && `exit ${field(run.exitCode)}`,
  ].filter(Boolean);
  return [
    `${path}: ${field(run.kind) ?? 'run'} ${field(run.runId) ?? '(no run id)'}${parts.length ? `, ${parts.join(', ')}` : ''}`,
    `  made by dlconform ${field(tool.version) ?? '?'} (commit ${field(tool.commit) ?? '?'}) on Node ${field(m.node) ?? '?'}, ${field(m.createdAt) ?? '?'}; check catalogue ${field(catalogue.checks) ?? '?'} checks, sha256 ${field(catalogue.sha256) ?? '?'}`,
  ];
}

/** `dlconform keygen --out FILE`: an Ed25519 key pair for --sign-key, FILE and its public half beside it. */
export async function keygenCommand(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, positionals } = parseCommand(argv, { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } }, 'keygen');
  if (values.help) return print(out, KEYGEN_HELP);
  if (positionals.length > 0 || typeof values.out !== 'string') throw new UsageError('keygen needs --out FILE (the private key; the public key goes beside it as FILE.pub.pem)');
  const privatePath = values.out;
  const publicPath = publicKeyPath(privatePath);
  for (const p of [privatePath, publicPath]) if (existsSync(p)) throw new UsageError(`${p} exists: keygen never overwrites a key; choose another --out`);
  const { privatePem, publicPem } = generateSigningKeys();
  try {
    // wx: fails rather than replace a file that appeared meanwhile; 0600: the private key is for its owner only
    writeFileSync(privatePath, privatePem, { mode: 0o600, flag: 'wx' });
    writeFileSync(publicPath, publicPem, { mode: 0o644, flag: 'wx' });
  } catch (err) {
    throw new UsageError(`keygen: ${(err as Error).message}`);
  }
  out.write(
    `private key: ${privatePath} (keep it secret; sign with --sign-key ${privatePath})\npublic key:  ${publicPath} (publish it; auditors verify with --public-key ${publicPath})\nfingerprint: ${keyFingerprint(readPublicKey(publicPath))}\n`,
  );
  return EXIT.ok;
}

/** signing.pem → signing.pub.pem; any other name gets .pub.pem appended. */
function publicKeyPath(privatePath: string): string {
  return privatePath.endsWith('.pem') ? `${privatePath.slice(0, -'.pem'.length)}.pub.pem` : `${privatePath}.pub.pem`;
}

function print(out: NodeJS.WritableStream, text: string): number {
  out.write(text);
  return EXIT.ok;
}
