/**
 * security.xxe-external fails on a hit of the run's canary listener, whatever the baseline;
 * internal entity expansion is a warning; the entity bomb stays bounded.
 * security.no-secret-echo judges by profile: credentials (the API key in any encoding, a keyhash,
 * an HMAC) fail everywhere; personal values of the request in an error body are what the 3.0
 * OpenAPI's response DocDetails carries, and a warning elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/index.js';
import { Redactor } from '../../core/redact.js';
import type { CheckResult } from '../../core/types.js';
import { startIssuer, type FaultName } from '../../fixtures/issuer/index.js';
import type { ProfileId } from '../../protocol/profiles.js';
import { runSuite } from '../runner.js';
import { entityBombDeclarations, fileErrorLine } from './security.js';

const API_KEY = 'echo-test-key-5f0c1d2e3b';

async function secretEcho(profile: ProfileId, faults: FaultName[]): Promise<CheckResult> {
  const issuer = await startIssuer({ profile, apiKey: API_KEY, faults, documents: 4 });
  try {
    const { config, apiKey } = parseConfig(issuer.config('ECHO_TEST_KEY'), { ECHO_TEST_KEY: API_KEY }, 'echo test');
    const { result } = await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 3, only: ['pulluri.security.no-secret-echo'] });
    expect(result.checks).toHaveLength(1);
    return result.checks[0]!;
  } finally {
    await issuer.close();
  }
}

describe('security.no-secret-echo', () => {
  it('the API key in an error body fails, and the evidence shows it redacted', async () => {
    const c = await secretEcho('3.0', ['api-key-echo']);
    expect(c.verdict).toBe('fail');
    expect(c.level).toBe('SECURITY');
    const text = JSON.stringify(c);
    expect(text).not.toContain(API_KEY);
    expect(text).toContain('[REDACTED:apiKey]');
  });

  it('personal values echoed: allowed in 3.0 (its OpenAPI lists them in the response), a warning in 1.13', async () => {
    const v3 = await secretEcho('3.0', ['personal-echo']);
    expect(v3.verdict).toBe('pass');
    expect(v3.message).toMatch(/personal value\(s\) echoed, as the 3\.0 OpenAPI/);
    const v113 = await secretEcho('1.13', ['personal-echo']);
    expect(v113.verdict).toBe('warn');
  });

  it('a clean issuer passes, every credential searched in the baseline, error and malformed answers', async () => {
    const c = await secretEcho('3.0', []);
    expect(c.verdict).toBe('pass');
    expect(c.message).toMatch(/^3 responses searched for \d+ credential values, none echoed$/);
  });
});

async function securityChecks(faults: FaultName[], only: string[]): Promise<CheckResult[]> {
  const issuer = await startIssuer({ profile: '3.0', apiKey: API_KEY, faults, documents: 4 });
  try {
    const { config, apiKey } = parseConfig(issuer.config('ECHO_TEST_KEY'), { ECHO_TEST_KEY: API_KEY }, 'xxe test');
    const { result } = await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 3, only });
    return result.checks;
  } finally {
    await issuer.close();
  }
}

describe('security: entities', () => {
  it('an external entity resolved fails with the canary hit as evidence; the clean issuer passes', async () => {
    const [hit] = await securityChecks(['xxe-external-resolved'], ['pulluri.security.xxe-external']);
    expect(hit!.verdict).toBe('fail');
    expect(hit!.level).toBe('SECURITY');
    expect(hit!.actual).toMatch(/^GET \/[0-9a-f]{24}\/pulluri HTTP\/1\.1 from 127\.0\.0\.1$/);
    const [clean] = await securityChecks([], ['pulluri.security.xxe-external']);
    expect(clean!.verdict).toBe('pass');
    expect(clean!.evidence).toHaveLength(2);
  });

  it('a canary hit fails even where every request is refused (the parser resolved before authenticating)', async () => {
    const checks = await securityChecks(['reject-all', 'xxe-external-resolved'], ['pulluri.security.xxe-external', 'pulluri.security.entity-bomb']);
    expect(checks.map((c) => [c.id, c.verdict])).toEqual([
      ['pulluri.security.xxe-external', 'fail'],
      ['pulluri.security.entity-bomb', 'inconclusive'],
    ]);
  });

  it('internal entities expanded is a warning (SHOULD), not a failure', async () => {
    const [c] = await securityChecks(['dtd-expanded'], ['pulldoc.security.dtd-refused']);
    expect(c!.level).toBe('SHOULD');
    expect(c!.verdict).toBe('warn');
  });

  it('an error opening the missing file shows in the answer as each parser words it; an echo of the name alone does not', () => {
    const name = 'dlconform-0a1b2c-pulluri';
    const said = [
      `<Error>ENOENT: no such file or directory, open &apos;/nonexistent/${name}&apos;</Error>`,
      `java.io.FileNotFoundException: /nonexistent/${name} (No such file or directory)`,
      `I/O warning : failed to load external entity "file:///nonexistent/${name}"`,
      `Could not find a part of the path '/nonexistent/${name}'.`,
    ];
    for (const body of said) expect(fileErrorLine(`<R>\n${body}\n</R>`, name), body).toBe(body);
    expect(fileErrorLine(`<Error>unknown search &dlcq; (file:///nonexistent/${name})</Error>`, name)).toBeUndefined();
    expect(fileErrorLine('<Error>ENOENT: no such file or directory</Error>', name)).toBeUndefined();
  });

  it('the entity bomb stays small enough for a naive parser: at most 100 KB expanded', () => {
    const bomb = entityBombDeclarations();
    expect(bomb.expandedChars).toBeLessThanOrEqual(100_000);
    expect(bomb.expandedChars).toBeGreaterThan(10_000);
    expect(bomb.declarations.length).toBeLessThan(1000);
  });
});
