import { describe, expect, it } from 'vitest';
import { bytesReader } from './bytes.js';
import { findPdfSignature } from './pdf-signature.js';

const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const scan = (text: string) => {
  const b = bytes(text);
  return findPdfSignature(b.length, bytesReader(b));
};
const SIG = '6 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [0 100 200 50] /Contents <3082ABCD> >>\nendobj\n';

describe('findPdfSignature', () => {
  it('finds a signature dictionary with /ByteRange, /Contents and /SubFilter', () => {
    const doc = `%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n${SIG}%%EOF\n`;
    expect(scan(doc)).toEqual({ signature: { at: doc.indexOf('/ByteRange'), subFilter: 'adbe.pkcs7.detached', byteRange: [0, 100, 200, 50] } });
  });

  it('keys in any order, /Contents before /ByteRange', () => {
    const doc = `%PDF-1.7\n9 0 obj\n<</Contents <${'0'.repeat(16384)}>/SubFilter/ETSI.CAdES.detached/Type/Sig/ByteRange[0 1 2 3]>>\nendobj\n%%EOF`;
    expect(scan(doc).signature?.subFilter).toBe('ETSI.CAdES.detached');
  });

  it('an unsigned PDF has none; a /ByteRange without the other keys is named, not counted', () => {
    expect(scan('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n')).toEqual({});
    const partial = scan('%PDF-1.4\n5 0 obj\n<< /ByteRange [0 1 2 3] >>\nendobj\n%%EOF\n');
    expect(partial.signature).toBeUndefined();
    expect(partial.incomplete).toMatch(/no \/SubFilter, no \/Contents hex string/);
  });

  it('a /ByteRange mentioned earlier does not hide the signature after it', () => {
    const doc = `%PDF-1.4\n4 0 obj\n<< /Length 20 >>\nstream\n(/ByteRange) Tj\nendstream\nendobj\n${SIG}%%EOF\n`;
    expect(scan(doc).signature?.byteRange).toEqual([0, 100, 200, 50]);
  });

  it('finds the marker across the boundary of the 1 MiB windows it reads, once', () => {
    const pad = 'x'.repeat((1 << 20) - 4 - 10 - SIG.indexOf('/ByteRange'));
    const doc = `%PDF-1.4\n${pad}\n${SIG}%%EOF\n`;
    const at = doc.indexOf('/ByteRange');
    expect(at).toBeLessThan(1 << 20);
    expect(at + 10).toBeGreaterThan(1 << 20);
    expect(scan(doc).signature?.at).toBe(at);
  });
});
