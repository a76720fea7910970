import { describe, expect, it } from 'vitest';
import { base64Encode, endsWithAsciiWithin, inspectBase64, startsWithAscii, toHex, utf8DecodeStrict, utf8Encode } from './bytes.js';

describe('byte helpers agree with Node', () => {
  const samples = ['', 'a', 'ab', 'abc', 'सुनील कुमार', 'ÅÉ€𝄞', '<x a="1"/>'];
  it('utf8Encode and base64Encode', () => {
    for (const s of samples) {
      expect(Buffer.from(utf8Encode(s)).equals(Buffer.from(s, 'utf8'))).toBe(true);
      expect(base64Encode(utf8Encode(s))).toBe(Buffer.from(s, 'utf8').toString('base64'));
    }
  });
  it('strict UTF-8 decoding accepts valid text and refuses invalid bytes', () => {
    for (const s of samples) expect(utf8DecodeStrict(Buffer.from(s, 'utf8'))).toBe(s);
    expect(utf8DecodeStrict(Uint8Array.from([0x3c, 0xe9, 0x3e]))).toBeUndefined();
    expect(utf8DecodeStrict(Uint8Array.from([0xe0, 0x80, 0x80]))).toBeUndefined(); // overlong
    expect(utf8DecodeStrict(Uint8Array.from([0xed, 0xa0, 0x80]))).toBeUndefined(); // surrogate
    expect(utf8DecodeStrict(Uint8Array.from([0xe2, 0x82]))).toBeUndefined(); // truncated
  });
  it('toHex', () => {
    expect(toHex(Uint8Array.from([0, 15, 255]))).toBe('000fff');
  });
  it('inspectBase64: valid, whitespace, invalid', () => {
    expect(inspectBase64('JVBERi0=')).toMatchObject({ valid: true, hadWhitespace: false });
    expect(Buffer.from(inspectBase64('JVBE\r\nRi0=').bytes!).toString()).toBe('%PDF-');
    expect(inspectBase64('JVBE\r\nRi0=').hadWhitespace).toBe(true);
    expect(inspectBase64('%PDF').valid).toBe(false);
    expect(inspectBase64('abc').valid).toBe(false);
    expect(inspectBase64('').valid).toBe(false);
  });
  it('PDF markers', () => {
    const pdf = Buffer.from('%PDF-1.4\n...\n%%EOF\n');
    expect(startsWithAscii(pdf, '%PDF-')).toBe(true);
    expect(endsWithAsciiWithin(pdf, '%%EOF')).toBe(true);
    expect(endsWithAsciiWithin(Buffer.from('%PDF-1.4 truncated'), '%%EOF')).toBe(false);
  });
});
