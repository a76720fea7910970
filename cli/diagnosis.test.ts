/**
 * One triage for every command: `run`, `fuzz` and `timing` (in process, real HTTP on loopback)
 * print the same diagnosis of a refused baseline before anything else they judge, and write it
 * to result.json (valid against its schema) and summary.md.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config/index.js';
import schema from '../core/report/result.schema.json' with { type: 'json' };
import { startIssuer, type RunningIssuer } from '../fixtures/issuer/index.js';
import { fuzzCommand } from './fuzz.js';
import { runAndReport } from './run.js';
import { timingCommand } from './timing.js';

const KEY_ENV = 'DLCONFORM_DIAGNOSIS_CLI_KEY';
const KEY = 'diagnosis-cli-key-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'dlconform-diagnosis-cli-'));
let issuer: RunningIssuer;
let configPath: string;

beforeAll(async () => {
  process.env[KEY_ENV] = KEY;
  // the issuer verifies raw-base64, the config signs hex-base64: the mistake the triage names
  issuer = await startIssuer({ apiKey: KEY, documents: 4, hmac: 'raw-base64' });
  configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify({ ...issuer.config(KEY_ENV), hmac: 'hex-base64', client: { timeoutMs: 5000 } }));
});
afterAll(async () => {
  await issuer.close();
  rmSync(dir, { recursive: true, force: true });
  delete process.env[KEY_ENV];
});

function sink(): { stream: Writable; text: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  });
  return { stream, text: () => out };
}

const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
const DIAGNOSIS = /^Diagnosis \(pulluri\): .*set "hmac": "raw-base64" in the config\.\n {2}Look at: hmac$/m;

/** The first diagnosis printed, and what the command printed before it. */
function firstDiagnosis(out: string): { line: string; before: string } {
  const m = DIAGNOSIS.exec(out);
  expect(m, out).not.toBeNull();
  return { line: m![0], before: out.slice(0, m!.index) };
}

function reports(name: string) {
  const result = JSON.parse(readFileSync(join(dir, name, 'result.json'), 'utf8'));
  expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
  const summary = readFileSync(join(dir, name, 'summary.md'), 'utf8').split('\n');
  return { result, summary };
}

describe('the same diagnosis from run, fuzz and timing', () => {
  it('each prints it first and writes it to its reports', async () => {
    const run = sink();
    const { config, apiKey } = await loadConfig(configPath, process.env);
    expect(await runAndReport(config, apiKey, { only: ['pulluri.success', 'pulluri.auth'], skip: [], quiet: false, reportDir: join(dir, 'run') }, run.stream)).toBe(1);
    const fuzz = sink();
    expect(await fuzzCommand(['--config', configPath, '--runs', '20', '--rate', '100000', '--seed', '1', '--report-dir', join(dir, 'fuzz')], fuzz.stream)).toBe(1);
    const timing = sink();
    expect(await timingCommand(['--config', configPath, '--seed', '1', '--report-dir', join(dir, 'timing')], timing.stream)).not.toBe(0);

    const fromRun = firstDiagnosis(run.text());
    // nothing judged before it: run opens with it, fuzz and timing after their one-line header
    expect(fromRun.before).toBe('');
    for (const other of [fuzz.text(), timing.text()]) {
      const d = firstDiagnosis(other);
      expect(d.line).toBe(fromRun.line);
      expect(d.before).not.toMatch(/PASS|FAIL|FOUND|SKIP|INC /);
    }
    for (const name of ['run', 'fuzz', 'timing']) {
      const { result, summary } = reports(name);
      expect(result.diagnosis).toMatchObject({ api: 'pulluri', cause: 'hmac-encoding', suspects: ['hmac'] });
      expect(Object.keys(result)[2]).toBe('diagnosis');
      expect(summary[2]).toMatch(/^> \*\*Diagnosis \(pulluri\):\*\*/);
      expect(JSON.stringify(result)).not.toContain(KEY);
    }
  }, 60_000);
});
