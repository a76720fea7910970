import { describe, expect, it } from 'vitest';
import { signXml } from '../fixtures/issuer/signing.js';
import { readXmlSignature } from './xml-signature.js';

const XML = '<?xml version="1.0" encoding="UTF-8"?><Certificate number="A1"><IssuedBy/><IssuedTo><Person name="रमेश कुमार"/></IssuedTo><CertificateData result="PASS"/></Certificate>';
const signed = signXml(XML);

describe('readXmlSignature (xml-crypto)', () => {
  it('an enveloped signature with its certificate verifies, covering the whole document', () => {
    expect(signed).toMatch(/<Signature xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#">.*<X509Certificate>/);
    expect(readXmlSignature(signed)).toEqual({ signatures: 1, hasCertificate: true, valid: true, references: [''] });
  });

  it('no Signature, or one in another namespace, is none', () => {
    expect(readXmlSignature(XML)).toEqual({ signatures: 0, hasCertificate: false });
    expect(readXmlSignature(XML.replace('<CertificateData', '<Signature><KeyInfo/></Signature><CertificateData'))).toEqual({ signatures: 0, hasCertificate: false });
  });

  it('a document changed after signing does not verify: a digest mismatch', () => {
    const r = readXmlSignature(signed.replace('result="PASS"', 'result="FAIL"'));
    expect(r).toMatchObject({ valid: false, problem: expect.stringMatching(/digest/) });
  });

  it('a wrong SignatureValue does not verify, and the value is not quoted', () => {
    const r = readXmlSignature(signed.replace(/<SignatureValue>./, '<SignatureValue>A'));
    expect(r.valid).toBe(false);
    expect(r.problem).toBe('the SignatureValue does not verify against the certificate in KeyInfo');
  });

  it('without an X509Certificate nothing is verified; an unknown algorithm is not a failure', () => {
    expect(readXmlSignature(signed.replace(/<KeyInfo>.*<\/KeyInfo>/, ''))).toEqual({ signatures: 1, hasCertificate: false });
    const r = readXmlSignature(signed.replace('rsa-sha256', 'rsa-sha999'));
    expect(r).toMatchObject({ unsupported: true, problem: expect.stringMatching(/not supported/) });
    expect(r.valid).toBeUndefined();
  });
});
