/**
 * The diagnosis of a refused baseline, against the reference issuer over loopback: each way a
 * new user's config goes wrong gets its own words, and the clean issuer gets none.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config/index.js';
import { Redactor } from '../core/redact.js';
import { renderJson } from '../core/report/json.js';
import { renderJunit } from '../core/report/junit.js';
import { renderMarkdown } from '../core/report/markdown.js';
import { summaryTable } from '../core/report/console.js';
import type { RunResult } from '../core/types.js';
import { startIssuer, type FaultName, type IssuerConfig } from '../fixtures/issuer/index.js';
import { PROFILES } from '../protocol/profiles.js';
import { readResponse } from '../protocol/responses.js';
import { triageBaseline, type BaselineAnswer } from './diagnosis.js';
import { runSuite } from './runner.js';

const API_KEY = 'diagnosis-test-key-0123456789';
const ENV = 'DIAGNOSIS_TEST_KEY';
/** the two baselines are all the diagnosis needs: the other checks would only slow the test */
const ONLY = ['pulluri.success.status-1', 'pulldoc.success.status-1'];

interface Setup {
  faults?: FaultName[];
  /** how the issuer verifies x-digilocker-hmac */
  issuerHmac?: 'hex-base64' | 'raw-base64';
  /** the key the config's environment variable holds */
  key?: string;
  edit?: (config: IssuerConfig) => IssuerConfig;
}

async function run(s: Setup = {}): Promise<{ result: RunResult; shown: number }> {
  const issuer = await startIssuer({ profile: '3.0', apiKey: API_KEY, faults: s.faults, documents: 4, hmac: s.issuerHmac });
  try {
    const base = issuer.config(ENV);
    const json = { ...(s.edit ? s.edit(base) : base), client: { timeoutMs: 2500, concurrency: 2 } };
    const { config, apiKey } = parseConfig(json, { [ENV]: s.key ?? API_KEY }, 'diagnosis test');
    let shown = 0;
    const { result } = await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 3, only: ONLY, onDiagnosis: () => shown++ });
    return { result, shown };
  } finally {
    await issuer.close();
  }
}

