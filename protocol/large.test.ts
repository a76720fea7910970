/**
 * Large and hostile documents in protocol/: readXml's text extraction gives the same trees, findings
 * and positions as parsing the whole document, at a fraction of the memory; the base64 scan and
 * range decoding agree with Node's; the PDF skeleton check; the strict UTF-8 decoders agree.
 */
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { buildPdf } from '../core/pdf.js';
import { base64Encode, base64Reader, bytesReader, decodeBase64Range, inspectBase64, inspectPdf, scanBase64, sniffEncoding, utf8DecodeStrict, utf8DecodeStrictJs, utf8Encode } from './bytes.js';
import { buildResponse, readResponse } from './responses.js';
import { decodeEntities, illegalXmlChar, readXml, type XmlNode } from './xml.js';

// ---------------------------------------------------------------- the reference: the whole document through fast-xml-parser

const referenceParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 64,
});

type Ordered = Record<string, unknown>;
function refNode(entry: Ordered): XmlNode | undefined {
  const name = Object.keys(entry).find((k) => k !== ':@');
  if (name === undefined || name === '#text' || name === '#comment' || name.startsWith('?')) return undefined;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries((entry[':@'] ?? {}) as Record<string, unknown>)) {
    // XML 1.0 AttValue: no raw < and no & that does not start a reference (readXml refuses both)
    if (/<|&(?!#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z_][\w.-]*;)/.test(String(v))) throw new Error('raw < or & in an attribute value');
    if (k !== 'xmlns' && !k.startsWith('xmlns:')) attrs[k] = decodeEntities(String(v));
  }
  const node: XmlNode = { name, attrs, text: '', children: [] };
  for (const item of (entry[name] ?? []) as Ordered[]) {
    if ('#text' in item) node.text += decodeEntities(String(item['#text']));
    else {
      const c = refNode(item);
      if (c) node.children.push(c);
    }
  }
  return node;
}

/** readXml without the text extraction, for documents without a DTD (the illegal-character check kept). */
function referenceRead(text: string): { root?: XmlNode; code?: string; message?: string } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const illegal = illegalXmlChar(body);
  if (illegal) return { code: 'not-well-formed', message: `not well-formed XML: ${illegal.what} at offset ${illegal.offset} is not an XML character` };
  const valid = XMLValidator.validate(body, { allowBooleanAttributes: false });
  if (valid !== true) return { code: 'not-well-formed', message: `not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})` };
  try {
    const roots = (referenceParser.parse(body) as Ordered[]).map(refNode).filter((n): n is XmlNode => n !== undefined);
    return roots.length === 1 ? { root: roots[0] } : { code: 'not-well-formed' };
  } catch (err) {
    return { code: /nest/i.test(String(err)) ? 'too-deep' : 'not-well-formed' };
  }
}

const name = fc.constantFrom('a', 'DocContent', 'ns2:URI', 'x.y', 'Person');
const textPiece = fc.oneof(
  fc.constantFrom('', ' ', '\n  ', '\r\n', 'plain', 'x>y', '&amp;', '&lt;&gt;', '&#65;', '&#x42;', '&foo;', 'a\u00e9\u0915', ']]', 'QUJD'.repeat(50)),
  fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\t', '=', '"', "'", '>', '/', '\u00e9'), maxLength: 12 }),
);
const cdata = fc.string({ unit: fc.constantFrom('a', '<', '>', '&', ' ', '\r\n', ']'), maxLength: 10 }).map((s) => `<![CDATA[${s.replace(/]]>/g, '')}]]>`);
const comment = fc.string({ unit: fc.constantFrom('a', '<', '>', '&', ' '), maxLength: 8 }).map((s) => `<!--${s}-->`);
const attr = fc.tuple(fc.constantFrom('Status', 'ts', 'txn', 'xmlns:ns2', 'b'), fc.constantFrom('1', 'a&amp;b', 'x>y', "it's", '')).map(([k, v]) => `${k}="${v}"`);

const element: fc.Memo<string> = fc.memo((depth) =>
  fc
    .tuple(
      name,
      fc.uniqueArray(attr, { maxLength: 3, selector: (a) => a.split('=')[0] }),
      fc.array(depth > 1 ? fc.oneof(textPiece, cdata, comment, element(depth - 1)) : fc.oneof(textPiece, cdata, comment), { maxLength: 5 }),
    )
    .map(([n, attrs, content]) =>
      content.length === 0 && attrs.length % 2 === 0 ? `<${n}${attrs.map((a) => ` ${a}`).join('')}/>` : `<${n}${attrs.map((a) => ` ${a}`).join('')}>${content.join('')}</${n}>`,
    ),
);

const documentText = fc.tuple(fc.constantFrom('', '<?xml version="1.0" encoding="UTF-8"?>', '\ufeff', '  \n'), element(4), fc.constantFrom('', '\n', '  ', ' trailing', '<!-- end -->'));

