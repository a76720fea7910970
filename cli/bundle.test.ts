/**
 * The evidence bundle of a real run against the embedded reference issuer: it verifies; flipping
 * one byte of any of its files, removing one, adding one or editing the manifest is reported with
 * what differs; a signed bundle verifies with its signer's public key and fails with another. The
 * commands as a user runs them (bundled CLI, child process): exit codes, keygen, bundle REPORT_DIR.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolCommit } from '../core/build-info.js';
import { flipOneByte, readBundle, writeBundle } from '../core/bundle/test-support.js';
import { verifyBundle } from '../core/bundle/verify.js';
import { parseConfig } from '../core/config/index.js';
import { startIssuer, type RunningIssuer } from '../fixtures/issuer/index.js';
import { bundleRequest } from './bundle.js';
import { runAndReport } from './run.js';
import { runCli } from './test-support.js';

const KEY = 'bundle-test-api-key-5d2a91';

let tmp: string;
let issuer: RunningIssuer;
let configPath: string;
let unsigned: string;
let signed: string;
const signer = generateKeyPairSync('ed25519');

function sink(): NodeJS.WritableStream & { text: string } {
  const s = {
    text: '',
    write(chunk: string | Uint8Array) {
      s.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return true;
    },
  };
  return s as unknown as NodeJS.WritableStream & { text: string };
}

/** A run of the auth and echo checks with --bundle, in this process. */
async function runWithBundle(reportDir: string, bundle: string, signKey?: string): Promise<{ code: number; output: string }> {
  const { config, apiKey } = parseConfig(JSON.parse(readFileSync(configPath, 'utf8')), { BUNDLE_KEY: KEY }, configPath);
  const request = bundleRequest({ bundle, 'sign-key': signKey }, { kind: 'run', config, configPath, apiKey });
  const out = sink();
  const code = await runAndReport(config, apiKey, { only: ['pulluri.echo', 'pulluri.auth'], skip: [], reportDir, quiet: true, seed: 5, bundle: request }, out);
  return { code, output: out.text };
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'dlconform-bundle-cli-'));
  issuer = await startIssuer({ apiKey: KEY, documents: 4 });
  configPath = join(tmp, 'config.json');
  writeFileSync(configPath, JSON.stringify(issuer.config('BUNDLE_KEY')));
  // a config naming a waivers file, relative to itself; the bundle reads that field from the file as it is
  writeFileSync(join(tmp, 'waivers.yaml'), '- check: pulluri.echo.txn\n  reason: known\n  owner: qa\n  expires: 2099-01-01\n');
  writeFileSync(join(tmp, 'with-waivers.json'), JSON.stringify({ ...issuer.config('BUNDLE_KEY'), waivers: 'waivers.yaml' }));
  const keyFile = join(tmp, 'signer.pem');
  writeFileSync(keyFile, signer.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  unsigned = join(tmp, 'unsigned.tar.gz');
  signed = join(tmp, 'signed.tar.gz');
  const first = await runWithBundle(join(tmp, 'out-unsigned'), unsigned);
  expect(first.code).toBe(0);
  expect(first.output).toMatch(/Evidence bundle: .*unsigned\.tar\.gz \(\d+ files, not signed\)/);
  const second = await runWithBundle(join(tmp, 'out-signed'), signed, keyFile);
  expect(second.code).toBe(0);
  expect(second.output).toMatch(/signed \(SHA256:[0-9a-f]{64}\)/);
}, 60_000);
afterAll(async () => {
  await issuer.close();
});

