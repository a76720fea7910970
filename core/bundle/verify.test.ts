/**
 * A bundle made from a report directory verifies; every way of changing it is reported, one line
 * each; a hostile archive (paths outside, links, huge or duplicate entries, not a tar) is refused
 * without anything being written.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeBundle } from './write.js';
import { verifyBundle } from './verify.js';
import { flipOneByte, readBundle, writeBundle } from './test-support.js';
import { MAX_ENTRY_BYTES } from './limits.js';

let tmp: string;
let reportDir: string;
const catalogue = { checks: 2, sha256: 'a'.repeat(64) };

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'dlconform-verify-'));
  reportDir = join(tmp, 'report');
  mkdirSync(join(reportDir, 'segments'), { recursive: true });
  writeFileSync(join(reportDir, 'result.json'), JSON.stringify({ runId: 'r1', profile: '3.0', policy: 'strict', seed: 7, exitCode: 1, tool: { version: '0.1.0' } }));
  writeFileSync(join(reportDir, 'summary.md'), '# summary\n');
  writeFileSync(join(reportDir, 'fuzz.json'), '{}\n');
  writeFileSync(join(reportDir, 'segments', 'one.json'), '{"n":1}\n');
});

async function bundle(name: string, extra: Partial<Parameters<typeof makeBundle>[0]> = {}): Promise<string> {
  const out = join(tmp, name);
  await makeBundle({ reportDir, out, catalogue, commit: 'c0ffee', config: { apiKeyEnv: 'K' }, ...extra });
  return out;
}

describe('makeBundle and verifyBundle', () => {
  it('bundles every report file, the config and a manifest describing the run, and it verifies', async () => {
    const path = await bundle('plain.tar.gz');
    const entries = await readBundle(path);
    expect([...entries.keys()].sort()).toEqual(['config.json', 'manifest.json', 'report/fuzz.json', 'report/result.json', 'report/segments/one.json', 'report/summary.md']);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString());
    expect(manifest.run).toMatchObject({ kind: 'fuzz', runId: 'r1', profile: '3.0', policy: 'strict', seed: 7, exitCode: 1 });
    expect(manifest.tool.commit).toBe('c0ffee');
    expect(manifest.catalogue).toEqual(catalogue);
    expect(manifest.files.map((f: any) => f.path)).toEqual(['config.json', 'report/fuzz.json', 'report/result.json', 'report/segments/one.json', 'report/summary.md']);
    const outcome = await verifyBundle(path);
    expect(outcome.problems).toEqual([]);
    expect(outcome.ok).toBe(true);
    expect(outcome.notes.join('\n')).toMatch(/not signed/);
  });

  it('describes a load run from its load.json', async () => {
    const loadDir = join(tmp, 'load-report');
    mkdirSync(loadDir);
    writeFileSync(join(loadDir, 'load.json'), JSON.stringify({ runId: 'L1', profile: 'smoke', specProfile: '1.13', exitCode: 0, tool: { version: '0.1.0' } }));
    const { manifest } = await makeBundle({ reportDir: loadDir, out: join(tmp, 'load.tar.gz'), catalogue, commit: 'c0ffee' });
    expect(manifest.run).toMatchObject({ kind: 'load', runId: 'L1', profile: '1.13', loadProfile: 'smoke', policy: null, seed: null, exitCode: 0 });
    expect(manifest.config).toBeNull();
  });

  it('leaves the bundle itself out when it is written into the report directory', async () => {
    const out = join(reportDir, 'evidence.tar.gz');
    await makeBundle({ reportDir, out, catalogue, commit: 'c0ffee' });
    const again = await makeBundle({ reportDir, out, catalogue, commit: 'c0ffee' });
    expect(again.manifest.files.map((f) => f.path)).not.toContain('report/evidence.tar.gz');
    expect((await verifyBundle(out)).ok).toBe(true);
  });

  it('an unsigned manifest whose hash was edited: the file is reported changed', async () => {
    const path = await bundle('edited.tar.gz');
    const entries = await readBundle(path);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString());
    manifest.files[0].sha256 = 'b'.repeat(64);
    entries.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
    await writeBundle(path, entries);
    const outcome = await verifyBundle(path);
    expect(outcome.ok).toBe(false);
    expect(outcome.problems).toEqual([expect.stringMatching(/^changed: config\.json: manifest\.json says sha256 b{64}, \d+ bytes; the bundle has sha256 [0-9a-f]{64}, \d+ bytes$/)]);
  });

  it('a manifest that does not parse, or lists nonsense, says so', async () => {
    const path = await bundle('broken.tar.gz');
    const entries = await readBundle(path);
    entries.set('manifest.json', Buffer.from('{"format": "dlconform-bundle/1", "files": [ '));
    await writeBundle(path, entries);
    expect((await verifyBundle(path)).problems).toEqual([expect.stringMatching(/^manifest\.json: does not parse as JSON/)]);
    entries.set('manifest.json', Buffer.from(JSON.stringify({ format: 'other', files: [{ path: 'x', sha256: 'nothex', size: -1 }] })));
    await writeBundle(path, entries);
    expect((await verifyBundle(path)).problems).toEqual([
      'manifest.json: format is "other", expected "dlconform-bundle/1"',
      'manifest.json: files[0].sha256 of x is not 64 lowercase hex digits',
      'manifest.json: files[0].size of x is not a byte count',
    ]);
    entries.delete('manifest.json');
    await writeBundle(path, entries);
    expect((await verifyBundle(path)).problems).toEqual(['manifest.json: missing: the bundle has no manifest, nothing can be verified']);
  });

  it('a signature made with another key, or a manifest.sig without its public key, fails', async () => {
    const signer = generateKeyPairSync('ed25519');
    const path = await bundle('signed.tar.gz', { signKey: signer.privateKey });
    expect((await verifyBundle(path, signer.publicKey)).ok).toBe(true);
    const entries = await readBundle(path);
    entries.delete('manifest.pub.pem');
    await writeBundle(path, entries);
    expect((await verifyBundle(path)).problems).toEqual([expect.stringMatching(/^signature: manifest\.sig is there but manifest\.pub\.pem is missing/)]);
    // with the trusted key given, the signature still holds without the embedded copy
    expect((await verifyBundle(path, signer.publicKey)).ok).toBe(true);
    expect((await verifyBundle(path, generateKeyPairSync('ed25519').publicKey)).problems).toEqual([expect.stringMatching(/^signature: does not verify with the given public key SHA256:[0-9a-f]{64}/)]);
  });

  it('an unsigned bundle fails when the verifier expects a signature', async () => {
    const path = await bundle('unsigned.tar.gz');
    expect((await verifyBundle(path, generateKeyPairSync('ed25519').publicKey)).problems).toEqual(['signature: the bundle is not signed (no manifest.sig), but --public-key was given']);
  });

  it('a damaged gzip stream is reported, not thrown', async () => {
    const path = await bundle('damaged.tar.gz');
    const bytes = (await import('node:fs')).readFileSync(path);
    writeFileSync(path, flipOneByte(bytes));
    const outcome = await verifyBundle(path);
    expect(outcome.ok).toBe(false);
    expect(outcome.problems.join('\n')).toMatch(/archive: |changed: |missing: /);
  });
});

/** A .tar.gz built from headers made by node-tar's Header, for entries node-tar's create never writes. */
function hostileArchive(path: string, entries: Array<{ path: string; type?: string; linkpath?: string; body?: string; size?: number }>): void {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const header = new Header({ path: e.path, type: (e.type ?? 'File') as 'File', linkpath: e.linkpath, size: e.size ?? body.length, mode: 0o644, mtime: new Date(0) });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  writeFileSync(path, gzipSync(Buffer.concat(blocks)));
}

