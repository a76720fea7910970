import { readdirSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const dir = new URL('.', import.meta.url);
const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

describe('protocol/ runs outside Node (no node: imports, bundles for a neutral platform)', () => {
  it('no source imports a node: module or Buffer', () => {
    for (const f of sources) {
      const text = readFileSync(new URL(f, dir), 'utf8');
      expect(text, f).not.toMatch(/from ['"]node:|require\(['"]node:|\bBuffer\./);
    }
  });
  it('bundles for a neutral platform', async () => {
    const result = await build({
      entryPoints: [new URL('index.ts', dir).pathname],
      bundle: true,
      write: false,
      platform: 'neutral',
      format: 'esm',
      mainFields: ['module', 'main'],
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/from "node:/);
  });
});
