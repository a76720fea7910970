/**
 * `dlconform csv lint`: a Push CSV file checked row by row and column by column against the row
 * schema of protocol/push.ts, plus the file-level rules no single row shows: duplicate (Aadhaar, URI)
 * pairs and guessable doc IDs. Streams through csv-parse, so memory is bounded by the findings
 * kept (--max-errors), one hash table of 12 bytes a slot for the pairs, and a fixed profile per
 * doc_type; never by the size of a row's content or the file.
 */
import { createReadStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type CsvError, type Info } from 'csv-parse';
import { checkPushCsvRow, isHeaderRow, maskAadhaar, PUSH_CSV_COLUMNS, type PushClauseId, type RowFinding, type RowSeverity } from '../protocol/push.js';
import { DocIdGuess, MIN_SAMPLE, type GuessReport } from '../protocol/doc-id-guess.js';
import { EXIT } from '../core/types.js';

export interface LintOptions {
  /** the issuer id every URI must start with */
  issuerId?: string;
  /** findings kept for the report (default 100); all of them are still counted */
  maxErrors?: number;
  /** doc IDs per doc_type below which guessability is not judged (default 50) */
  minGuessSample?: number;
}

export interface LintFinding extends Omit<RowFinding, 'column' | 'columnName'> {
  /** 1-based line of the file where the record starts */
  line: number;
  /** 1-based column (field) number; 0 for a finding about the whole record or file */
  column: number;
  columnName?: string;
}

export interface LintSummary {
  /** records read (the header row, when there is one, included) */
  records: number;
  /** data rows checked */
  rows: number;
  headerRow: boolean;
  errors: number;
  warnings: number;
  infos: number;
  /** findings by code */
  byCode: Record<string, number>;
  /** the first maxErrors findings, in file order */
  findings: LintFinding[];
  /** findings counted but not kept */
  omitted: number;
  duplicatePairs: number;
  docIds: GuessReport[];
}

// ---------------------------------------------------------------- a set of 64-bit hashes

/** cyrb53-style 64-bit hash as two 32-bit halves (not cryptographic; collisions ~ n²/2^65). */
export function hash64(text: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}

/**
 * Open addressing over typed arrays: 64-bit keys with the line they were first seen on, 12 bytes
 * a slot (a million pairs take 24 MiB at the worst load), no per-entry objects.
 */
export class HashLineSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private lines: Uint32Array;
  private size = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.lines = new Uint32Array(cap);
  }

  /** Adds the key; returns the line it was first added with when already present, else 0. */
  addOrGet(key: readonly [number, number], line: number): number {
    if ((this.size + 1) * 2 > this.lines.length) this.grow();
    const found = this.insert(key[0], key[1], Math.max(1, line));
    if (found === 0) this.size++;
    return found;
  }

  private insert(hi: number, lo: number, line: number): number {
    const mask = this.lines.length - 1;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const at = this.lines[i]!;
      if (at === 0) {
        this.hi[i] = hi;
        this.lo[i] = lo;
        this.lines[i] = line;
        return 0;
      }
      if (this.hi[i] === hi && this.lo[i] === lo) return at;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const { hi, lo, lines } = this;
    this.hi = new Uint32Array(lines.length * 2);
    this.lo = new Uint32Array(lines.length * 2);
    this.lines = new Uint32Array(lines.length * 2);
    for (let i = 0; i < lines.length; i++) if (lines[i] !== 0) this.insert(hi[i]!, lo[i]!, lines[i]!);
  }
}

// ---------------------------------------------------------------- the linter

const TWELVE_DIGITS = /\d{12}/g;

/** Whatever text came from the file (parser messages), with any 12-digit run masked. */
function maskDigits(text: string): string {
  return text.replace(TWELVE_DIGITS, (d) => maskAadhaar(d));
}

