import { describe, expect, it } from 'vitest';
import { aadhaarFrom11, isValidAadhaar, otherTestAadhaar, verhoeffCheckDigit, verhoeffValid } from './aadhaar.js';

describe('Verhoeff check digit (Aadhaar)', () => {
  it('known vectors', () => {
    expect(verhoeffCheckDigit('236')).toBe(3);
    expect(verhoeffCheckDigit('12345')).toBe(1);
    expect(verhoeffCheckDigit('142857')).toBe(0);
    expect(verhoeffValid('2363')).toBe(true);
    expect(verhoeffValid('2336')).toBe(false);
  });
  it('UIDAI test numbers are valid Aadhaar numbers', () => {
    expect(isValidAadhaar('999941057058')).toBe(true);
    expect(isValidAadhaar('999999990019')).toBe(true);
  });
  it('rejects a leading 0 or 1, other lengths and non-digits', () => {
    expect(isValidAadhaar(`0${aadhaarFrom11('23456789012').slice(1)}`)).toBe(false);
    expect(isValidAadhaar(aadhaarFrom11('23456789012').slice(0, 11))).toBe(false);
    expect(isValidAadhaar('2345 6789 0123')).toBe(false);
    expect(() => aadhaarFrom11('1234567890A')).toThrow();
  });
});

describe('otherTestAadhaar', () => {
  it('is a valid Aadhaar number in the 9999 test range, never the one given', () => {
    for (const owner of ['579271342175', '999941057058', aadhaarFrom11('99994105705'), '000000000000']) {
      const other = otherTestAadhaar(owner);
      expect(isValidAadhaar(other)).toBe(true);
      expect(other.startsWith('9999')).toBe(true);
      expect(other).not.toBe(owner);
    }
  });
});
