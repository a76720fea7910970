/**
 * `dlconform init` as a user runs it: the bundled CLI against the reference issuer on loopback,
 * once with flags only, once answering its prompts on a pseudo-terminal (util-linux `script`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config/index.js';
import { startIssuer, type RunningIssuer } from '../fixtures/issuer/index.js';
import { absentSearch } from './init.js';

const CLI = join(process.cwd(), 'dist/dlconform.mjs');
const KEY = 'init-test-api-key-3f9a11c2';
const KEY_ENV = 'INIT_TEST_KEY';

let tmp: string;
let issuer: RunningIssuer;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'dlconform-init-'));
  issuer = await startIssuer({ apiKey: KEY, documents: 3 });
});
afterAll(async () => {
  await issuer.close();
  rmSync(tmp, { recursive: true, force: true });
});

function dlconform(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // stdin is not a terminal here: init takes everything from its flags
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', [KEY_ENV]: KEY, ...env }, cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The flags for the reference issuer's first document. */
function flagsFor(target: RunningIssuer, out: string): string[] {
  const doc = target.config(KEY_ENV).documents[0]!;
  return [
    'init',
    '--pull-uri',
    target.pullUriUrl,
    '--pull-doc',
    target.pullDocUrl!,
    '--org-id',
    target.store.orgId,
    '--api-key-env',
    KEY_ENV,
    '--doc-type',
    doc.docType,
    ...Object.entries(doc.search).flatMap(([k, v]) => ['--search', `${k}=${v}`]),
    '--owner-name',
    doc.owner!.fullName!,
    '--owner-dob',
    doc.owner!.dob!,
    '--opt-in',
    'fullname,dob',
    '--out',
    out,
  ];
}