/** Small corruptions, so the error paths (and their positions) are compared too. */
const corrupted = fc.tuple(documentText, fc.nat(), fc.constantFrom('drop', '<', '&', '"', 'dup')).map(([[pre, el, post], at, how]) => {
  const doc = pre + el + post;
  const i = at % (doc.length + 1);
  if (how === 'drop') return doc.slice(0, i) + doc.slice(i + 1);
  if (how === 'dup') return doc.replace(/ (\w+)="([^"]*)"/, ' $1="$2" $1="$2"');
  return doc.slice(0, i) + how + doc.slice(i);
});

describe('readXml with text extraction = the whole document through the parser', () => {
  it('same tree for well-formed documents (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(documentText, ([pre, el, post]) => {
        const doc = pre + el + post;
        const ref = referenceRead(doc);
        const got = readXml(doc);
        expect(got.root).toEqual(ref.root);
        if (!ref.root) expect(got.findings[0]?.code).toBe(ref.code);
      }),
      { numRuns: 400, seed: 20261123 },
    );
  });

  it('same verdict, message and position for damaged documents (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(corrupted, (doc) => {
        const ref = referenceRead(doc);
        const got = readXml(doc);
        expect(got.root).toEqual(ref.root);
        if (!ref.root) {
          expect(got.findings[0]?.code).toBe(ref.code);
          if (ref.message && got.findings[0]?.code === 'not-well-formed' && !/the body is (empty|only whitespace)/.test(got.findings[0].message)) {
            expect(got.findings[0]?.message.replace(/ — the text alternates.*$/, '')).toBe(ref.message);
          }
        }
      }),
      { numRuns: 400, seed: 20261124 },
    );
  });

  it('positions after a long text run are those of the original document', () => {
    const doc = `<a><b>${'Q'.repeat(100_000)}</b>\n  <c x="1" x="2"/></a>`;
    expect(readXml(doc).findings[0]?.message).toBe(referenceRead(doc).message);
  });

  it('a bad ampersand inside a long text is refused as the parser would', () => {
    const doc = `<a>${'Q'.repeat(50_000)} & ${'Q'.repeat(50_000)}</a>`;
    expect(readXml(doc).findings[0]?.message).toBe(referenceRead(doc).message);
  });
});

describe('hostile and large documents', () => {
  it('a 27 MB DocContent: read in well under the time and memory of a full parse, the value is the original', () => {
    const b64 = 'QUJD'.repeat(27_000_000 / 4);
    const xml = buildResponse('pulldoc', { status: '1', ts: 't', txn: 'x', docDetails: { uri: 'in.gov.x-HSCER-AB12CD34EF', docContent: b64 } });
    const started = Date.now();
    const r = readResponse('pulldoc', xml);
    expect(Date.now() - started).toBeLessThan(5000); // the full parse takes seconds and about a gigabyte
    expect(r.findings).toEqual([]);
    expect(r.docContent!.length).toBe(b64.length);
    expect(r.docContent === b64).toBe(true);
    expect(r.uri).toBe('in.gov.x-HSCER-AB12CD34EF');
  });

  it('too many elements is refused before a tree is built', () => {
    const f = readXml(`<a>${'<b/>'.repeat(25_000)}</a>`).findings[0];
    expect(f).toMatchObject({ code: 'too-large' });
    expect(f!.message).toMatch(/^more than 20000 elements/);
    expect(readXml(`<a>${'<b/>'.repeat(25_000)}</a>`, { maxChars: 1e8, maxDepth: 64, maxElements: 30_000 }).root?.children.length).toBe(25_000);
  });

  it('10,000 nested elements: too deep, with the position', () => {
    const f = readXml(`<r>${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</r>`).findings[0];
    expect(f).toMatchObject({ code: 'too-deep', message: 'elements nested deeper than 64 levels (line 1, column 193)' });
  });

  it('empty and whitespace bodies say so', () => {
    expect(readXml('').findings[0]?.message).toBe('not well-formed XML: the body is empty');
    expect(readXml(' \r\n ').findings[0]?.message).toBe('not well-formed XML: the body is only whitespace (4 characters)');
  });

  it('UTF-16 read as UTF-8 gets a hint; binary junk does not', () => {
    const le = Buffer.from('<?xml version="1.0"?><PullURIResponse/>', 'utf16le').toString('utf8');
    expect(readXml(le).findings[0]?.message).toMatch(/UTF-16LE, not UTF-8\?$/);
    const bom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<?xml version="1.0"?><a/>', 'utf16le')]).toString('utf8');
    expect(readXml(bom).findings[0]?.message).toMatch(/UTF-16LE with a byte-order mark, not UTF-8\?$/);
    const gzipish = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0x41, 0, 0, 0]).toString('utf8');
    expect(readXml(gzipish).findings[0]?.message).not.toMatch(/UTF-16/);
  });
});

