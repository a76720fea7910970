/**
 * Which commit of dlconform is running, for the evidence bundle: an auditor must be able to say
 * which code produced a verdict. The build (scripts/build.mjs) embeds it; a run from a checkout
 * (tests, tsx) asks git; an installed copy without either says "unknown".
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Set by esbuild's `define` when the build ran in a git checkout. */
declare const __DLCONFORM_COMMIT__: string | undefined;

let cached: string | undefined;

/** The commit the tool was built from (`-dirty` when the tree had uncommitted changes), or "unknown". */
export function toolCommit(): string {
  if (cached === undefined) cached = (typeof __DLCONFORM_COMMIT__ === 'string' && __DLCONFORM_COMMIT__) || commitFromCheckout() || 'unknown';
  return cached;
}

function commitFromCheckout(): string | undefined {
  const root = packageRoot(dirname(fileURLToPath(import.meta.url)));
  if (!root) return undefined;
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    // installed under another project's node_modules, git would answer with that project's
    // commit: only a checkout whose top level is dlconform's own directory counts
    if (realpathSync(git('rev-parse', '--show-toplevel')) !== realpathSync(root)) return undefined;
    const head = git('rev-parse', 'HEAD');
    if (!/^[0-9a-f]{40,64}$/.test(head)) return undefined;
    return git('status', '--porcelain', '--untracked-files=no') === '' ? head : `${head}-dirty`;
  } catch {
    return undefined;
  }
}

/** The nearest directory above `from` whose package.json is dlconform's. */
export function packageRoot(from: string): string | undefined {
  for (let dir = from, i = 0; i < 8; dir = dirname(dir), i++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'dlconform') return dir;
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) break;
  }
  return undefined;
}
