/**
 * Are the doc IDs of a Push CSV guessable? SEED-001 §7: "Using random string eliminates the
 * possibility of guessing next sequence number … issuer needing to issue a total of n documents
 * within a document type use at least 10n random space". Someone who knows one URI and can guess
 * the next DocId can pull another holder's document wherever Pull Doc trusts the URI alone.
 *
 * We estimate, per doc_type and in O(1) memory per doc_type (a streaming profile, no list of IDs):
 * - the positional space: for the IDs of the most common length, each position contributes the
 *   number of characters it can take. A position that never changes contributes 1 (a constant
 *   prefix adds no secrecy). Once enough IDs are seen to have hit every character of the classes
 *   in use (n ≥ 20 × class size, where a random position misses a character with probability
 *   below e^-20), a position contributes only the characters actually seen there (a counter's top
 *   digit of 0–4 contributes 5, not 10); before that it gets the benefit of the doubt.
 * - the numeric range: when the IDs are a constant prefix plus a number, max − min + 1 bounds the
 *   space the numbers were drawn from, whatever order the rows are in (shuffled sequential IDs).
 * - sequential runs in file order: the share of consecutive IDs (same doc_type) whose numbers
 *   differ by a small step (1–10) or by the same step as the pair before (an arithmetic run).
 * The estimated space is the smaller of the positional and range estimates; an ID set is
 * guessable when that is below 10n, or when more than half the consecutive pairs are sequential.
 */

export const MIN_SAMPLE = 50;
const MAX_POSITIONS = 64;
const CHARS = 128; // ASCII; anything else counts as code 127
const SEQUENTIAL_SHARE = 0.5;
const SMALL_STEP = 10;

export type GuessVerdict = 'ok' | 'guessable' | 'too-few';

export interface GuessReport {
  docType: string;
  documents: number;
  /** log10 of the estimated space of IDs */
  log10Space: number;
  /** log10 of what the spec asks for: 10n */
  log10Required: number;
  /** the modal ID length and how many IDs have it */
  length: number;
  /** per-position contribution for the modal length, e.g. "1 1 5 10 10 10" */
  positions: number[];
  /** max − min + 1 of the numeric part, when IDs are a constant prefix plus digits */
  numericRange?: number;
  /** share (0–1) of consecutive pairs (file order) that look sequential; undefined with fewer than 2 IDs */
  sequentialShare?: number;
  verdict: GuessVerdict;
  /** why, in words */
  reasons: string[];
}

function classOf(code: number): 'digit' | 'upper' | 'lower' | 'other' {
  if (code >= 48 && code <= 57) return 'digit';
  if (code >= 65 && code <= 90) return 'upper';
  if (code >= 97 && code <= 122) return 'lower';
  return 'other';
}

const CLASS_SIZE = { digit: 10, upper: 26, lower: 26 } as const;

/** A streaming profile of the doc IDs of one doc_type. */
export class DocIdProfile {
  count = 0;
  /** presence of character c at position p, per ID length bucket: only the modal length is used */
  private readonly seen = new Map<number, Uint8Array>();
  private readonly perLength = new Map<number, number>();
  private prefix: string | undefined;
  private prefixVaries = false;
  private numeric = 0;
  private min = Infinity;
  private max = -Infinity;
  private prevNum: number | undefined;
  private prevStep: number | undefined;
  private prevPrefix: string | undefined;
  private sequentialPairs = 0;

  constructor(readonly docType: string) {}

  add(docId: string): void {
    this.count++;
    const len = Math.min(docId.length, MAX_POSITIONS);
    this.perLength.set(len, (this.perLength.get(len) ?? 0) + 1);
    let table = this.seen.get(len);
    if (!table) {
      // bounded: at most MAX_POSITIONS + 1 lengths, each len × 128 bytes
      table = new Uint8Array(len * CHARS);
      this.seen.set(len, table);
    }
    for (let p = 0; p < len; p++) {
      const c = docId.charCodeAt(p);
      table[p * CHARS + (c < CHARS ? c : CHARS - 1)] = 1;
    }

    const m = /^(.*?)(\d+)$/.exec(docId);
    if (!m) {
      this.prefixVaries = true;
      this.prevNum = undefined;
      this.prevPrefix = undefined;
      return;
    }
    const prefix = m[1]!;
    if (this.prefix === undefined) this.prefix = prefix;
    else if (this.prefix !== prefix) this.prefixVaries = true;
    const num = Number(m[2]);
    this.numeric++;
    if (num < this.min) this.min = num;
    if (num > this.max) this.max = num;
    // a step only means something between IDs that share everything but the number
    if (this.prevNum !== undefined && this.prevPrefix === prefix) {
      const step = num - this.prevNum;
      if (step !== 0 && (Math.abs(step) <= SMALL_STEP || step === this.prevStep)) this.sequentialPairs++;
      this.prevStep = step;
    } else this.prevStep = undefined;
    this.prevNum = num;
    this.prevPrefix = prefix;
  }

