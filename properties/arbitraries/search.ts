/**
 * Search values (the configured UDF elements, and the identity fields): names in every script and
 * normalisation form, dates of birth valid and invalid, Aadhaar numbers valid and invalid, the
 * MD5 of an Aadhaar number, and the values that break naive lookups (wildcards, quotes).
 */
import fc from 'fast-check';
import type { HashFunctions } from '../../protocol/auth.js';
import { invalidAadhaar, uidMd5, validAadhaar } from './aadhaar.js';
import { invalidDob, validDob } from './dates.js';
import { indianName, withLookalike } from './text.js';

export interface SearchValue {
  /** where the value comes from, for counterexamples: name:Tamil:NFD, dob:iso, aadhaar:check-digit, … */
  kind: string;
  value: string;
}

/** Values that match rows they should not in a naive SQL or LDAP lookup, or break its quoting. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${x} is one of the probes (template injection)
export const LOOKUP_BREAKERS: readonly string[] = ['%', '_', '*', "'", '"', "' OR '1'='1", "1' --", '\\', '%00', '?', '.*', '${x}'];

/** Any search value from the families above (weights favour the realistic ones). */
export function searchValue(hash: HashFunctions): fc.Arbitrary<SearchValue> {
  return fc.oneof(
    { weight: 3, arbitrary: indianName().map((n) => ({ kind: `name:${n.script}:${n.form}`, value: n.value })) },
    { weight: 1, arbitrary: validDob().map((value) => ({ kind: 'dob', value })) },
    { weight: 1, arbitrary: invalidDob().map((d) => ({ kind: `dob:${d.kind}`, value: d.value })) },
    { weight: 1, arbitrary: validAadhaar().map((value) => ({ kind: 'aadhaar', value })) },
    { weight: 1, arbitrary: invalidAadhaar().map((a) => ({ kind: `aadhaar:${a.kind}`, value: a.value })) },
    { weight: 1, arbitrary: uidMd5(hash).map((u) => ({ kind: 'uid-md5', value: u.uid })) },
    { weight: 1, arbitrary: fc.constantFrom(...LOOKUP_BREAKERS).map((value) => ({ kind: 'lookup-breaker', value })) },
  );
}

/**
 * A value near a configured one that names no document, whatever the issuer's database holds:
 * never a case change or whitespace (those may match legitimately), never a plain digit change
 * (a neighbouring roll number may be a real record). A suffix with a letter, a look-alike
 * character, or a lookup breaker.
 */
export function unknownNear(value: string): fc.Arbitrary<SearchValue> {
  const options: fc.Arbitrary<SearchValue>[] = [
    fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKQXZ0123456789'), minLength: 1, maxLength: 3 }).map((s) => ({ kind: 'suffix', value: `${value}Q${s}` })),
    fc.constantFrom(...LOOKUP_BREAKERS).map((b) => ({ kind: 'lookup-breaker', value: b })),
    fc.constantFrom(...LOOKUP_BREAKERS).map((b) => ({ kind: 'lookup-breaker-suffix', value: value + b })),
  ];
  const look = withLookalike(value);
  if (look) options.push(look.map((v) => ({ kind: 'look-alike', value: v })));
  return fc.oneof(...options);
}
