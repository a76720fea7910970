// Bundles the CLI so that it starts fast: one small entry (dist/dlconform.mjs) that handles
// --version and --help itself, and chunks that a command loads when it runs.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';

// the commit goes into the evidence bundle's manifest (core/build-info.ts); without git the
// built tool asks git at run time, or says "unknown"
function gitCommit() {
  try {
    const git = (...args) => execFileSync('git', args, { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('rev-parse', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') === '' ? head : `${head}-dirty`;
  } catch {
    return undefined;
  }
}
const commit = gitCommit();

await build({
  entryPoints: { dlconform: 'cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // a native addon, and playwright-core (the widget command's browser driver, which finds its own
  // files at run time): loaded from node_modules, never bundled
  external: ['better-sqlite3', 'playwright-core'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minifySyntax: true,
  legalComments: 'none',
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __dlcCreateRequire } from 'node:module'; const require = __dlcCreateRequire(import.meta.url);",
  },
  define: commit ? { __DLCONFORM_COMMIT__: JSON.stringify(commit) } : {},
  logLevel: 'warning',
});