describe('bytes: base64 without decoding everything', () => {
  it('scanBase64 and decodeBase64Range agree with Node (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (data, a, b) => {
        const text = Buffer.from(data).toString('base64');
        expect(base64Encode(data)).toBe(text);
        if (data.length === 0) return;
        const scan = scanBase64(text);
        expect(scan).toMatchObject({ valid: true, hadWhitespace: false, byteLength: data.length });
        const start = a % (data.length + 1);
        const end = start + (b % (data.length - start + 2));
        expect(Buffer.from(decodeBase64Range(text, start, end)).equals(Buffer.from(data.subarray(start, end)))).toBe(true);
        expect(Buffer.from(inspectBase64(text).bytes!).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('scanBase64 reports what inspectBase64 reports', () => {
    for (const t of ['JVBERi0=', 'JVBE\r\nRi0=', '%PDF', 'abc', '', 'A===', 'QUJD\u00e9']) {
      const i = inspectBase64(t);
      const s = scanBase64(t);
      expect({ valid: s.valid, hadWhitespace: s.hadWhitespace, problem: s.problem }).toEqual({ valid: i.valid, hadWhitespace: i.hadWhitespace, problem: i.problem });
    }
  });
});

describe('bytes: the PDF skeleton', () => {
  const pdf = buildPdf({ title: 'T', lines: ['a'] });
  const text = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
  const check = (bytes: Uint8Array) => inspectPdf(bytes.length, bytesReader(bytes));

  it('the reference PDF, small and padded, directly and through base64', () => {
    expect(check(pdf)).toEqual({ header: '%PDF-1.4', eof: true, startxref: expect.any(Number), xref: 'table', trailer: true });
    const big = buildPdf({ title: 'T', lines: ['a'], padTo: 300_000 });
    expect(big.length).toBeGreaterThanOrEqual(300_000);
    const b64 = base64Encode(big);
    expect(inspectPdf(big.length, base64Reader(b64))).toEqual({ header: '%PDF-1.4', eof: true, startxref: expect.any(Number), xref: 'table', trailer: true });
  });

  it('a cross-reference stream', () => {
    const body = '%PDF-1.5\n1 0 obj\n<< /Type /Catalog >>\nendobj\n';
    const at = body.length;
    const doc = `${body}2 0 obj\n<< /Type /XRef /Size 3 /Root 1 0 R /W [1 2 1] /Length 0 >>\nstream\n\nendstream\nendobj\nstartxref\n${at}\n%%EOF\n`;
    expect(check(text(doc))).toEqual({ header: '%PDF-1.5', eof: true, startxref: body.length, xref: 'stream', trailer: true });
  });

  it('names what is wrong', () => {
    const s = Buffer.from(pdf).toString('latin1');
    expect(check(text('\x89PNG\r\n')).problem).toBe('no %PDF- header');
    expect(check(text(s.slice(0, -7))).problem).toBe('no %%EOF at the end');
    expect(check(text(s.replace(/startxref\n\d+/, 'startxref\n12'))).problem).toMatch(/^startxref points to byte 12, where there is no xref table/);
    expect(check(text(s.replace(/startxref\n\d+/, 'startxref\n99999999'))).problem).toMatch(/past the end/);
    expect(check(text(s.replace('startxref', 'startxxx'))).problem).toBe('no startxref before %%EOF');
    expect(check(text(s.replace('/Root 1 0 R', '/Info 1 0 R'))).problem).toMatch(/the trailer at byte \d+ has no \/Root/);
    expect(check(text(s.replace('trailer', 'xxxxxxx'))).problem).toMatch(/malformed at byte \d+/);
  });
});

describe('bytes: strict UTF-8', () => {
  it('TextDecoder path and the pure-JS path agree on arbitrary bytes (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 40 }),
          fc.string({ unit: 'binary', maxLength: 20 }).map((s) => utf8Encode(s)),
        ),
        (bytes) => {
          expect(utf8DecodeStrictJs(bytes)).toBe(utf8DecodeStrict(bytes));
        },
      ),
      { numRuns: 1000, seed: 3 },
    );
  });

  it('a BOM is kept, as before', () => {
    expect(utf8DecodeStrict(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41]))).toBe('\ufeffA');
  });

  it('sniffEncoding', () => {
    expect(sniffEncoding(Buffer.from('\ufeff<a/>', 'utf16le'))).toBe('utf-16le-bom');
    expect(sniffEncoding(Buffer.from('<a>text</a>', 'utf16le'))).toBe('utf-16le');
    expect(sniffEncoding(Buffer.from('<a>text</a>', 'utf16le').swap16())).toBe('utf-16be');
    expect(sniffEncoding(Buffer.from('<a/>'))).toBeUndefined();
  });
});
