/**
 * Getting vegeta: the binary named by $VEGETA_BIN, else `vegeta` on PATH when it is v12, else the
 * pinned version built once with `go install` into a per-user cache
 * ($XDG_CACHE_HOME/dlconform/vegeta-<version>/, ~/.cache when unset, or .tools/ beside the
 * package when no cache folder can be made). Without Go, the message says every way to get it.
 * The tests reach vegeta through this same path (scripts/vitest-global-setup.ts).
 */
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VEGETA_MODULE = 'github.com/tsenart/vegeta/v12';
export const VEGETA_VERSION = 'v12.13.0';

export interface VegetaBinary {
  path: string;
  /** e.g. v12.13.0, or "v12 (version not recorded)" for a v12 build that does not say which */
  version: string;
  source: 'VEGETA_BIN' | 'PATH' | 'cache' | 'built';
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeout = 10_000): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout, env }, (err, stdout, stderr) => resolve({ ok: !err, stdout: String(stdout), stderr: String(stderr) }));
  });
}

/**
 * The version of a vegeta binary: `vegeta -version` for release builds; a `go install` build
 * prints an empty version, so its module version is read with `go version -m` when Go is there.
 */
export async function vegetaVersion(path: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const own = await run(path, ['-version'], env);
  if (!own.ok || !/Runtime: go/.test(own.stdout)) return undefined;
  const printed = /^Version:\s*(v?\d+\.\d+\.\d+\S*)/m.exec(own.stdout)?.[1];
  if (printed) return printed.startsWith('v') ? printed : `v${printed}`;
  const mod = await run('go', ['version', '-m', path], env);
  const fromModule = new RegExp(`^\\s*mod\\s+${VEGETA_MODULE.replace(/\./g, '\\.')}\\s+(v\\S+)`, 'm').exec(mod.stdout)?.[1];
  if (fromModule) return fromModule;
  return /^\s*path\s+github\.com\/tsenart\/vegeta\/v12\s*$/m.test(mod.stdout) ? 'v12 (version not recorded)' : 'unknown';
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'vegeta');
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** The folder of dlconform's package.json, from wherever this module runs (source or bundle). */
function packageRootDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'dlconform') return dir;
      } catch {
        // not ours: keep looking
      }
    }
    dir = dirname(dir);
  }
  return process.cwd();
}

/** Where the pinned build goes: a per-user cache folder, or .tools/ beside the package. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env, packageRoot?: string): string {
  const base = env.XDG_CACHE_HOME || (env.HOME || homedir() ? join(env.HOME || homedir(), '.cache') : undefined);
  if (base) {
    const dir = join(base, 'dlconform', `vegeta-${VEGETA_VERSION}`);
    try {
      mkdirSync(dir, { recursive: true });
      return dir;
    } catch {
      // fall through to the package's own folder
    }
  }
  return join(packageRoot ?? packageRootDir(), '.tools', `vegeta-${VEGETA_VERSION}`);
}

const isV12 = (version: string) => /^v12\b|^v12\./.test(version);

/** Looks without building; `looked` says what was found where (for the "not found" message). */
export async function findVegeta(env: NodeJS.ProcessEnv = process.env, packageRoot?: string): Promise<{ found?: VegetaBinary; looked: string[] }> {
  const looked: string[] = [];
  if (env.VEGETA_BIN) {
    const version = existsSync(env.VEGETA_BIN) ? await vegetaVersion(env.VEGETA_BIN, env) : undefined;
    // an explicit choice is honoured whatever its version, but it must be vegeta
    if (version) return { found: { path: env.VEGETA_BIN, version, source: 'VEGETA_BIN' }, looked };
    looked.push(`$VEGETA_BIN: ${env.VEGETA_BIN} ${existsSync(env.VEGETA_BIN) ? 'is not vegeta (`-version` did not answer like vegeta)' : 'does not exist'}`);
  } else looked.push('$VEGETA_BIN: not set');
  const path = onPath(env);
  if (path) {
    const version = await vegetaVersion(path, env);
    if (version && isV12(version)) return { found: { path, version, source: 'PATH' }, looked };
    looked.push(`PATH: ${path} is ${version ? `vegeta ${version}, not v12` : 'not vegeta'}`);
  } else looked.push('PATH: no vegeta');
  const cached = join(cacheDir(env, packageRoot), 'vegeta');
  if (existsSync(cached)) return { found: { path: cached, version: VEGETA_VERSION, source: 'cache' }, looked };
  looked.push(`cache: ${cached} not built yet`);
  return { looked };
}

export function vegetaMissingMessage(looked: readonly string[], why?: string): string {
  return [
    `vegeta (the load generator) was not found${why ? ` and could not be built: ${why}` : ''}. Looked at:`,
    ...looked.map((l) => `  - ${l}`),
    'Get it one of these ways:',
    `  - install Go (1.22 or later); dlconform then builds ${VEGETA_MODULE}@${VEGETA_VERSION} itself on first use`,
    `    (= GOBIN=<cache>/dlconform/vegeta-${VEGETA_VERSION} go install ${VEGETA_MODULE}@${VEGETA_VERSION})`,
    `  - download a release binary from https://github.com/tsenart/vegeta/releases (${VEGETA_VERSION}) and set VEGETA_BIN=/path/to/vegeta`,
    '  - or put a v12 vegeta on PATH',
  ].join('\n');
}

/** Finds vegeta, building the pinned version with Go on first use; prints one progress line when it builds. */
export async function ensureVegeta(opts: { env?: NodeJS.ProcessEnv; packageRoot?: string; progress?: (line: string) => void } = {}): Promise<{ found?: VegetaBinary; message?: string }> {
  const env = opts.env ?? process.env;
  const { found, looked } = await findVegeta(env, opts.packageRoot);
  if (found) return { found };
  const go = await run('go', ['version'], env);
  if (!go.ok) return { message: vegetaMissingMessage(looked, 'Go is not installed (`go version` failed)') };
  const dir = cacheDir(env, opts.packageRoot);
  mkdirSync(dir, { recursive: true });
  opts.progress?.(`dlconform: building vegeta ${VEGETA_VERSION} with Go into ${dir} (once; about half a minute)`);
  const built = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn('go', ['install', `${VEGETA_MODULE}@${VEGETA_VERSION}`], { env: { ...env, GOBIN: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (e) => resolve({ code: null, stderr: e.message }));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
  const path = join(dir, 'vegeta');
  if (built.code !== 0 || !existsSync(path)) return { message: vegetaMissingMessage(looked, `go install failed: ${built.stderr.trim().split('\n').slice(-3).join(' | ')}`) };
  return { found: { path, version: VEGETA_VERSION, source: 'built' } };
}
