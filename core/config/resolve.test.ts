import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultsFor, loadConfig, parseConfig } from './index.js';

const ENV = { DLCONFORM_API_KEY: 'TESTAPIKEY123' };

function minimal(): Record<string, any> {
  return {
    target: { pullUri: 'http://127.0.0.1:8080/pulluri', pullDoc: 'http://127.0.0.1:8080/pulldoc' },
    orgId: 'in.gov.example',
    apiKeyEnv: 'DLCONFORM_API_KEY',
    documents: [{ docType: 'INCER', search: { UDF1: '13333' } }],
    absent: { docType: 'INCER', search: { UDF1: '99999' } },
  };
}

/** The ConfigError thrown by parsing `json`, or a test failure. */
function errorOf(json: unknown, env: NodeJS.ProcessEnv = ENV): ConfigError {
  try {
    parseConfig(json, env, 'my.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig: defaults', () => {
  it('applies the profile 3.0 defaults to a minimal config', () => {
    const { config, apiKey } = parseConfig(minimal(), ENV, 'my.json');
    expect(apiKey).toBe('TESTAPIKEY123');
    expect(config).toMatchObject({
      profile: '3.0',
      policy: 'conformance',
      issuerId: 'in.gov.example',
      hmac: 'hex-base64',
      namespace: 'ns2-tempuri',
      tsOffset: '+05:30',
      uidMode: 'plain',
      optIn: { uid: false, fullName: false, dob: false, photo: false },
      identityCheck: true,
      ownerMatch: ['name', 'dob'],
      expect: { signed: false },
      client: { timeoutMs: 10000, concurrency: 4, timeBudgetMs: 300000, maxResponseBytes: 67108864 },
    });
    expect(config.client.maxRequestsPerSecond).toBeUndefined();
    expect(config.pending).toBeUndefined();
    expect(JSON.stringify(config)).not.toContain('TESTAPIKEY123');
  });

  it('uses the defaults of each profile', () => {
    expect(defaultsFor('1.0')).toEqual({ hmac: 'none', namespace: 'ns2-tempuri', uidMode: 'plain' });
    expect(defaultsFor('3.0')).toEqual({ hmac: 'hex-base64', namespace: 'ns2-tempuri', uidMode: 'plain' });
    expect(defaultsFor('1.13')).toEqual({ hmac: 'hex-base64', namespace: 'tempuri', uidMode: 'md5' });
    const json = minimal();
    delete json.target.pullDoc;
    const { config } = parseConfig({ ...json, profile: '1.13' }, ENV, 'x');
    expect(config).toMatchObject({ hmac: 'hex-base64', namespace: 'tempuri', uidMode: 'md5' });
  });

  it('keeps explicit values over defaults, and allows hmac with profile 1.0', () => {
    const { config } = parseConfig(
      { ...minimal(), profile: '1.0', hmac: 'raw-base64', namespace: 'digitallocker', issuerId: 'in.gov.ex', client: { concurrency: 8, maxRequestsPerSecond: 2.5 } },
      ENV,
      'x',
    );
    expect(config).toMatchObject({ profile: '1.0', hmac: 'raw-base64', namespace: 'digitallocker', issuerId: 'in.gov.ex' });
    expect(config.client).toMatchObject({ concurrency: 8, maxRequestsPerSecond: 2.5, timeoutMs: 10000 });
  });

  it('accepts the DESIGN.md example config and a $schema key', () => {
    const json = {
      $schema: './node_modules/dlconform/core/config/config.schema.json',
      profile: '3.0',
      target: { pullUri: 'http://127.0.0.1:8080/pulluri', pullDoc: 'http://127.0.0.1:8080/pulldoc' },
      orgId: 'in.gov.example',
      apiKeyEnv: 'DLCONFORM_API_KEY',
      hmac: 'hex-base64',
      namespace: 'tempuri',
      documents: [{ docType: 'INCER', search: { UDF1: '13333' }, uri: 'in.gov.example-INCER-AB12CD34EF', owner: { fullName: 'Sunil Kumar', dob: '31-12-1990' } }],
      absent: { docType: 'INCER', search: { UDF1: '99999' } },
    };
    expect(parseConfig(json, ENV, 'x').config.documents[0]!.owner).toEqual({ fullName: 'Sunil Kumar', dob: '31-12-1990' });
  });
});

describe('parseConfig: errors name the field and the fix', () => {
  it('missing required field', () => {
    const json = minimal();
    delete json.orgId;
    const err = errorOf(json);
    expect(err.field).toBe('orgId');
    expect(err.message).toMatch(/^config my\.json: orgId: is required; expected the issuer's orgId on the partner portal/);
  });

  it('missing nested field and missing $ref field carry hints', () => {
    const json = minimal();
    delete json.absent;
    delete json.target.pullUri;
    const err = errorOf(json);
    expect(err.message).toContain('target.pullUri: is required; expected the Pull URI endpoint, an http(s) URL');
    expect(err.message).toContain('absent: is required; expected a search that matches no document');
  });

  it('wrong type', () => {
    const err = errorOf({ ...minimal(), identityCheck: 'yes', client: { timeoutMs: 5.5 } });
    expect(err.message).toContain('identityCheck: must be true or false (got a string)');
    expect(err.message).toContain('client.timeoutMs: must be an integer (got a number)');
    expect(err.message.match(/client\.timeoutMs/g)).toHaveLength(1);
  });

  it('unknown field with a suggestion', () => {
    const json = minimal();
    json.target = { pulluri: json.target.pullUri };
    const err = errorOf(json);
    expect(err.message).toContain('config my.json: target.pulluri: unknown field (did you mean "pullUri"?)');
    expect(errorOf({ ...minimal(), namespce: 'none' }).message).toContain('namespce: unknown field (did you mean "namespace"?)');
    expect(errorOf({ ...minimal(), timeout: 5 }).message).toMatch(/timeout: unknown field \(known fields here: .*profile/);
  });

  it('an apiKey field in the file is explained, and its value never printed', () => {
    const err = errorOf({ ...minimal(), apiKey: 'SUPERSECRETKEY' });
    expect(err.message).toContain('apiKey: unknown field: the API key must not be in the config file');
    expect(err.message).not.toContain('SUPERSECRETKEY');
  });

  it('pattern with hint', () => {
    const json = minimal();
    json.documents[0].docType = 'INCER1';
    expect(errorOf(json).message).toContain('config my.json: documents[0].docType: must match ^[A-Za-z]{1,10}$ (got "INCER1"); expected a document type code such as INCER');
  });

  it('search element names must be XML names, and search must not be empty', () => {
    const json = minimal();
    json.documents[0].search = { '1roll': 'x' };
    json.absent.search = {};
    const err = errorOf(json);
    expect(err.message).toContain('documents[0].search.1roll: is not a valid XML element name');
    expect(err.message).toContain('absent.search: must have at least 1 entry');
  });

  it('bad URL', () => {
    expect(errorOf({ ...minimal(), target: { pullUri: 'ftp://x/y' } }).message).toContain('target.pullUri: must be an http(s) URL (got "ftp://x/y")');
    expect(errorOf({ ...minimal(), target: { pullUri: 'http://[::1/x' } }).message).toContain('target.pullUri: is not a valid URL');
    const creds = errorOf({ ...minimal(), target: { pullUri: 'https://user:pw@issuer.example/pulluri' } });
    expect(creds.message).toContain('must not contain a user name or password');
    expect(creds.message).not.toContain('pw@');
  });

  it('enum lists the allowed values', () => {
    expect(errorOf({ ...minimal(), profile: '2.0' }).message).toContain('profile: must be one of "1.0", "3.0", "1.13", "apisetu" (got "2.0")');
    const policy = errorOf({ ...minimal(), policy: 'lenient' });
    expect(policy.field).toBe('policy');
    expect(policy.message).toContain('policy: must be one of "conformance", "strict" (got "lenient")');
  });

  it('missing or empty environment variable', () => {
    const err = errorOf(minimal(), {});
    expect(err.field).toBe('apiKeyEnv');
    expect(err.message).toBe(
      'config my.json: apiKeyEnv: environment variable DLCONFORM_API_KEY is not set; export it with the issuer\'s API key (apiKeyEnv holds the variable\'s name, such as "DLCONFORM_API_KEY", never the key)',
    );
    expect(errorOf(minimal(), { DLCONFORM_API_KEY: '  ' }).message).toContain('DLCONFORM_API_KEY is empty');
  });

  it('does not print an apiKeyEnv that looks like a pasted key', () => {
    const err = errorOf({ ...minimal(), apiKeyEnv: 'a8f3kK29dlQ0zz7' }, {});
    expect(err.message).not.toContain('a8f3kK29dlQ0zz7');
    expect(err.message).toContain('the environment variable named by apiKeyEnv is not set');
    const bad = errorOf({ ...minimal(), apiKeyEnv: 'k3y-with-dash' }, {});
    expect(bad.message).not.toContain('k3y-with-dash');
  });

  it('profile 1.13 with target.pullDoc', () => {
    const err = errorOf({ ...minimal(), profile: '1.13' });
    expect(err.field).toBe('target.pullDoc');
    expect(err.message).toContain('Pull Doc was removed in spec v1.13');
  });

  it('never echoes owner values', () => {
    const json = minimal();
    json.documents[0].owner = { aadhaar: '12345678901', dob: '1990-12-31', fullName: 'Sunil Kumar' };
    const err = errorOf(json);
    expect(err.message).toContain("documents[0].owner.aadhaar: must match ^\\d{12}$; expected the owner's 12-digit Aadhaar number");
    expect(err.message).not.toContain('12345678901');
    expect(err.message).not.toContain('1990-12-31');
    json.documents[0].owner = { dob: '31-02-1990' };
    expect(errorOf(json).message).toContain('documents[0].owner.dob: is not a calendar date');
  });

  it('ownerMatch: the Match options, each judged on every owner given', () => {
    const json = minimal();
    json.documents = [
      { docType: 'INCER', search: { UDF1: '1' }, owner: { fullName: 'Sunil Kumar', gender: 'Male' } },
      { docType: 'INCER', search: { UDF1: '2' } },
    ];
    expect(parseConfig({ ...json, ownerMatch: ['name', 'gender'] }, ENV, 'x').config.ownerMatch).toEqual(['name', 'gender']);
    const err = errorOf({ ...json, ownerMatch: ['name', 'phone'] });
    expect(err.field).toBe('documents[0].owner.phone');
    expect(err.message).toContain('documents[0].owner.phone: is not set, but ownerMatch lists "phone"');
    expect(err.message).not.toContain('Sunil');
    expect(errorOf({ ...json, ownerMatch: ['mobile'] }).field).toBe('ownerMatch[0]');
    expect(errorOf({ ...json, ownerMatch: [] }).field).toBe('ownerMatch');
  });

  it('absent equal to a document search', () => {
    const json = minimal();
    json.absent = { docType: 'INCER', search: { UDF1: '13333' } };
    expect(errorOf(json).message).toContain('absent.search: is the same search as documents[0]');
  });

  it('reports every problem at once, one line each', () => {
    const err = errorOf({ target: {}, apiKeyEnv: 'NOPE_NOT_SET', documents: [] }, {});
    const lines = err.message.split('\n');
    expect(lines.every((l) => l.startsWith('config my.json: '))).toBe(true);
    expect(err.issues.map((i) => i.field)).toEqual(expect.arrayContaining(['target.pullUri', 'orgId', 'documents', 'absent', 'apiKeyEnv']));
  });

  it('a non-object config', () => {
    expect(errorOf([1, 2]).message).toContain('must be an object');
  });
});

describe('loadConfig', () => {
  async function file(name: string, text: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'dlconform-config-'));
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  it('reads a file, tolerating a BOM', async () => {
    const path = await file('ok.json', `\ufeff${JSON.stringify(minimal(), null, 2)}`);
    const { config, apiKey } = await loadConfig(path, ENV);
    expect(config.orgId).toBe('in.gov.example');
    expect(apiKey).toBe('TESTAPIKEY123');
  });

  it("waivers: the path is read from the config file's folder; unset stays unset", async () => {
    const path = await file('waived.json', JSON.stringify({ ...minimal(), waivers: 'waivers.yaml' }));
    const { config } = await loadConfig(path, ENV);
    expect(config.waivers).toBe(join(dirname(path), 'waivers.yaml'));
    expect(parseConfig(minimal(), ENV, 'x').config).not.toHaveProperty('waivers');
    expect(() => parseConfig({ ...minimal(), waivers: '' }, ENV, 'x')).toThrow(/waivers: must not be empty; expected the path of a waivers file/);
  });

  it("pushed: paths are read from the config file's folder; limit defaults; a wrong type names the field", async () => {
    const path = await file('pushed.json', JSON.stringify({ ...minimal(), pushed: { db: 'pushes.sqlite', csv: ['push/a.csv', '/abs/b.csv'] } }));
    const { config } = await loadConfig(path, ENV);
    const dir = path.slice(0, path.lastIndexOf('/'));
    expect(config.pushed).toEqual({ db: join(dir, 'pushes.sqlite'), csv: [join(dir, 'push/a.csv'), '/abs/b.csv'], limit: 200 });
    expect(() => parseConfig({ ...minimal(), pushed: { csv: 'a.csv' } }, ENV, 'x')).toThrow(/pushed\.csv/);
    expect(() => parseConfig({ ...minimal(), pushed: {} }, ENV, 'x')).toThrow(/pushed/);
  });

  it('file not found', async () => {
    await expect(loadConfig('/nonexistent/dlconform.json', ENV)).rejects.toThrow(/config \/nonexistent\/dlconform\.json: file not found/);
  });

  it('a directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dlconform-config-'));
    await mkdir(join(dir, 'sub'));
    await expect(loadConfig(join(dir, 'sub'), ENV)).rejects.toThrow(/is a directory/);
  });

  it('invalid JSON gives line and column, without quoting the file', async () => {
    const path = await file('bad.json', '{\n  "orgId": "in.gov.x",\n  "owner": "Sunil Kumar",\n}\n');
    const err = await loadConfig(path, ENV).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(`config ${path}: is not valid JSON (line 4, column 1: trailing comma before "}")`);
    expect((err as Error).message).not.toContain('Sunil');
  });
});

