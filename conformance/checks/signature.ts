/**
 * Signed documents: DLTS e-documents are digitally signed. DocContent's PDF carries a signature
 * dictionary (presence only), the certificate XML in DataContent an XMLDSig Signature, which is
 * verified where it carries its certificate. Presence is a SHOULD (neither API schema requires
 * it of the content), a MUST where the config promises signed documents (expect.signed); a
 * signature that does not verify is a failure either way.
 *
 * Large documents: the PDF is scanned for /ByteRange one decoded MiB at a time (a 20 MB PDF is
 * never held decoded), once per exchange.
 */
import { clauseFor } from '../../protocol/clauses.js';
import { inspectPdf, compactBase64, type Base64Text, type ByteReader } from '../../protocol/bytes.js';
import { findPdfSignature, type PdfSignatureScan } from '../../protocol/pdf-signature.js';
import { readCertificateXml } from '../../protocol/certificate.js';
import { readXmlSignature, XMLDSIG_NS, type XmlSignatureReading } from '../../core/xml-signature.js';
import type { Config } from '../../core/config/index.js';
import type { Level, PullApi } from '../../core/types.js';
import { fail, pass, skip, type Check, type Outcome } from '../check.js';
import type { RunContext, SentExchange } from '../context.js';
import { baselineContent, dataOf, scanOf } from './content.js';
import { isOutcome } from './judge.js';

/** expect.signed: the issuer promised signed documents, so a missing signature fails. */
const promised = (config: Config): Level | undefined => (config.expect.signed ? 'MUST' : undefined);

/** Canonical base64 decoded by Node one window at a time (the signature scan reads every byte, so native speed matters). */
function nativeBase64Reader(compact: Base64Text): ByteReader {
  return (start, end) => {
    const firstQuad = Math.floor(start / 3);
    const from = firstQuad * 4;
    const to = Math.min(compact.length, Math.ceil(end / 3) * 4);
    const chars = typeof compact === 'string' ? compact.slice(from, to) : Buffer.from(compact.buffer, compact.byteOffset + from, Math.max(0, to - from)).toString('latin1');
    const bytes = Buffer.from(chars, 'base64');
    return bytes.subarray(start - firstQuad * 3, end - firstQuad * 3);
  };
}

/** The PDF's signature scan, once per exchange: a skip when DocContent is not a base64 PDF (other checks judge that). */
const pdfScans = new WeakMap<SentExchange, PdfSignatureScan | Outcome>();
async function pdfSignatureOf(ctx: RunContext, api: PullApi): Promise<{ ex: SentExchange; scan: PdfSignatureScan; size: number } | Outcome> {
  const got = await baselineContent(ctx, api, 'DocContent');
  if (isOutcome(got)) return got;
  const b64 = scanOf(got.ex, 'DocContent', got.value);
  if (!b64.valid) return skip(`DocContent is not base64; see ${api}.content.doccontent-base64`, [got.ex]);
  let scan = pdfScans.get(got.ex);
  if (!scan) {
    const read = nativeBase64Reader(b64.hadWhitespace ? compactBase64(got.value) : got.value);
    scan = inspectPdf(b64.byteLength, read).header ? findPdfSignature(b64.byteLength, read) : skip(`DocContent is not a PDF; see ${api}.content.doccontent-pdf`, [got.ex]);
    pdfScans.set(got.ex, scan);
  }
  return isOutcome(scan) ? scan : { ex: got.ex, scan, size: b64.byteLength };
}

/** The certificate XML's Signature, read (and verified) once per exchange; a skip when DataContent is no certificate XML. */
const xmlReadings = new WeakMap<SentExchange, XmlSignatureReading>();
async function xmlSignatureOf(ctx: RunContext, api: PullApi): Promise<{ ex: SentExchange; reading: XmlSignatureReading } | Outcome> {
  const got = await baselineContent(ctx, api, 'DataContent');
  if (isOutcome(got)) return got;
  const { text } = dataOf(got.ex, got.value);
  const cert = text === undefined ? undefined : readCertificateXml(text);
  if (!cert?.root) return skip(`DataContent is not base64 XML; see ${api}.content.datacontent-xml`, [got.ex]);
  // the Signature the schema names is the certificate's: another document is judged by certificate-root
  if (cert.root.name !== 'Certificate') return skip(`DataContent is not a Certificate; see ${api}.content.certificate-root`, [got.ex]);
  let reading = xmlReadings.get(got.ex);
  if (!reading) {
    reading = readXmlSignature(text!);
    xmlReadings.set(got.ex, reading);
  }
  return { ex: got.ex, reading };
}

export function signatureChecks(api: PullApi): Check[] {
  return [
    {
      id: `${api}.content.pdf-signed`,
      api,
      section: 'content',
      title: 'the PDF carries a signature dictionary (/ByteRange, /Contents, /SubFilter); MUST with expect.signed',
      clause: clauseFor(api, 'pdf-signed'),
      levelIn: promised,
      async run(ctx) {
        const got = await pdfSignatureOf(ctx, api);
        if (isOutcome(got)) return got;
        const sig = got.scan.signature;
        if (sig)
          return pass(`signature dictionary at byte ${sig.at}: /SubFilter /${sig.subFilter}, /ByteRange [${sig.byteRange.join(' ')}] (presence judged, the signature itself is not verified)`, [
            got.ex,
          ]);
        return fail(
          'DocContent PDF is not signed: no signature dictionary',
          { expected: 'a signature dictionary with /ByteRange, /Contents and /SubFilter', actual: got.scan.incomplete ?? `no /ByteRange in ${got.size} bytes` },
          [got.ex],
        );
      },
    },
    {
      id: `${api}.content.xml-signed`,
      api,
      section: 'content',
      title: 'the certificate XML carries an XMLDSig Signature; MUST with expect.signed',
      clause: clauseFor(api, 'xml-signed'),
      levelIn: promised,
      async run(ctx) {
        const got = await xmlSignatureOf(ctx, api);
        if (isOutcome(got)) return got;
        const { reading } = got;
        if (reading.signatures === 0) return fail('the certificate XML is not signed: no Signature element', { expected: `<Signature xmlns="${XMLDSIG_NS}">`, actual: 'none' }, [got.ex]);
        return pass(`Signature present${reading.hasCertificate ? ', with its X509Certificate' : ', without an X509Certificate in KeyInfo'}`, [got.ex]);
      },
    },
    {
      id: `${api}.content.xml-signature-valid`,
      api,
      section: 'content',
      title: "the certificate XML's Signature verifies against the X509Certificate in its KeyInfo",
      clause: clauseFor(api, 'xml-signature-valid'),
      async run(ctx) {
        const got = await xmlSignatureOf(ctx, api);
        if (isOutcome(got)) return got;
        const { reading } = got;
        if (reading.signatures === 0) return skip(`no Signature to verify; see ${api}.content.xml-signed`, [got.ex]);
        if (!reading.hasCertificate) return skip('the Signature carries no X509Certificate in KeyInfo: there is no key to verify it with', [got.ex]);
        if (reading.unsupported) return skip(`not verified: ${reading.problem}`, [got.ex]);
        if (reading.valid) {
          const covers = reading.references!.map((u) => (u === '' ? 'the whole document' : u)).join(', ');
          return pass(`the Signature verifies (covering ${covers}) against the certificate in its KeyInfo`, [got.ex]);
        }
        return fail(`the certificate XML's Signature does not verify: ${reading.problem}`, { expected: 'a Signature that verifies', actual: reading.problem }, [got.ex]);
      },
    },
  ];
}
