/**
 * The reference issuer's publisher form in each conformant-but-unusual variant (APISETU_VARIANTS:
 * forms the documents allow, not the reference's own) passes every apisetu check clean, over real
 * HTTP through the real runner; a variant does not hide a fault: with one, the fault's check still
 * fails.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/index.js';
import { Redactor } from '../../core/redact.js';
import type { RunResult } from '../../core/types.js';
import { APISETU_VARIANT_NAMES, apiSetuConfig, DEFAULT_APISETU_CLIENT_ID, type ApiSetuFaultName, type ApiSetuVariantName } from '../../fixtures/issuer/apisetu.js';
import { startIssuer } from '../../fixtures/issuer/index.js';
import { APISETU_EXPECTED } from '../fault-targets.js';
import { runSuite } from '../runner.js';

const API_KEY = 'apisetu-variant-key-0123456789';
const ENV = { APISETU_TEST_KEY: API_KEY, APISETU_TEST_CLIENT: DEFAULT_APISETU_CLIENT_ID };

async function suite(variants: ApiSetuVariantName[], faults: ApiSetuFaultName[] = []): Promise<RunResult> {
  const issuer = await startIssuer({ apiKey: API_KEY, documents: 8, apiSetuFaults: faults, apiSetuVariants: variants });
  try {
    const json = { ...apiSetuConfig(issuer.config('APISETU_TEST_KEY'), issuer.url, 'APISETU_TEST_CLIENT'), client: { timeoutMs: 2500, concurrency: 4 } };
    const { config, apiKey } = parseConfig(json, ENV, 'apisetu variant test');
    return (await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 7 })).result;
  } finally {
    await issuer.close();
  }
}

const notClean = (run: RunResult) => run.checks.filter((c) => !['pass', 'skip'].includes(c.verdict)).map((c) => `${c.id}: ${c.verdict} ${c.message}`);

describe('conformant-but-unusual forms of the publisher service', () => {
  for (const variant of APISETU_VARIANT_NAMES) {
    it(`variant ${variant} passes every apisetu check clean`, async () => {
      const run = await suite([variant]);
      expect(notClean(run)).toEqual([]);
      expect(run.exitCode).toBe(0);
    });
  }

  it('variant no-txnid-echo: the echo check says there is nothing to compare (skip), not a pass or a warning', async () => {
    const run = await suite(['no-txnid-echo']);
    expect(run.checks.find((c) => c.id === 'apisetu.echo.txn-id')!.verdict).toBe('skip');
  });

  it('variant masked-uid gives the uid the owner match compares, masked but for its last 4 digits', async () => {
    const run = await suite(['masked-uid']);
    const owner = run.checks.find((c) => c.id === 'apisetu.owner.match')!;
    expect(owner.verdict).toBe('pass');
    expect(JSON.stringify(owner.evidence)).toMatch(/uid=\\"x{8}\d{4}\\"/);
  });

  it('every variant at once passes clean', async () => {
    const run = await suite([...APISETU_VARIANT_NAMES]);
    expect(notClean(run)).toEqual([]);
  });

  for (const [variant, fault] of [
    ['other-error-code', 'apisetu-api-key-not-verified'],
    ['json-charset', 'apisetu-error-snake-case'],
    ['masked-uid', 'apisetu-wrong-holder'],
  ] as const) {
    it(`variant ${variant} with fault ${fault} still fails ${APISETU_EXPECTED[fault].targets.join(', ')}`, async () => {
      const run = await suite([variant], [fault]);
      expect(run.checks.filter((c) => c.verdict === 'fail' || c.verdict === 'warn').map((c) => c.id)).toEqual([...APISETU_EXPECTED[fault].targets]);
      expect(run.exitCode).toBe(1);
    });
  }
});