describe('a bundle of a real run', () => {
  it('holds every report file, the redacted transcript, the config and the manifest, and verifies', async () => {
    const entries = await readBundle(unsigned);
    expect([...entries.keys()].sort()).toEqual(['config.json', 'manifest.json', 'report/junit.xml', 'report/report.html', 'report/result.json', 'report/summary.md', 'report/transcript.jsonl']);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString());
    const result = JSON.parse(entries.get('report/result.json')!.toString());
    expect(manifest.run).toMatchObject({ kind: 'run', runId: result.runId, profile: '3.0', policy: 'conformance', seed: 5, exitCode: 0 });
    expect(manifest.tool).toEqual({ name: 'dlconform', version: result.tool.version, commit: toolCommit() });
    expect(manifest.node).toBe(process.version);
    expect(manifest.catalogue.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.catalogue.checks).toBeGreaterThan(100);
    expect(manifest.files).toHaveLength(6);
    for (const f of manifest.files) expect(entries.get(f.path)!.length).toBe(f.size);
    const config = JSON.parse(entries.get('config.json')!.toString());
    expect(config.apiKeyEnv).toBe('BUNDLE_KEY');
    expect(config.documents[0].owner.fullName).toBe('[REDACTED:owner]');
    const outcome = await verifyBundle(unsigned);
    expect(outcome.problems).toEqual([]);
    expect(outcome.ok).toBe(true);
  });

  it('flipping one byte of any file is reported as that file changed', async () => {
    const entries = await readBundle(unsigned);
    const files = [...entries.keys()].filter((n) => n !== 'manifest.json');
    expect(files.length).toBe(6);
    for (const name of files) {
      const copy = new Map(entries);
      copy.set(name, flipOneByte(entries.get(name)!));
      const path = join(tmp, 'flipped.tar.gz');
      await writeBundle(path, copy);
      const outcome = await verifyBundle(path);
      expect(outcome.ok, name).toBe(false);
      expect(outcome.problems, name).toEqual([
        expect.stringMatching(new RegExp(`^changed: ${name.replace(/\./g, '\\.')}: manifest\\.json says sha256 [0-9a-f]{64}, \\d+ bytes; the bundle has sha256 [0-9a-f]{64}, \\d+ bytes$`)),
      ]);
    }
  });

  it('flipping one byte of any entry of a signed bundle, manifest and signature included, fails', async () => {
    const entries = await readBundle(signed);
    expect([...entries.keys()]).toEqual(expect.arrayContaining(['manifest.json', 'manifest.sig', 'manifest.pub.pem']));
    for (const name of entries.keys()) {
      const copy = new Map(entries);
      copy.set(name, flipOneByte(entries.get(name)!));
      const path = join(tmp, 'flipped-signed.tar.gz');
      await writeBundle(path, copy);
      for (const key of [undefined, signer.publicKey]) {
        const outcome = await verifyBundle(path, key);
        expect(outcome.ok, `${name} (${key ? 'with' : 'without'} --public-key)`).toBe(false);
        const expected = name.startsWith('manifest.') ? /^signature: / : new RegExp(`^changed: ${name.replace(/\./g, '\\.')}: `);
        expect(
          outcome.problems.some((p) => expected.test(p)),
          `${name}: ${outcome.problems.join(' | ')}`,
        ).toBe(true);
      }
    }
  });

  it('a removed file, an added file and an edited manifest are each named', async () => {
    const entries = await readBundle(unsigned);
    const path = join(tmp, 'changed.tar.gz');
    const removed = new Map(entries);
    removed.delete('report/junit.xml');
    await writeBundle(path, removed);
    expect((await verifyBundle(path)).problems).toEqual(['missing: report/junit.xml (listed in manifest.json, not in the bundle)']);

    const added = new Map(entries);
    added.set('report/extra.txt', Buffer.from('added later'));
    await writeBundle(path, added);
    expect((await verifyBundle(path)).problems).toEqual(['extra: report/extra.txt (in the bundle, not listed in manifest.json)']);

    const edited = new Map(entries);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString());
    manifest.files = manifest.files.filter((f: any) => f.path !== 'report/summary.md');
    edited.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
    await writeBundle(path, edited);
    expect((await verifyBundle(path)).problems).toEqual(['extra: report/summary.md (in the bundle, not listed in manifest.json)']);
  });

  it('a signed bundle verifies with its signer key and fails with another; an edited manifest breaks the signature', async () => {
    const right = await verifyBundle(signed, signer.publicKey);
    expect(right.problems).toEqual([]);
    expect(right.notes.join('\n')).toMatch(/valid, made with the given public key/);
    const selfChecked = await verifyBundle(signed);
    expect(selfChecked.ok).toBe(true);
    expect(selfChecked.notes.join('\n')).toMatch(/proves integrity only, not who signed/);

    const other = generateKeyPairSync('ed25519');
    const wrong = await verifyBundle(signed, other.publicKey);
    expect(wrong.ok).toBe(false);
    expect(wrong.problems).toEqual([
      expect.stringMatching(/^signature: does not verify with the given public key SHA256:[0-9a-f]{64} \(the bundle was signed with another key/),
      expect.stringMatching(/^signature: manifest\.pub\.pem in the bundle is not the given public key \(it is SHA256:[0-9a-f]{64}\)$/),
    ]);

    const entries = await readBundle(signed);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString());
    manifest.run.exitCode = 0;
    manifest.run.policy = 'strict';
    entries.set('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
    const path = join(tmp, 'resigned.tar.gz');
    await writeBundle(path, entries);
    expect((await verifyBundle(path)).problems).toEqual([expect.stringMatching(/^signature: does not verify with manifest\.pub\.pem \(SHA256:[0-9a-f]{64}\): manifest\.json changed after signing/)]);

    // a forger who re-signs with their own key and swaps manifest.pub.pem passes the self-check only
    const forger = generateKeyPairSync('ed25519');
    const { sign } = await import('node:crypto');
    entries.set('manifest.sig', Buffer.from(sign(null, entries.get('manifest.json')!, forger.privateKey).toString('base64')));
    entries.set('manifest.pub.pem', Buffer.from(forger.publicKey.export({ type: 'spki', format: 'pem' })));
    await writeBundle(path, entries);
    expect((await verifyBundle(path)).ok).toBe(true);
    expect((await verifyBundle(path, signer.publicKey)).ok).toBe(false);
  });
});

