/**
 * Throttling is not a finding: the suite against the reference issuer's rate-limit fault (a few
 * requests a minute served, then HTML 403 pages, as a real issuer limited to 60 a minute
 * answered). No check fails or warns because of a throttle page, none reads it as a DTD; the
 * checks that met the limit are inconclusive, naming throttling and client.maxRequestsPerSecond;
 * the run does not exit 0.
 */
import { describe, expect, it } from 'vitest';
import { startIssuer } from '../fixtures/issuer/index.js';
import { parseConfig } from '../core/config/index.js';
import { Redactor } from '../core/redact.js';
import { EXIT } from '../core/types.js';
import { runSuite, type SuiteRun } from './runner.js';

const API_KEY = 'throttle-test-key-0123456789';

async function suiteAgainstLimit(rateLimitPerMinute: number, client: Record<string, unknown> = {}): Promise<SuiteRun> {
  const issuer = await startIssuer({ apiKey: API_KEY, faults: ['rate-limit'], rateLimitPerMinute, documents: 8 });
  try {
    const json = { ...issuer.config('THROTTLE_TEST_KEY'), client: { timeoutMs: 2500, concurrency: 4, ...client } };
    const { config, apiKey } = parseConfig(json, { THROTTLE_TEST_KEY: API_KEY }, 'throttle test');
    return await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 7 });
  } finally {
    await issuer.close();
  }
}

describe('a target that starts throttling mid-run', () => {
  it('no check fails or warns because of its 403 pages; those that met them are inconclusive; exit non-zero', async () => {
    const { result, transcript } = await suiteAgainstLimit(12);
    const throttlePages = transcript.filter((e) => e.response?.status === 403);
    expect(throttlePages.length).toBeGreaterThan(0);
    expect(result.checks.filter((c) => c.verdict === 'fail' || c.verdict === 'warn').map((c) => `${c.id}: ${c.message}`)).toEqual([]);
    expect(result.checks.filter((c) => c.verdict === 'error').map((c) => `${c.id}: ${c.message}`)).toEqual([]);
    const inconclusive = result.checks.filter((c) => c.verdict === 'inconclusive');
    expect(inconclusive.length).toBeGreaterThan(0);
    for (const c of inconclusive) {
      expect(c.message, c.id).toMatch(/^inconclusive: the target throttled \(HTTP 403 with an HTML page after \d+ answers? served in this run\) and again on the one retry/);
      expect(c.message, c.id).toContain('client.maxRequestsPerSecond');
      expect(c.actual).toBe('HTTP 403 with an HTML page');
      // the evidence opens with the throttle page
      expect(c.evidence[0]?.response?.status, c.id).toBe(403);
    }
    // a throttle page is never read as a DTD
    expect(result.checks.some((c) => /DOCTYPE|ENTITY/.test(c.message))).toBe(false);
    // the checks judged before the limit was reached pass
    expect(result.checks.some((c) => c.verdict === 'pass')).toBe(true);
    expect(result.summary.inconclusive).toBe(inconclusive.length);
    expect(result.exitCode).toBe(EXIT.conformanceFailure);
  });

  it('the message names the configured cap, halved for the rest of the run', async () => {
    const { result, transcript } = await suiteAgainstLimit(12, { maxRequestsPerSecond: 200 });
    const c = result.checks.find((x) => x.verdict === 'inconclusive');
    expect(c?.message).toMatch(/at 100 requests\/s; .*Set client\.maxRequestsPerSecond below the target's limit \(it is 200\)/);
    // every throttled request was retried once: the log holds each throttle page and its retry
    expect(transcript.filter((e) => e.response?.status === 403).length % 2).toBe(0);
  });
});
