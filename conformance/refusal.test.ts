/**
 * No vacuous verdicts: when the correctly signed baseline request is not served (a wrong API key,
 * a wrong URL path, a firewall's HTML page), every request is refused alike, so no check that
 * judges a refusal may pass and the run never exits 0. Real HTTP over loopback, the real runner.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAULT_NAMES, startIssuer, type FaultName } from '../fixtures/issuer/index.js';
import { parseConfig } from '../core/config/index.js';
import { Redactor } from '../core/redact.js';
import type { RunResult } from '../core/types.js';
import { ALL_CHECKS } from './checks/index.js';
import { EXPECTED } from './fault-targets.js';
import { runSuite } from './runner.js';

const API_KEY = 'refusal-test-key-0123456789';

async function suiteAgainst(faults: FaultName[]): Promise<RunResult> {
  const issuer = await startIssuer({ profile: '3.0', apiKey: API_KEY, faults, documents: 8 });
  try {
    const json = { ...issuer.config('REFUSAL_TEST_KEY'), client: { timeoutMs: 2500, concurrency: 4 } };
    const { config, apiKey } = parseConfig(json, { REFUSAL_TEST_KEY: API_KEY }, 'refusal test');
    return (await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 7 })).result;
  } finally {
    await issuer.close();
  }
}

/** The refusal groups by what they judge, independent of the marker: auth, not found, identity and DocType mismatch, probes, robustness, replayed examples and captures, echo on a Status 0 or an HTTP 4xx refusal. */
const inRefusalGroup = (id: string) =>
  /^pull(uri|doc)\.(auth|security|robustness|examples|replay)\./.test(id) ||
  /\.negative\.(absent-search|unknown-uri|name-mismatch|dob-mismatch|uid-mismatch|doctype-unknown|doctype-other)/.test(id) ||
  /\.echo\.on-(error|400)$/.test(id) ||
  // profile apisetu: the documented refusals, the error shape they are judged on, malformed bodies
  /^apisetu\.(invalid|auth|not-found|error|robustness)\./.test(id);

describe('the refusal checks carry the marker the runner gates on', () => {
  it('every check in a refusal group judgesRefusal, and no other check does', () => {
    const marked = ALL_CHECKS.filter((c) => c.judgesRefusal).map((c) => c.id);
    expect(marked).toEqual(ALL_CHECKS.map((c) => c.id).filter(inRefusalGroup));
  });
});

describe('everything refused: no refusal check passes, the exit is not 0', () => {
  for (const fault of ['reject-all', 'not-found-all', 'html-403-all'] as FaultName[]) {
    it(fault, async () => {
      const run = await suiteAgainst([fault]);
      expect(run.checks.filter((c) => inRefusalGroup(c.id) && c.verdict === 'pass').map((c) => c.id)).toEqual([]);
      // a check that does not apply (an example of another profile) still skips, as in faults.test.ts
      const refusals = run.checks.filter((c) => inRefusalGroup(c.id) && c.verdict !== 'skip');
      expect(refusals.length).toBeGreaterThan(30);
      for (const c of refusals) expect(c.message).toContain(`see ${c.api}.success.status-1`);
      expect(run.summary.inconclusive).toBe(refusals.length);
      expect(run.exitCode).toBe(1);
    });
  }
});

describe('a leak shows whatever the baseline', () => {
  it('a stack trace in an error body is found although the baseline was not served', async () => {
    const run = await suiteAgainst(['udf-literal-names', 'stack-trace']);
    expect(run.checks.find((c) => c.id === 'pulluri.success.status-1')?.verdict).toBe('fail');
    // a SHOULD (a warning under the default policy), not made inconclusive by the baseline
    expect(run.checks.find((c) => c.id === 'pulluri.security.no-stack-trace')?.verdict).toBe('warn');
    expect(run.checks.find((c) => c.id === 'pulluri.security.malformed-no-5xx')?.verdict).toBe('inconclusive');
  });
});

// the faults that stop serving the baseline, and the faults that may come with them (not those that only delay answers)
const BASELINE_BREAKERS = FAULT_NAMES.filter((f) => (EXPECTED[f].inconclusive ?? []).length > 0);
const SLOW = new Set<FaultName>(['slow-pdf', 'saturate-at', 'periodic-stall', 'early-exit-compare', 'ts-dependent-path']);
const COMPANIONS = FAULT_NAMES.filter((f) => !SLOW.has(f));

describe('property: a baseline not served means no refusal check passes', () => {
  it('for a baseline-breaking fault with any other fault', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...BASELINE_BREAKERS), fc.constantFrom(...COMPANIONS), async (breaker, companion) => {
        const run = await suiteAgainst([...new Set([breaker, companion])]);
        const unserved = (['pulluri', 'pulldoc'] as const).filter((api) => run.checks.find((c) => c.id === `${api}.success.status-1`)?.verdict !== 'pass');
        expect(unserved.length).toBeGreaterThan(0);
        const passed = run.checks.filter((c) => unserved.includes(c.api as 'pulluri' | 'pulldoc') && inRefusalGroup(c.id) && c.verdict === 'pass');
        expect(passed.map((c) => c.id)).toEqual([]);
        expect(run.exitCode).not.toBe(0);
      }),
      { seed: 20261205, numRuns: 4 },
    );
  }, 60_000);
});