/** The rules over a stream of records; feed it with `record` and `parseError`, then `finish`. */
class CsvLinter {
  private readonly maxKept: number;
  private readonly pairs = new HashLineSet();
  private readonly guess = new DocIdGuess();
  private readonly summary: LintSummary = {
    records: 0,
    rows: 0,
    headerRow: false,
    errors: 0,
    warnings: 0,
    infos: 0,
    byCode: {},
    findings: [],
    omitted: 0,
    duplicatePairs: 0,
    docIds: [],
  };

  constructor(private readonly options: LintOptions = {}) {
    this.maxKept = options.maxErrors ?? 100;
  }

  private add(f: LintFinding): void {
    const s = this.summary;
    if (f.severity === 'error') s.errors++;
    else if (f.severity === 'warning') s.warnings++;
    else s.infos++;
    s.byCode[f.code] = (s.byCode[f.code] ?? 0) + 1;
    if (s.findings.length < this.maxKept) s.findings.push(f);
    else s.omitted++;
  }

  private fileFinding(line: number, severity: RowSeverity, code: string, clause: PushClauseId, message: string): void {
    this.add({ line, column: 0, severity, code, clause, message });
  }

  /** One parsed record starting at `line`. */
  record(fields: readonly string[], line: number): void {
    const s = this.summary;
    s.records++;
    if (s.records === 1 && isHeaderRow(fields)) {
      s.headerRow = true;
      this.fileFinding(line, 'info', 'header-row', 'push-csv-header', 'the first row is a header row: the spec does not define one (the Drupal client sends none); make sure DigiLocker skips it');
      return;
    }
    s.rows++;
    if (fields.length === 1 && fields[0]!.trim() === '') {
      this.fileFinding(line, 'error', 'blank-row', 'push-csv-columns', 'row is blank');
      return;
    }
    for (const f of checkPushCsvRow(fields, { issuerId: this.options.issuerId })) this.add({ ...f, line });
    const aadhaar = fields[0];
    const uri = fields[1];
    // only additions can repeat a pair by mistake: an update or a delete names a pair given before
    const adds = (fields[9] ?? '').trim().toUpperCase() === 'A';
    if (adds && aadhaar !== undefined && uri !== undefined && aadhaar !== '' && uri !== '') {
      const first = this.pairs.addOrGet(hash64(`${aadhaar}\u0000${uri}`), line);
      if (first !== 0) {
        this.summary.duplicatePairs++;
        this.add({
          line,
          column: 2,
          columnName: 'Uri',
          severity: 'warning',
          code: 'duplicate-pair',
          clause: 'push-csv-unique-pair',
          message: `Aadhaar ${maskAadhaar(aadhaar)} and this URI were already given on line ${first}`,
        });
      }
    }
    const docType = fields[2];
    const docId = fields[4];
    if (docType !== undefined && docId !== undefined && docId !== '') this.guess.add(docType, docId);
  }

  /** A record csv-parse could not read (quoting); `line` where it was detected. */
  parseError(err: CsvError | Error, line: number): void {
    this.summary.records++;
    this.fileFinding(line, 'error', 'csv-syntax', 'push-csv-columns', maskDigits(err.message));
  }

  finish(): LintSummary {
    const s = this.summary;
    if (s.rows === 0) this.fileFinding(0, 'error', 'no-rows', 'push-csv-columns', 'the file has no data rows');
    s.docIds = this.guess.reports(this.options.minGuessSample ?? MIN_SAMPLE);
    for (const r of s.docIds) {
      if (r.verdict === 'guessable') {
        this.fileFinding(0, 'warning', 'doc-id-guessable', 'doc-id-random', `doc_type ${r.docType}: ${r.reasons.join('; ')}`);
      }
    }
    return s;
  }
}

/**
 * Lints CSV text arriving as a stream (a file, stdin, an upload's decoded DocContent). Every
 * record is judged inside csv-parse's on_record hook and then dropped, in file order with the
 * parse errors (on_skip): nothing is buffered but the parser's current record.
 */
