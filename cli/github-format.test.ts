/** `--format github` as a workflow step uses it: the bundled CLI against the reference issuer on loopback. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type RunningIssuer } from '../fixtures/issuer/index.js';
import { runCli } from './test-support.js';

const KEY = 'github-format-test-key-51d0';

let tmp: string;
let issuer: RunningIssuer;

const dlconform = (args: string[], env: Record<string, string | undefined> = {}) => runCli(args, tmp, { GH_KEY: KEY, GITHUB_STEP_SUMMARY: undefined, ...env });

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'dlconform-ghformat-'));
  issuer = await startIssuer({ apiKey: KEY, documents: 5, faults: ['credentials-optional', 'keyhash-not-verified'] });
  writeFileSync(join(tmp, 'faulty.json'), JSON.stringify(issuer.config('GH_KEY')));
});
afterAll(async () => {
  await issuer.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('--format github', () => {
  it('run: an ::error per blocking failure, a ::warning per warning, the summary appended to $GITHUB_STEP_SUMMARY', async () => {
    const summary = join(tmp, 'step-summary.md');
    writeFileSync(summary, '');
    const r = await dlconform(['run', '--config', 'faulty.json', '--only', 'auth', '--report-dir', 'out-run', '--format', 'github'], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const commands = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(commands).toContainEqual(expect.stringMatching(/^::error title=pulluri\.auth\.unauthenticated \[SECURITY\]::/));
    expect(commands).toContainEqual(expect.stringMatching(/^::warning title=pulluri\.auth\.wrong-keyhash \[SHOULD\]::/));
    expect(commands.every((l) => /^::(error|warning|notice) title=[^:,]*::/.test(l))).toBe(true);
    // no secret reaches the log the whole organisation can read
    expect(r.stdout).not.toContain(KEY);
    const md = readFileSync(summary, 'utf8');
    expect(md).toBe(`${readFileSync(join(tmp, 'out-run', 'summary.md'), 'utf8')}\n`);
    expect(md).toMatch(/^## ❌ dlconform:/);
  });

  it('fuzz and timing take it too; without $GITHUB_STEP_SUMMARY they say so once and still write their reports', async () => {
    const broken = await startIssuer({ apiKey: KEY, documents: 3, faults: ['malformed-500'] });
    writeFileSync(join(tmp, 'malformed-500.json'), JSON.stringify(broken.config('GH_KEY')));
    const fuzz = await dlconform(['fuzz', '--config', 'malformed-500.json', '--runs', '60', '--seed', '7', '--report-dir', 'out-fuzz', '--format', 'github', '-q']).finally(() => broken.close());
    expect(fuzz.code).toBe(1);
    expect(fuzz.stdout).toMatch(/^::error title=fuzz\.pulluri\.no-5xx \[MUST\]::HTTP 500\. Counterexample/m);
    expect(fuzz.stderr.match(/GITHUB_STEP_SUMMARY is not set/g)).toHaveLength(1);
    expect(existsSync(join(tmp, 'out-fuzz', 'summary.md'))).toBe(true);

    const summary = join(tmp, 'timing-summary.md');
    const timing = await dlconform(['timing', '--config', 'faulty.json', '--only', 'window', '--report-dir', 'out-timing', '--format', 'github', '-q'], { GITHUB_STEP_SUMMARY: summary });
    expect(timing.stderr).toBe('');
    expect(readFileSync(summary, 'utf8')).toMatch(/^## (✅|❌) dlconform:/);
  });

  it('an unknown format is a usage error that names the flag and the values it takes', async () => {
    const r = await dlconform(['run', '--config', 'faulty.json', '--format', 'gitlab']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('dlconform: --format must be github (GitHub Actions annotations and a step summary, beside the usual reports), got "gitlab"\n');
  });
});
