import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collector } from '../load/test-support.js';
import { LOAD_HELP, loadCommand } from './load.js';

async function run(args: string[], env: Record<string, string> = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const out = collector();
  const err = collector();
  try {
    const code = await loadCommand(args, out, err);
    return { code, out: out.text(), err: err.text() };
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
  }
}

function configFile(extra: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'dlconform-loadcli-'));
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      target: { pullUri: 'https://issuer.example.gov.in/pulluri', pullDoc: 'https://issuer.example.gov.in/pulldoc' },
      orgId: 'in.gov.example',
      apiKeyEnv: 'LOADCLI_KEY',
      documents: [{ docType: 'INCER', search: { rollno: '1' }, uri: 'in.gov.example-INCER-AB12CD34EF', owner: { fullName: 'Sunil Kumar', dob: '31-12-1990' } }],
      absent: { docType: 'INCER', search: { rollno: '2' } },
      optIn: { fullName: true },
      ...extra,
    }),
  );
  return file;
}

describe('dlconform load: usage, safety, emit (no k6 needed)', () => {
  it('--help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(LOAD_HELP);
    expect(LOAD_HELP).toMatch(/--profile NAME {5}smoke \| ci \| capacity \| soak/);
  });

  it('usage errors exit 2 and say what to do', async () => {
    expect(await run(['--profile', 'stress'])).toMatchObject({ code: 2, err: expect.stringMatching(/--profile must be one of smoke, ci, capacity, soak, got "stress"/) });
    expect(await run(['--profile', 'capacity', '--duration', '5'])).toMatchObject({ code: 2, err: expect.stringMatching(/--duration applies to smoke, ci and soak/) });
    expect(await run(['--profile', 'smoke', '--steps', '3'])).toMatchObject({ code: 2, err: expect.stringMatching(/--steps applies to --profile capacity/) });
    expect(await run(['--segments', '0'])).toMatchObject({ code: 2, err: expect.stringMatching(/--segments must be from 1 to 64/) });
    expect(await run(['--rate', '-3'])).toMatchObject({ code: 2 });
    expect(await run(['--bogus'])).toMatchObject({ code: 2, err: expect.stringMatching(/Unknown option '--bogus'/) });
    const file = configFile();
    expect(await run(['--config', file, '--fault', 'slow-pdf'], { LOADCLI_KEY: 'k' })).toMatchObject({ code: 2, err: expect.stringMatching(/--fault applies only without --config/) });
    expect(await run(['--config', file])).toMatchObject({ code: 2, err: expect.stringMatching(/LOADCLI_KEY is not set/) });
  });

  it('a target that is not loopback or listed in loadAllowedHosts is refused before anything is sent', async () => {
    const r = await run(['--config', configFile()], { LOADCLI_KEY: 'k' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/load refused: issuer.example.gov.in is not loopback and not listed in the config's "loadAllowedHosts"/);
    const dl = await run(['--config', configFile({ target: { pullUri: 'https://api.digitallocker.gov.in/pulluri' }, loadAllowedHosts: ['api.digitallocker.gov.in'] })], { LOADCLI_KEY: 'k' });
    expect(dl.code).toBe(2);
    expect(dl.err).toMatch(/DigiLocker's/);
  });

  it('--emit k6-operator writes a private TestRun manifest with the bundled script and parallelism N', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlconform-emit-'));
    const r = await run(['--config', configFile({ loadAllowedHosts: ['issuer.example.gov.in'] }), '--profile', 'ci', '--segments', '3', '--emit', 'k6-operator', '--report-dir', dir], { LOADCLI_KEY: 'k' });
    expect(r.code, r.err).toBe(0);
    const file = join(dir, 'k6-operator.yaml');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const yaml = readFileSync(file, 'utf8');
    expect(yaml).toMatch(/parallelism: 3/);
    expect(yaml).toMatch(/function buildPullDocRequest/);
    expect(yaml).toMatch(/"fullName":"Sunil Kumar"/); // the dataset, in the Secret
    expect(yaml).not.toMatch(/LOADCLI_KEY=k|"k"/);
    expect(r.out).toMatch(/keep the file private/);
    expect(existsSync(join(dir, 'load.json'))).toBe(false);
  });
});
