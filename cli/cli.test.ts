/** The CLI as a user runs it: the bundled dlconform in a child process, real HTTP on loopback. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import resultSchema from '../core/report/result.schema.json' with { type: 'json' };
import { startIssuer, VARIANT_NAMES, type RunningIssuer } from '../fixtures/issuer/index.js';

const CLI = join(process.cwd(), 'dist/dlconform.mjs');
const KEY = 'cli-test-api-key-7c1f0e';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function dlconform(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, cwd: tmp });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

let tmp: string;
let issuer: RunningIssuer;

function writeConfig(name: string, json: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(json, null, 2));
  return path;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'dlconform-cli-'));
  issuer = await startIssuer({ apiKey: KEY, documents: 5 });
});
afterAll(async () => {
  await issuer.close();
});

describe('dlconform run', () => {
  it('exits 0 against the clean reference issuer and writes the three reports', async () => {
    const config = writeConfig('ok.json', issuer.config('CLI_KEY'));
    const r = await dlconform(['run', '--config', config, '--report-dir', 'out-ok'], { CLI_KEY: KEY });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PASS\s+pulluri\.echo\.txn/);
    for (const f of ['result.json', 'junit.xml', 'summary.md', 'report.html', 'transcript.jsonl']) expect(existsSync(join(tmp, 'out-ok', f)), f).toBe(true);
    const result = JSON.parse(readFileSync(join(tmp, 'out-ok', 'result.json'), 'utf8'));
    expect(result.schemaVersion).toBe(3);
    expect(result.summary.fail).toBe(0);
    expect(result.checks.length).toBeGreaterThanOrEqual(40);
  });

  it('exits 1 when the issuer has a fault, naming the failing check; a SHOULD finding blocks only under --policy strict', async () => {
    const faulty = await startIssuer({ apiKey: KEY, documents: 5, faults: ['credentials-optional', 'keyhash-not-verified'] });
    try {
      const config = writeConfig('faulty.json', faulty.config('CLI_KEY'));
      const r = await dlconform(['run', '--config', config, '--report-dir', 'out-faulty', '--only', 'auth'], { CLI_KEY: KEY });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/FAIL\s+pulluri\.auth\.unauthenticated/);
      expect(r.stdout).toMatch(/WARN\s+pulluri\.auth\.wrong-keyhash/);
      expect(r.stdout).toContain('policy conformance');
      const lenient = await dlconform(['run', '--config', config, '--report-dir', 'out-should', '--only', 'auth.wrong-keyhash'], { CLI_KEY: KEY });
      expect(lenient.code).toBe(0);
      const strict = await dlconform(['run', '--config', config, '--report-dir', 'out-strict', '--only', 'auth.wrong-keyhash', '--policy', 'strict'], { CLI_KEY: KEY });
      expect(strict.code).toBe(1);
      expect(strict.stdout).toMatch(/FAIL\s+pulluri\.auth\.wrong-keyhash/);
      expect(JSON.parse(readFileSync(join(tmp, 'out-strict', 'result.json'), 'utf8')).policy).toBe('strict');
    } finally {
      await faulty.close();
    }
  });

  it('exit 2: a config with a misspelt field names the field and the fix', async () => {
    const json = issuer.config('CLI_KEY') as Record<string, any>;
    json.target = { pulluri: json.target.pullUri };
    const r = await dlconform(['run', '--config', writeConfig('typo.json', json)], { CLI_KEY: KEY });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/target\.pulluri/);
    expect(r.stderr).toMatch(/pullUri/);
  });

  it('exit 2: the API key variable is not set', async () => {
    const r = await dlconform(['run', '--config', writeConfig('nokey.json', issuer.config('CLI_KEY_UNSET'))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/CLI_KEY_UNSET/);
  });

  it('exit 2: unknown command and unknown option', async () => {
    expect((await dlconform(['frobnicate'])).code).toBe(2);
    const r = await dlconform(['run', '--confg', 'x.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--confg/);
    const policy = await dlconform(['run', '--config', writeConfig('policy.json', issuer.config('CLI_KEY')), '--policy', 'lax'], { CLI_KEY: KEY });
    expect(policy.code).toBe(2);
    expect(policy.stderr).toContain('--policy must be conformance or strict, got "lax"');
  });

  it('exit 3: nothing listens on the target port', async () => {
    const port = await freePort();
    const json = issuer.config('CLI_KEY') as Record<string, any>;
    json.target = { pullUri: `http://127.0.0.1:${port}/pulluri`, pullDoc: `http://127.0.0.1:${port}/pulldoc` };
    const r = await dlconform(['run', '--config', writeConfig('refused.json', json), '--report-dir', 'out-refused'], { CLI_KEY: KEY });
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).toMatch(/unreachable/i);
  });

  it('exit 3 quickly: the target accepts connections but never answers', async () => {
    const silent = await silentServer();
    try {
      const json = issuer.config('CLI_KEY') as Record<string, any>;
      const port = (silent.address() as { port: number }).port;
      json.target = { pullUri: `http://127.0.0.1:${port}/pulluri`, pullDoc: `http://127.0.0.1:${port}/pulldoc` };
      json.client = { timeoutMs: 300 };
      const r = await dlconform(['run', '--config', writeConfig('silent.json', json), '--report-dir', 'out-silent'], { CLI_KEY: KEY });
      expect(r.code).toBe(3);
      expect(r.ms).toBeLessThan(5000);
    } finally {
      silent.stop();
    }
  });

  it('exit 4: the selection matches no check', async () => {
    const config = writeConfig('ok4.json', issuer.config('CLI_KEY'));
    const r = await dlconform(['run', '--config', config, '--only', 'no.such.check', '--report-dir', 'out-none'], { CLI_KEY: KEY });
    expect(r.code).toBe(4);
  });

  it('a reader that stops early (| head) ends the run quietly: no stack trace, and not exit 0', async () => {
    const config = writeConfig('pipe.json', issuer.config('CLI_KEY'));
    const r = await new Promise<{ code: number | null; stderr: string; firstLine: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'run', '--config', config, '--report-dir', 'out-pipe'], { env: { ...process.env, NO_COLOR: '1', CLI_KEY: KEY }, cwd: tmp });
      let stderr = '';
      let firstLine = '';
      child.stderr.on('data', (d) => (stderr += d));
      // read the first chunk, then close the pipe as `head -1` does
      child.stdout.once('data', (d: Buffer) => {
        firstLine = d.toString().split('\n')[0]!;
        child.stdout.destroy();
      });
      child.on('close', (code) => resolve({ code, stderr, firstLine }));
    });
    expect(r.firstLine).toMatch(/pulluri\./);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(141);
  });
});

describe('dlconform help, version, demo', () => {
  it('--version and --help', async () => {
    expect((await dlconform(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await dlconform(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['run', 'serve', 'demo']) {
      const r = await dlconform([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout).toMatch(/Usage: dlconform/);
    }
  });

  it('demo runs the full suite against the embedded issuer and a mock DigiLocker, and exits 0', async () => {
    const r = await dlconform(['demo', '--quiet', '--report-dir', 'out-demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/the issuer's push client pushed 50 URIs: accepted/);
    expect(existsSync(join(tmp, 'out-demo', 'junit.xml'))).toBe(true);
    const result = JSON.parse(readFileSync(join(tmp, 'out-demo', 'result.json'), 'utf8')) as { checks: Array<{ id: string; api: string; verdict: string }> };
    const ajv = new Ajv2020({ strict: false });
    expect(ajv.validate(resultSchema, result), ajv.errorsText()).toBe(true);
    const byApi = (api: string) => result.checks.filter((c) => c.api === api);
    for (const api of ['pulluri', 'pulldoc', 'pushcsv', 'pushuri', 'consistency']) expect(byApi(api).length, api).toBeGreaterThan(0);
    expect(byApi('consistency').map((c) => c.verdict)).toEqual(['pass']);
    // the issuer pushes its pending document to the mock after Status 9; both HMAC encodings verify
    const verdictOf = (id: string) => result.checks.find((c) => c.id === id)?.verdict;
    expect([verdictOf('pulluri.pending.pushed'), verdictOf('pulluri.auth.hmac-encodings')]).toEqual(['pass', 'pass']);
    // the full run as one page: every check at its anchor, a few hundred KB at most
    const html = readFileSync(join(tmp, 'out-demo', 'report.html'), 'utf8');
    expect(Buffer.byteLength(html)).toBeLessThan(450_000);
    for (const c of result.checks) expect(html).toContain(`id="check-${c.id}"`);
  });

  it('demo --fault push-unpullable-uri fails the consistency check (exit 1); an unknown fault is a usage error', async () => {
    const r = await dlconform(['demo', '--quiet', '--fault', 'push-unpullable-uri', '--report-dir', 'out-demo-fault']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('consistency.pushed.pullable');
    expect(r.stdout).toContain('L0L1O0I1L0');
    const bad = await dlconform(['demo', '--fault', 'push-nonsense']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown fault "push-nonsense"; known faults: .*http-202.*push-bad-date/);
  });

  it('demo --push-account: the issuer pushes with Push URI to Account, the pushuriacct checks pass; a push-acct fault needs it', async () => {
    const r = await dlconform(['demo', '--quiet', '--push-account', '--report-dir', 'out-demo-account']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/the issuer pushed 50 URIs with Push URI to Account: 50 accepted/);
    const result = JSON.parse(readFileSync(join(tmp, 'out-demo-account', 'result.json'), 'utf8')) as { checks: Array<{ id: string; api: string; verdict: string }> };
    const ajv = new Ajv2020({ strict: false });
    expect(ajv.validate(resultSchema, result), ajv.errorsText()).toBe(true);
    const account = result.checks.filter((c) => c.api === 'pushuriacct');
    expect(account.length).toBe(6);
    expect(account.every((c) => c.verdict === 'pass')).toBe(true);
    // the pending document goes by Push URI to Account too; every pushed URI is pullable
    const verdictOf = (id: string) => result.checks.find((c) => c.id === id)?.verdict;
    expect([verdictOf('pulluri.pending.pushed'), verdictOf('consistency.pushed.pullable')]).toEqual(['pass', 'pass']);
    const bad = await dlconform(['demo', '--fault', 'push-acct-faq-hmac']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Push URI to Account faults need --push-account/);
  });

  it('serve --print-config prints a config that run accepts', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--print-config', '--profile', '1.13'], { env: { ...process.env, DLCONFORM_API_KEY: KEY }, cwd: tmp });
    let out = '';
    const config = await new Promise<object>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no config printed')), 10_000);
      child.stdout.on('data', (d) => {
        out += d;
        try {
          resolve(JSON.parse(out));
          clearTimeout(timer);
        } catch {}
      });
    });
    try {
      const r = await dlconform(['run', '--config', writeConfig('served.json', config), '--quiet', '--report-dir', 'out-served'], { DLCONFORM_API_KEY: KEY });
      expect(r.code).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('serve --fault rate-limit --rate-limit N: the checks past the limit are inconclusive, naming throttling (exit 1)', async () => {
    const path = join(tmp, 'limited.json');
    const child = spawn(process.execPath, [CLI, 'serve', '--fault', 'rate-limit', '--rate-limit', '15', '--write-config', path], {
      env: { ...process.env, DLCONFORM_API_KEY: KEY },
      cwd: tmp,
    });
    try {
      const deadline = Date.now() + 10_000;
      while (!existsSync(path) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const r = await dlconform(['run', '--config', path, '--only', 'pulluri', '--report-dir', 'out-limited'], { DLCONFORM_API_KEY: KEY });
      expect(r.code).toBe(1);
      const result = JSON.parse(readFileSync(join(tmp, 'out-limited', 'result.json'), 'utf8'));
      const throttled = result.checks.filter((c: { verdict: string; message: string }) => c.verdict === 'inconclusive' && c.message.includes('throttled'));
      expect(throttled.length).toBeGreaterThan(0);
      expect(result.checks.filter((c: { verdict: string }) => c.verdict === 'fail')).toEqual([]);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('serve --write-config writes the config atomically once the issuer listens; run accepts it at once', async () => {
    const path = join(tmp, 'written.json');
    const child = spawn(process.execPath, [CLI, 'serve', '--write-config', path], { env: { ...process.env, DLCONFORM_API_KEY: KEY }, cwd: tmp });
    try {
      const deadline = Date.now() + 10_000;
      while (!existsSync(path) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      // the moment the file exists it is whole, and the issuer answers
      const config = JSON.parse(readFileSync(path, 'utf8'));
      expect(config.target.pullUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
      const r = await dlconform(['run', '--config', path, '--quiet', '--report-dir', 'out-written'], { DLCONFORM_API_KEY: KEY });
      expect(r.code).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('serve without an API key is a usage error with the fix', async () => {
    const env = { ...process.env };
    delete env.DLCONFORM_API_KEY;
    const r = await new Promise<Result>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'serve'], { env, cwd: tmp });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout: '', stderr, ms: 0 }));
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/export DLCONFORM_API_KEY/);
  });

  it('serve --list-variants names every variant with its description; an unknown --variant is a usage error', async () => {
    const listed = await dlconform(['serve', '--list-variants']);
    expect(listed.code).toBe(0);
    const names = listed.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/)[0]);
    expect(names).toEqual([...VARIANT_NAMES]);
    expect(listed.stdout).toMatch(/^pretty-printed\s+Every XML response is indented/m);
    const unknown = await dlconform(['serve', '--variant', 'pretty-printed,nope'], { DLCONFORM_API_KEY: KEY });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown variant "nope"; known variants: openapi-echo/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Accepts TCP connections and never answers: the worst kind of target. */
function silentServer(): Promise<Server & { stop(): void }> {
  return new Promise((resolve) => {
    const sockets = new Set<import('node:net').Socket>();
    const s = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    }) as Server & { stop(): void };
    s.stop = () => {
      for (const socket of sockets) socket.destroy();
      s.close();
    };
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}
