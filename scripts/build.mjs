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