describe('tsWindow (dlconform timing)', () => {
  it('is unset by default, and its sides default to 1800 s past and 300 s future', () => {
    expect(parseConfig(minimal(), ENV, 'x').config.tsWindow).toBeUndefined();
    expect(parseConfig({ ...minimal(), tsWindow: {} }, ENV, 'x').config.tsWindow).toEqual({ pastSeconds: 1800, futureSeconds: 300 });
    expect(parseConfig({ ...minimal(), tsWindow: { pastSeconds: 600 } }, ENV, 'x').config.tsWindow).toEqual({ pastSeconds: 600, futureSeconds: 300 });
    expect(parseConfig({ ...minimal(), tsWindow: { pastSeconds: 60, futureSeconds: 0 } }, ENV, 'x').config.tsWindow).toEqual({ pastSeconds: 60, futureSeconds: 0 });
  });

  it('names the field when a value is wrong', () => {
    expect(errorOf({ ...minimal(), tsWindow: { pastSeconds: -1 } }).message).toMatch(/tsWindow\.pastSeconds: must be >= 0/);
    expect(errorOf({ ...minimal(), tsWindow: { futureSeconds: 1.5 } }).message).toMatch(/tsWindow\.futureSeconds: must be an integer/);
    expect(errorOf({ ...minimal(), tsWindow: { pastSecond: 60 } }).message).toMatch(/tsWindow\.pastSecond: unknown field \(did you mean "pastSeconds"\?\)/);
  });
});

