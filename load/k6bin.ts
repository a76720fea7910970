/**
 * Finding k6: the binary named by $K6_BIN, the pinned build in the project's tools folder
 * (.tools/k6-<version>/k6, made by load/install-k6.sh), or `k6` on PATH, in that order. A
 * candidate counts only when `k6 version` answers like k6 (the npm package "k6" is a placeholder).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { packageRoot } from './bundle.js';

export interface K6Binary {
  path: string;
  /** e.g. v1.8.1 */
  version: string;
  source: 'K6_BIN' | 'tools' | 'PATH';
}

export function pinnedK6Version(root = packageRoot()): string {
  return readFileSync(join(root, 'load', 'k6.version'), 'utf8').trim();
}

export function toolsK6Path(root = packageRoot()): string {
  return join(root, '.tools', `k6-${pinnedK6Version(root)}`, 'k6');
}

function versionOf(path: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(path, ['version'], { timeout: 10_000, env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } }, (err, stdout) => {
      if (err) return resolve(undefined);
      resolve(/^k6 (v\d+\.\d+\.\d+\S*)/m.exec(stdout)?.[1]);
    });
  });
}

function onPath(env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'k6');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Every place looked at, with what was found there (for the "k6 not found" message). */
export async function findK6(env: NodeJS.ProcessEnv = process.env, root = packageRoot()): Promise<{ found?: K6Binary; looked: string[] }> {
  const looked: string[] = [];
  const candidates: Array<[string | undefined, K6Binary['source']]> = [
    [env.K6_BIN, 'K6_BIN'],
    [toolsK6Path(root), 'tools'],
    [onPath(env), 'PATH'],
  ];
  for (const [path, source] of candidates) {
    if (!path) {
      looked.push(source === 'K6_BIN' ? '$K6_BIN: not set' : `${source}: no k6`);
      continue;
    }
    if (!existsSync(path)) {
      looked.push(`${source}: ${path} does not exist`);
      continue;
    }
    const version = await versionOf(path);
    if (!version) {
      looked.push(`${source}: ${path} is not k6 (\`k6 version\` did not answer like k6)`);
      continue;
    }
    return { found: { path, version, source }, looked };
  }
  return { looked };
}

export function k6MissingMessage(looked: readonly string[], root = packageRoot()): string {
  const version = pinnedK6Version(root);
  return [
    'k6 was not found. Looked at:',
    ...looked.map((l) => `  - ${l}`),
    'Get k6 one of these ways:',
    `  - build the pinned version into the project's tools folder (needs Go): bash load/install-k6.sh`,
    `    (= GOBIN=$PWD/.tools/k6-${version} go install go.k6.io/k6@${version})`,
    '  - install k6 from Grafana\'s packages or releases and put it on PATH, or set K6_BIN=/path/to/k6',
    'The npm package named "k6" is a placeholder, not k6.',
  ].join('\n');
}
