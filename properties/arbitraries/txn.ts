/**
 * Transaction ids (txn). No format is specified (facts §1.2 item 11); DigiLocker has sent 10-digit
 * numbers and 32 hex characters (§2.4). Legal shapes are the ones an issuer must echo; odd ones
 * are well-formed XML that an issuer must survive (and still echo if it answers with a
 * ResponseStatus).
 */
import fc from 'fast-check';

const from = (alphabet: string, min: number, max: number) => fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });

/** The shapes seen from DigiLocker and close relatives; 10 digits first (what shrinking goes to). */
export const legalTxn = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.tuple(fc.constantFrom(...'123456789'), from('0123456789', 9, 9)).map(([a, b]) => a + b),
    from('0123456789abcdef', 32, 32),
    fc.uuid(),
    from('0123456789', 1, 18),
    from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-', 1, 40),
  );

/** Well-formed but unusual: XML specials, spaces, non-ASCII digits and letters, long. */
export const oddTxn = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('&', '<txn>', '"\'', 'a&b<c>d', ']]>', '0 1', ' 42 ', '१२३४५६७८९०', 'txn-ॐ-✓', '😀', '\u00a0'),
    from('0123456789', 100, 256),
    fc.tuple(legalTxn(), fc.constantFrom('&amp;', '<', '>', '"', "'", '%', '\\', '/')).map(([a, b]) => a + b),
  );
