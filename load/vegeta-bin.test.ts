/**
 * Finding vegeta, with stand-ins (shell scripts) and a PATH of temporary folders only, so no real
 * vegeta or Go on this machine is found, run or built.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheDir, ensureVegeta, findVegeta, VEGETA_MODULE, VEGETA_VERSION, vegetaMissingMessage, vegetaVersion } from './vegeta-bin.js';

const dirs: string[] = [];
const tmp = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), `dlconform-vegetabin-${name}-`));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** An executable /bin/sh script named `name` in `dir` that prints `output`. */
function script(dir: string, name: string, output: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\nprintf '%s' '${output.replace(/'/g, `'"'"'`)}'\n`);
  chmodSync(path, 0o755);
  return path;
}

const V11 = 'Version: v11.0.0\nCommit: abc\nRuntime: go1.22 linux/amd64\nDate: 2024-01-01\n';
const V12 = 'Version: v12.13.0\nCommit: abc\nRuntime: go1.22 linux/amd64\nDate: 2024-01-01\n';

/**
 * An environment with only our folders: PATH is a temporary folder (scripts run through their
 * #!/bin/sh line, so they need nothing on PATH, and `go` is not found), and the cache an empty one.
 */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: tmp('path'), XDG_CACHE_HOME: tmp('cache'), HOME: tmp('home'), ...extra };
}

describe('findVegeta', () => {
  it('$VEGETA_BIN that does not exist, or is not vegeta, is reported in what was looked at', async () => {
    const e = env({ VEGETA_BIN: join(tmpdir(), 'dlconform-no-such-dir', 'vegeta') });
    const missing = await findVegeta(e, tmp('pkg'));
    expect(missing.found).toBeUndefined();
    expect(missing.looked).toEqual([
      `$VEGETA_BIN: ${e.VEGETA_BIN} does not exist`,
      'PATH: no vegeta',
      `cache: ${join(e.XDG_CACHE_HOME!, 'dlconform', `vegeta-${VEGETA_VERSION}`, 'vegeta')} not built yet`,
    ]);

    const silent = script(tmp('bin'), 'not-vegeta', '');
    const other = await findVegeta(env({ VEGETA_BIN: silent }), tmp('pkg'));
    expect(other.found).toBeUndefined();
    expect(other.looked[0]).toBe(`$VEGETA_BIN: ${silent} is not vegeta (\`-version\` did not answer like vegeta)`);
    expect(vegetaMissingMessage(other.looked)).toContain(`  - $VEGETA_BIN: ${silent} is not vegeta`);
  });

  it('$VEGETA_BIN is honoured whatever its version, as long as it is vegeta', async () => {
    const v11 = script(tmp('bin'), 'vegeta11', V11);
    expect(await findVegeta(env({ VEGETA_BIN: v11 }))).toEqual({ found: { path: v11, version: 'v11.0.0', source: 'VEGETA_BIN' }, looked: [] });
  });

  it('vegeta on PATH must be v12', async () => {
    const e = env();
    const old = script(e.PATH!, 'vegeta', V11);
    const r = await findVegeta(e, tmp('pkg'));
    expect(r.found).toBeUndefined();
    expect(r.looked).toContain(`PATH: ${old} is vegeta v11.0.0, not v12`);
    expect(r.looked.at(-1)).toMatch(/^cache: .* not built yet$/);

    const good = env();
    const v12 = script(good.PATH!, 'vegeta', V12);
    expect(await findVegeta(good)).toEqual({ found: { path: v12, version: 'v12.13.0', source: 'PATH' }, looked: ['$VEGETA_BIN: not set'] });

    // a PATH of several folders: the first that has one
    const several = env();
    const second = tmp('path2');
    const later = script(second, 'vegeta', V12);
    expect((await findVegeta({ ...several, PATH: `${several.PATH}:${second}` })).found).toEqual({ path: later, version: 'v12.13.0', source: 'PATH' });
  });

  it('the version as vegeta prints it; a build that prints none is not taken for v12 without Go to ask', async () => {
    const dir = tmp('bin');
    expect(await vegetaVersion(script(dir, 'a', 'Version: 12.13.0\nRuntime: go1.22\n'), env())).toBe('v12.13.0');
    expect(await vegetaVersion(script(dir, 'b', 'Version: \nCommit: \nRuntime: go1.26.8 linux/amd64\nDate: \n'), env())).toBe('unknown');
    expect(await vegetaVersion(script(dir, 'c', 'Version: v12.13.0\n'), env())).toBeUndefined(); // not Go's runtime line: not vegeta
    expect(await vegetaVersion(join(dir, 'missing'), env())).toBeUndefined();
  });

  it('the pinned build in the cache folder is found', async () => {
    const e = env();
    const dir = cacheDir(e);
    const cached = script(dir, 'vegeta', V12);
    expect(await findVegeta(e)).toEqual({ found: { path: cached, version: VEGETA_VERSION, source: 'cache' }, looked: ['$VEGETA_BIN: not set', 'PATH: no vegeta'] });
  });
});

describe('cacheDir', () => {
  it('honours XDG_CACHE_HOME, else ~/.cache, else .tools beside the package', () => {
    const xdg = tmp('xdg');
    expect(cacheDir({ XDG_CACHE_HOME: xdg, HOME: tmp('home') })).toBe(join(xdg, 'dlconform', `vegeta-${VEGETA_VERSION}`));
    const home = tmp('home');
    expect(cacheDir({ HOME: home })).toBe(join(home, '.cache', 'dlconform', `vegeta-${VEGETA_VERSION}`));
    // a cache folder that cannot be made (a file in the way)
    const blocked = join(tmp('blocked'), 'file');
    writeFileSync(blocked, '');
    const pkg = tmp('pkg');
    expect(cacheDir({ XDG_CACHE_HOME: blocked }, pkg)).toBe(join(pkg, '.tools', `vegeta-${VEGETA_VERSION}`));
  });
});

describe('without vegeta', () => {
  it('the message says every way to get it', () => {
    const m = vegetaMissingMessage(['$VEGETA_BIN: not set', 'PATH: no vegeta'], 'Go is not installed (`go version` failed)');
    expect(m).toMatch(/^vegeta \(the load generator\) was not found and could not be built: Go is not installed/);
    expect(m).toContain('  - $VEGETA_BIN: not set\n  - PATH: no vegeta');
    expect(m).toMatch(/install Go \(1\.22 or later\)/);
    expect(m).toContain('go install github.com/tsenart/vegeta/v12@v12.13.0');
    expect(`${VEGETA_MODULE}@${VEGETA_VERSION}`).toBe('github.com/tsenart/vegeta/v12@v12.13.0');
    expect(m).toContain('https://github.com/tsenart/vegeta/releases');
    expect(m).toMatch(/set VEGETA_BIN=\/path\/to\/vegeta/);
    expect(m).toMatch(/v12 vegeta on PATH/);
    expect(vegetaMissingMessage([])).toMatch(/^vegeta \(the load generator\) was not found\. Looked at:/);
  });

  it('ensureVegeta without Go answers with that message and builds nothing', async () => {
    const e = env();
    mkdirSync(e.PATH!, { recursive: true });
    const r = await ensureVegeta({ env: e, packageRoot: tmp('pkg') });
    expect(r.found).toBeUndefined();
    expect(r.message).toMatch(/could not be built: Go is not installed \(`go version` failed\)/);
    expect(r.message).toContain('$VEGETA_BIN: not set');
    expect(r.message).toContain('go install github.com/tsenart/vegeta/v12@v12.13.0');
  });
});
