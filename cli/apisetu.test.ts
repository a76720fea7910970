/**
 * Profile apisetu from the command line (dist/dlconform.mjs, `npm run build` first): demo against
 * the reference issuer's publisher form exits 0 clean and 1 with a fault, naming the check; run
 * with a config file lists and runs the apisetu.* checks only; a selection that leaves nothing
 * to run fails closed; config errors name the field.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import resultSchema from '../core/report/result.schema.json' with { type: 'json' };
import { apiSetuConfig, DEFAULT_APISETU_CLIENT_ID } from '../fixtures/issuer/apisetu.js';
import { startIssuer, type RunningIssuer } from '../fixtures/issuer/index.js';
import { runCli } from './test-support.js';

const KEY = 'cli-apisetu-key-5e2a9d1c';
const ENV = { CLI_APISETU_KEY: KEY, CLI_APISETU_CLIENT: DEFAULT_APISETU_CLIENT_ID };

const dlconform = (args: string[], env: Record<string, string> = {}) => runCli(args, tmp, env);

let tmp: string;
let issuer: RunningIssuer;
let configPath: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'dlconform-apisetu-cli-'));
  issuer = await startIssuer({ apiKey: KEY, documents: 6 });
  configPath = join(tmp, 'apisetu.json');
  writeFileSync(configPath, JSON.stringify(apiSetuConfig(issuer.config('CLI_APISETU_KEY'), issuer.url, 'CLI_APISETU_CLIENT'), null, 2));
});
afterAll(async () => {
  await issuer.close();
});

describe('dlconform demo --profile apisetu', () => {
  it('passes clean: exit 0, a result.json of profile apisetu that the schema accepts', async () => {
    const r = await dlconform(['demo', '--profile', 'apisetu', '--quiet', '--report-dir', 'demo-clean']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/14 checks: 14 pass/);
    const result = JSON.parse(readFileSync(join(tmp, 'demo-clean', 'result.json'), 'utf8'));
    const validate = new Ajv2020({ strict: false }).compile(resultSchema);
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    expect(result.profile).toBe('apisetu');
    expect(result.checks.every((c: { api: string }) => c.api === 'apisetu')).toBe(true);
  });

  it('with a fault: exit 1 naming the check it fails', async () => {
    const r = await dlconform(['demo', '--profile', 'apisetu', '--fault', 'apisetu-api-key-not-verified', '--quiet', '--report-dir', 'demo-fault']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+SECURITY\s+apisetu\.auth\.api-key/);
  });

  it('a Pull-side fault is not one of the form: exit 2 listing the apisetu-* faults', async () => {
    const r = await dlconform(['demo', '--profile', 'apisetu', '--fault', 'keyhash-not-verified']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown fault "keyhash-not-verified".*apisetu-wrong-holder/s);
  });
});

describe('dlconform run with a profile apisetu config', () => {
  it('lists and runs the apisetu checks only', async () => {
    const list = await dlconform(['run', '--config', configPath, '--list'], ENV);
    const ids = list.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t')[0]);
    expect(ids).toHaveLength(14);
    expect(ids.every((id) => id!.startsWith('apisetu.'))).toBe(true);
    const run = await dlconform(['run', '--config', configPath, '--quiet', '--report-dir', 'run-clean'], ENV);
    expect(run.code).toBe(0);
  });

  it('a selection that leaves no check to run fails closed', async () => {
    const r = await dlconform(['run', '--config', configPath, '--only', 'pulluri', '--quiet', '--report-dir', 'run-none'], ENV);
    expect(r.code).toBe(4);
  });

  it('fuzz, timing and load refuse it: they send Pull requests', async () => {
    for (const command of ['fuzz', 'timing', 'load']) {
      const r = await dlconform([command, '--config', configPath], ENV);
      expect(r.code, command).toBe(2);
      expect(r.stderr).toMatch(/profile "apisetu" .* is judged by dlconform run and demo --profile apisetu only/);
    }
  });

  it('an unset client id variable is a config error naming apiSetu.clientIdEnv', async () => {
    const r = await dlconform(['run', '--config', configPath], { CLI_APISETU_KEY: KEY });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/apiSetu\.clientIdEnv: environment variable CLI_APISETU_CLIENT is not set/);
  });
});