  report(minSample = MIN_SAMPLE): GuessReport {
    let length = 0;
    let modal = 0;
    for (const [len, n] of this.perLength) if (n > modal || (n === modal && len > length)) [length, modal] = [len, n];
    const table = this.seen.get(length) ?? new Uint8Array(0);
    const positions: number[] = [];
    for (let p = 0; p < length; p++) {
      let distinct = 0;
      let classes = 0;
      const hit = { digit: false, upper: false, lower: false };
      for (let c = 0; c < CHARS; c++) {
        if (!table[p * CHARS + c]) continue;
        distinct++;
        const k = classOf(c);
        if (k === 'other') classes++;
        else hit[k] = true;
      }
      for (const k of ['digit', 'upper', 'lower'] as const) if (hit[k]) classes += CLASS_SIZE[k];
      positions.push(distinct <= 1 ? 1 : modal >= 20 * classes ? distinct : classes);
    }
    let log10Space = positions.reduce((s, f) => s + Math.log10(f), 0);
    const log10Required = Math.log10(10 * Math.max(this.count, 1));
    const reasons: string[] = [];
    const constant = positions.filter((f) => f === 1).length;
    reasons.push(
      `${length}-character IDs: ${positions.join('×')} ≈ 10^${log10Space.toFixed(1)} possible${constant > 0 ? ` (${constant} position${constant > 1 ? 's' : ''} never change${constant > 1 ? '' : 's'})` : ''}`,
    );

    let numericRange: number | undefined;
    if (!this.prefixVaries && this.numeric === this.count && this.numeric >= 2) {
      numericRange = this.max - this.min + 1;
      // with k IDs drawn uniformly from a space S, E[max − min] = S(k−1)/(k+1)
      const rangeSpace = Math.log10(numericRange * ((this.numeric + 1) / (this.numeric - 1)));
      reasons.push(`numbers span ${numericRange.toLocaleString('en-US')} values${this.prefix ? ` after the constant prefix "${this.prefix}"` : ''}`);
      if (rangeSpace < log10Space) log10Space = rangeSpace;
    }
    const sequentialShare = this.count > 1 ? this.sequentialPairs / (this.count - 1) : undefined;
    if (sequentialShare !== undefined && sequentialShare > 0) {
      reasons.push(`${(sequentialShare * 100).toFixed(sequentialShare < 0.01 ? 2 : 0)}% of consecutive IDs follow by a small or repeated step`);
    }

    let verdict: GuessVerdict;
    if (this.count < minSample) {
      verdict = 'too-few';
      reasons.push(`${this.count} document${this.count === 1 ? '' : 's'}: fewer than ${minSample}, too few to judge`);
    } else {
      const tooSmall = log10Space < log10Required;
      const sequential = sequentialShare !== undefined && sequentialShare > SEQUENTIAL_SHARE;
      verdict = tooSmall || sequential ? 'guessable' : 'ok';
      if (tooSmall)
        reasons.push(
          `space ≈ 10^${log10Space.toFixed(1)} is below the 10n = 10^${log10Required.toFixed(1)} random IDs the spec recommends for ${this.count.toLocaleString('en-US')} documents: IDs can be guessed`,
        );
      if (sequential) reasons.push('IDs are issued in sequence: knowing one URI gives the next');
      if (!tooSmall && !sequential) reasons.push(`space ≈ 10^${log10Space.toFixed(1)} ≥ 10n = 10^${log10Required.toFixed(1)}`);
    }
    return { docType: this.docType, documents: this.count, log10Space, log10Required, length, positions, numericRange, sequentialShare, verdict, reasons };
  }
}

/** Profiles per doc_type, bounded: past `maxDocTypes`, further doc types share one profile. */
export class DocIdGuess {
  private readonly profiles = new Map<string, DocIdProfile>();
  constructor(private readonly maxDocTypes = 256) {}

  add(docType: string, docId: string): void {
    let key = docType;
    if (!this.profiles.has(key) && this.profiles.size >= this.maxDocTypes) key = '(other doc types)';
    let profile = this.profiles.get(key);
    if (!profile) {
      profile = new DocIdProfile(key);
      this.profiles.set(key, profile);
    }
    profile.add(docId);
  }

  reports(minSample = MIN_SAMPLE): GuessReport[] {
    return [...this.profiles.values()].map((p) => p.report(minSample));
  }
}
