import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PushDb, startMockDigiLocker } from '../fixtures/digilocker/index.js';
import { UsageError } from './args.js';
import { serveDigiLocker } from './digilocker.js';
import { partnerDemo, reportPartner } from './partner.js';

const dir = mkdtempSync(join(tmpdir(), 'dlconform-partner-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: (t: string) => {
        out += t;
      },
      stderr: (t: string) => {
        err += t;
      },
    },
    text: () => out,
    err: () => err,
  };
}

describe('dlconform demo --partner / report partner', () => {
  it('clean client: every rule PASS, exit 0; report partner reads the same file again, secrets redacted', async () => {
    const dbPath = join(dir, 'clean.sqlite');
    const demo = capture();
    expect(await partnerDemo(['--partner', '--db', dbPath, '--report-dir', join(dir, 'html')], demo.io)).toBe(0);
    expect(demo.text()).toMatch(/^ {2}PASS partner-pkce-s256 \[MUST\]/m);
    expect(demo.text()).not.toMatch(/FAIL|N\/A/);
    const html = readFileSync(join(dir, 'html', 'report.html'), 'utf8');
    expect(html).toContain('dlconform report partner: PASS');

    const c = capture();
    expect(await reportPartner(['partner', '--db', dbPath], c.io)).toBe(0);
    expect(c.text()).toMatch(/GET \/oauth2\/1\/authorize → 302/);
    expect(c.text()).toMatch(/client_secret=\[REDACTED:client_secret, 32 chars\]/);
    expect(c.text()).toMatch(/hmac=\[REDACTED:hmac/);
    // what the demo's secret looks like (32 hex) never appears bare after a secret's name
    expect(c.text()).not.toMatch(/(client_secret|code|code_verifier|refresh_token|token|state|hmac)="/);
    const j = capture();
    await reportPartner(['partner', '--db', dbPath, '--format', 'json'], j.io);
    const json = JSON.parse(j.text());
    expect(json.exitCode).toBe(0);
    expect(json.rules.every((r: { status: string }) => r.status === 'pass')).toBe(true);
  });

  it('a faulty client fails its MUST rule: exit 1, the rule and why', async () => {
    const c = capture();
    expect(await partnerDemo(['--partner', '--db', join(dir, 'plain.sqlite'), '--fault', 'plain-method'], c.io)).toBe(1);
    expect(c.text()).toMatch(/^ {2}FAIL partner-pkce-s256 \[MUST\]/m);
    expect(c.text()).toMatch(/only S256 is supported/);
    expect(c.text()).toMatch(/the client broke 1 MUST rule: partner-pkce-s256/);
  });

  it('a client that never revokes warns (SHOULD) and exits 0; report partner --policy strict makes it block', async () => {
    const dbPath = join(dir, 'no-revoke.sqlite');
    const c = capture();
    expect(await partnerDemo(['--partner', '--db', dbPath, '--fault', 'no-revoke'], c.io)).toBe(0);
    expect(c.text()).toMatch(/^ {2}WARN partner-revoke \[SHOULD\]/m);
    const strict = capture();
    expect(await reportPartner(['partner', '--db', dbPath, '--policy', 'strict'], strict.io)).toBe(1);
    expect(strict.text()).toMatch(/^ {2}FAIL partner-revoke \[SHOULD\]/m);
    expect(strict.text()).toMatch(/the client broke 1 MUST or SHOULD rule \(policy strict\): partner-revoke/);
    const bad = capture();
    await expect(reportPartner(['partner', '--db', dbPath, '--policy', 'lenient'], bad.io)).rejects.toThrow('--policy must be conformance or strict, got "lenient"');
  });

  it('fails closed: a database with no partner activity exits 4', async () => {
    const dbPath = join(dir, 'push-only.sqlite');
    new PushDb(dbPath).close();
    const c = capture();
    expect(await reportPartner(['partner', '--db', dbPath], c.io)).toBe(4);
    expect(c.text()).toMatch(/no partner request was recorded: nothing to judge \(not a pass\)/);
  });

  it('what a hostile client sent is printed with control and bidi characters made visible', async () => {
    const dbPath = join(dir, 'hostile.sqlite');
    const mock = await startMockDigiLocker({ apiKey: 'k', orgId: 'in.gov.test', dbPath, partner: { clientId: 'C', clientSecret: 'hostile-test-secret', accounts: [] } });
    try {
      const q = new URLSearchParams({ client_id: 'evil\u202e\u0007\u0085', response_type: 'code' });
      expect((await fetch(`${mock.partnerBaseUrl}/oauth2/1/authorize?${q}`, { redirect: 'manual' })).status).toBe(400);
    } finally {
      await mock.close();
    }
    const c = capture();
    expect(await reportPartner(['partner', '--db', dbPath], c.io)).toBe(1);
    expect(c.text()).toContain('client_id="evil\\u202e\\u0007\\x85"');
    expect(c.text()).not.toMatch(/[\u0007\u0085\u202e]/);
  });

  it('usage errors name the flag', async () => {
    await expect(reportPartner(['partner'], capture().io)).rejects.toThrow(UsageError);
    await expect(reportPartner(['partner', '--db', join(dir, 'missing.sqlite')], capture().io)).rejects.toThrow(/does not exist/);
    await expect(reportPartner(['partner', '--db', join(dir, 'clean.sqlite'), '--format', 'xml'], capture().io)).rejects.toThrow(/--format must be text or json/);
    await expect(partnerDemo(['--partner', '--fault', 'nope'], capture().io)).rejects.toThrow(/--fault: unknown fault "nope"/);
  });

  it('serve --digilocker: --redirect-uri needs the partner and an absolute URL', async () => {
    const saved = { ...process.env };
    process.env.DLCONFORM_API_KEY = 'serve-test-key';
    process.env.PARTNER_TEST_SECRET = 'serve-test-partner-secret';
    try {
      await expect(serveDigiLocker(['--digilocker', '--db', join(dir, 's.sqlite'), '--redirect-uri', 'http://127.0.0.1/cb'], capture().io)).rejects.toThrow(
        /--redirect-uri needs --partner-secret-env/,
      );
      await expect(serveDigiLocker(['--digilocker', '--db', join(dir, 's.sqlite'), '--partner-secret-env', 'PARTNER_TEST_SECRET', '--redirect-uri', 'callback'], capture().io)).rejects.toThrow(
        /--redirect-uri "callback" is not an absolute URL/,
      );
    } finally {
      process.env = saved;
    }
  });

  const CLI = resolve('dist/dlconform.mjs');
  it.skipIf(!existsSync(CLI))('the built command: demo --partner exits 0 clean, 1 with a fault; report partner exits as the report says', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string }>((done) => {
        const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' } });
        let stdout = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.on('close', (code) => done({ code, stdout }));
      });
    const dbPath = join(dir, 'built.sqlite');
    expect((await run(['demo', '--partner', '--db', dbPath])).code).toBe(0);
    expect((await run(['report', 'partner', '--db', dbPath])).code).toBe(0);
    expect((await run(['demo', '--partner', '--db', join(dir, 'built-bad.sqlite'), '--fault', 'wrong-upload-hmac'])).code).toBe(1);
  });
});
