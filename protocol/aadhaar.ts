/**
 * Aadhaar numbers (the UID opt-in field, C7): 12 digits, the first 2–9, the last a Verhoeff check
 * digit over the first 11 (UIDAI). The Verhoeff scheme catches every single-digit error and every
 * transposition of adjacent digits, so a generator can make numbers that are invalid in exactly
 * one known way.
 */

/** d(j, k): multiplication in the dihedral group D5 */
const D: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];

/** p(i, k): the permutation applied to the digit at position i (from the right): p(1)^i */
const P: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

const INV: readonly number[] = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

/** The Verhoeff check digit to append to a string of decimal digits. */
export function verhoeffCheckDigit(digits: string): number {
  if (!/^\d*$/.test(digits)) throw new Error('verhoeffCheckDigit takes decimal digits only');
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    c = D[c]![P[(i + 1) % 8]![digit]!]!;
  }
  return INV[c]!;
}

/** true when the last digit is the Verhoeff check digit of the others. */
export function verhoeffValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    c = D[c]![P[i % 8]![digit]!]!;
  }
  return c === 0;
}

/** An Aadhaar number as UIDAI issues them: 12 digits, not starting with 0 or 1, Verhoeff-valid. */
export function isValidAadhaar(value: string): boolean {
  return /^[2-9]\d{11}$/.test(value) && verhoeffValid(value);
}

/** Completes 11 digits (first 2–9) into a valid Aadhaar number. */
export function aadhaarFrom11(first11: string): string {
  if (!/^[2-9]\d{10}$/.test(first11)) throw new Error('aadhaarFrom11 takes 11 digits, the first 2–9');
  return first11 + String(verhoeffCheckDigit(first11));
}

/**
 * A valid Aadhaar number in the range UIDAI uses for test UIDs (9999…) that is not `aadhaar`: the
 * UID of someone else, for a request that must not be served, without naming a real person.
 */
export function otherTestAadhaar(aadhaar: string): string {
  const digits = aadhaar.replace(/\D/g, '').padStart(11, '0');
  const middle = digits.slice(4, 11);
  const candidate = aadhaarFrom11(`9999${middle}`);
  if (candidate !== aadhaar) return candidate;
  // the owner's own number is a test UID: change one digit, and the check digit with it
  return aadhaarFrom11(`9999${middle.slice(0, 6)}${(Number(middle[6]) + 1) % 10}`);
}
