// Bundles the CLI so that it starts fast: one small entry (dist/dlconform.mjs) that handles
// --version and --help itself, and chunks that a command loads when it runs.
import { build } from 'esbuild';

await build({
  entryPoints: { dlconform: 'cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // a native addon: loaded from node_modules at run time, never bundled
  external: ['better-sqlite3'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minifySyntax: true,
  legalComments: 'none',
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __dlcCreateRequire } from 'node:module'; const require = __dlcCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

// The k6 scripts, bundled with spec/ for k6's JS engine; `dlconform load` bundles them itself when
// esbuild is at hand and falls back to these otherwise.
await build({
  entryPoints: { main: 'load/k6/main.ts', bare: 'load/k6/bare.ts', selftest: 'load/k6/selftest.ts' },
  outdir: 'dist/k6',
  bundle: true,
  platform: 'neutral',
  format: 'esm',
  target: 'es2020',
  mainFields: ['module', 'main'],
  external: ['k6', 'k6/*'],
  legalComments: 'none',
  logLevel: 'warning',
});
