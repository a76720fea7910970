/**
 * Signed documents: a missing signature warns (SHOULD) unless the config promises signed
 * documents (expect.signed: MUST); a signature that does not verify fails whatever the config says.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/index.js';
import { Redactor } from '../../core/redact.js';
import type { CheckResult } from '../../core/types.js';
import { startIssuer, type FaultName } from '../../fixtures/issuer/index.js';
import { runSuite } from '../runner.js';

const API_KEY = 'signature-test-key-4e5f6a7b';
const IDS = ['pulluri.content.pdf-signed', 'pulluri.content.xml-signed', 'pulluri.content.xml-signature-valid'];

async function signatureChecks(faults: FaultName[], signed?: boolean): Promise<Record<string, CheckResult>> {
  const issuer = await startIssuer({ apiKey: API_KEY, faults, documents: 4 });
  try {
    const raw = { ...issuer.config('SIGNATURE_TEST_KEY'), ...(signed !== undefined && { expect: { signed } }) };
    const { config, apiKey } = parseConfig(raw, { SIGNATURE_TEST_KEY: API_KEY }, 'signature test');
    const { result } = await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 5, only: IDS });
    return Object.fromEntries(result.checks.map((c) => [c.id.replace('pulluri.content.', ''), c]));
  } finally {
    await issuer.close();
  }
}

const verdicts = (r: Record<string, CheckResult>) => Object.fromEntries(Object.entries(r).map(([id, c]) => [id, `${c.level} ${c.verdict}`]));

describe('signed documents', () => {
  it('the reference issuer signs both: every signature check passes', async () => {
    const r = await signatureChecks([]);
    expect(verdicts(r)).toEqual({ 'pdf-signed': 'SHOULD pass', 'xml-signed': 'SHOULD pass', 'xml-signature-valid': 'MUST pass' });
    expect(r['pdf-signed']!.message).toMatch(/\/SubFilter \/adbe\.pkcs7\.detached/);
    expect(r['xml-signature-valid']!.message).toMatch(/covering the whole document/);
  });

  it('no signature warns; with expect.signed it fails at MUST', async () => {
    expect(verdicts(await signatureChecks(['pdf-unsigned', 'xml-unsigned']))).toEqual({
      'pdf-signed': 'SHOULD warn',
      'xml-signed': 'SHOULD warn',
      'xml-signature-valid': 'MUST skip',
    });
    expect(verdicts(await signatureChecks(['pdf-unsigned', 'xml-unsigned'], true))).toEqual({
      'pdf-signed': 'MUST fail',
      'xml-signed': 'MUST fail',
      'xml-signature-valid': 'MUST skip',
    });
  });

  it('a signature altered after signing fails, whatever expect.signed says', async () => {
    const r = await signatureChecks(['xml-signature-broken']);
    expect(verdicts(r)).toEqual({ 'pdf-signed': 'SHOULD pass', 'xml-signed': 'SHOULD pass', 'xml-signature-valid': 'MUST fail' });
    expect(r['xml-signature-valid']!.message).toMatch(/changed after it was signed/);
    expect(verdicts(await signatureChecks(['xml-signature-broken'], true))['xml-signature-valid']).toBe('MUST fail');
  });
});
