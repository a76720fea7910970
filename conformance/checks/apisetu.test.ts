/**
 * The apisetu.* checks against the reference issuer's publisher form over real HTTP, through the
 * real runner: the clean issuer passes every one; each publisher-form fault fails (or warns)
 * exactly the check APISETU_EXPECTED lists; a wrong API key makes the refusal checks inconclusive,
 * not passed; the API key, UID, FullName and DOB never reach the result; profile apisetu runs
 * nothing but these checks.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/index.js';
import { Redactor } from '../../core/redact.js';
import type { CheckResult, RunResult } from '../../core/types.js';
import { APISETU_FAULT_NAMES, apiSetuConfig, DEFAULT_APISETU_CLIENT_ID, type ApiSetuFaultName } from '../../fixtures/issuer/apisetu.js';
import { startIssuer } from '../../fixtures/issuer/index.js';
import { isClauseId } from '../../protocol/clauses.js';
import { APISETU_EXPECTED } from '../fault-targets.js';
import { runSuite } from '../runner.js';
import { APISETU_CHECKS } from './apisetu.js';

const API_KEY = 'apisetu-check-key-0123456789';
const ENV = { APISETU_TEST_KEY: API_KEY, APISETU_TEST_CLIENT: DEFAULT_APISETU_CLIENT_ID };

async function suite(faults: ApiSetuFaultName[], patch: (json: ReturnType<typeof apiSetuConfig>) => object = (j) => j, env: Record<string, string> = ENV): Promise<RunResult> {
  const issuer = await startIssuer({ apiKey: API_KEY, documents: 8, apiSetuFaults: faults });
  try {
    const json = { ...patch(apiSetuConfig(issuer.config('APISETU_TEST_KEY'), issuer.url, 'APISETU_TEST_CLIENT')), client: { timeoutMs: 2500, concurrency: 4 } };
    const { config, apiKey } = parseConfig(json, env, 'apisetu test');
    return (await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 7 })).result;
  } finally {
    await issuer.close();
  }
}

const byVerdict = (checks: CheckResult[], ...verdicts: string[]) =>
  checks
    .filter((c) => verdicts.includes(c.verdict))
    .map((c) => c.id)
    .sort();

describe('profile apisetu against the reference issuer', () => {
  it('the clean issuer passes every apisetu check, and only those run', async () => {
    const run = await suite([]);
    expect(run.profile).toBe('apisetu');
    expect(run.checks.map((c) => c.id).sort()).toEqual(APISETU_CHECKS.map((c) => c.id).sort());
    expect(run.checks.filter((c) => c.verdict !== 'pass').map((c) => `${c.id}: ${c.verdict} ${c.message}`)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.target.certificate).toMatch(/\/v3\/[a-z]+\/certificate$/);
  });

  it('every check cites a registered clause and is some fault’s target', () => {
    for (const c of APISETU_CHECKS) expect(isClauseId(typeof c.clause === 'string' ? c.clause : ''), c.id).toBe(true);
    const targeted = new Set(Object.values(APISETU_EXPECTED).flatMap((e) => e.targets));
    expect(APISETU_CHECKS.map((c) => c.id).filter((id) => !targeted.has(id))).toEqual([]);
    expect(Object.keys(APISETU_EXPECTED).sort()).toEqual([...APISETU_FAULT_NAMES].sort());
  });

  for (const fault of APISETU_FAULT_NAMES) {
    it(`fault ${fault} fails exactly ${APISETU_EXPECTED[fault].targets.join(', ')}`, async () => {
      const run = await suite([fault]);
      expect(byVerdict(run.checks, 'error', 'inconclusive')).toEqual([]);
      expect(byVerdict(run.checks, 'fail', 'warn')).toEqual([...APISETU_EXPECTED[fault].targets].sort());
      // a SHOULD clause's failure warns (exit 0 under policy conformance); a MUST or SECURITY one blocks
      const blocking = run.checks.some((c) => c.verdict === 'fail');
      expect(blocking).toBe(run.checks.some((c) => APISETU_EXPECTED[fault].targets.includes(c.id) && c.level !== 'SHOULD'));
      expect(run.exitCode).toBe(blocking ? 1 : 0);
    });
  }

  it('with a wrong API key the refusal checks are inconclusive, never passed', async () => {
    const run = await suite([], (j) => j, { ...ENV, APISETU_TEST_KEY: 'not-the-issuers-key-000' });
    const refusals = APISETU_CHECKS.filter((c) => c.judgesRefusal).map((c) => c.id);
    for (const c of run.checks.filter((r) => refusals.includes(r.id))) expect(`${c.id}: ${c.verdict}`).toBe(`${c.id}: inconclusive`);
    expect(byVerdict(run.checks, 'fail')).toEqual(['apisetu.valid.pdf', 'apisetu.valid.xml']);
    expect(run.exitCode).toBe(1);
  });

  it('formats ["xml"] with a wrong API key: the inconclusive refusals point to apisetu.valid.xml, the baseline they wait on', async () => {
    const run = await suite([], (j) => ({ ...j, apiSetu: { ...j.apiSetu, formats: ['xml'] } }), { ...ENV, APISETU_TEST_KEY: 'not-the-issuers-key-000' });
    const inconclusive = run.checks.filter((c) => c.verdict === 'inconclusive');
    expect(inconclusive.length).toBeGreaterThan(0);
    for (const c of inconclusive) expect(c.message, c.id).toMatch(/see apisetu\.valid\.xml$/);
  });

  it('the API key, the UID, the full name and the date of birth never reach the result', async () => {
    const issuer = await startIssuer({ apiKey: API_KEY, documents: 8, apiSetuFaults: ['apisetu-wrong-holder'] });
    const owner = issuer.store.documents[0]!.owner;
    await issuer.close();
    const run = await suite(['apisetu-wrong-holder']);
    const text = JSON.stringify(run);
    expect(text).toContain('X-APISETU-CLIENTID');
    for (const secret of [API_KEY, owner.aadhaar, owner.fullName, owner.dob]) expect(text).not.toContain(secret);
    expect(text).toContain('[REDACTED:x-apisetu-apikey]');
  });

  it('a certificate endpoint that is down aborts the run (exit 3), never a pass', async () => {
    const run = await suite([], (j) => ({ ...j, target: { certificate: 'http://127.0.0.1:9/v3/hscer/certificate' } }));
    expect(run.aborted?.exitCode).toBe(3);
    expect(run.exitCode).toBe(3);
  });

  it('formats ["pdf"]: the xml checks do not apply and say why', async () => {
    const run = await suite([], (j) => ({ ...j, apiSetu: { ...j.apiSetu, formats: ['pdf'] } }));
    expect(byVerdict(run.checks, 'skip')).toEqual(['apisetu.owner.match', 'apisetu.valid.xml']);
    expect(run.checks.find((c) => c.id === 'apisetu.valid.xml')!.message).toMatch(/apiSetu\.formats/);
    expect(run.exitCode).toBe(0);
  });

  for (const [name, status, type, body] of [
    ['an HTML page with HTTP 200 for everything', 200, 'text/html', '<!DOCTYPE html><html><body>Welcome</body></html>'],
    ['HTTP 500 with a stack trace for everything', 500, 'text/plain', 'java.lang.NullPointerException\n\tat Certificate.get(Certificate.java:42)'],
  ] as const) {
    it(`a hostile endpoint (${name}) gets verdicts with evidence, never a crash or a pass of a refusal`, async () => {
      const server = createServer((req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(status, { 'content-type': type }).end(body));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3/hscer/certificate`;
      try {
        const run = await suite([], (j) => ({ ...j, target: { certificate: url } }));
        expect(byVerdict(run.checks, 'error')).toEqual([]);
        expect(byVerdict(run.checks, 'fail')).toEqual(expect.arrayContaining(['apisetu.valid.pdf', 'apisetu.valid.xml']));
        // no-5xx rightly passes an endpoint that answers 200 to everything: it judges only server errors
        const refusals = APISETU_CHECKS.filter((c) => c.judgesRefusal && c.id !== 'apisetu.robustness.no-5xx').map((c) => c.id);
        expect(run.checks.filter((c) => refusals.includes(c.id) && c.verdict === 'pass').map((c) => c.id)).toEqual([]);
        expect(run.checks.every((c) => c.verdict === 'skip' || c.evidence.length > 0)).toBe(true);
        expect(run.exitCode).toBe(1);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  }
});
