/**
 * actionlint, the linter of GitHub Actions workflows, for the CI examples' test: $ACTIONLINT_BIN
 * when set, else the pinned version built once with Go into the per-user cache, as vegeta is
 * (core/go-tool.ts). The test gets it through this function, so a machine with Go needs nothing
 * installed by hand.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type GoTool, goInstall, goInstallLine, isExecutableFile, toolCacheDir } from '../../core/go-tool.js';

const ACTIONLINT: GoTool = { binary: 'actionlint', module: 'github.com/rhysd/actionlint/cmd/actionlint', version: 'v1.7.12', buildTime: 'a few seconds' };

/** The actionlint binary, building it when it is not in the cache yet; `message` says why there is none. */
export async function ensureActionlint(opts: { env?: NodeJS.ProcessEnv; progress?: (line: string) => void } = {}): Promise<{ path: string } | { message: string }> {
  const env = opts.env ?? process.env;
  if (env.ACTIONLINT_BIN) {
    return isExecutableFile(env.ACTIONLINT_BIN) ? { path: env.ACTIONLINT_BIN } : { message: `$ACTIONLINT_BIN (${env.ACTIONLINT_BIN}) is not an executable file` };
  }
  const cached = join(toolCacheDir(ACTIONLINT, env), ACTIONLINT.binary);
  if (existsSync(cached)) return { path: cached };
  const built = await goInstall(ACTIONLINT, { env, progress: opts.progress });
  if (built.why === undefined) return { path: built.path };
  return {
    message: `actionlint ${ACTIONLINT.version} could not be built: ${built.why}. Install Go (1.22 or later) and run the test again (it runs ${goInstallLine(ACTIONLINT)}), or set ACTIONLINT_BIN=/path/to/actionlint`,
  };
}
