/**
 * The clauses the timing checks quote. They are not spec clauses of the issuer API (no issuer
 * spec mentions timing or a ts window), so they live here rather than in protocol/clauses.ts, in the
 * same shape, with the source each rests on.
 */
import type { Clause } from '../../protocol/clauses.js';

export const TIMING_CLAUSES = {
  constantTime: {
    id: 'constant-time-compare',
    document: 'CWE-208',
    section: 'Observable Timing Discrepancy; SPEC-1.13 8.1.1–8.1.2 (keyhash, x-digilocker-hmac)',
    level: 'SECURITY',
    text: 'Two different code paths take different amounts of time, revealing security-relevant information. The keyhash and the x-digilocker-hmac are secrets derived from the API key: comparing them with an early exit lets a client learn the correct value for a chosen ts or body one character at a time, so they must be compared in constant time.',
  },
  tsPath: {
    id: 'ts-path-before-auth',
    document: 'CWE-208',
    section: 'Observable Timing Discrepancy; FACTS C4',
    level: 'SHOULD',
    text: 'A request that fails authentication should take the same time whatever its ts: work that depends on ts before the keyhash is verified shows an unauthenticated client how the issuer treats timestamps.',
  },
  tsWindow: {
    id: 'ts-window',
    document: 'FACTS',
    section: 'C4; SPEC-1.13 8.1.2 #2',
    level: 'MUST',
    text: 'ts (M): A timestamp value. This will be used to verify the keyHash. No freshness window is specified for issuer APIs (the 30-minute rule belongs to other DigiLocker APIs): a window the issuer declares (config tsWindow) is checked, otherwise the accepted window is only measured and reported.',
  },
  tsOffsets: {
    id: 'ts-offsets',
    document: 'SPEC-1.13',
    section: '8.1.2 #2 (template YYYY-MM-DDThh:mm:ss+/-nn:nn); FACTS C4',
    level: 'SHOULD',
    text: 'The ts template carries an explicit offset (+/-nn:nn) and offsets other than +05:30 (+02:00) have been observed: a ts that denotes an instant inside the window should be accepted whatever its offset. Z is not the template form and is only reported.',
  },
} as const satisfies Record<string, Clause>;

export type TimingClause = (typeof TIMING_CLAUSES)[keyof typeof TIMING_CLAUSES];
/** The id of a timing clause; timing checks name these, not protocol/clauses.ts ids. */
export type TimingClauseId = TimingClause['id'];
