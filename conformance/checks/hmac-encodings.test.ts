/**
 * The HMAC encoding probe against the reference issuer over loopback: an issuer verifying both
 * encodings passes, one verifying only the config's warns (under every policy: level MAY) naming
 * the refused one and the risk, and profile 1.0 (no HMAC) is not probed.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/index.js';
import type { Policy } from '../../core/policy.js';
import { Redactor } from '../../core/redact.js';
import { startIssuer, type IssuerOptions } from '../../fixtures/issuer/index.js';
import { runSuite } from '../runner.js';

const API_KEY = 'hmac-probe-test-key-0123456789';
const ID = 'pulluri.auth.hmac-encodings';

async function probe(options: Partial<IssuerOptions>, config: { hmac?: string; policy?: Policy } = {}) {
  const issuer = await startIssuer({ apiKey: API_KEY, documents: 3, ...options });
  try {
    const json = { ...issuer.config('HMAC_KEY'), ...config, client: { timeoutMs: 2500 } };
    const parsed = parseConfig(json, { HMAC_KEY: API_KEY }, 'hmac probe test');
    const { result } = await runSuite({ config: parsed.config, apiKey: parsed.apiKey, redactor: new Redactor({ apiKey: parsed.apiKey, config: parsed.config }), seed: 2, only: [ID] });
    return result.checks.find((c) => c.id === ID)!;
  } finally {
    await issuer.close();
  }
}

describe(ID, () => {
  it('both encodings verify: pass, naming both', async () => {
    for (const hmac of ['hex-base64', 'raw-base64']) {
      const c = await probe({}, { hmac });
      expect(c.verdict, c.message).toBe('pass');
      expect(c.message).toContain(`${hmac} (the config's hmac)`);
    }
  });

  it('only one verifies: a warning naming the refused encoding and the risk, also under policy strict', async () => {
    for (const policy of ['conformance', 'strict'] as const) {
      const c = await probe({ hmac: 'raw-base64' }, { hmac: 'raw-base64', policy });
      expect(c.verdict).toBe('warn');
      expect(c.message).toMatch(/^only raw-base64 \(the config's hmac\) is accepted; the same request signed hex-base64 was refused \(HTTP 401/);
      expect(c.message).toContain('if DigiLocker sends hex-base64, every request fails authentication');
      expect(c.evidence).toHaveLength(2);
    }
  });

  it('profile 1.0 sends no HMAC: not probed', async () => {
    const c = await probe({ profile: '1.0' });
    expect(c.verdict).toBe('skip');
    expect(c.message).toMatch(/hmac is "none"/);
  });
});
