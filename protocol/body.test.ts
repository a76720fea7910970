import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPdf } from '../core/pdf.js';
import { base64Encode, base64Reader, compactBase64, inspectPdf, isBlankText, sameText, scanBase64, textHead, utf8Encode } from './bytes.js';
import { exciseRuns, readXmlBytes, runText } from './body.js';
import { buildResponse, contentOf, readResponse, readResponseBytes, type ParsedResponse } from './responses.js';
import { readXml } from './xml.js';

const RUN = 64; // a small threshold, so that generated documents have runs

/** What a reader of either kind makes of a response, content spelled out. */
function view(p: ParsedResponse) {
  return {
    rootName: p.rootName,
    status: p.status,
    ts: p.ts,
    txn: p.txn,
    statusText: p.statusText,
    uri: p.uri,
    docContent: p.docContent,
    dataContent: p.dataContent,
    persons: p.persons,
    findings: p.findings,
  };
}

const lineBroken = (b64: string, width: number, eol: string) => b64.replace(new RegExp(`(.{${width}})`, 'g'), `$1${eol}`);

describe('reading a large body from its bytes = reading it as one string', () => {
  it('same response, content kept as bytes when it is a long run (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.uint8Array({ maxLength: 200 }), fc.constantFrom('', '\n', '\r\n'), fc.constantFrom('सुनील कुमार', 'Asha', 'Ø <&> "'), (pdf, xml, eol, name) => {
        const docContent = eol ? lineBroken(base64Encode(pdf), 76, eol) : base64Encode(pdf);
        const text = buildResponse('pulldoc', {
          status: '1',
          ts: '2026-12-04T09:00:00+05:30',
          txn: 't-1',
          docDetails: { issuedTo: [{ name, dob: '01-01-2000', gender: 'F', phone: '9999999999' }], uri: 'in.gov.x-HSCER-123', docContent, dataContent: base64Encode(xml) },
        });
        const whole = readResponse('pulldoc', text);
        const held = readResponseBytes('pulldoc', utf8Encode(text), undefined, RUN);
        expect(view(held)).toEqual(view(whole));
        expect(contentOf(held, 'DocContent') instanceof Uint8Array).toBe(docContent.length >= RUN);
        expect(contentOf(held, 'DataContent') instanceof Uint8Array).toBe(base64Encode(xml).length >= RUN);
        // the scans judge both forms alike
        expect(scanBase64(contentOf(held, 'DocContent')!)).toEqual(scanBase64(whole.docContent!));
      }),
      { seed: 4242, numRuns: 150 },
    );
  });

  it('damaged markup after a run: the same finding, on the same line', () => {
    const run = lineBroken(base64Encode(new Uint8Array(3000).fill(7)), 76, '\n');
    const text = `<?xml version="1.0"?>\n<PullDocResponse><ResponseStatus Status="1" ts="a" txn="b"/><DocDetails><DocContent>${run}</DocContent>\n\n<Broken></DocDetails></PullDocResponse>`;
    const whole = readXml(text);
    const held = readXmlBytes(utf8Encode(text), undefined, RUN);
    expect(whole.root).toBeUndefined();
    expect(held.root).toBeUndefined();
    const line = (m: string | undefined) => /line (\d+)/.exec(m ?? '')?.[1];
    expect(line(held.findings[0]?.message)).toBe(line(whole.findings[0]?.message));
    expect(line(held.findings[0]?.message)).toBeDefined();
  });

  it('what is not one clean run is read as text: runs beside entities, runs inside attribute values', () => {
    const a = 'A'.repeat(200);
    const mixed = `<r><c>${a}&#10;${a}</c></r>`;
    const node = readXmlBytes(utf8Encode(mixed), undefined, RUN).root!.children[0]!;
    expect(node.bytes).toBeUndefined();
    expect(node.text).toBe(`${a}\n${a}`);
    const attr = `<r><c v=">${a}">x</c></r>`;
    expect(exciseRuns(utf8Encode(attr), RUN)).toBeUndefined();
    expect(readXmlBytes(utf8Encode(attr), undefined, RUN).root!.children[0]!.attrs.v).toBe(`>${a}`);
  });

  it('a body already holding the token characters, or no run, is read as one string', () => {
    const a = 'A'.repeat(200);
    expect(exciseRuns(utf8Encode(`<r a="\uE002"><c>${a}</c></r>`), RUN)).toBeUndefined();
    expect(readXmlBytes(utf8Encode(`<r a="\uE002"><c>${a}</c></r>`), undefined, RUN).root!.children[0]!.text).toBe(a);
    expect(exciseRuns(utf8Encode('<r><c>short</c></r>'), RUN)).toBeUndefined();
  });

  it('a run keeps its line endings as XML reads them', () => {
    const run = utf8Encode('QUJD\r\nREVG\rR0hJ');
    expect(runText(run)).toBe('QUJD\nREVG\nR0hJ');
    const node = readXmlBytes(utf8Encode(`<r>${'QUJD\r\n'.repeat(40)}</r>`), undefined, RUN).root!;
    expect(node.bytes).toBeDefined();
    expect(node.text).toBe('QUJD\n'.repeat(40));
  });

  it('not UTF-8, or over the size limit: a finding, no tree', () => {
    expect(readXmlBytes(Uint8Array.from([0x3c, 0x72, 0x3e, 0xff, 0x3c, 0x2f, 0x72, 0x3e])).findings[0]?.code).toBe('not-utf8');
    const big = utf8Encode(`<r>${'A'.repeat(500)}</r>`);
    expect(readXmlBytes(big, { maxChars: 400, maxDepth: 8 }, RUN).findings[0]?.code).toBe('too-large');
  });
});

describe('base64 text held as bytes', () => {
  it('compact, blank, same, head: as for strings', () => {
    const s = 'QUJD\nREVG ';
    const b = utf8Encode(s);
    expect(compactBase64(b)).toEqual(utf8Encode('QUJDREVG'));
    expect(compactBase64(s)).toBe('QUJDREVG');
    expect(isBlankText(utf8Encode(' \n\t'))).toBe(true);
    expect(isBlankText(b)).toBe(false);
    expect(isBlankText(undefined)).toBe(true);
    expect(sameText(compactBase64(b), 'QUJDREVG')).toBe(true);
    expect(sameText(b, 'QUJDREVH')).toBe(false);
    expect(textHead(b, 4)).toBe('QUJD');
  });

  it('scans and PDF windows judge bytes as they judge the string, damage included', () => {
    const pdf = buildPdf({ title: 'held as bytes', lines: ['a line'], padTo: 5000 });
    const good = base64Encode(pdf);
    const cases = [good, good.slice(0, -3), `${good.slice(0, 40)}=${good.slice(41)}`, base64Encode(pdf.subarray(0, pdf.length - 200)), base64Encode(utf8Encode('not a pdf at all, just text'))];
    for (const text of cases) {
      const bytes = utf8Encode(text);
      expect(scanBase64(bytes)).toEqual(scanBase64(text));
      const scan = scanBase64(text);
      if (scan.valid) expect(inspectPdf(scan.byteLength, base64Reader(bytes))).toEqual(inspectPdf(scan.byteLength, base64Reader(text)));
    }
  });
});
