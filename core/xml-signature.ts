/**
 * The XMLDSig Signature of a certificate XML (OAS-AUTHPARTNER XMLFormatSchema: Signature with
 * SignedInfo, SignatureValue, KeyInfo/X509Data): found, and verified by xml-crypto against the
 * X.509 certificate its own KeyInfo carries. That proves the document is unchanged since whoever
 * holds that certificate's key signed it (integrity), not that the signer is a trusted issuer:
 * no certificate chain is judged. Node-only (xml-crypto uses node:crypto), so not in protocol/.
 */
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';

export interface XmlSignatureReading {
  /** how many Signature elements in the XMLDSig namespace the document holds */
  signatures: number;
  /** the first signature carries KeyInfo/X509Data/X509Certificate */
  hasCertificate: boolean;
  /** set when verification was tried: true when it verifies */
  valid?: boolean;
  /** why it does not verify, or why it could not be tried (an algorithm xml-crypto does not support) */
  problem?: string;
  /** verification was not possible: an algorithm xml-crypto does not implement */
  unsupported?: boolean;
  /** the Reference URIs the verified signature covers ("" is the whole document) */
  references?: string[];
}

export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** Reads (and where it holds its certificate, verifies) the first XMLDSig Signature of well-formed `xml`. */
export function readXmlSignature(xml: string): XmlSignatureReading {
  const doc = new DOMParser({ errorHandler: { warning: () => {}, error: () => {}, fatalError: () => {} } }).parseFromString(xml, 'text/xml');
  const found = Array.from(doc.getElementsByTagNameNS(XMLDSIG_NS, 'Signature'));
  const first = found[0];
  if (!first) return { signatures: 0, hasCertificate: false };
  const certificates = Array.from(first.getElementsByTagNameNS(XMLDSIG_NS, 'X509Certificate')).filter((c) => (c.textContent ?? '').trim() !== '');
  const out: XmlSignatureReading = { signatures: found.length, hasCertificate: certificates.length > 0 };
  if (!out.hasCertificate) return out;
  const verifier = new SignedXml({ getCertFromKeyInfo: SignedXml.getCertFromKeyInfo });
  try {
    verifier.loadSignature(first);
    out.valid = verifier.checkSignature(xml);
    if (out.valid) out.references = verifier.getReferences().map((r) => r.uri);
    else out.problem = 'a Reference digest does not match: the document was changed after it was signed';
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    out.unsupported = /is not supported/.test(message);
    if (!out.unsupported) out.valid = false;
    // xml-crypto quotes the whole SignatureValue in this message: name the finding, not the value
    out.problem = /^invalid signature/.test(message) ? 'the SignatureValue does not verify against the certificate in KeyInfo' : message.slice(0, 200);
  }
  return out;
}
