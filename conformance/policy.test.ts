/**
 * The policy switch end to end: what the specs only recommend (HMAC verification, keyhash
 * verification beside a verified HMAC, no stack trace) warns under the default policy and blocks
 * under strict; an API with no authentication at all blocks under both. Real HTTP over loopback.
 */
import { describe, expect, it } from 'vitest';
import { startIssuer, type FaultName } from '../fixtures/issuer/index.js';
import { parseConfig } from '../core/config/index.js';
import type { Policy } from '../core/policy.js';
import { Redactor } from '../core/redact.js';
import type { RunResult } from '../core/types.js';
import { runSuite } from './runner.js';

const API_KEY = 'policy-test-key-0123456789';

async function suiteAgainst(faults: FaultName[], policy?: Policy, only?: string[]): Promise<RunResult> {
  const issuer = await startIssuer({ profile: '3.0', apiKey: API_KEY, faults, documents: 8 });
  try {
    const json = { ...issuer.config('POLICY_TEST_KEY'), ...(policy && { policy }), client: { timeoutMs: 2500, concurrency: 4 } };
    const { config, apiKey } = parseConfig(json, { POLICY_TEST_KEY: API_KEY }, 'policy test');
    return (await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 7, only })).result;
  } finally {
    await issuer.close();
  }
}

const verdicts = (run: RunResult, pattern: RegExp) =>
  run.checks
    .filter((c) => pattern.test(c.id))
    .map((c) => `${c.id}: ${c.verdict}`)
    .sort();

describe('policy', () => {
  it('the default is conformance, and the run says which policy made its verdicts', async () => {
    const run = await suiteAgainst([], undefined, ['pulluri.auth']);
    expect(run.policy).toBe('conformance');
    expect(run.exitCode).toBe(0);
  });

  it('an HMAC that is not verified warns under conformance (exit 0) and blocks under strict (exit 1)', async () => {
    const lenient = await suiteAgainst(['hmac-not-verified'], 'conformance', ['auth']);
    const hmacChecks = /\.auth\.(wrong-hmac|missing-hmac|tampered-body)$/;
    expect(verdicts(lenient, hmacChecks).every((v) => v.endsWith(': warn'))).toBe(true);
    expect(verdicts(lenient, hmacChecks)).toHaveLength(6);
    expect(lenient.exitCode).toBe(0);

    const strict = await suiteAgainst(['hmac-not-verified'], 'strict', ['auth']);
    expect(strict.policy).toBe('strict');
    expect(verdicts(strict, hmacChecks).every((v) => v.endsWith(': fail'))).toBe(true);
    expect(strict.summary.blocking).toBe(6);
    expect(strict.exitCode).toBe(1);
  });

  it('a keyhash that is not verified beside a verified HMAC, and a stack trace, are warnings by default', async () => {
    const run = await suiteAgainst(['keyhash-not-verified', 'stack-trace'], 'conformance', ['auth', 'security']);
    expect(verdicts(run, /\.(auth\.wrong-keyhash|security\.no-stack-trace)$/).every((v) => v.endsWith(': warn'))).toBe(true);
    expect(run.checks.filter((c) => c.verdict === 'fail')).toEqual([]);
    expect(run.exitCode).toBe(0);
  });

  it('a request with no credential at all that is served blocks under both policies', async () => {
    for (const policy of ['conformance', 'strict'] as const) {
      const run = await suiteAgainst(['credentials-optional'], policy, ['auth']);
      expect(verdicts(run, /\.auth\.unauthenticated$/)).toEqual(['pulldoc.auth.unauthenticated: fail', 'pulluri.auth.unauthenticated: fail']);
      expect(run.exitCode).toBe(1);
    }
  });

  it('a warning a MUST check gives (a PDF whose xref viewers repair) blocks under strict, saying so', async () => {
    const run = await suiteAgainst(['pdf-startxref-off'], 'strict', ['content.doccontent-pdf']);
    const pdf = run.checks.filter((c) => c.id.endsWith('content.doccontent-pdf'));
    expect(pdf.map((c) => c.verdict)).toEqual(['fail', 'fail']);
    for (const c of pdf) expect(c.message).toContain('blocking under policy strict');
    expect(run.exitCode).toBe(1);
  });

  it('the clean reference issuer passes under strict', async () => {
    const run = await suiteAgainst([], 'strict');
    expect(run.checks.filter((c) => c.verdict !== 'pass' && c.verdict !== 'skip').map((c) => `${c.id}: ${c.verdict}`)).toEqual([]);
    expect(run.exitCode).toBe(0);
  });
});
