import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aadhaarFrom11, verhoeffCheckDigit } from '../protocol/aadhaar.js';
import { escapeXml } from '../protocol/xml.js';
import { Redactor } from './redact.js';

const owner = { fullName: 'Sunil Kumar', dob: '31-12-1990', aadhaar: '123443211122', phone: '9876543210', gender: 'Male' };
const config = { documents: [{ owner }, {}] };

describe('Redactor: literal secrets', () => {
  const r = new Redactor({ apiKey: 'TESTAPIKEY123', config });

  it('replaces the API key and owner data by labelled placeholders', () => {
    expect(r.redact('key TESTAPIKEY123 here')).toBe('key [REDACTED:apiKey] here');
    expect(r.redact('name: Sunil Kumar, dob 31-12-1990, tel +919876543210')).toBe('name: [REDACTED:name], dob [REDACTED:dob], tel +91[REDACTED:phone]');
  });

  it('catches other forms of the same values', () => {
    expect(r.redact('SUNIL KUMAR / sunil   kumar / Sunil\n Kumar / Sunil%20Kumar / Sunil+Kumar')).not.toMatch(/sunil/i);
    expect(r.redact('1990-12-31 31/12/1990 31121990')).toBe('[REDACTED:dob] [REDACTED:dob] [REDACTED:dob]');
    expect(r.redact('1234 4321 1122 and 1234-4321-1122')).toBe('[REDACTED:aadhaar] and [REDACTED:aadhaar]');
    const md5 = createHash('md5').update('123443211122').digest('hex');
    expect(r.redact(`UID=${md5} UID=${md5.toUpperCase()}`)).toBe('UID=[REDACTED:uid] UID=[REDACTED:uid]');
  });

  it('catches the API key as hex and base64 of its bytes, as an issuer may log it', () => {
    const hex = Buffer.from('TESTAPIKEY123').toString('hex');
    const base64 = Buffer.from('TESTAPIKEY123').toString('base64');
    const text = r.redact(`hex ${hex} HEX ${hex.toUpperCase()} b64 ${base64} url ${Buffer.from('TESTAPIKEY123').toString('base64url')}`);
    expect(text).not.toContain(hex);
    expect(text).not.toMatch(new RegExp(hex, 'i'));
    expect(text).not.toContain(base64.replace(/=+$/, ''));
    expect(text).not.toContain(Buffer.from('TESTAPIKEY123').toString('base64url'));
  });

  it('catches XML-escaped, JSON-escaped and URL-encoded forms', () => {
    const r2 = new Redactor({ apiKey: `k&y"<1>'z\\q`, config: { documents: [{ owner: { fullName: "D'Souza & Sons" } }] } });
    const key = `k&y"<1>'z\\q`;
    for (const form of [
      key,
      escapeXml(key),
      JSON.stringify(key).slice(1, -1),
      encodeURIComponent(key),
      key
        .replace(/'/g, '&#39;')
        .replace(/"/g, '&#34;')
        .replace(/&(?!#)/g, '&#38;')
        .replace(/</g, '&#60;')
        .replace(/>/g, '&#62;'),
    ]) {
      expect(r2.redact(`[${form}]`)).toBe('[[REDACTED:apiKey]]');
    }
    expect(r2.redact('<Person name="D&apos;SOUZA &amp; SONS"/>')).not.toMatch(/souza/i);
    expect(r2.redact('{"n":"d\'souza & sons"}')).toBe('{"n":"[REDACTED:name]"}');
  });

  it('ignores secrets shorter than 4 characters, and search values are not secret', () => {
    const r3 = new Redactor({ apiKey: 'abc', config: { documents: [{ owner: { fullName: 'Al' } }] } });
    expect(r3.redact('abc Al abcd')).toBe('abc Al abcd');
    expect(r.redact('<UDF1>13333</UDF1>')).toBe('<UDF1>13333</UDF1>');
  });

  it('addSecret rebuilds the pattern and longest secrets win', () => {
    const r4 = new Redactor();
    expect(r4.redact('token-abcdef')).toBe('token-abcdef');
    r4.addSecret('abcd', 'short');
    r4.addSecret('token-abcdef', 'long');
    expect(r4.redact('token-abcdef abcd')).toBe('[REDACTED:long] [REDACTED:short]');
  });

  it('with hundreds of secrets each text is matched against those it may hold, and every form is still found', () => {
    const many = new Redactor({ apiKey: 'TESTAPIKEY123', config });
    const keyhashes = Array.from({ length: 400 }, (_, i) => createHash('sha256').update(`ts-${i}`).digest('hex'));
    const hmacs = Array.from({ length: 400 }, (_, i) => createHash('sha256').update(`hmac-${i}`).digest('base64'));
    keyhashes.forEach((k, i) => {
      many.addSecret(k, 'keyhash');
      many.addSecret(hmacs[i]!, 'hmac');
    });
    const k = keyhashes[217]!;
    const h = hmacs[33]!;
    // upper case, JSON-escaped and URL-encoded forms, and the long s (U+017F), which the pattern's case folding reads as s
    const text = `a ${k.toUpperCase()} b ${JSON.stringify(h).slice(1, -1)} c ${encodeURIComponent(h)} d Sunil Kumar e TESTAPIKEY123 f te\u017ftapikey123`;
    const out = many.redact(text);
    expect(out).toBe('a [REDACTED:keyhash] b [REDACTED:hmac] c [REDACTED:hmac] d [REDACTED:name] e [REDACTED:apiKey] f [REDACTED:apiKey]');
    // the long s alone: only the case folding finds the key here
    expect(many.redact(`key: te\u017ftapikey123`)).toBe('key: [REDACTED:apiKey]');
    // a text that holds none of them is left alone, and a later secret is found at once
    expect(many.redact('nothing secret here')).toBe('nothing secret here');
    many.addSecret('late-secret-value', 'late');
    expect(many.redact(`x late-secret-value ${hmacs[399]!}`)).toBe('x [REDACTED:late] [REDACTED:hmac]');
  });

  it('the prefilter finds every character the case-insensitive pattern folds to an ASCII letter', () => {
    // only two non-ASCII characters fold to ASCII letters: the Kelvin sign (to k) and the long s (to s)
    const folding = new Redactor({ apiKey: 'TESTAPIKEY123' });
    for (let i = 0; i < 50; i++) folding.addSecret(`unrelated-secret-${i}`, 'other');
    expect(folding.redact('key: TESTAPI\u212aEY123')).toBe('key: [REDACTED:apiKey]');
    expect(folding.redact('key: te\u017ftapikey123')).toBe('key: [REDACTED:apiKey]');
  });

  it('is idempotent', () => {
    const text = `<PullURIRequest keyhash="${'a'.repeat(64)}"><DocDetails><FullName>Sunil Kumar</FullName><UID>123443211122</UID></DocDetails></PullURIRequest>`;
    const once = r.redact(text);
    expect(r.redact(once)).toBe(once);
  });
});

describe('Redactor: values the harness generated', () => {
  it('a kept txn stays readable even when its digits look like an Aadhaar number; the same number elsewhere is redacted', () => {
    const r = new Redactor({ apiKey: 'TESTAPIKEY123' });
    const txn = aadhaarFrom11('34567890123');
    r.keep(txn);
    expect(r.redact(`txn="${txn}" and TESTAPIKEY123`)).toBe(`txn="${txn}" and [REDACTED:apiKey]`);
    expect(new Redactor().redact(`txn="${txn}"`)).toBe('txn="[REDACTED:aadhaar-like]"');
  });
});

describe('Redactor: shapes', () => {
  const r = new Redactor();

  it('keyhash attributes in any case and quoting', () => {
    expect(r.redact(`<A keyhash="abc123" keyHash='def' KeyHash = "x"/>`)).toBe(`<A keyhash="[REDACTED:keyhash]" keyHash='[REDACTED:keyhash]' KeyHash = "[REDACTED:keyhash]"/>`);
    expect(r.redact('{"body":"<A keyhash=\\"abc123\\">"}')).toBe('{"body":"<A keyhash=\\"[REDACTED:keyhash]\\">"}');
  });

  it('x-digilocker-hmac header lines and JSON, but not shell variables', () => {
    expect(r.redact('POST /x\r\nx-digilocker-hmac: YWFlMGVm==\r\nContent-Type: application/xml')).toBe('POST /x\r\nx-digilocker-hmac: [REDACTED:hmac]\r\nContent-Type: application/xml');
    expect(r.redact('{"X-DigiLocker-HMAC":"quDveUD6QDiZ=","a":1}')).toBe('{"X-DigiLocker-HMAC":"[REDACTED:hmac]","a":1}');
    expect(r.redact(`-H "x-digilocker-hmac: $DLCONFORM_HMAC"`)).toBe(`-H "x-digilocker-hmac: $DLCONFORM_HMAC"`);
  });

  it('Aadhaar element text with any prefix, attributes and CDATA', () => {
    const xml =
      '<ns2:UID>abc</ns2:UID><FullName>\n  Ajit Kumar\n</FullName><DOB>01-01-2000</DOB><Photo format="JPG">/9j/4AAQ</Photo>' +
      '<fullname><![CDATA[x<y]]></fullname><FullName/><FullName>  </FullName><DocType>INCER</DocType>';
    expect(r.redact(xml)).toBe(
      '<ns2:UID>[REDACTED:UID]</ns2:UID><FullName>[REDACTED:FullName]</FullName><DOB>[REDACTED:DOB]</DOB><Photo format="JPG">[REDACTED:Photo]</Photo>' +
        '<fullname>[REDACTED:fullname]</fullname><FullName/><FullName>  </FullName><DocType>INCER</DocType>',
    );
    expect(r.redact('&lt;FullName&gt;Ajit&lt;/FullName&gt;')).toBe('&lt;FullName&gt;[REDACTED:FullName]&lt;/FullName&gt;');
  });

  it('Person attributes, and only inside Person', () => {
    expect(r.redact('<Person name="Sunita Devi" dob="25-03-1993" gender="Female" phone=\'9873451238\'/><testcase name="keep"/>')).toBe(
      '<Person name="[REDACTED:name]" dob="[REDACTED:dob]" gender="Female" phone=\'[REDACTED:phone]\'/><testcase name="keep"/>',
    );
  });

  it('12-digit numbers with a valid Verhoeff check digit, standing alone, and 64-hex runs', () => {
    const aadhaar = aadhaarFrom11('23456789012');
    const notAadhaar = aadhaar.slice(0, 11) + String((Number(aadhaar[11]) + 1) % 10);
    const grouped = `${aadhaar.slice(0, 4)} ${aadhaar.slice(4, 8)} ${aadhaar.slice(8)}`;
    expect(r.redact(`a ${aadhaar} b 1${aadhaar} c x${aadhaar} d ${grouped} e 1452503688 f ${notAadhaar}`)).toBe(
      `a [REDACTED:aadhaar-like] b 1${aadhaar} c x${aadhaar} d [REDACTED:aadhaar-like] e 1452503688 f ${notAadhaar}`,
    );
    const hex = '47d98af877b52608faab62ef8b782e38a2ecafdca041c71f3fcfdcb53109f172';
    expect(r.redact(`h=${hex} H=${hex.toUpperCase()} short=${hex.slice(0, 32)} base64ish=Q${hex}Q`)).toBe(`h=[REDACTED:hex] H=[REDACTED:hex] short=${hex.slice(0, 32)} base64ish=Q${hex}Q`);
  });
});

describe('Redactor: headers and deep values', () => {
  const r = new Redactor({ apiKey: 'TESTAPIKEY123', config });

  it('redactHeaders blanks sensitive headers and redacts the rest', () => {
    expect(r.redactHeaders({ 'X-DigiLocker-HMAC': 'abc', 'content-type': 'application/xml', 'x-note': 'TESTAPIKEY123', 'set-cookie': ['a=1', 'b=2'], gone: undefined })).toEqual({
      'X-DigiLocker-HMAC': '[REDACTED:x-digilocker-hmac]',
      'content-type': 'application/xml',
      'x-note': '[REDACTED:apiKey]',
      'set-cookie': '[REDACTED:set-cookie]',
    });
  });

  it('redactDeep walks arrays and objects without mutating them', () => {
    const value = { a: ['Sunil Kumar', 1, null, true], b: { headers: { 'x-digilocker-hmac': 'zz' }, text: '<DOB>31-12-1990</DOB>' }, n: 5 };
    const copy = structuredClone(value);
    expect(r.redactDeep(value)).toEqual({
      a: ['[REDACTED:name]', 1, null, true],
      b: { headers: { 'x-digilocker-hmac': '[REDACTED:x-digilocker-hmac]' }, text: '<DOB>[REDACTED:dob]</DOB>' },
      n: 5,
    });
    expect(value).toEqual(copy);
  });
});

describe('Redactor: property', () => {
  const keyChars = fc.constantFrom(...'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.+/=&<>"\''.split(''));
  const apiKey = fc.string({ unit: keyChars, minLength: 8, maxLength: 40 });
  const word = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzåéñ'.split('')), minLength: 4, maxLength: 9 });
  const name = fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => ws.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' '));
  const digits12 = fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: 12, maxLength: 12 });
  // a number nobody configured is redacted by its shape only when it is an Aadhaar number
  const strayAadhaar = digits12.map((d) => d.slice(0, 11) + String(verhoeffCheckDigit(d.slice(0, 11))));
  const caseOf = fc.constantFrom(
    (s: string) => s,
    (s: string) => s.toUpperCase(),
    (s: string) => s.toLowerCase(),
  );

  const STATIC_TEXT =
    '<pullurirequest keyhash=""><docdetails><fullname></fullname><uid></uid><person name=""/><other></other></docdetails></pullurirequest> ' +
    '{"key":"","fullname":"","n":"no ."} key=&name= aadhaar [redacted:apikey] [redacted:name] [redacted:uid] [redacted:aadhaar] [redacted:aadhaar-like] [redacted:keyhash]';

  it('keys, names, configured Aadhaar numbers and stray Aadhaar-valid numbers never survive, in any form', () => {
    fc.assert(
      fc.property(apiKey, name, digits12, strayAadhaar, caseOf, (key, fullName, aadhaar, stray, recase) => {
        // A secret that occurs in the fixed text (tags, placeholders) says nothing when found; skip those.
        fc.pre(!STATIC_TEXT.includes(key.toLowerCase()) && !STATIC_TEXT.includes(fullName.toLowerCase()));
        const r = new Redactor({ apiKey: key, config: { documents: [{ owner: { fullName, aadhaar } }] } });
        const md5 = createHash('md5').update(aadhaar).digest('hex');
        const text = [
          `<PullURIRequest keyhash="${key}"><DocDetails><FullName>${escapeXml(recase(fullName))}</FullName><UID>${md5}</UID>`,
          `<Person name="${escapeXml(fullName)}"/><Other>${recase(fullName).replace(/ /g, '\n ')}</Other></DocDetails></PullURIRequest>`,
          JSON.stringify({ key, fullName: recase(fullName), n: `no ${stray}.` }),
          `key=${encodeURIComponent(key)}&name=${encodeURIComponent(fullName)} ${escapeXml(key)} aadhaar ${aadhaar}`,
        ].join('\n');
        const out = r.redact(text);
        const normalized = out.replace(/\s+/g, ' ').toLowerCase();
        expect(out).not.toContain(key);
        expect(out).not.toContain(escapeXml(key));
        expect(out).not.toContain(encodeURIComponent(key));
        expect(normalized).not.toContain(fullName.toLowerCase());
        expect(out).not.toContain(aadhaar);
        expect(out).not.toContain(stray);
        expect(out.toLowerCase()).not.toContain(md5);
        expect(r.redact(out)).toBe(out);
      }),
      { numRuns: 300 },
    );
  });

  it('stays fast on a large body', () => {
    const r = new Redactor({ apiKey: 'TESTAPIKEY123', config });
    const big = `<DocContent>${'QUJDRA=='.repeat(400_000)}</DocContent>`;
    const started = performance.now();
    expect(r.redact(big)).toBe(big);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
