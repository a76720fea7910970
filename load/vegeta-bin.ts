/**
 * Getting vegeta: the binary named by $VEGETA_BIN, else `vegeta` on PATH when it is v12, else the
 * pinned version built once with `go install` into a per-user cache
 * ($XDG_CACHE_HOME/dlconform/vegeta-<version>/, ~/.cache when unset, or .tools/ beside the
 * package when no cache folder can be made; core/go-tool.ts). Without Go, the message says every
 * way to get it.
 * The tests reach vegeta through this same path (scripts/vitest-global-setup.ts).
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type GoTool, goInstall, goInstallLine, isExecutableFile, runFile as run, toolCacheDir } from '../core/go-tool.js';

export const VEGETA_MODULE = 'github.com/tsenart/vegeta/v12';
export const VEGETA_VERSION = 'v12.13.0';
const VEGETA_TOOL: GoTool = { binary: 'vegeta', module: VEGETA_MODULE, version: VEGETA_VERSION, buildTime: 'about half a minute' };

export interface VegetaBinary {
  path: string;
  /** e.g. v12.13.0, or "v12 (version not recorded)" for a v12 build that does not say which */
  version: string;
  source: 'VEGETA_BIN' | 'PATH' | 'cache' | 'built';
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

function onPath(env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'vegeta');
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Where the pinned build goes: a per-user cache folder, or .tools/ beside the package. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env, packageRoot?: string): string {
  return toolCacheDir(VEGETA_TOOL, env, packageRoot);
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
    `    (= ${goInstallLine(VEGETA_TOOL)})`,
    `  - download a release binary from https://github.com/tsenart/vegeta/releases (${VEGETA_VERSION}) and set VEGETA_BIN=/path/to/vegeta`,
    '  - or put a v12 vegeta on PATH',
  ].join('\n');
}

/** Finds vegeta, building the pinned version with Go on first use; prints one progress line when it builds. */
export async function ensureVegeta(opts: { env?: NodeJS.ProcessEnv; packageRoot?: string; progress?: (line: string) => void } = {}): Promise<{ found?: VegetaBinary; message?: string }> {
  const env = opts.env ?? process.env;
  const { found, looked } = await findVegeta(env, opts.packageRoot);
  if (found) return { found };
  const built = await goInstall(VEGETA_TOOL, { env, packageRoot: opts.packageRoot, progress: opts.progress });
  if (built.why !== undefined) return { message: vegetaMissingMessage(looked, built.why) };
  return { found: { path: built.path, version: VEGETA_VERSION, source: 'built' } };
}