describe('a hostile bundle', () => {
  it('paths outside the bundle, links and duplicate names are reported and never written', async () => {
    const path = join(tmp, 'hostile.tar.gz');
    const escapee = join(tmp, 'escaped.txt');
    hostileArchive(path, [
      { path: '../escaped.txt', body: 'x' },
      { path: '/tmp/absolute.txt', body: 'x' },
      { path: 'report/link', type: 'SymbolicLink', linkpath: '/etc/passwd' },
      { path: 'report/hard', type: 'Link', linkpath: 'manifest.json' },
      { path: 'report/a.txt', body: 'first' },
      { path: 'report/a.txt', body: 'second' },
    ]);
    const outcome = await verifyBundle(path);
    expect(outcome.ok).toBe(false);
    expect(outcome.problems).toEqual(
      expect.arrayContaining([
        'unsafe entry: "../escaped.txt": a ".." path (outside the bundle); not read',
        'unsafe entry: "/tmp/absolute.txt": an absolute or Windows path; not read',
        'unsafe entry: "report/link": a SymbolicLink to "/etc/passwd", not a regular file; not read',
        'unsafe entry: "report/hard": a Link to "manifest.json", not a regular file; not read',
        'unsafe entry: "report/a.txt": a second entry with the same name (extracting would keep only one); not read',
        'manifest.json: missing: the bundle has no manifest, nothing can be verified',
      ]),
    );
    expect(existsSync(escapee)).toBe(false);
  });

  it('an entry bigger than the cap is refused by its header, before its bytes are read', async () => {
    const path = join(tmp, 'huge.tar.gz');
    hostileArchive(path, [{ path: 'report/huge.bin', size: MAX_ENTRY_BYTES + 1, body: '' }]);
    const outcome = await verifyBundle(path);
    expect(outcome.problems).toContain(`unsafe entry: "report/huge.bin": ${MAX_ENTRY_BYTES + 1} bytes, more than a bundle entry may hold (${MAX_ENTRY_BYTES}); not read`);
  });

  it('a file that is not a tar.gz is reported as such', async () => {
    const path = join(tmp, 'not-a-bundle.tar.gz');
    writeFileSync(path, 'this is not an archive at all, just some text'.repeat(40));
    const outcome = await verifyBundle(path);
    expect(outcome.ok).toBe(false);
    expect(outcome.problems).toContain('archive: Unrecognized archive format');
  });
});
