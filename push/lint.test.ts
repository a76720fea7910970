import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCsvRecord, rowFields, PUSH_CSV_COLUMNS, type PushCsvRow } from '../protocol/push.js';
import { seededRandom } from '../protocol/time.js';
import { generateCsvChunks, generatedRow } from './generate.js';
import { formatJson, formatText, hash64, HashLineSet, lintCsvFile, lintCsvStream, type LintSummary } from './lint.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/push/${name}`, import.meta.url));
const ISSUER = { issuerId: 'in.gov.example' };
const where = (s: LintSummary) => s.findings.map((f) => `${f.line}:${f.column}:${f.severity}:${f.code}`);
const lintText = (text: string, options = ISSUER) => lintCsvStream([text], options);

describe('csv lint on the seed examples (SEED-001 §8.1, facts §9.7)', () => {
  it('the column table with a header row: clean but for a note on the header', async () => {
    const s = await lintCsvFile(fixture('seed-8.1-columns.csv'), ISSUER);
    expect(where(s)).toEqual(['1:0:info:header-row']);
    expect(s).toMatchObject({ records: 2, rows: 1, headerRow: true, errors: 0, warnings: 0 });
  });
  it('the Drupal-style row (no header, \\n endings): clean', async () => {
    const s = await lintCsvFile(fixture('seed-9.7-drupal-row.csv'), ISSUER);
    expect(s.findings).toEqual([]);
    expect(s.rows).toBe(1);
  });
  it('generated good file: clean, doc IDs judged ok', async () => {
    const s = await lintCsvFile(fixture('generated-good-200.csv'), ISSUER);
    expect(s.findings).toEqual([]);
    expect(s.docIds.map((r) => r.verdict)).toEqual(['ok']);
  });
  it('generated sequential file: a guessable-ID warning only (exit 0)', async () => {
    const s = await lintCsvFile(fixture('generated-sequential-200.csv'), ISSUER);
    expect(where(s)).toEqual(['0:0:warning:doc-id-guessable']);
    expect(s.errors).toBe(0);
    expect(s.findings[0]!.message).toMatch(/INCER: .*numbers span 200 values.*below the 10n/);
  });
  it('bad-rows.csv: every rule at its line and column (fixtures/push/README.md)', async () => {
    const s = await lintCsvFile(fixture('bad-rows.csv'), ISSUER);
    expect(where(s)).toEqual([
      '2:1:error:aadhaar-checksum',
      '3:1:error:aadhaar-format',
      '4:2:error:uri',
      '5:3:warning:doc-type-length',
      '6:4:error:doc-name-empty',
      '7:5:warning:doc-id-format',
      '8:6:error:date-format',
      '9:7:error:date-format',
      '10:8:error:validity-order',
      '11:9:error:time-stamp-format',
      '12:10:warning:action-unsupported',
      '13:10:error:action-invalid',
      '14:10:error:missing-columns',
      '15:2:warning:duplicate-pair',
      '16:11:error:extra-columns',
      '17:5:warning:doc-id-mismatch',
    ]);
    expect(s.findings.find((f) => f.code === 'duplicate-pair')!.message).toBe('Aadhaar XXXXXXXX7058 and this URI were already given on line 1');
    const text = formatText('bad-rows.csv', s);
    expect(text).not.toMatch(/99994105705/); // not even the 11-digit one
    expect(text).toContain('bad-rows.csv:2:1: error [aadhaar-checksum] Aadhaar XXXXXXXX7059 fails the Verhoeff check digit');
    expect(text).toMatch(/FAIL\n$/);
    const json = JSON.parse(formatJson('bad-rows.csv', s));
    expect(json).toMatchObject({ version: 1, rows: 17, errors: 11, warnings: 5, duplicatePairs: 1 });
    expect(JSON.stringify(json)).not.toContain('999941057058');
  });
});

