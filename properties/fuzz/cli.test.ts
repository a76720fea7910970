/**
 * `dlconform fuzz` as a user runs it (in process): arguments, exit codes, the reports in the shape
 * of `dlconform run` (result.json valid against its schema), the printed replay line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import schema from '../../core/report/result.schema.json' with { type: 'json' };
import { startIssuer, type FaultName, type RunningIssuer } from '../../fixtures/issuer/index.js';
import { UsageError } from '../../cli/args.js';
import { FUZZ_HELP, fuzzCommand } from '../../cli/fuzz.js';

const KEY_ENV = 'DLCONFORM_FUZZ_CLI_TEST_KEY';
const KEY = 'fuzz-cli-key-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'dlconform-fuzz-cli-'));
const issuers: RunningIssuer[] = [];

beforeAll(() => {
  process.env[KEY_ENV] = KEY;
});
afterAll(async () => {
  await Promise.all(issuers.map((i) => i.close()));
  rmSync(dir, { recursive: true, force: true });
  delete process.env[KEY_ENV];
});

async function configFile(name: string, faults: FaultName[], client: Record<string, unknown> = {}): Promise<string> {
  const issuer = await startIssuer({ apiKey: KEY, faults, documents: 5 });
  issuers.push(issuer);
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ ...issuer.config(KEY_ENV), client: { timeoutMs: 10_000, ...client } }));
  return path;
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  });
  const code = await fuzzCommand(args, sink);
  return { code, out };
}

const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

describe('dlconform fuzz', () => {
  it('--help', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(FUZZ_HELP);
  });
  it('usage errors say what to do', async () => {
    await expect(cli([])).rejects.toThrow(UsageError);
    await expect(cli(['--config', 'x.json', '--replay', 'nope'])).rejects.toThrow(/--replay takes SEED:PATH/);
    await expect(cli(['--config', 'x.json', '--runs', '0'])).rejects.toThrow(/--runs must be at least 1/);
    await expect(cli(['--config', 'x.json', '--rate', 'fast'])).rejects.toThrow(/--rate must be a positive number/);
    await expect(cli(['--config', 'x.json', '--time-budget', '-1'])).rejects.toThrow(UsageError);
    await expect(cli(['--config', 'x.json', '--bogus'])).rejects.toThrow(UsageError);
  });
  it('a clean issuer: exit 0 and the reports of `run`', async () => {
    const config = await configFile('clean', []);
    const reports = join(dir, 'clean-reports');
    const r = await cli(['--config', config, '--runs', '300', '--rate', '100000', '--seed', '5', '--report-dir', reports]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/300 cases, \d+ requests in/);
    for (const f of ['result.json', 'junit.xml', 'summary.md', 'fuzz.json']) expect(existsSync(join(reports, f)), f).toBe(true);
    const result = JSON.parse(readFileSync(join(reports, 'result.json'), 'utf8'));
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    expect(result.seed).toBe(5);
    expect(result.checks.every((c: { id: string; section: string }) => c.id.startsWith('fuzz.') && c.section === 'fuzz')).toBe(true);
    expect(JSON.parse(readFileSync(join(reports, 'fuzz.json'), 'utf8')).casesRun).toBe(300);
  }, 60_000);
  it('a broken issuer: exit 1, the counterexample, its replay line and curl; the replay reproduces it', async () => {
    const config = await configFile('broken', ['secret-echo']);
    const reports = join(dir, 'broken-reports');
    const r = await cli(['--config', config, '--runs', '300', '--rate', '100000', '--seed', '9', '--report-dir', reports]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FOUND {2}fuzz\.pulluri\.no-secret-echo/);
    const replay = /fuzz\.pulluri\.no-secret-echo: dlconform fuzz --config \S+ --replay (\d+:[\d:]+)/.exec(r.out)?.[1];
    expect(replay).toBeDefined();
    const result = JSON.parse(readFileSync(join(reports, 'result.json'), 'utf8'));
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    const check = result.checks.find((c: { id: string }) => c.id === 'fuzz.pulluri.no-secret-echo');
    expect(check.verdict).toBe('fail');
    expect(check.evidence[0].curl).toContain('DLCONFORM_FUZZ_CLI_TEST_KEY');
    // nothing secret reached the files
    for (const f of ['result.json', 'junit.xml', 'summary.md', 'fuzz.json']) {
      const text = readFileSync(join(reports, f), 'utf8');
      expect(text).not.toContain(KEY);
      expect(text).not.toMatch(/keyhash="[0-9a-f]{64}"/);
    }
    const again = await cli(['--config', config, '--replay', replay!, '--report-dir', join(dir, 'replay-reports')]);
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/FOUND {2}fuzz\.pulluri\.no-secret-echo/);
    expect(again.out).toMatch(/^1 cases, /m);
  }, 60_000);
  it('--rate above the config cap is lowered to it', async () => {
    const config = await configFile('capped', [], { maxRequestsPerSecond: 200 });
    const r = await cli(['--config', config, '--runs', '20', '--rate', '1000', '--report-dir', join(dir, 'capped-reports')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('--rate 1000 is above client.maxRequestsPerSecond of the config: using 200 per second');
  }, 60_000);
  it('an unreachable target: exit 3', async () => {
    const config = await configFile('gone', []);
    await issuers.pop()!.close();
    const r = await cli(['--config', config, '--runs', '20', '--report-dir', join(dir, 'gone-reports')]);
    expect(r.code).toBe(3);
  }, 30_000);
});
