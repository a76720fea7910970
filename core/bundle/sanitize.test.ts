import { describe, expect, it } from 'vitest';
import { Redactor } from '../redact.js';
import { sanitizeConfig } from './sanitize.js';

describe('sanitizeConfig', () => {
  const owner = { fullName: 'Sunil Kumar', dob: '31-12-1990', aadhaar: '234123412346', gender: 'M', phone: '9876543210' };
  const config = {
    apiKeyEnv: 'DLCONFORM_API_KEY',
    hmac: 'hex-base64',
    documents: [{ docType: 'INCER', search: { rollno: '13333' }, owner }],
    // fields no schema allows today, as a hand-edited or future config might carry them
    apiKey: 'literal-key-in-the-file',
    nested: { client_secret: 's3cr3t-value', password: 'hunter22', accessToken: 'tok-123456', note: 'key is sk-planted-key-0001 here' },
  };
  const redactor = new Redactor({ apiKey: 'sk-planted-key-0001', config: { documents: [{ owner }] } });
  const out = sanitizeConfig(config, redactor) as any;
  const text = JSON.stringify(out);

  it('keeps the name of the key variable and the non-secret fields', () => {
    expect(out.apiKeyEnv).toBe('DLCONFORM_API_KEY');
    expect(out.hmac).toBe('hex-base64');
    expect(out.documents[0].search).toEqual({ rollno: '13333' });
  });

  it('replaces every owner value, secret-looking field and the API key wherever it appears', () => {
    expect(out.documents[0].owner).toEqual({ fullName: '[REDACTED:owner]', dob: '[REDACTED:owner]', aadhaar: '[REDACTED:owner]', gender: '[REDACTED:owner]', phone: '[REDACTED:owner]' });
    expect(out.apiKey).toMatch(/^\[REDACTED:(secret-field|apikey)\]$/);
    expect(out.nested).toEqual({ client_secret: '[REDACTED:secret-field]', password: '[REDACTED:secret-field]', accessToken: '[REDACTED:secret-field]', note: 'key is [REDACTED:apiKey] here' });
    for (const secret of ['literal-key-in-the-file', 's3cr3t-value', 'hunter22', 'tok-123456', 'sk-planted-key-0001', 'Sunil', '31-12-1990', '234123412346', '9876543210']) {
      expect(text).not.toContain(secret);
    }
  });

  it('leaves the input untouched', () => {
    expect(config.documents[0]!.owner.fullName).toBe('Sunil Kumar');
  });
});
