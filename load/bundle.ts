/**
 * Bundles the k6 scripts (load/k6/*.ts) with spec/ into plain ES modules k6 runs: esbuild,
 * platform neutral, `k6` and `k6/*` left as imports. One signing and request-building code path:
 * the bundle contains the same spec/ modules the conformance suite uses in Node.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const K6_ENTRIES = { main: 'load/k6/main.ts', bare: 'load/k6/bare.ts', selftest: 'load/k6/selftest.ts' } as const;
export type K6Entry = keyof typeof K6_ENTRIES;

/** The directory holding dlconform's package.json (works from the sources and from dist/). */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'dlconform') return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the dlconform package root (package.json named "dlconform")');
    dir = up;
  }
}

/** esbuild options shared by `dlconform load` and the build script. */
export function k6BuildOptions(root: string, outdir: string) {
  return {
    entryPoints: Object.fromEntries(Object.entries(K6_ENTRIES).map(([name, path]) => [name, join(root, path)])) as Record<string, string>,
    outdir,
    outExtension: { '.js': '.js' },
    bundle: true,
    platform: 'neutral' as const,
    format: 'esm' as const,
    // k6's JavaScript VM (sobek) runs ES2020 and more; no newer syntax is needed
    target: 'es2020',
    mainFields: ['module', 'main'],
    external: ['k6', 'k6/*'],
    legalComments: 'none' as const,
    logLevel: 'silent' as const,
  };
}

interface EsbuildLike {
  build(options: ReturnType<typeof k6BuildOptions>): Promise<{ errors: Array<{ text: string }> }>;
}

/**
 * Writes main.js, bare.js and selftest.js into `outdir` and returns their paths. Uses esbuild when
 * it is installed (a development checkout); otherwise copies nothing and falls back to the
 * bundles prebuilt into dist/k6/ by the build script.
 */
export async function bundleK6(outdir: string, entries: readonly K6Entry[] = Object.keys(K6_ENTRIES) as K6Entry[], root = packageRoot()): Promise<Record<K6Entry, string>> {
  await mkdir(outdir, { recursive: true });
  const paths = Object.fromEntries(Object.keys(K6_ENTRIES).map((k) => [k, join(outdir, `${k}.js`)])) as Record<K6Entry, string>;
  let esbuild: EsbuildLike | undefined;
  try {
    const name = 'esbuild'; // a variable, so the CLI bundler leaves this import to run time
    esbuild = (await import(name)) as EsbuildLike;
  } catch {
    esbuild = undefined;
  }
  if (esbuild && existsSync(join(root, K6_ENTRIES.main))) {
    const options = k6BuildOptions(root, outdir);
    options.entryPoints = Object.fromEntries(Object.entries(options.entryPoints).filter(([name]) => entries.includes(name as K6Entry)));
    const result = await esbuild.build(options);
    if (result.errors.length > 0) throw new Error(`bundling the k6 scripts failed: ${result.errors.map((e) => e.text).join('; ')}`);
    return paths;
  }
  const prebuilt = resolve(root, 'dist', 'k6');
  if (!existsSync(join(prebuilt, 'main.js'))) {
    throw new Error('cannot bundle the k6 scripts: esbuild is not installed and dist/k6/main.js is missing (run `npm run build` in a development checkout)');
  }
  return Object.fromEntries(Object.keys(K6_ENTRIES).map((k) => [k, join(prebuilt, `${k}.js`)])) as Record<K6Entry, string>;
}
