/**
 * Aadhaar numbers, valid and each way invalid by the UIDAI rules (protocol/aadhaar.ts: 12 digits, the
 * first 2–9, a Verhoeff check digit), and the MD5 form profile 1.13 sends as UID (C7).
 */
import fc from 'fast-check';
import { aadhaarFrom11, isValidAadhaar, verhoeffCheckDigit } from '../../protocol/aadhaar.js';
import { md5Hex, type HashFunctions } from '../../protocol/auth.js';

const digits = (n: number, first = '0123456789') =>
  fc.tuple(fc.constantFrom(...first), fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n - 1, maxLength: n - 1 })).map(([a, b]) => a + b);

/** A valid Aadhaar number: 11 digits (first 2–9) and their Verhoeff check digit. */
export const validAadhaar = (): fc.Arbitrary<string> => digits(11, '23456789').map(aadhaarFrom11);

export type InvalidAadhaarKind = 'check-digit' | 'single-digit' | 'transposition' | 'leading-digit' | 'length' | 'non-digit' | 'grouped';

export interface InvalidAadhaar {
  kind: InvalidAadhaarKind;
  value: string;
  /** the valid number it was made from */
  from: string;
}

const otherDigit = (d: string, k: number) => String((Number(d) + 1 + (k % 9)) % 10);

/** An Aadhaar number that is invalid in exactly one named way; `isValidAadhaar` rejects each. */
export function invalidAadhaar(kinds?: readonly InvalidAadhaarKind[]): fc.Arbitrary<InvalidAadhaar> {
  const all: InvalidAadhaarKind[] = ['check-digit', 'single-digit', 'transposition', 'leading-digit', 'length', 'non-digit', 'grouped'];
  return fc
    .record({ kind: fc.constantFrom(...(kinds ?? all)), from: validAadhaar(), at: fc.nat(), k: fc.nat(), long: fc.boolean() })
    .map(({ kind, from, at, k, long }) => {
      const chars = [...from];
      switch (kind) {
        case 'check-digit':
          chars[11] = otherDigit(chars[11]!, k);
          return { kind, from, value: chars.join('') };
        case 'single-digit': {
          const i = 1 + (at % 10); // keep the first digit 2–9; Verhoeff catches any single change
          chars[i] = otherDigit(chars[i]!, k);
          return { kind, from, value: chars.join('') };
        }
        case 'transposition': {
          // swap the first adjacent pair of different digits at or after `at`
          for (let n = 0; n < 11; n++) {
            const i = (at + n) % 11;
            if (chars[i] !== chars[i + 1] && (i > 0 || (chars[1] !== '0' && chars[1] !== '1'))) {
              [chars[i], chars[i + 1]] = [chars[i + 1]!, chars[i]!];
              return { kind, from, value: chars.join('') };
            }
          }
          chars[11] = otherDigit(chars[11]!, k);
          return { kind: 'check-digit' as const, from, value: chars.join('') };
        }
        case 'leading-digit': {
          // Verhoeff-valid, but UIDAI never issues numbers starting 0 or 1
          const body = (k % 2 === 0 ? '0' : '1') + from.slice(1, 11);
          return { kind, from, value: body + String(verhoeffCheckDigit(body)) };
        }
        case 'length':
          return { kind, from, value: long ? from + String(k % 10) : from.slice(0, 11) };
        case 'non-digit':
          chars[at % 12] = 'ABCDEFGHJKXO'[k % 12]!;
          return { kind, from, value: chars.join('') };
        case 'grouped':
          return { kind, from, value: `${from.slice(0, 4)} ${from.slice(4, 8)} ${from.slice(8)}` };
        default:
          throw new Error(`no invalid Aadhaar of kind ${kind satisfies never}`);
      }
    })
    .filter((x) => !isValidAadhaar(x.value));
}

/** The UID of profile 1.13: lowercase hex MD5 of a (valid) Aadhaar number. */
export const uidMd5 = (hash: HashFunctions): fc.Arbitrary<{ aadhaar: string; uid: string }> => validAadhaar().map((aadhaar) => ({ aadhaar, uid: md5Hex(hash, aadhaar) }));
