import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../cli/args.js';
import { CSV_HELP, csvCommand } from '../cli/csv.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/push/${name}`, import.meta.url));

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await csvCommand(argv, { stdout: (t) => (out += t) });
  return { code, out };
}

describe('dlconform csv lint', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlconform-csv-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exit 0 on a clean file, and on warnings only', async () => {
    const clean = await run(['lint', fixture('seed-9.7-drupal-row.csv'), '--issuer-id', 'in.gov.example']);
    expect(clean.code).toBe(0);
    expect(clean.out).toMatch(/1 rows, 10 columns expected\n {2}0 errors, 0 warnings, 0 notes\n[\s\S]*OK\n$/);
    const seq = await run(['lint', fixture('generated-sequential-200.csv'), '--issuer-id', 'in.gov.example']);
    expect(seq.code).toBe(0);
    expect(seq.out).toContain('warning [doc-id-guessable]');
  });
  it('exit 1 on errors; --max-errors bounds the lines printed; Aadhaar numbers masked', async () => {
    const { code, out } = await run(['lint', fixture('bad-rows.csv'), '--issuer-id', 'in.gov.example', '--max-errors', '2']);
    expect(code).toBe(1);
    expect(out.split('\n').filter((l) => /^.*bad-rows\.csv:\d+/.test(l))).toHaveLength(2);
    expect(out).toContain('… 14 more findings not shown (--max-errors)');
    expect(out).not.toMatch(/\d{12}/);
  });
  it('--format json', async () => {
    const { code, out } = await run(['lint', fixture('bad-rows.csv'), '--format', 'json', '--issuer-id', 'in.gov.example']);
    expect(code).toBe(1);
    const json = JSON.parse(out);
    expect(json.findings[0]).toMatchObject({ line: 2, column: 1, columnName: 'Aadhaar', severity: 'error', code: 'aadhaar-checksum', clause: 'push-csv-aadhaar' });
    expect(json.docIds[0]).toMatchObject({ docType: 'INCER', verdict: 'too-few' });
  });
  it('without --issuer-id the issuer prefix is not judged', async () => {
    const file = join(dir, 'other.csv');
    await writeFile(file, '999941057058,in.gov.other-INCER-AB12CD34EF,INCER,Income Certificate,AB12CD34EF,21/08/2016,,,21/08/2016 03:04:05 AM,A\n');
    expect((await run(['lint', file])).code).toBe(0);
    expect((await run(['lint', file, '--issuer-id', 'in.gov.example'])).code).toBe(1);
  });
  it('usage errors (exit 2 through main): missing file, bad options', async () => {
    await expect(run(['lint', join(dir, 'nope.csv')])).rejects.toThrow(UsageError);
    await expect(run(['lint', dir])).rejects.toThrow(/is not a file/);
    await expect(run(['lint'])).rejects.toThrow(/one FILE/);
    await expect(run(['lint', fixture('bad-rows.csv'), '--format', 'xml'])).rejects.toThrow(/--format/);
    await expect(run(['lint', fixture('bad-rows.csv'), '--max-errors', '-1'])).rejects.toThrow(UsageError);
    await expect(run(['lint', fixture('bad-rows.csv'), '--bogus'])).rejects.toThrow(/Unknown option/);
    await expect(run(['check', 'x'])).rejects.toThrow(/unknown csv subcommand/);
  });
  it('help', async () => {
    expect(await run(['--help'])).toEqual({ code: 0, out: CSV_HELP });
    expect(await run(['lint', '-h'])).toEqual({ code: 0, out: CSV_HELP });
  });
});