describe('target.pushCsv / target.pushUri (push endpoint checks)', () => {
  it('are optional, absent by default, and kept when set', () => {
    expect(parseConfig(minimal(), ENV, 'my.json').config.target).not.toHaveProperty('pushCsv');
    const json = minimal();
    json.target.pushCsv = 'http://127.0.0.1:8090/public/issuer/api/csvupload/1/xml';
    json.target.pushUri = 'http://127.0.0.1:8090/public/issuer/api/issuedoc/1/xml';
    const { config } = parseConfig(json, ENV, 'my.json');
    expect(config.target).toMatchObject({ pushCsv: json.target.pushCsv, pushUri: json.target.pushUri });
  });

  it('must be http(s) URLs', () => {
    const err = errorOf({ ...minimal(), target: { pullUri: 'http://127.0.0.1:8080/pulluri', pushCsv: 'ftp://x/y' } });
    expect(err.message).toContain('target.pushCsv: must be an http(s) URL (got "ftp://x/y")');
    expect(errorOf({ ...minimal(), target: { pullUri: 'http://127.0.0.1:8080/pulluri', pushUri: 'not a url' } }).message).toContain('target.pushUri');
  });

  it('are described in the schema', async () => {
    const schema = JSON.parse(await (await import('node:fs/promises')).readFile(new URL('./config.schema.json', import.meta.url), 'utf8'));
    for (const key of ['pushCsv', 'pushUri']) expect(schema.properties.target.properties[key].description).toMatch(/push/i);
  });
});
