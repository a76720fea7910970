// Bundles the CLI into one ESM file so that it starts fast (no module resolution at run time).
import { build } from 'esbuild';

await build({
  entryPoints: ['cli/main.ts'],
  outfile: 'dist/dlconform.mjs',
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