describe('csv lint file-level rules', () => {
  const good = (i: number, patch: Partial<PushCsvRow> = {}) => formatCsvRecord(rowFields({ ...generatedRow(seededRandom(i), i), ...patch }));
  it('line numbers count blank lines and multi-line quoted fields from where the record starts', async () => {
    const text = `${[good(1), '', good(2, { doc_name: 'two\nlines' }), good(3, { Action: 'X' }), '', '', good(4, { Action: 'Y' })].join('\r\n')}\r\n`;
    const s = await lintText(text);
    expect(where(s)).toEqual(['3:4:error:doc-name-control', '5:10:error:action-invalid', '8:10:error:action-invalid']);
    expect(s.rows).toBe(4);
  });
  it('quoting: a stray quote is kept and warned about, later rows still checked; an unclosed quote is an error; a BOM is not part of the Aadhaar', async () => {
    const s = await lintText(`\uFEFF${good(1)}\n${good(2, { doc_name: 'x' }).replace(',x,', ',"x"y,')}\n${good(3, { Action: 'X' })}\n`);
    expect(where(s)).toEqual(['2:4:warning:doc-name-quote', '3:10:error:action-invalid']);
    const unclosed = await lintText(`${good(1)}\n"${good(2)}\n`);
    expect(where(unclosed)).toEqual(['2:0:error:csv-syntax']);
  });
  it("duplicate pairs: an A row repeating an earlier A row's Aadhaar + URI warns; same URI for another Aadhaar, or same Aadhaar with another URI, does not", async () => {
    const a = generatedRow(seededRandom(1), 0);
    const b = generatedRow(seededRandom(2), 1);
    const rows = [a, { ...a, Aadhaar: b.Aadhaar }, { ...a, Uri: b.Uri.replace('INCER', 'INCER'), doc_id: b.doc_id }, a].map((r) => formatCsvRecord(rowFields(r)));
    rows[2] = formatCsvRecord(rowFields({ ...a, Uri: `in.gov.example-INCER-${b.doc_id}`, doc_id: b.doc_id }));
    const s = await lintText(rows.join('\n'));
    expect(where(s)).toEqual(['4:2:warning:duplicate-pair']);
    // an update or a delete names a pair given before: not a duplicate
    const later = [a, { ...a, Action: 'U' as const }, { ...a, Action: 'D' as const }].map((r) => formatCsvRecord(rowFields(r)));
    expect(where(await lintText(later.join('\n')))).toEqual(['2:10:warning:action-unsupported', '3:10:warning:action-unsupported']);
  });
  it('header row only counts as a header on line 1; an empty file has no rows', async () => {
    const header = PUSH_CSV_COLUMNS.join(',');
    expect(where(await lintText(`${good(1)}\n${header}\n`))).toContain('2:1:error:aadhaar-format');
    expect(where(await lintText(''))).toEqual(['0:0:error:no-rows']);
    expect(where(await lintText(`${header}\n`))).toEqual(['1:0:info:header-row', '0:0:error:no-rows']);
  });
  it('--issuer-id: without it the URI grammar alone is checked', async () => {
    const row = good(1, {}).replace(/in\.gov\.example-/, 'in.gov.other-');
    expect(where(await lintText(row))).toEqual(['1:2:error:uri']);
    expect(where(await lintText(row, {} as typeof ISSUER))).toEqual([]);
  });
  it('hash64 and HashLineSet keep the first line of each key through growth', () => {
    expect(hash64('a')).not.toEqual(hash64('b'));
    expect(hash64('abc')).toEqual(hash64('abc'));
    const set = new HashLineSet(16);
    for (let i = 1; i <= 5000; i++) expect(set.addOrGet(hash64(`k${i}`), i)).toBe(0);
    for (let i = 1; i <= 5000; i += 97) expect(set.addOrGet(hash64(`k${i}`), 99999)).toBe(i);
  });
});

