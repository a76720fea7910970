/**
 * Build → read round-trips of every message in every profile: what protocol/ writes, protocol/ reads back
 * unchanged (values trimmed where the reader trims them), whatever the legal or tolerant
 * variation of the document and whatever the script and normalisation form of the values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeHash } from '../core/node-hash.js';
import { keyhash, md5Hex } from '../protocol/auth.js';
import { PROFILES, type ProfileId } from '../protocol/profiles.js';
import { readRequest, type PullApi } from '../protocol/requests.js';
import { buildResponse, readResponse, type ResponseFields, type Status } from '../protocol/responses.js';
import { anyRequest, buildRequest, indianName, legalTxn, oddTxn, params, renderTs, tolerantBuild, tsString, validDob, validUri, xmlName, xmlText, type LogicalRequest } from './arbitraries/index.js';

const md5 = (text: string) => md5Hex(nodeHash, text);
const KEY = 'roundtrip-key';
const NOW = fc.date({ min: new Date(Date.UTC(2010, 0, 1)), max: new Date(Date.UTC(2090, 0, 1)), noInvalidDate: true });

const MESSAGES: Array<[ProfileId, PullApi]> = [
  ['1.0', 'pulluri'],
  ['1.0', 'pulldoc'],
  ['3.0', 'pulluri'],
  ['3.0', 'pulldoc'],
  ['1.13', 'pulluri'],
];

/** DocDetails children in the order the request lists them (before any elementOrder). */
function expectedChildren(req: LogicalRequest): Array<[string, string]> {
  const id = req.identity;
  const list: Array<readonly [string, string | undefined]> =
    req.kind === 'pulluri'
      ? [['DocType', req.docType], ['DigiLockerId', req.digiLockerId], ['UID', id.uid], ['FullName', id.fullName], ['DOB', id.dob], ['Photo', id.photo], ...req.search, ...req.extraElements]
      : [['URI', req.uri], ['DigiLockerId', req.digiLockerId], ['UID', id.uid], ['FullName', id.fullName], ['DOB', id.dob], ...req.extraElements];
  return list.filter((e): e is readonly [string, string] => e[1] !== undefined).map(([n, v]) => [n, v]);
}

/** The request with tolerant build options sometimes (padded values, single quotes, reordered children). */
const withVariation = (profile: ProfileId, kind: PullApi) =>
  anyRequest(PROFILES[profile], kind, md5).chain((req) =>
    fc.oneof(
      fc.constant(req),
      tolerantBuild(expectedChildren(req).map(([n]) => n)).map((build) => ({ ...req, build: { ...req.build, ...build } })),
    ),
  );

describe('requests: build → readRequest gives back every field', () => {
  for (const [profile, kind] of MESSAGES) {
    it(`${kind} in profile ${profile}`, () => {
      fc.assert(
        fc.property(withVariation(profile, kind), NOW, (req, now) => {
          const ts = renderTs(req.ts, now);
          const kh = keyhash(nodeHash, KEY, ts);
          const body = buildRequest(req, ts, kh);
          const { request, findings } = readRequest(body);
          expect(findings).toEqual([]);
          expect(request!.kind).toBe(kind);
          const attrs: Record<string, string> = { ver: req.ver, ts, txn: req.txn, orgId: req.orgId, keyhash: kh };
          if (req.format !== undefined) attrs.format = req.format;
          for (const [k, v] of req.extraAttributes) attrs[k] = v;
          expect(request!.attrs).toEqual(attrs);
          const children = expectedChildren(req);
          const order = req.build.elementOrder ?? [];
          const sorted = [...children].sort((a, b) => rank(order, a[0]) - rank(order, b[0]));
          expect(request!.detailList).toEqual(sorted.map(([n, v]) => [n, v.trim()]));
        }),
        params(300),
      );
    });
  }
});