describe('dlconform init with flags only', () => {
  it('writes a config with $schema that loadConfig accepts and `run` passes with, and no key in it', async () => {
    const r = await dlconform(flagsFor(issuer, 'flags.json'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const path = join(tmp, 'flags.json');
    const text = readFileSync(path, 'utf8');
    const doc = issuer.config(KEY_ENV).documents[0]!;
    expect(JSON.parse(text)).toEqual({
      $schema: './node_modules/dlconform/core/config/config.schema.json',
      profile: '3.0',
      target: { pullUri: issuer.pullUriUrl, pullDoc: issuer.pullDocUrl },
      orgId: issuer.store.orgId,
      apiKeyEnv: KEY_ENV,
      // the reference issuer verifies both encodings: the profile's default is kept
      hmac: 'hex-base64',
      optIn: { fullName: true, dob: true },
      documents: [{ docType: doc.docType, search: doc.search, uri: doc.uri, owner: { fullName: doc.owner!.fullName, dob: doc.owner!.dob } }],
      absent: { docType: doc.docType, search: absentSearch(doc.search) },
    });
    expect(text).not.toContain(KEY);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(r.stdout).toContain(`the document's URI is ${doc.uri}`);
    expect(r.stdout).toContain(`Pull Doc served ${doc.uri}`);

    const loaded = await loadConfig(path, { [KEY_ENV]: KEY });
    expect(loaded.config.documents[0]!.uri).toBe(doc.uri);
    const run = await dlconform(['run', '--config', 'flags.json', '--report-dir', 'out-flags', '-q']);
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(join(tmp, 'out-flags', 'result.json'), 'utf8')).summary.fail).toBe(0);
  });

  it('detects the HMAC encoding the target accepts and writes it', async () => {
    for (const hmac of ['raw-base64', 'hex-base64'] as const) {
      const only = await startIssuer({ apiKey: KEY, documents: 3, hmac });
      try {
        const out = `hmac-${hmac}.json`;
        const r = await dlconform(flagsFor(only, out));
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(JSON.parse(readFileSync(join(tmp, out), 'utf8')).hmac).toBe(hmac);
        if (hmac === 'raw-base64') expect(r.stdout).toContain('refused with "hmac": "hex-base64", served with "hmac": "raw-base64": the target accepts raw-base64.');
        else expect(r.stdout).not.toContain('refused');
        const run = await dlconform(['run', '--config', out, '--only', 'auth', '--report-dir', `out-${hmac}`, '-q']);
        expect(run.code).toBe(0);
      } finally {
        await only.close();
      }
    }
  });

  it('refuses to overwrite a file without --force', async () => {
    const path = join(tmp, 'kept.json');
    writeFileSync(path, '{"mine": true}\n');
    const r = await dlconform(flagsFor(issuer, 'kept.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('dlconform: init: kept.json exists; pass --force to overwrite it, or --out ANOTHER.json\n');
    expect(readFileSync(path, 'utf8')).toBe('{"mine": true}\n');
    const forced = await dlconform([...flagsFor(issuer, 'kept.json'), '--force']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(path, 'utf8')).apiKeyEnv).toBe(KEY_ENV);
  });

  it('an unreachable target: nothing written without --yes (exit 3); with --yes written, still exit 3', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const args = flagsFor(issuer, 'down.json').map((a) => a.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${port}`));
    const r = await dlconform(args);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/the target did not answer: .*connection refused/);
    expect(r.stdout).toContain('Nothing written (pass --yes to write the config anyway).');
    expect(existsSync(join(tmp, 'down.json'))).toBe(false);
    const yes = await dlconform([...args, '--yes']);
    expect(yes.code).toBe(3);
    expect(JSON.parse(readFileSync(join(tmp, 'down.json'), 'utf8')).target.pullUri).toBe(`http://127.0.0.1:${port}/pulluri`);
  });

  it('a refused baseline shows the diagnosis; an unset key variable says how to set it; nothing is written', async () => {
    const wrongKey = await dlconform(flagsFor(issuer, 'refused.json'), { [KEY_ENV]: 'not-the-key' });
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.stdout).toMatch(/Diagnosis \(pulluri\): .*the issuer did not accept the caller/);
    expect(wrongKey.stdout).not.toContain('not-the-key');
    const unset = await dlconform(flagsFor(issuer, 'unset.json'), { [KEY_ENV]: '' });
    expect(unset.code).toBe(2);
    expect(unset.stdout).toContain(`$${KEY_ENV} is not set, so the baseline was not tried`);
    expect(existsSync(join(tmp, 'refused.json')) || existsSync(join(tmp, 'unset.json'))).toBe(false);
  });

  it('without a terminal a missing value is a usage error naming its flag; a bad value names the flag and the fix', async () => {
    const missing = await dlconform(['init', '--pull-uri', issuer.pullUriUrl, '--out', 'x.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('dlconform: init needs --org-id (no terminal to ask on; see dlconform init --help)\n');
    const dob = issuer.config(KEY_ENV).documents[0]!.owner!.dob;
    const badDob = await dlconform(flagsFor(issuer, 'x.json').map((a) => (a === dob ? '1990-12-31' : a)));
    expect(badDob.code).toBe(2);
    expect(badDob.stderr).toBe('dlconform: --owner-dob must be a date of birth written DD-MM-YYYY, such as 31-12-1990, got "1990-12-31"\n');
    const badSearch = await dlconform(['init', '--pull-uri', issuer.pullUriUrl, '--org-id', 'x', '--doc-type', 'A', '--search', 'rollno', '--out', 'x.json']);
    expect(badSearch.stderr).toMatch(/--search takes NAME=VALUE .*got "rollno"/);
    const needsName = await dlconform(['init', '--pull-uri', issuer.pullUriUrl, '--org-id', 'x', '--doc-type', 'A', '--search', 'a=1', '--opt-in', 'fullname', '--out', 'x.json']);
    expect(needsName.stderr).toBe('dlconform: init needs --owner-name (no terminal to ask on; see dlconform init --help)\n');
    expect(existsSync(join(tmp, 'x.json'))).toBe(false);
  });
});

describe('absentSearch', () => {
  it('keeps the shape of each value and never returns the known search', () => {
    expect(absentSearch({ rollno: '13333', year: '2016', board: 'cbse' })).toEqual({ rollno: '99999', year: '9999', board: 'ZZZZ' });
    expect(absentSearch({ id: '999-ZZ' })).toEqual({ id: '888-YY' });
  });
});

/** A session on a pseudo-terminal: `script` gives the CLI a terminal; answers are typed when each prompt shows. */
class PtySession {
  private output = '';
  private seen = 0;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(command: string, env: NodeJS.ProcessEnv) {
    this.child = spawn('/usr/bin/script', ['-qfec', command, '/dev/null'], { cwd: tmp, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Waits (at most 15 s, then kills the session by its PID) for `text` after what was already read. */
  async expect(text: string): Promise<void> {
    for (let waited = 0; waited < 15_000; waited += 20) {
      const at = this.output.indexOf(text, this.seen);
      if (at >= 0) {
        this.seen = at + text.length;
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    this.child.kill('SIGKILL');
    throw new Error(`prompt ${JSON.stringify(text)} did not appear; the session showed:\n${this.output}`);
  }

  type(answer: string): void {
    this.child.stdin!.write(`${answer}\r`);
  }

  async answer(prompt: string, answer: string): Promise<void> {
    await this.expect(prompt);
    this.type(answer);
  }

  get transcript(): string {
    return this.output;
  }
}

describe('dlconform init on a terminal', () => {
  it('asks for each value, re-asks a wrong one, tries the baseline and writes the config', async () => {
    const only = await startIssuer({ apiKey: KEY, documents: 3, hmac: 'raw-base64' });
    const doc = only.config(KEY_ENV).documents[0]!;
    const session = new PtySession(`${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} init --out pty.json`, { ...process.env, NO_COLOR: '1', [KEY_ENV]: KEY });
    try {
      await session.answer('Spec profile (1.0, 3.0 or 1.13) [3.0]: ', '');
      await session.answer('Pull URI endpoint URL: ', only.pullUriUrl);
      // the Pull Doc URL is guessed from the Pull URI one; Enter takes it
      await session.answer(`Pull Doc endpoint URL [${only.pullDocUrl}] (- for none): `, '');
      await session.answer('orgId (as DigiLocker sends it): ', only.store.orgId);
      await session.answer('Environment variable that holds the API key [DLCONFORM_API_KEY]: ', KEY_ENV);
      await session.answer('DocType of a document that exists (e.g. SSCER): ', doc.docType);
      const [first, ...rest] = Object.entries(doc.search);
      await session.answer('  search element: ', `${first![0]}=${first![1]}`);
      for (const [k, v] of rest) await session.answer('  search element (empty: none): ', `${k}=${v}`);
      await session.answer('  search element (empty: none): ', '');
      await session.answer('Aadhaar fields opted into on the portal (uid, fullname, dob, photo; comma-separated) [fullname,dob]: ', '');
      await session.answer("The owner's full name, as on the certificate: ", doc.owner!.fullName!);
      await session.answer("The owner's date of birth (DD-MM-YYYY): ", '1990-12-31');
      await session.expect("The owner's date of birth (DD-MM-YYYY) must be a date of birth written DD-MM-YYYY, such as 31-12-1990");
      await session.answer("The owner's date of birth (DD-MM-YYYY): ", doc.owner!.dob!);
      await session.expect('the target accepts raw-base64.');
      await session.expect('Wrote pty.json');
      expect(await session.exited).toBe(0);
    } finally {
      session.child.kill('SIGKILL');
      await only.close();
    }
    const written = JSON.parse(readFileSync(join(tmp, 'pty.json'), 'utf8'));
    expect(written).toMatchObject({
      $schema: './node_modules/dlconform/core/config/config.schema.json',
      profile: '3.0',
      target: { pullUri: only.pullUriUrl, pullDoc: only.pullDocUrl },
      orgId: only.store.orgId,
      apiKeyEnv: KEY_ENV,
      hmac: 'raw-base64',
      optIn: { fullName: true, dob: true },
      documents: [{ docType: doc.docType, search: doc.search, uri: doc.uri, owner: { fullName: doc.owner!.fullName, dob: doc.owner!.dob } }],
    });
    expect(session.transcript).not.toContain(KEY);
  });
});
