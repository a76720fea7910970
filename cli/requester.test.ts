/**
 * `dlconform requester` as a user runs it: the bundled CLI in a child process against the
 * reference upload service on loopback; the reports it writes follow result.schema.json.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import resultSchema from '../core/report/result.schema.json' with { type: 'json' };
import { startRequesterService, type RunningRequesterService } from '../fixtures/requester/index.js';
import { CLI, runCli } from './test-support.js';

const dlconform = (args: string[]) => runCli(args, tmp);

let tmp: string;
let clean: RunningRequesterService;
let faulty: RunningRequesterService;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'dlconform-requester-'));
  clean = await startRequesterService();
  faulty = await startRequesterService({ faults: ['accepts-missing-user-ref'] });
});
afterAll(async () => {
  await clean.close();
  await faulty.close();
});

/** A port that was free a moment ago and is closed now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('dlconform requester', () => {
  it('exits 0 against the reference service, with schema-valid reports', async () => {
    const dir = join(tmp, 'clean');
    const r = await dlconform(['requester', '--upload-url', clean.url, '--report-dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('requester.share.stored');
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(resultSchema);
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    expect(result.target.requester).toBe(clean.url);
    expect(result.checks.every((c: { api: string; verdict: string }) => c.api === 'requester' && c.verdict === 'pass')).toBe(true);
  });

  it("run --list names the requester checks of a config with target.requester after the suite's", async () => {
    const config = {
      profile: '3.0',
      target: { pullUri: 'http://127.0.0.1:9/pulluri', requester: clean.url },
      orgId: 'in.gov.example',
      apiKeyEnv: 'HOME',
      documents: [{ docType: 'HSCER', search: { rollno: '1' } }],
      absent: { docType: 'HSCER', search: { rollno: '0' } },
    };
    writeFileSync(join(tmp, 'list.json'), JSON.stringify(config));
    const all = await dlconform(['run', '--config', 'list.json', '--list']);
    expect(all.code, all.stderr).toBe(0);
    const ids = all.stdout.split('\n').map((l) => l.split('\t')[0]);
    expect(ids).toContain('pulluri.transport.http-200');
    expect(ids.at(-2)).toMatch(/^requester\./);
    const only = await dlconform(['run', '--config', 'list.json', '--list', '--only', 'requester']);
    expect(
      only.stdout
        .trim()
        .split('\n')
        .every((l) => l.startsWith('requester.')),
    ).toBe(true);
  });

  it('exits 1 when the service accepts a share without user_ref', async () => {
    const dir = join(tmp, 'fault');
    const r = await dlconform(['requester', '--upload-url', faulty.url, '--report-dir', dir]);
    expect(r.code).toBe(1);
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    expect(result.checks.filter((c: { verdict: string }) => c.verdict === 'fail').map((c: { id: string }) => c.id)).toEqual(['requester.params.user-ref']);
  });

  it('exits 3 when nothing answers at the upload URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/upload`;
    const r = await dlconform(['requester', '--upload-url', url, '--report-dir', join(tmp, 'dead')]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('unreachable');
  });

  it('exits 2 naming --upload-url when it is missing or not a URL', async () => {
    const missing = await dlconform(['requester']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--upload-url');
    const bad = await dlconform(['requester', '--upload-url', 'ftp://x/upload']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('https:');
  });

  it('serve --requester starts the reference service with a fault, which the run catches', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--requester', '--fault', 'ignores-doc-url'], { env: { ...process.env, NO_COLOR: '1' }, cwd: tmp });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.on('close', (code) => reject(new Error(`serve --requester exited ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/upload$/);
      const dir = join(tmp, 'served');
      const r = await dlconform(['requester', '--upload-url', url, '--report-dir', dir]);
      expect(r.code).toBe(1);
      const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
      expect(result.checks.filter((c: { verdict: string }) => c.verdict === 'fail').map((c: { id: string }) => c.id)).toEqual(['requester.share.stored']);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('serve --requester names an unknown fault and every known one (exit 2)', async () => {
    const r = await dlconform(['serve', '--requester', '--fault', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown requester fault "nope"');
    expect(r.stderr).toContain('refuses-repeat');
  });
});
