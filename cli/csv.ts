/** `dlconform csv lint FILE`: the Push CSV linter (push/lint.ts). */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { exitCodeOf, formatJson, formatText, lintCsvFile } from '../push/lint.js';
import { integer, UsageError } from './args.js';
import { EXIT } from '../core/types.js';

export const CSV_HELP = `Usage: dlconform csv lint FILE [options]

Checks a Push CSV file (SEED-001 §8.1) before it is uploaded to DigiLocker, streaming, so a file
of millions of rows lints in bounded memory:
  rows      10 columns in order: Aadhaar, Uri, doc_type, doc_name, doc_id, issued_on, valid_from,
            valid_to, time_stamp, Action; CSV quoting errors
  Aadhaar   12 digits, first 2–9, Verhoeff check digit (printed as XXXXXXXX1234, never in full)
  Uri       IssuerId-DocType-DocId, starting with --issuer-id, DocType = the row's doc_type
  dates     issued_on DD/MM/YYYY; valid_from / valid_to DD/MM/YYYY or blank, in order;
            time_stamp DD/MM/YYYY HH:MI:SS AM|PM
  Action    A; U and D are warnings (DigiLocker currently supports only A)
  pairs     the same (Aadhaar, URI) pair twice
  doc IDs   guessable IDs: sequential, or drawn from a space smaller than the 10n the spec
            recommends for n documents of a doc_type (warning, with the estimate and why)
Each finding has its line and column (FILE:LINE:COL); a summary follows.

Options:
      --issuer-id ID       the issuer id every URI must start with (recommended)
      --format text|json   output format (default text)
      --max-errors N       findings printed (default 100; all are counted in the summary)
  -h, --help               this help

Exit codes: ${EXIT.ok} no errors (warnings allowed); ${EXIT.conformanceFailure} errors found; ${EXIT.usage} usage error (missing file…).
`;

export interface CsvIo {
  stdout: (text: string) => void;
}

const defaultIo: CsvIo = { stdout: (text) => process.stdout.write(text) };

export async function csvCommand(argv: string[], io: CsvIo = defaultIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    io.stdout(CSV_HELP);
    return EXIT.ok;
  }
  if (sub !== 'lint') throw new UsageError(`unknown csv subcommand ${JSON.stringify(sub)}; try: dlconform csv lint FILE\nSee: dlconform csv --help`);
  const { values, positionals } = parseLintArgs(rest);
  if (values.help) {
    io.stdout(CSV_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError(`csv lint takes one FILE, got ${positionals.length}\nSee: dlconform csv --help`);
  const file = positionals[0]!;
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got ${JSON.stringify(format)}`);
  const maxErrors = integer(values['max-errors'], 'max-errors', 100)!;
  const issuerId = values['issuer-id'];
  if (issuerId !== undefined && issuerId.trim() === '') throw new UsageError('--issuer-id must not be empty');
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new UsageError(`${file} is not a file`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const summary = await lintCsvFile(file, { issuerId, maxErrors });
  io.stdout(format === 'json' ? formatJson(file, summary) : formatText(file, summary));
  return exitCodeOf(summary);
}

function parseLintArgs(rest: string[]) {
  try {
    return parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        'issuer-id': { type: 'string' },
        format: { type: 'string' },
        'max-errors': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\. To specify.*$/s, '')}\nSee: dlconform csv --help`);
  }
}
