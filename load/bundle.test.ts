import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleK6, packageRoot } from './bundle.js';

describe('the k6 bundle', () => {
  it('one ES module per script, spec/ inside, only k6 modules imported, no Node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlconform-bundle-'));
    const paths = await bundleK6(dir);
    const main = readFileSync(paths.main, 'utf8');
    const imports = [...main.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]).sort();
    expect(imports).toEqual(['k6', 'k6/crypto', 'k6/data', 'k6/encoding', 'k6/execution', 'k6/http', 'k6/metrics']);
    expect(main).not.toMatch(/from "node:|require\(/);
    expect(main).toMatch(/function buildPullDocRequest/); // spec/'s builder, not a copy
    expect(main).toMatch(/function digilockerHmac/);
    expect(readFileSync(paths.bare, 'utf8')).toMatch(/from "k6\/http"/);
  });

  it('the k6 scripts typecheck against @types/k6 (load/k6/tsconfig.json)', () => {
    const root = packageRoot();
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(() => execFileSync(process.execPath, [tsc, '--noEmit', '-p', join(root, 'load', 'k6')], { encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
  }, 60_000);
});