describe('the waivers in force', () => {
  it('the waivers file the config names goes into the bundle and the manifest', async () => {
    const withWaivers = join(tmp, 'with-waivers.json');
    const { config, apiKey } = parseConfig(JSON.parse(readFileSync(configPath, 'utf8')), { BUNDLE_KEY: KEY }, configPath);
    const request = bundleRequest({ bundle: join(tmp, 'waivers.tar.gz') }, { kind: 'run', config, configPath: withWaivers, apiKey });
    const out = sink();
    expect(await runAndReport(config, apiKey, { only: ['pulluri.echo.txn'], skip: [], reportDir: join(tmp, 'out-waivers'), quiet: true, bundle: request }, out)).toBe(0);
    const entries = await readBundle(join(tmp, 'waivers.tar.gz'));
    expect(entries.get('waivers/waivers.yaml')!.toString()).toContain('reason: known');
    expect(JSON.parse(entries.get('manifest.json')!.toString()).waivers).toBe('waivers/waivers.yaml');
    expect((await verifyBundle(join(tmp, 'waivers.tar.gz'))).ok).toBe(true);
  });

  it('a waivers file that cannot be read leaves no bundle and makes a passing run exit 1', async () => {
    const broken = join(tmp, 'broken-waivers.json');
    writeFileSync(broken, JSON.stringify({ waivers: 'no-such-waivers.yaml' }));
    const { config, apiKey } = parseConfig(JSON.parse(readFileSync(configPath, 'utf8')), { BUNDLE_KEY: KEY }, configPath);
    const request = bundleRequest({ bundle: join(tmp, 'nowaivers.tar.gz') }, { kind: 'run', config, configPath: broken, apiKey });
    const out = sink();
    expect(await runAndReport(config, apiKey, { only: ['pulluri.echo.txn'], skip: [], reportDir: join(tmp, 'out-nowaivers'), quiet: true, bundle: request }, out)).toBe(1);
    expect(out.text).toMatch(/the evidence bundle was not written: the waivers file the config names \(no-such-waivers\.yaml\) cannot be read/);
    expect(existsSync(join(tmp, 'nowaivers.tar.gz'))).toBe(false);
  });
});

