/**
 * The certificate metadata XML carried base64-encoded in DataContent (facts §1.10, OAS-PUBLISHER
 * Certificate schema): root Certificate with IssuedBy, IssuedTo/Person (no Persons wrapper, C10)
 * and CertificateData.
 */
import { escapeXml, readXml, type Finding, type XmlNode } from './xml.js';

export interface CertificateFields {
  type: string;
  name: string;
  number: string;
  issueDate: string;
  issuer: { name: string; code: string };
  person: { name: string; dob: string; gender: string; phone?: string };
  data: Record<string, string>;
}

export function buildCertificateXml(c: CertificateFields): string {
  const attrs = (o: Record<string, string>) =>
    Object.entries(o)
      .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
      .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<Certificate language="99"${attrs({ name: c.name, type: c.type, number: c.number, issuedAt: c.issuer.name, issueDate: c.issueDate, validFromDate: c.issueDate, status: 'A' })}>` +
    `<IssuedBy><Organization${attrs({ name: c.issuer.name, code: c.issuer.code, type: 'SG' })}><Address type="present" country="IN"/></Organization></IssuedBy>` +
    `<IssuedTo><Person${attrs({ name: c.person.name, dob: c.person.dob, gender: c.person.gender, phone: c.person.phone ?? '' })}><Address type="permanent" country="IN"/></Person></IssuedTo>` +
    `<CertificateData${attrs(c.data)}/>` +
    `</Certificate>`
  );
}

export interface CertificateReading {
  root?: XmlNode;
  findings: Finding[];
}

/** Reads decoded DataContent: well-formed XML is a MUST, the Certificate shape a SHOULD. */
export function readCertificateXml(text: string): CertificateReading {
  const { root, findings } = readXml(text);
  if (!root) return { findings };
  const out: Finding[] = [...findings];
  if (root.name !== 'Certificate') out.push({ code: 'certificate-root', severity: 'warning', message: `root element is ${root.name}, Certificate recommended` });
  else {
    for (const name of ['IssuedBy', 'IssuedTo', 'CertificateData']) {
      if (!root.children.some((c) => c.name === name)) out.push({ code: 'certificate-shape', severity: 'warning', message: `Certificate has no ${name}` });
    }
  }
  return { root, findings: out };
}
