import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeHash } from '../core/node-hash.js';
import { digilockerHmac, HMAC_HEADER, keyhash } from './auth.js';
import { replayRewrite, rewriteRequest, writtenDetailValues, type ReplayValues } from './replay.js';
import { resignRequest } from './request-factory.js';
import { readRequest } from './requests.js';

const DIR = new URL('../fixtures/examples/', import.meta.url);
const example = (name: string) => readFileSync(new URL(name, DIR), 'utf8');
const REQUESTS = readdirSync(DIR).filter((f) => f.endsWith('-request.xml'));
const signer = { hash: nodeHash, apiKey: 'replay-test-key', hmac: 'hex-base64' as const };
const TS = '2026-12-06T08:30:00+05:30';

/** The values an example already carries: replaying with them changes nothing but ts, txn and keyhash. */
function ownValues(text: string, ts: string, txn: string): Omit<ReplayValues, 'keyhash'> {
  const r = readRequest(text).request!;
  const search = r.detailList.filter(([n]) => !['DocType', 'DigiLockerId', 'UID', 'FullName', 'DOB', 'Photo', 'URI'].includes(n));
  const identity = Object.fromEntries(r.detailList.filter(([n]) => ['UID', 'FullName', 'DOB', 'Photo'].includes(n)));
  return { ts, txn, orgId: r.attrs.orgId!, docType: r.details.DocType, search, uri: r.details.URI, digiLockerId: r.details.DigiLockerId, identity };
}

const setAttribute = (text: string, name: string, value: string) => text.replace(new RegExp(`(\\s${name}=")[^"]*(")`), `$1${value}$2`);

describe('replaying a request without substitution', () => {
  it('finds the four request examples', () => {
    expect(REQUESTS.sort()).toEqual(['pension-uri-request.xml', 'sample-dllog-uri-request.xml', 'sample-uidai-pulldoc-request.xml', 'spec-1.13-uri-request.xml']);
  });
  for (const name of REQUESTS) {
    it(`${name}: the original bytes apart from ts, txn and keyhash`, () => {
      const original = example(name);
      const r = resignRequest(signer, original, ownValues(original, TS, '1234567890'));
      if ('error' in r) throw new Error(r.error);
      const expected = setAttribute(setAttribute(setAttribute(original, 'ts', TS), 'txn', '1234567890'), 'keyhash', keyhash(nodeHash, signer.apiKey, TS));
      expect(r.body).toBe(expected);
      expect(r.headers[HMAC_HEADER]).toBe(digilockerHmac(nodeHash, signer.apiKey, expected, 'hex-base64'));
      expect(r.replaced.map((x) => x.where).sort()).toEqual(['@keyhash', '@orgId', '@ts', '@txn', ...r.replaced.filter((x) => x.where.startsWith('DocDetails')).map((x) => x.where)].sort());
      // every DocDetails value "replaced" by itself
      for (const x of r.replaced.filter((y) => y.where.startsWith('DocDetails'))) expect(x.to).toBe(x.from);
    });
  }
});

