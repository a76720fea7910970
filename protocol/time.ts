/** Request timestamps (`ts`) and transaction ids (`txn`) as DigiLocker forms them (facts §1.2 item 9, §2.4). */

const OFFSET = /^([+-])(\d{2}):(\d{2})$/;

export function parseOffsetMinutes(offset: string): number {
  const m = OFFSET.exec(offset);
  if (!m) throw new Error(`offset ${JSON.stringify(offset)} is not ±hh:mm`);
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * ISO 8601 local time with an explicit offset, `YYYY-MM-DDThh:mm:ss+05:30` by default: the
 * template form of the spec. `fractionDigits` adds fractional seconds, which issuers must accept.
 */
export function formatTs(date: Date, offset = '+05:30', fractionDigits = 0): string {
  const local = new Date(date.getTime() + parseOffsetMinutes(offset) * 60_000);
  let out = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` + `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  if (fractionDigits > 0) out += `.${pad(local.getUTCMilliseconds(), 3).padEnd(fractionDigits, '0').slice(0, fractionDigits)}`;
  return out + offset;
}

const TS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([+-]\d{2}:\d{2}|Z)$/;

/** Parses an ISO 8601 ts with offset; undefined when it is not that form. */
export function parseTs(ts: string): Date | undefined {
  const m = TS.exec(ts);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, off] = m;
  const ms = frac ? Math.round(Number(frac) * 1000) : 0;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const offsetMinutes = off === 'Z' ? 0 : parseOffsetMinutes(off!);
  return new Date(utc - offsetMinutes * 60_000);
}

/**
 * `now` written the way `original` writes a ts (a replayed request, protocol/replay.ts): the same
 * offset (a non-IST one too), the same number of fraction digits, Z kept as Z; epoch milliseconds
 * or seconds stay epoch. An original of another form is written in the default form (`fallbackOffset`).
 */
export function tsLike(original: string, now: Date, fallbackOffset: string): string {
  const t = original.trim();
  if (/^\d{13}$/.test(t)) return String(now.getTime());
  if (/^\d{10}$/.test(t)) return String(Math.floor(now.getTime() / 1000));
  const m = TS.exec(t);
  if (!m) return formatTs(now, fallbackOffset);
  const digits = m[7] ? m[7].length - 1 : 0;
  // formatTs writes milliseconds: more digits than three are padded with zeros
  if (m[8] === 'Z') return formatTs(now, '+00:00', digits).replace(/\+00:00$/, 'Z');
  return formatTs(now, m[8], digits);
}

/** A source of randomness; injected so runs are reproducible from a seed. */
export type Random = () => number;

/** mulberry32: a tiny seeded PRNG, good enough for txn values and document ids (not for secrets). */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A txn in one of the two observed shapes: 10 digits, or 32 lowercase hex characters. */
export function newTxn(random: Random, shape: 'digits' | 'hex32' = 'digits'): string {
  const alphabet = shape === 'digits' ? '0123456789' : '0123456789abcdef';
  const length = shape === 'digits' ? 10 : 32;
  let out = shape === 'digits' ? String(1 + Math.floor(random() * 9)) : '';
  while (out.length < length) out += alphabet[Math.floor(random() * alphabet.length)]!;
  return out;
}

const DIGITS = '0123456789';
const LOWER_HEX = '0123456789abcdef';
const UPPER_HEX = '0123456789ABCDEF';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * A fresh txn of the original's shape: every digit a random digit, every hex letter a random hex
 * character of its case (where the txn looks hex), other letters random letters of their case,
 * punctuation kept. A 10-digit txn stays 10 digits, a 32-hex one 32 hex, a UUID a UUID.
 */
export function txnLike(original: string, random: Random): string {
  const pick = (alphabet: string) => alphabet[Math.floor(random() * alphabet.length)]!;
  const hex = /^[0-9a-fA-F-]+$/.test(original) && /[a-fA-F]/.test(original);
  let out = '';
  for (const c of original) {
    if (DIGITS.includes(c)) out += pick(hex ? (/[A-F]/.test(original) ? UPPER_HEX : LOWER_HEX) : DIGITS);
    else if (/[a-z]/.test(c)) out += pick(hex ? LOWER_HEX : LOWER);
    else if (/[A-Z]/.test(c)) out += pick(hex ? UPPER_HEX : UPPER);
    else out += c;
  }
  // a random txn equal to the original would not be fresh
  return out === '' || out === original ? `${out}${pick(DIGITS)}` : out;
}
