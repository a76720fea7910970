import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../redact.js';
import { writeReports } from './index.js';
import { sampleCheck, sampleExchange, sampleRun } from './sample-run.js';

describe('writeReports', () => {
  it('creates the directory and writes the four reports of an already redacted run, as given', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'dlconform-report-')), 'nested', 'run');
    const leaky = sampleCheck({
      verdict: 'fail',
      message: 'issuer echoed TESTAPIKEY123 and Sunil Kumar',
      evidence: [sampleExchange({ request: { method: 'POST', url: 'http://x', headers: { 'x-digilocker-hmac': 'abc=' }, body: '<UID>123443211122</UID>' } })],
    });
    const run = sampleRun({ checks: [leaky] });
    const redactor = new Redactor({ apiKey: 'TESTAPIKEY123', config: { documents: [{ owner: { fullName: 'Sunil Kumar' } }] } });
    // what a run hands the writers: redacted where it was recorded
    const paths = await writeReports(redactor.redactDeep(run), dir);
    expect(paths).toEqual([join(dir, 'result.json'), join(dir, 'junit.xml'), join(dir, 'summary.md'), join(dir, 'report.html')]);
    for (const path of paths) {
      const text = await readFile(path, 'utf8');
      expect(text).not.toContain('TESTAPIKEY123');
      expect(text).not.toContain('Sunil');
      expect(text).not.toContain('123443211122');
    }
    const result = JSON.parse(await readFile(paths[0]!, 'utf8'));
    expect(result.checks[0].evidence[0].request.headers['x-digilocker-hmac']).toBe('[REDACTED:x-digilocker-hmac]');
    expect(XMLValidator.validate(await readFile(paths[1]!, 'utf8'))).toBe(true);
    expect(result.checks[0].message).toBe(redactor.redact(leaky.message));
  });
});