describe('csv lint properties (fast-check)', () => {
  const issuerId = fc.stringMatching(/^[a-z]{2,6}(\.[a-z]{2,8}){1,3}$/);
  const docType = fc.stringMatching(/^[A-Z]{5}$/);
  // commas, spaces, apostrophes, unicode: all need quoting or none; double quotes get a warning of their own
  const docName = fc.string({ minLength: 1, maxLength: 30, unit: 'grapheme' }).filter((s) => s.trim() !== '' && !/[\u0000-\u001f\u007f"]/.test(s));
  const validRows = fc.record({
    issuerId,
    docType,
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    names: fc.array(docName, { minLength: 1, maxLength: 20 }),
  });
  const build = (v: { issuerId: string; docType: string; seed: number; names: string[] }) => {
    const random = seededRandom(v.seed);
    return v.names.map((doc_name, i) => ({ ...generatedRow(random, i, { issuerId: v.issuerId, docType: v.docType }), doc_name }));
  };
  const csv = (rows: PushCsvRow[]) => `${rows.map((r) => formatCsvRecord(rowFields(r))).join('\n')}\n`;

  it('valid rows (names with commas, spaces, any unicode) lint clean', async () => {
    await fc.assert(
      fc.asyncProperty(validRows, async (v) => {
        const s = await lintText(csv(build(v)), { issuerId: v.issuerId });
        expect(s.findings).toEqual([]);
        expect(s.rows).toBe(v.names.length);
      }),
      { numRuns: 100 },
    );
  });

  /** One corruption per column, each breaking exactly one rule of that column. */
  const CORRUPT: Record<number, (r: PushCsvRow) => Partial<PushCsvRow>> = {
    1: (r) => ({ Aadhaar: r.Aadhaar.slice(0, 11) + String((Number(r.Aadhaar[11]) + 1) % 10) }),
    2: (r) => ({ Uri: `zz.bad${r.Uri.slice(r.Uri.indexOf('-'))}` }),
    3: () => ({ doc_type: 'IN-C' }),
    4: () => ({ doc_name: '' }),
    5: () => ({ doc_id: '' }),
    6: (r) => ({ issued_on: r.issued_on.split('/').reverse().join('-') }),
    7: () => ({ valid_from: '31/02/2016' }),
    8: () => ({ valid_to: '2020/12/31' }),
    9: (r) => ({ time_stamp: r.time_stamp.replace(/ (AM|PM)$/, '') }),
    10: () => ({ Action: 'X' }),
  };

  it('a single-field corruption gives exactly one error, at its line and column', async () => {
    await fc.assert(
      fc.asyncProperty(validRows, fc.nat(), fc.integer({ min: 1, max: 10 }), async (v, at, column) => {
        const rows = build(v);
        const i = at % rows.length;
        rows[i] = { ...rows[i]!, ...CORRUPT[column]!(rows[i]!) };
        const s = await lintText(csv(rows), { issuerId: v.issuerId });
        expect(s.findings.map((f) => [f.line, f.column, f.severity])).toEqual([[i + 1, column, 'error']]);
        expect(s.errors).toBe(1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('csv lint streams', () => {
  it('50,000 generated rows: every row checked, findings bounded by --max-errors', async () => {
    const s = await lintCsvStream(generateCsvChunks(50_000, { seed: 3 }), ISSUER);
    expect(s).toMatchObject({ rows: 50_000, errors: 0, warnings: 0, duplicatePairs: 0 });
    expect(s.docIds).toMatchObject([{ docType: 'INCER', documents: 50_000, verdict: 'ok' }]);

    // every row bad (Action U → a warning each) and the IDs sequential: 50,000 findings counted, 10 kept
    const chunks = (function* () {
      for (const c of generateCsvChunks(50_000, { seed: 4, sequentialIds: true })) yield c.replace(/,A\n/g, ',U\n');
    })();
    const bad = await lintCsvStream(chunks, { ...ISSUER, maxErrors: 10 });
    expect(bad.findings).toHaveLength(10);
    expect(bad.warnings).toBe(50_001);
    expect(bad.omitted).toBe(50_001 - 10);
    expect(bad.byCode).toEqual({ 'action-unsupported': 50_000, 'doc-id-guessable': 1 });
  });
});