describe('a refused baseline opens the run with one diagnosis', () => {
  it('the other HMAC encoding is served: set hmac to it', async () => {
    const { result, shown } = await run({ issuerHmac: 'raw-base64', edit: (c) => ({ ...c, hmac: 'hex-base64' }) });
    const d = result.diagnosis!;
    expect(d).toMatchObject({ api: 'pulluri', cause: 'hmac-encoding', suspects: ['hmac'] });
    expect(d.summary).toContain('set "hmac": "raw-base64" in the config');
    expect(d.evidence).toHaveLength(2);
    expect(shown).toBe(1);
  });

  it('and the other way round', async () => {
    const { result } = await run({ issuerHmac: 'hex-base64', edit: (c) => ({ ...c, hmac: 'raw-base64' }) });
    expect(result.diagnosis).toMatchObject({ cause: 'hmac-encoding', suspects: ['hmac'] });
    expect(result.diagnosis!.summary).toContain('set "hmac": "hex-base64"');
  });

  it('a wrong API key: apiKeyEnv, orgId and hmac are the suspects, after one retry', async () => {
    const { result } = await run({ key: 'not-the-key-of-this-issuer' });
    const d = result.diagnosis!;
    expect(d).toMatchObject({ api: 'pulluri', cause: 'credentials', suspects: ['apiKeyEnv', 'orgId', 'hmac'] });
    expect(d.summary).toContain(`$${ENV} (apiKeyEnv)`);
    expect(d.summary).toMatch(/HTTP 401.*and again \(HTTP 401.*when signed with "hmac": "raw-base64"/);
    expect(d.evidence).toHaveLength(2);
  });

  it('reject-all (401 whatever the encoding): the credentials', async () => {
    const { result } = await run({ faults: ['reject-all'] });
    expect(result.diagnosis).toMatchObject({ cause: 'credentials', suspects: ['apiKeyEnv', 'orgId', 'hmac'] });
  });

  it('not-found-all: the URL path', async () => {
    const { result } = await run({ faults: ['not-found-all'] });
    const d = result.diagnosis!;
    expect(d).toMatchObject({ api: 'pulluri', cause: 'url-path', suspects: ['target.pullUri'] });
    expect(d.summary).toContain('the URL path is wrong');
    expect(d.evidence).toHaveLength(1);
  });

  it('a wrong Pull Doc path: target.pullDoc', async () => {
    const { result } = await run({ edit: (c) => ({ ...c, target: { ...c.target, pullDoc: `${c.target.pullDoc}-nope` } }) });
    expect(result.diagnosis).toMatchObject({ api: 'pulldoc', cause: 'url-path', suspects: ['target.pullDoc'] });
  });

  it('html-403-all: an HTML page came back', async () => {
    const { result } = await run({ faults: ['html-403-all'] });
    const d = result.diagnosis!;
    expect(d).toMatchObject({ cause: 'html-page', suspects: ['target.pullUri'] });
    expect(d.summary).toContain('an HTML page came back (a proxy, firewall or error page)');
  });

  it('udf-literal-names: Status 0 for the configured document names the search elements and opt-in fields sent', async () => {
    const { result } = await run({ faults: ['udf-literal-names'] });
    const d = result.diagnosis!;
    expect(d).toMatchObject({ api: 'pulluri', cause: 'search-names', suspects: ['documents[0].search', 'optIn'] });
    expect(d.summary).toContain('The search elements sent were rollno, year and the opt-in fields UID, FullName, DOB');
    expect(d.summary).toContain('must match the names configured on the partner portal');
    // Status 0 without words about authentication is not retried
    expect(d.evidence).toHaveLength(1);
  });

  it('the clean issuer: no diagnosis', async () => {
    const { result, shown } = await run();
    expect(result.diagnosis).toBeUndefined();
    expect(shown).toBe(0);
    expect(result.exitCode).toBe(0);
  });
});

describe('the diagnosis opens every report', () => {
  it('console, summary.md, result.json and junit.xml, with nothing secret in them', async () => {
    const { result } = await run({ key: 'not-the-key-of-this-issuer' });
    const summary = result.diagnosis!.summary;
    expect(summaryTable(result, { color: false }).startsWith(`Diagnosis (pulluri): ${summary}\n  Look at: apiKeyEnv, orgId, hmac`)).toBe(true);
    const md = renderMarkdown(result).split('\n');
    expect(md[2]).toMatch(/^> \*\*Diagnosis \(pulluri\):\*\* The correctly signed Pull URI baseline request was refused/);
    expect(Object.keys(JSON.parse(renderJson(result)))).toEqual(expect.arrayContaining(['diagnosis']));
    expect(Object.keys(JSON.parse(renderJson(result))).indexOf('diagnosis')).toBe(2);
    expect(renderJunit(result)).toContain('name="diagnosis"');
    const everything = renderJson(result);
    expect(everything).not.toContain('not-the-key-of-this-issuer');
  });
});

describe('the triage by what came back', () => {
  const { config } = parseConfig(
    {
      profile: '3.0',
      target: { pullUri: 'http://127.0.0.1:9/pulluri' },
      orgId: 'in.gov.example',
      apiKeyEnv: ENV,
      documents: [{ docType: 'INCER', search: { rollno: '1', year: '2016' }, uri: 'in.gov.example-INCER-AB12' }],
      absent: { docType: 'INCER', search: { rollno: '2', year: '2016' } },
    },
    { [ENV]: API_KEY },
    'triage test',
  );
  const words = { exchange: () => ({ request: { method: 'POST', url: '', headers: {}, body: '' }, durationMs: 0, curl: '' }), text: (t: string) => t, value: (v?: string) => v };
  const xml = (status: string, text = '') => `<PullURIResponse><ResponseStatus Status="${status}" ts="t" txn="1">${text}</ResponseStatus></PullURIResponse>`;
  const answer = (http: number, body: string, contentType = 'application/xml'): BaselineAnswer => ({ http, contentType, body, parsed: readResponse('pulluri', body) });
  async function triage(first: BaselineAnswer, again: BaselineAnswer = first) {
    let resent = 0;
    const d = await triageBaseline({
      api: 'pulluri',
      config,
      profile: PROFILES['3.0'],
      baseline: first,
      resend: async () => {
        resent++;
        return again;
      },
      evidence: words,
    });
    return { d, resent };
  }

  it('Status 0 that speaks of authentication is retried with the other encoding', async () => {
    const { d, resent } = await triage(answer(200, xml('0', 'Invalid keyhash')), answer(200, xml('1')));
    expect(resent).toBe(1);
    expect(d).toMatchObject({ cause: 'hmac-encoding', suspects: ['hmac'] });
  });
  it('Status 0 without such words is the search, not retried', async () => {
    const { d, resent } = await triage(answer(200, xml('0', 'No record found')));
    expect(resent).toBe(0);
    expect(d).toMatchObject({ cause: 'search-names' });
  });
  it('405 is the path; an HTML 200 is an HTML page; a 500 is only not served; a served baseline has no diagnosis', async () => {
    expect((await triage(answer(405, 'Method Not Allowed', 'text/plain'))).d).toMatchObject({ cause: 'url-path', suspects: ['target.pullUri'] });
    expect((await triage(answer(200, '<!DOCTYPE html><html><body>Login</body></html>', 'text/html'))).d).toMatchObject({ cause: 'html-page' });
    const broken = await triage(answer(500, 'Internal Server Error', 'text/plain'));
    expect(broken).toMatchObject({ resent: 0, d: { cause: 'not-served', suspects: [] } });
    expect(broken.d!.summary).toContain('see pulluri.success.status-1');
    expect((await triage(answer(200, xml('1')))).d).toBeUndefined();
  });
});
