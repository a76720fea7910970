/** Profile apisetu in the config: what it takes, what it refuses, and each error naming the field and the fix. */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './index.js';

const ENV = { DLCONFORM_API_KEY: 'TESTAPIKEY123', SETU_CLIENT: 'in.gov.consumer', SETU_KEY: 'SETUKEY4567890' };

function apiSetu(): Record<string, any> {
  return {
    profile: 'apisetu',
    target: { certificate: 'http://127.0.0.1:8080/v3/hscer/certificate' },
    orgId: 'in.gov.example',
    apiKeyEnv: 'DLCONFORM_API_KEY',
    apiSetu: { clientIdEnv: 'SETU_CLIENT' },
    documents: [{ docType: 'HSCER', search: { rollno: '1001' }, owner: { fullName: 'Sunil Kumar', dob: '31-12-1990', aadhaar: '999912345678' } }],
    absent: { docType: 'HSCER', search: { rollno: '9999' } },
  };
}

function messages(json: unknown, env: NodeJS.ProcessEnv = ENV): string[] {
  try {
    parseConfig(json, env, 'my.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map((i) => `${i.field}: ${i.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('profile apisetu', () => {
  it('reads target.certificate, the client id from its variable, both formats by default', () => {
    const { config, apiKey } = parseConfig(apiSetu(), ENV, 'my.json');
    expect(apiKey).toBe('TESTAPIKEY123');
    expect(config.apiSetu).toEqual({ clientIdEnv: 'SETU_CLIENT', apiKeyEnv: 'DLCONFORM_API_KEY', clientId: 'in.gov.consumer', formats: ['pdf', 'xml'] });
    expect(config.target).toEqual({ pullUri: 'http://127.0.0.1:8080/v3/hscer/certificate', certificate: 'http://127.0.0.1:8080/v3/hscer/certificate' });
  });

  it('apiSetu.apiKeyEnv names the key instead of apiKeyEnv, which then need not be set', () => {
    const json = apiSetu();
    json.apiSetu = { clientIdEnv: 'SETU_CLIENT', apiKeyEnv: 'SETU_KEY', formats: ['xml'] };
    const { config, apiKey } = parseConfig(json, { SETU_CLIENT: 'c', SETU_KEY: 'SETUKEY4567890' }, 'my.json');
    expect(apiKey).toBe('SETUKEY4567890');
    expect(config.apiKeyEnv).toBe('SETU_KEY');
    expect(config.apiSetu?.formats).toEqual(['xml']);
    expect(messages(json, { SETU_CLIENT: 'c' })).toEqual([
      "apiSetu.apiKeyEnv: environment variable SETU_KEY is not set; export it with your API Setu API key (X-APISETU-APIKEY) (apiKeyEnv holds the variable's name, never the value)",
    ]);
  });

  it('needs target.certificate, apiSetu and the owner values certificateParameters carry', () => {
    const json = apiSetu();
    delete json.target.certificate;
    delete json.apiSetu;
    delete json.documents[0].owner.aadhaar;
    expect(messages(json)).toEqual([
      'target.certificate: is required with profile "apisetu"; expected the certificate endpoint, an http(s) URL such as "https://issuer.example/v3/hscer/certificate"',
      'apiSetu: is required with profile "apisetu"; add {"clientIdEnv": "DLCONFORM_APISETU_CLIENT_ID"} naming the variable that holds your X-APISETU-CLIENTID',
      'documents[0].owner.aadhaar: is required with profile "apisetu": the certificate request carries it as UID in certificateParameters',
    ]);
  });

  it('refuses the Pull endpoints, an unset client id variable, a bad URL and an unknown format', () => {
    const json = apiSetu();
    json.target.pullUri = 'http://127.0.0.1:8080/pulluri';
    expect(messages(json)).toEqual(['target.pullUri: is not used with profile "apisetu", whose one endpoint is target.certificate; remove target.pullUri']);
    const withRequester = apiSetu() as ReturnType<typeof apiSetu> & { target: { requester?: string } };
    withRequester.target.requester = 'http://127.0.0.1:8090/upload';
    expect(messages(withRequester)).toEqual(['target.requester: is not used with profile "apisetu", whose one endpoint is target.certificate; remove target.requester']);
    expect(messages(apiSetu(), { DLCONFORM_API_KEY: 'TESTAPIKEY123', SETU_CLIENT: ' ' })[0]).toMatch(/^apiSetu\.clientIdEnv: environment variable SETU_CLIENT is empty/);
    const bad = apiSetu();
    bad.target.certificate = 'ftp://x';
    bad.apiSetu.formats = ['json'];
    const found = messages(bad);
    expect(found.some((m) => m.startsWith('target.certificate: must be an http(s) URL'))).toBe(true);
    expect(found.some((m) => m.startsWith('apiSetu.formats[0]: must be one of "pdf", "xml"'))).toBe(true);
  });

  it('the other profiles need target.pullUri and refuse certificate and apiSetu', () => {
    const json = apiSetu();
    delete json.profile;
    expect(messages(json)).toEqual(['target.pullUri: is required; expected the Pull URI endpoint, an http(s) URL such as "https://issuer.example/pulluri"']);
    json.target.pullUri = 'http://127.0.0.1:8080/pulluri';
    expect(messages(json)).toEqual([
      'target.certificate: is only for profile "apisetu" (API Setu\'s publisher form); set "profile": "apisetu" or remove target.certificate',
      'apiSetu: is only for profile "apisetu" (API Setu\'s publisher form); set "profile": "apisetu" or remove apiSetu',
    ]);
  });
});