function rank(order: readonly string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

const person = fc.record({
  name: indianName().map((n) => n.value),
  dob: validDob(),
  gender: fc.constantFrom('Male', 'Female', 'Other', 'Transgender'),
  phone: fc.stringMatching(/^[6-9]\d{9}$/),
  photo: fc.option(fc.record({ format: fc.constantFrom('PNG', 'JPG', 'JPEG'), content: fc.base64String({ minLength: 4, maxLength: 64 }) }), { nil: undefined }),
});

function responseFields(profile: ProfileId, kind: PullApi): fc.Arbitrary<ResponseFields> {
  const p = PROFILES[profile];
  const statuses = (kind === 'pulluri' ? p.pullUriStatuses : p.pullDocStatuses) as Status[];
  return fc.record(
    {
      status: fc.constantFrom(...statuses),
      ts: fc.oneof(
        tsString().map((t) => t.ts),
        xmlText({ attribute: true }),
      ),
      txn: fc.oneof(legalTxn(), oddTxn()),
      statusText: fc.option(fc.constantFrom(...statuses), { nil: undefined }),
      docDetails: fc.option(
        fc.record(
          {
            echo: fc.uniqueArray(
              fc.tuple(
                xmlName().filter((n) => !['IssuedTo', 'URI', 'DocContent', 'DataContent'].includes(n)),
                xmlText(),
              ),
              { maxLength: 3, selector: ([n]) => n },
            ),
            issuedTo: profile === '1.13' ? fc.array(person, { minLength: 1, maxLength: 3 }) : fc.constant(undefined),
            uri: validUri().map((u) => u.uri),
            docContent: fc.base64String({ maxLength: 200 }),
            dataContent: fc.base64String({ maxLength: 200 }),
          },
          { requiredKeys: [] },
        ),
        { nil: undefined },
      ),
    },
    { requiredKeys: ['status', 'ts', 'txn'] },
  );
}

describe('responses: buildResponse → readResponse gives back every field', () => {
  for (const [profile, kind] of MESSAGES) {
    it(`${kind} in profile ${profile}`, () => {
      fc.assert(
        fc.property(responseFields(profile, kind), (fields) => {
          const parsed = readResponse(kind, buildResponse(kind, fields));
          expect(parsed.findings).toEqual([]);
          expect(parsed.status).toBe(fields.status);
          expect(parsed.ts).toBe(fields.ts);
          expect(parsed.txn).toBe(fields.txn);
          expect(parsed.statusText).toBe(fields.statusText?.trim() || undefined);
          const d = fields.docDetails;
          expect(parsed.uri).toBe(d?.uri?.trim());
          expect(parsed.docContent).toBe(d?.docContent);
          expect(parsed.dataContent).toBe(d?.dataContent);
          if (d?.issuedTo) {
            expect(parsed.persons!.map((p) => p.attrs)).toEqual(d.issuedTo.map((p) => ({ name: p.name, dob: p.dob, gender: p.gender, phone: p.phone })));
            expect(parsed.persons!.map((p) => p.photo)).toEqual(d.issuedTo.map((p) => p.photo));
          } else {
            expect(parsed.persons).toBeUndefined();
          }
          const echoed = parsed.docDetails?.children.filter((c) => (d?.echo ?? []).some(([n]) => n === c.name)).map((c) => [c.name, c.text]);
          if (d) expect(echoed).toEqual(d.echo ?? []);
        }),
        params(300),
      );
    });
  }
});

describe('values keep their code points through build and read', () => {
  it('names in every script, as typed, NFC and NFD, are not normalised on the way', () => {
    fc.assert(
      fc.property(anyRequest(PROFILES['3.0'], 'pulluri', md5), indianName(), (req, name) => {
        const body = buildRequest({ ...req, identity: { ...req.identity, fullName: name.value } }, '2024-05-21T10:15:30+05:30', undefined);
        expect(readRequest(body).request!.details.FullName).toBe(name.value.trim());
      }),
      params(300),
    );
  });
});
