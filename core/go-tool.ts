/**
 * A Go tool pinned to one version, built once with `go install` into a per-user cache
 * ($XDG_CACHE_HOME/dlconform/<binary>-<version>/, ~/.cache when unset, or .tools/ beside the
 * package when no cache folder can be made). vegeta (load/vegeta-bin.ts) and actionlint (the CI
 * examples' check) are got this way, so a machine with Go needs nothing else installed by hand.
 */
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface GoTool {
  /** the executable `go install` writes (the last element of the module path without its /vN suffix) */
  binary: string;
  module: string;
  version: string;
  /** how long the first build takes, for the progress line */
  buildTime: string;
}

export function runFile(file: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeout = 10_000): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout, env }, (err, stdout, stderr) => resolve({ ok: !err, stdout: String(stdout), stderr: String(stderr) }));
  });
}

export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
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

/** Where the pinned build of `tool` goes: a per-user cache folder, or .tools/ beside the package. */
export function toolCacheDir(tool: GoTool, env: NodeJS.ProcessEnv = process.env, packageRoot?: string): string {
  const folder = `${tool.binary}-${tool.version}`;
  const base = env.XDG_CACHE_HOME || (env.HOME || homedir() ? join(env.HOME || homedir(), '.cache') : undefined);
  if (base) {
    const dir = join(base, 'dlconform', folder);
    try {
      mkdirSync(dir, { recursive: true });
      return dir;
    } catch {
      // fall through to the package's own folder
    }
  }
  return join(packageRoot ?? packageRootDir(), '.tools', folder);
}

/** `GOBIN=<dir> go install <module>@<version>` as a shell line, for messages that say how to do it by hand. */
export function goInstallLine(tool: GoTool): string {
  return `GOBIN=<cache>/dlconform/${tool.binary}-${tool.version} go install ${tool.module}@${tool.version}`;
}

/**
 * Builds the pinned `tool` into its cache folder; prints one progress line when it builds.
 * `why` says what stopped it: Go missing, or the build's last lines of error output.
 */
export async function goInstall(
  tool: GoTool,
  opts: { env?: NodeJS.ProcessEnv; packageRoot?: string; progress?: (line: string) => void } = {},
): Promise<{ path: string; why?: undefined } | { path?: undefined; why: string }> {
  const env = opts.env ?? process.env;
  const go = await runFile('go', ['version'], env);
  if (!go.ok) return { why: 'Go is not installed (`go version` failed)' };
  const dir = toolCacheDir(tool, env, opts.packageRoot);
  mkdirSync(dir, { recursive: true });
  opts.progress?.(`dlconform: building ${tool.binary} ${tool.version} with Go into ${dir} (once; ${tool.buildTime})`);
  const built = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn('go', ['install', `${tool.module}@${tool.version}`], { env: { ...env, GOBIN: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (e) => resolve({ code: null, stderr: e.message }));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
  const path = join(dir, tool.binary);
  if (built.code !== 0 || !existsSync(path)) return { why: `go install failed: ${built.stderr.trim().split('\n').slice(-3).join(' | ')}` };
  return { path };
}
