/**
 * Whether a Person of a Pull URI response's IssuedTo is the document's owner, compared the way
 * DigiLocker matches it against the citizen's KYC profile (SPEC-1.13 8.1.4 #6–11): on the fields
 * the issuer selected on the partner portal (Match Name, DoB, Gender, Mobile). Each field is
 * normalised first, so a form the spec leaves loose (case, spacing, M for Male, a +91 prefix)
 * is not a mismatch; only a different value is.
 */
import { isCalendarDate } from './dates.js';

/** The Person attributes DigiLocker can match, by their names in the response. */
export type PersonField = 'name' | 'dob' | 'gender' | 'phone';

/** The owner's values as the issuer's records hold them (the config's documents[].owner). */
export interface OwnerRecord {
  fullName?: string;
  dob?: string;
  gender?: string;
  phone?: string;
}

const OWNER_KEY = { name: 'fullName', dob: 'dob', gender: 'gender', phone: 'phone' } as const satisfies Record<PersonField, keyof OwnerRecord>;

/** The owner field a Person attribute is compared with (name ↔ fullName). */
export function ownerKey(field: PersonField): keyof OwnerRecord {
  return OWNER_KEY[field];
}

/** Unicode NFC, inner whitespace collapsed, trimmed, lower case. */
export function normaliseName(name: string): string {
  return name.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** DD-MM-YYYY for a date written DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD; undefined when it is no calendar date. */
export function normaliseDob(dob: string): string | undefined {
  const value = dob.trim();
  const dayFirst = /^(\d{2})[-/](\d{2})[-/](\d{4})$/.exec(value);
  const yearFirst = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const [day, month, year] = dayFirst ? [dayFirst[1]!, dayFirst[2]!, dayFirst[3]!] : yearFirst ? [yearFirst[3]!, yearFirst[2]!, yearFirst[1]!] : [];
  if (day === undefined || !isCalendarDate(Number(day), Number(month), Number(year))) return undefined;
  return `${day}-${month}-${year}`;
}

const GENDER_WORDS: Record<string, string> = { m: 'male', f: 'female', t: 'transgender', o: 'other' };

/** Male, Female, Transgender or Other in lower case; the one-letter forms (M, F, T, O) read as the words. */
export function normaliseGender(gender: string): string {
  const value = gender.trim().toLowerCase();
  return GENDER_WORDS[value] ?? value;
}

/** The last 10 digits: a mobile number with or without +91, 0 or separators. */
export function normalisePhone(phone: string): string {
  return phone.replace(/\D/g, '').slice(-10);
}

const NORMALISE: Record<PersonField, (value: string) => string | undefined> = {
  name: normaliseName,
  dob: normaliseDob,
  gender: normaliseGender,
  phone: normalisePhone,
};

/**
 * The fields on which a Person differs from the owner, among `fields`; a field the owner has no
 * value for is not compared. A Person without the attribute, or with one that is no value of its
 * kind (an empty phone, a dob that is no date), differs.
 */
export function differingFields(person: Readonly<Record<string, string>>, owner: OwnerRecord, fields: readonly PersonField[]): PersonField[] {
  return fields.filter((field) => {
    const expected = owner[OWNER_KEY[field]];
    if (expected === undefined) return false;
    const got = person[field];
    const normalised = got === undefined ? undefined : NORMALISE[field](got);
    return !normalised || normalised !== NORMALISE[field](expected);
  });
}

/** The fields of `fields` the owner has a value for: what a comparison with this owner judges. */
export function comparableFields(owner: OwnerRecord, fields: readonly PersonField[]): PersonField[] {
  return fields.filter((field) => owner[OWNER_KEY[field]] !== undefined);
}