const dlconform = (args: string[], env: Record<string, string> = {}) => runCli(args, tmp, env);

describe('dlconform bundle, verify and keygen', () => {
  it('keygen writes a key pair; bundle REPORT_DIR signs with it; verify exits 0 with the public key and 1 with another', async () => {
    const keygen = await dlconform(['keygen', '--out', 'auditor.pem']);
    expect(keygen.stderr).toBe('');
    expect(keygen.code).toBe(0);
    expect(statSync(join(tmp, 'auditor.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(tmp, 'auditor.pub.pem'), 'utf8')).toContain('BEGIN PUBLIC KEY');
    expect((await dlconform(['keygen', '--out', 'auditor.pem'])).code).toBe(2);

    // the API key variable need not be set to bundle an existing run
    const bundled = await dlconform(['bundle', 'out-unsigned', '--config', 'config.json', '--sign-key', 'auditor.pem']);
    expect(bundled.stderr).toBe('');
    expect(bundled.code).toBe(0);
    expect(bundled.stdout).toMatch(/Evidence bundle: out-unsigned\.tar\.gz \(6 files, signed \(SHA256:[0-9a-f]{64}\)\)/);

    const ok = await dlconform(['verify', 'out-unsigned.tar.gz', '--public-key', 'auditor.pub.pem']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^out-unsigned\.tar\.gz: run \S+, profile 3\.0, policy conformance, seed 5, exit 0$/m);
    expect(ok.stdout).toContain('VERIFIED: 6 files match manifest.json');

    writeFileSync(join(tmp, 'other.pub.pem'), generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    const wrong = await dlconform(['verify', 'out-unsigned.tar.gz', '--public-key', 'other.pub.pem']);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('NOT VERIFIED: 2 problems');
    expect(wrong.stdout).toMatch(/^ {2}signature: does not verify with the given public key/m);
  });

  it('run --bundle writes a bundle that verify accepts; a tampered one exits 1 naming the file', async () => {
    const run = await dlconform(['run', '--config', 'config.json', '--only', 'pulluri.echo', '--report-dir', 'out-cli', '--bundle', 'cli.tar.gz', '-q'], { BUNDLE_KEY: KEY });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Evidence bundle: cli.tar.gz');
    expect((await dlconform(['verify', 'cli.tar.gz'])).code).toBe(0);
    const entries = await readBundle(join(tmp, 'cli.tar.gz'));
    entries.set('report/summary.md', flipOneByte(entries.get('report/summary.md')!));
    await writeBundle(join(tmp, 'cli.tar.gz'), entries);
    const tampered = await dlconform(['verify', 'cli.tar.gz']);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/^ {2}changed: report\/summary\.md: /m);
  });

  it('a hostile manifest cannot drive the terminal or crash verify', async () => {
    const entries = await readBundle(unsigned);
    entries.set(
      'manifest.json',
      Buffer.from(JSON.stringify({ format: 'dlconform-bundle/1', run: { runId: '\u001b[2J\u001b]0;owned\u0007' }, files: [{ path: 'report/\u001b[31mred', sha256: 'c'.repeat(64), size: 1 }] })),
    );
    await writeBundle(join(tmp, 'hostile-manifest.tar.gz'), entries);
    const r = await dlconform(['verify', 'hostile-manifest.tar.gz']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('run \\x1b[2J\\x1b]0;owned\\x07');
    expect(r.stdout).toContain('missing: report/\\x1b[31mred (listed in manifest.json, not in the bundle)');
    expect(r.stdout).toMatch(/^ {2}extra: report\/junit\.xml/m);
  });

  it('fuzz --bundle and timing --bundle bundle their own reports (fuzz.json, timing.json) and say what ran', async () => {
    const fuzz = await dlconform(['fuzz', '--config', 'config.json', '--runs', '10', '--seed', '3', '--report-dir', 'out-fuzz', '--bundle', 'fuzz.tar.gz', '-q'], { BUNDLE_KEY: KEY });
    expect(fuzz.code).toBe(0);
    const timing = await dlconform(['timing', '--config', 'config.json', '--only', 'ts-offsets', '--report-dir', 'out-timing', '--bundle', 'timing.tar.gz', '-q'], { BUNDLE_KEY: KEY });
    expect(timing.code).toBe(0);
    for (const [name, kind, own] of [
      ['fuzz.tar.gz', 'fuzz', 'report/fuzz.json'],
      ['timing.tar.gz', 'timing', 'report/timing.json'],
    ] as const) {
      const entries = await readBundle(join(tmp, name));
      expect([...entries.keys()], name).toEqual(expect.arrayContaining(['manifest.json', 'config.json', 'report/result.json', 'report/junit.xml', 'report/summary.md', own]));
      expect(JSON.parse(entries.get('manifest.json')!.toString()).run.kind).toBe(kind);
      const verify = await dlconform(['verify', name]);
      expect(verify.code, verify.stdout).toBe(0);
    }
  }, 60_000);

  it('exit 2: bad flags and files, each naming the flag and the fix', async () => {
    const noBundle = await dlconform(['run', '--config', 'config.json', '--sign-key', 'auditor.pem'], { BUNDLE_KEY: KEY });
    expect(noBundle.code).toBe(2);
    expect(noBundle.stderr).toContain('--sign-key signs the bundle: give --bundle FILE.tar.gz too');
    const loadSignOnly = await dlconform(['load', '--config', 'config.json', '--sign-key', 'auditor.pem'], { BUNDLE_KEY: KEY });
    expect(loadSignOnly.code).toBe(2);
    expect(loadSignOnly.stderr).toContain('--sign-key signs the bundle: give --bundle FILE.tar.gz too');
    const emit = await dlconform(['load', '--config', 'config.json', '--emit', 'kubernetes', '--bundle', 'k.tar.gz'], { BUNDLE_KEY: KEY });
    expect(emit.code).toBe(2);
    expect(emit.stderr).toContain('--emit kubernetes runs nothing here');
    const notTgz = await dlconform(['run', '--config', 'config.json', '--bundle', 'evidence.zip'], { BUNDLE_KEY: KEY });
    expect(notTgz.code).toBe(2);
    expect(notTgz.stderr).toContain('--bundle names the .tar.gz to write');
    writeFileSync(join(tmp, 'rsa.pem'), generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const rsa = await dlconform(['run', '--config', 'config.json', '--bundle', 'x.tar.gz', '--sign-key', 'rsa.pem'], { BUNDLE_KEY: KEY });
    expect(rsa.code).toBe(2);
    expect(rsa.stderr).toMatch(/--sign-key rsa\.pem: a rsa key; the manifest is signed with Ed25519 only; make one with: dlconform keygen/);
    expect(existsSync(join(tmp, 'x.tar.gz'))).toBe(false);
    const missing = await dlconform(['verify', 'nothing.tar.gz']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nothing.tar.gz: no such file');
    const notKey = await dlconform(['verify', 'cli.tar.gz', '--public-key', 'config.json']);
    expect(notKey.code).toBe(2);
    expect(notKey.stderr).toMatch(/--public-key config\.json: not an Ed25519 public key/);
    const notReports = await dlconform(['bundle', '.']);
    expect(notReports.code).toBe(2);
    expect(notReports.stderr).toMatch(/neither result\.json nor load\.json/);
    for (const command of ['bundle', 'verify', 'keygen']) {
      const help = await dlconform([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: dlconform ${command}`));
    }
  });
});
