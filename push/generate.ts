/** Generated Push CSV rows: valid by construction (tests, fixtures, the benchmark). */
import { aadhaarFrom11 } from '../protocol/aadhaar.js';
import { formatCsvDate, formatCsvRecord, formatCsvTimestamp, rowFields, type PushCsvRow } from '../protocol/push.js';
import { seededRandom, type Random } from '../protocol/time.js';

export interface GenerateOptions {
  issuerId?: string;
  docType?: string;
  seed?: number;
  /** doc IDs 0000000001, 0000000002 … instead of random 10-character IDs */
  sequentialIds?: boolean;
  /** leading digits of every generated Aadhaar (default 9999, the range UIDAI's test UIDs use,
   *  so generated files do not carry numbers that could be real people's) */
  aadhaarPrefix?: string;
}

const ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function digits(random: Random, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String(Math.floor(random() * 10));
  return out;
}

/** The i-th row (0-based) of a generated file: a valid Aadhaar, a URI of the issuer, dates in order. */
export function generatedRow(random: Random, i: number, options: GenerateOptions = {}): PushCsvRow {
  const issuerId = options.issuerId ?? 'in.gov.example';
  const docType = options.docType ?? 'INCER';
  let docId = '';
  if (options.sequentialIds) docId = String(i + 1).padStart(10, '0');
  else for (let k = 0; k < 10; k++) docId += ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length)]!;
  const issued = new Date(Date.UTC(2015, 0, 1) + Math.floor(random() * 3650) * 86_400_000);
  const validTo = new Date(issued.getTime() + 5 * 365 * 86_400_000);
  const stamp = new Date(issued.getTime() + Math.floor(random() * 86_400) * 1000);
  return {
    Aadhaar: aadhaarFrom11((options.aadhaarPrefix ?? '9999') + digits(random, 11 - (options.aadhaarPrefix ?? '9999').length)),
    Uri: `${issuerId}-${docType}-${docId}`,
    doc_type: docType,
    doc_name: 'Income Certificate',
    doc_id: docId,
    issued_on: formatCsvDate(issued),
    valid_from: formatCsvDate(issued),
    valid_to: formatCsvDate(validTo),
    time_stamp: formatCsvTimestamp(stamp),
    Action: 'A',
  };
}

/** `count` CSV lines (no header, `\n` endings, like the Drupal client), lazily. */
function* generateCsvLines(count: number, options: GenerateOptions = {}): Generator<string> {
  const random = seededRandom(options.seed ?? 1);
  for (let i = 0; i < count; i++) yield `${formatCsvRecord(rowFields(generatedRow(random, i, options)))}\n`;
}

/** Lines batched into chunks of about 64 KiB, for streams. */
export function* generateCsvChunks(count: number, options: GenerateOptions = {}): Generator<string> {
  let chunk = '';
  for (const line of generateCsvLines(count, options)) {
    chunk += line;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}