describe('replaying with the configured document', () => {
  const values = (over: Partial<ReplayValues>): Omit<ReplayValues, 'keyhash'> => ({
    ts: TS,
    txn: '42',
    orgId: 'in.gov.test',
    docType: 'HSCER',
    search: [
      ['rollno', '777'],
      ['year', '2024'],
    ],
    digiLockerId: 'dl-id',
    uri: 'in.gov.test-HSCER-ABC',
    identity: {},
    ...over,
  });

  it('maps the example search elements to the configured names in place, keeping padding and namespace', () => {
    const r = resignRequest(signer, example('pension-uri-request.xml'), values({ identity: { FullName: 'Asha Verma', DOB: '31-12-1990' } }));
    if ('error' in r) throw new Error(r.error);
    const body = r.body as string;
    expect(body).toContain('<AUTHN>'.replace('AUTHN', 'rollno'));
    expect(body).toContain('        <rollno>\n            777\n        </rollno>\n        <year>\n            2024\n        </year>\n    </DocDetails>');
    expect(body).toContain('<FullName>\n            Asha Verma\n        </FullName>');
    expect(body).toContain('xmlns="https://www.digitallocker.gov.in/schema/issuer/v1/pullurirequest"');
    expect(readRequest(body).request!.detailList).toEqual([
      ['DocType', 'HSCER'],
      ['FullName', 'Asha Verma'],
      ['DOB', '31-12-1990'],
      ['DigiLockerId', 'dl-id'],
      ['rollno', '777'],
      ['year', '2024'],
    ]);
    expect(r.replaced).toContainEqual({ where: 'DocDetails/AUTHN → rollno', from: 'TEST12054', to: '777' });
    expect(r.replaced).toContainEqual({ where: 'DocDetails/year', from: '(added)', to: '2024' });
  });

  it('removes identity elements the config has no value for, with the whitespace before them', () => {
    const r = resignRequest(signer, example('sample-dllog-uri-request.xml'), values({}));
    if ('error' in r) throw new Error(r.error);
    expect(r.body).toBe(
      `<?xml version="1.0"?><PullURIRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="${TS}" txn="42" orgId="in.gov.test" keyhash="${keyhash(nodeHash, signer.apiKey, TS)}">  <DocDetails><DocType>HSCER</DocType><rollno>777</rollno><year>2024</year>  </DocDetails></PullURIRequest>`,
    );
    expect(r.replaced).toContainEqual({ where: 'DocDetails/FullName', from: 'Ajit Kumar', to: '(removed)' });
  });

  it('Pull Doc: URI and DigiLockerId replaced, metadata and format kept', () => {
    const r = resignRequest(signer, example('sample-uidai-pulldoc-request.xml'), values({}));
    if ('error' in r) throw new Error(r.error);
    expect(r.kind).toBe('pulldoc');
    expect(r.body).toContain('metadata="Y" format="xml"><DocDetails><URI>in.gov.test-HSCER-ABC</URI><DigiLockerId>dl-id</DigiLockerId></DocDetails>');
  });

  it('escapes values and keeps single quotes', () => {
    const text = `<PullURIRequest ver='1.0' ts='x' txn='1' orgId='o' keyhash='k'><DocDetails><rollno a="1">1</rollno></DocDetails></PullURIRequest>`;
    const r = rewriteRequest(text, replayRewrite(readRequest(text).request!, { ...values({ search: [['rollno', 'a<b&"c']] }), keyhash: 'h' }));
    expect(r).toMatchObject({ ok: true });
    if (r.ok) {
      expect(r.body).toBe(`<PullURIRequest ver='1.0' ts='${TS}' txn='42' orgId='in.gov.test' keyhash='h'><DocDetails><rollno a="1">a&lt;b&amp;&quot;c</rollno></DocDetails></PullURIRequest>`);
      expect(readRequest(r.body).request!.details.rollno).toBe('a<b&"c');
    }
  });

  it('refuses a value it cannot line up with the reader (a comment inside it)', () => {
    const text = '<PullURIRequest ver="1.0" ts="x" txn="1" orgId="o"><DocDetails><rollno>1<!-- c -->2</rollno></DocDetails></PullURIRequest>';
    const r = rewriteRequest(text, replayRewrite(readRequest(text).request!, { ...values({ search: [['rollno', '9']] }) }));
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/rollno holds markup/) });
  });

  it('refuses a body that is not a Pull request', () => {
    expect(resignRequest(signer, '<Other/>', values({}))).toMatchObject({ error: expect.stringMatching(/not a readable Pull request/) });
  });
});

describe('the DocDetails values as written', () => {
  it('keeps character references and drops the padding, by element name', () => {
    const text =
      '<PullURIRequest ver="1.0" ts="t" txn="1" orgId="o"><ns2:DocDetails xmlns:ns2="x"><ns2:DocType>HSCER</ns2:DocType><rollno>\n A&#x26;B1\n</rollno><year/></ns2:DocDetails></PullURIRequest>';
    expect(writtenDetailValues(text)).toEqual([
      ['DocType', 'HSCER'],
      ['rollno', 'A&#x26;B1'],
      ['year', ''],
    ]);
  });
});
