import { describe, expect, it } from 'vitest';
import type { RawExchange } from './client.js';
import { Evidence, UNRECORDED } from './evidence.js';
import { Redactor } from './redact.js';

const API_KEY = 'evidence-test-api-key-77';
const config = { apiKeyEnv: 'ISSUER_KEY', client: { timeoutMs: 5000 } } as ConstructorParameters<typeof Evidence>[1];
const redactor = new Redactor({ apiKey: API_KEY, config: { documents: [{ owner: { fullName: 'Sunil Kumar', dob: '31-12-1990' } }] } });
const evidence = new Evidence(redactor, config, API_KEY);

function exchange(): RawExchange {
  const text = `<PullURIResponse><ResponseStatus Status="0">no document for Sunil Kumar, key ${API_KEY}</ResponseStatus></PullURIResponse>`;
  return {
    request: {
      method: 'POST',
      url: `http://127.0.0.1:9/pull?key=${API_KEY}`,
      headers: { 'content-type': 'application/xml', 'x-digilocker-hmac': 'c2VjcmV0LWhtYWM=' },
      body: '<PullURIRequest><DocDetails><FullName>Sunil Kumar</FullName><DOB>31-12-1990</DOB></DocDetails></PullURIRequest>',
    },
    response: { status: 200, headers: { 'content-type': 'application/xml' }, bytes: new TextEncoder().encode(text), text, truncated: false },
    error: { kind: 'other', message: `after the body: Sunil Kumar ${API_KEY}` },
    startedAt: 0,
    durationMs: 3,
  };
}

describe('Evidence: redacted once, where it is recorded', () => {
  it('an exchange: URL, headers, bodies, the error and the curl line carry no secret or personal value', () => {
    const recorded = evidence.exchange(exchange());
    const text = JSON.stringify(recorded);
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain('Sunil');
    expect(text).not.toContain('31-12-1990');
    expect(text).not.toContain('c2VjcmV0LWhtYWM=');
    expect(recorded.request.headers['x-digilocker-hmac']).toBe('[REDACTED:x-digilocker-hmac]');
    expect(recorded.curl).toContain("-H 'x-digilocker-hmac: [REDACTED:hmac]'");
    expect(recorded.response?.status).toBe(200);
  });

  it('values from the target are bounded, then redacted; messages redacted', () => {
    const long = `${'x'.repeat(600)} ${API_KEY}`;
    const value = evidence.value(`Sunil Kumar ${long}`)!;
    expect(value).not.toContain('Sunil');
    expect(value).toMatch(/… \(\d+ characters\)$/);
    expect(evidence.value(undefined)).toBeUndefined();
    expect(evidence.text(`echoed ${API_KEY}`)).not.toContain(API_KEY);
    expect(JSON.stringify(evidence.deep({ nested: [{ a: `Sunil Kumar` }] }))).not.toContain('Sunil');
  });

  it('a request body over 1 MiB is kept as its head, cut before the element it ends in, and has no curl line', () => {
    const ex = exchange();
    const photo = 'QUJD'.repeat(2000);
    ex.request.body = `<PullURIRequest><DocDetails><FullName>Sunil Kumar</FullName><Photo>${photo}</Photo><Remarks>${'x'.repeat(1_100_000)}</Remarks></DocDetails></PullURIRequest>`;
    const recorded = evidence.exchange(ex);
    expect(recorded.request.body.length).toBeLessThan(5000);
    expect(recorded.request.body).toMatch(/… \(\d+ characters in all; the rest is not kept\)$/);
    // the Photo runs past the head: it is left out whole, not cut where the redactor cannot see it
    expect(recorded.request.body).toMatch(/<FullName>\[REDACTED:name\]<\/FullName>… \(/);
    expect(recorded.request.body).not.toContain('QUJD');
    expect(recorded.curl).toMatch(/^# a \d+-character request body is not kept/);
  });

  it('UNRECORDED keeps nothing: the verdicts it stands in for are only counted', () => {
    const recorded = UNRECORDED.exchange(exchange());
    expect(JSON.stringify(recorded)).not.toMatch(/Sunil|evidence-test/);
    expect(UNRECORDED.text('Sunil Kumar')).toBe('');
    expect(UNRECORDED.value('Sunil Kumar')).toBeUndefined();
  });
});
