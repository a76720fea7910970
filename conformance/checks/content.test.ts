/**
 * content.doccontent-pdf judges by what readers need: %PDF- in the first 1024 bytes and %%EOF in
 * the last are required; structure damage every viewer repairs is a warning that names it.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/index.js';
import { Redactor } from '../../core/redact.js';
import type { CheckResult } from '../../core/types.js';
import { startIssuer, type FaultName } from '../../fixtures/issuer/index.js';
import { runSuite } from '../runner.js';

const API_KEY = 'content-test-key-7a1b2c3d';

async function pdfCheck(faults: FaultName[]): Promise<CheckResult> {
  const issuer = await startIssuer({ apiKey: API_KEY, faults, documents: 4 });
  try {
    const { config, apiKey } = parseConfig(issuer.config('CONTENT_TEST_KEY'), { CONTENT_TEST_KEY: API_KEY }, 'content test');
    const { result } = await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 5, only: ['pulluri.content.doccontent-pdf'] });
    return result.checks[0]!;
  } finally {
    await issuer.close();
  }
}

describe('content.doccontent-pdf', () => {
  it('a startxref a few bytes off is a warning naming the damage, not a failure', async () => {
    const c = await pdfCheck(['pdf-startxref-off']);
    expect([c.level, c.verdict]).toEqual(['MUST', 'warn']);
    expect(c.message).toMatch(/damaged: .*startxref/);
  });

  it('not a PDF at all fails', async () => {
    expect((await pdfCheck(['doccontent-not-pdf'])).verdict).toBe('fail');
  });
});