export async function lintCsvStream(source: Readable | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>, options: LintOptions = {}): Promise<LintSummary> {
  const linter = new CsvLinter(options);
  // where the next record starts: one past the previous record (or skipped record) and any empty lines
  let prevEnd = 0;
  let prevEmpty = 0;
  const lineOf = (err: unknown) => {
    const lines = (err as { lines?: unknown }).lines;
    return typeof lines === 'number' ? lines : prevEnd + 1;
  };
  const csv = parse({
    bom: true,
    relax_column_count: true,
    // a quote inside an unquoted field is kept as a character (doc_name warns about it): strict
    // mode would leave csv-parse inside a quoted field after the error and lose the rest of the file
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (err) => {
      if (!err) return undefined;
      const line = lineOf(err);
      linter.parseError(err, line);
      prevEnd = line;
      return undefined;
    },
    on_record: (record: string[], info: Info) => {
      const start = prevEnd + 1 + (info.empty_lines - prevEmpty);
      prevEmpty = info.empty_lines;
      prevEnd = info.lines;
      linter.record(record, Math.min(start, info.lines));
      return undefined;
    },
  });
  const input = 'pipe' in source && typeof source.pipe === 'function' ? (source as Readable) : Readable.from(source);
  try {
    await pipeline(input, csv, new Writable({ objectMode: true, write: (_chunk, _enc, done) => done() }));
  } catch (err) {
    // an unclosed quote at the end of the file ends the stream; a read error is not ours to judge
    if (typeof (err as { code?: unknown }).code === 'string' && (err as { code: string }).code.startsWith('CSV_')) linter.parseError(err as CsvError, lineOf(err));
    else throw err;
  }
  return linter.finish();
}

export async function lintCsvFile(path: string, options: LintOptions = {}): Promise<LintSummary> {
  return lintCsvStream(createReadStream(path), options);
}

// ---------------------------------------------------------------- output

export function exitCodeOf(summary: LintSummary): number {
  return summary.errors > 0 ? EXIT.conformanceFailure : EXIT.ok;
}

function locate(file: string, f: LintFinding): string {
  if (f.line === 0) return file;
  return f.column === 0 ? `${file}:${f.line}` : `${file}:${f.line}:${f.column}`;
}

/** Text report: one line per finding (`FILE:LINE:COL: severity [code] column: message`), then a summary. */
export function formatText(file: string, s: LintSummary): string {
  const lines: string[] = [];
  for (const f of s.findings) {
    const col = f.columnName && !f.message.startsWith(f.columnName) ? `${f.columnName}: ` : '';
    lines.push(`${locate(file, f)}: ${f.severity} [${f.code}] ${col}${f.message}`);
  }
  if (s.omitted > 0) lines.push(`… ${s.omitted.toLocaleString('en-US')} more findings not shown (--max-errors)`);
  lines.push('');
  lines.push(`${file}: ${s.rows.toLocaleString('en-US')} rows${s.headerRow ? ' (after a header row)' : ''}, ${PUSH_CSV_COLUMNS.length} columns expected`);
  lines.push(`  ${s.errors.toLocaleString('en-US')} errors, ${s.warnings.toLocaleString('en-US')} warnings, ${s.infos.toLocaleString('en-US')} notes`);
  const codes = Object.entries(s.byCode).sort((a, b) => b[1] - a[1]);
  if (codes.length > 0) lines.push(`  by rule: ${codes.map(([c, n]) => `${c} ${n.toLocaleString('en-US')}`).join(', ')}`);
  lines.push(`  duplicate (Aadhaar, URI) pairs: ${s.duplicatePairs.toLocaleString('en-US')}`);
  for (const r of s.docIds) lines.push(`  doc IDs of ${r.docType} (${r.documents.toLocaleString('en-US')}): ${r.verdict}; ${r.reasons.join('; ')}`);
  lines.push(s.errors > 0 ? 'FAIL' : 'OK');
  return `${lines.join('\n')}\n`;
}

const LINT_JSON_VERSION = 1;

export function formatJson(file: string, s: LintSummary): string {
  return `${JSON.stringify({ version: LINT_JSON_VERSION, file, ...s }, null, 2)}\n`;
}
