/**
 * Large documents: the reference issuer's large-documents dataset (a 20 MB certificate PDF, ≈ 27 MB
 * of base64 in DocContent) goes through the real client, parser and checks. The figures (peak
 * memory as a multiple of the document, time to verify) are scripts/bench-large.mjs's, not a test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type RunningIssuer } from '../fixtures/issuer/index.js';
import { inspectPdf, bytesReader } from '../protocol/bytes.js';
import { parseConfig } from '../core/config/index.js';
import { EXPECTED } from './fault-targets.js';
import { Redactor } from '../core/redact.js';
import { runSuite } from './runner.js';

const KEY = 'large-docs-test-key-31c9';
const ENV = 'LARGE_TEST_KEY';
const DOCUMENT_BYTES = 20_000_000;

let issuer: RunningIssuer;

beforeAll(async () => {
  issuer = await startIssuer({ apiKey: KEY, documents: 3, largeDocumentBytes: DOCUMENT_BYTES });
});
afterAll(async () => {
  await issuer?.close();
  (globalThis as { gc?: () => void }).gc?.(); // see core/client.test.ts
});

async function pullDocRun(client: Record<string, number>) {
  const json = { ...issuer.config(ENV), client: { timeoutMs: 60_000, concurrency: 2, ...client } };
  const { config, apiKey } = parseConfig(json, { [ENV]: KEY }, 'large documents');
  return runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), only: ['pulldoc.transport', 'pulldoc.content'], seed: 5 });
}

describe('large documents: a 20 MB PDF through Pull Doc', () => {
  it('the dataset: each PDF is at least 20 MB and structurally sound', () => {
    const pdf = issuer.store.documents[0]!.content().pdf;
    expect(pdf.length).toBeGreaterThanOrEqual(DOCUMENT_BYTES);
    expect(pdf.length).toBeLessThan(DOCUMENT_BYTES + 4096);
    expect(inspectPdf(pdf.length, bytesReader(pdf))).toMatchObject({ header: '%PDF-1.4', xref: 'table', trailer: true });
  });

  it('passes every Pull Doc transport and content check with the default response cap', async () => {
    const { result, transcript } = await pullDocRun({});
    const bad = result.checks.filter((c) => c.verdict === 'fail' || c.verdict === 'error').map((c) => `${c.id}: ${c.message}`);
    expect(bad).toEqual([]);
    expect(result.exitCode).toBe(0);
    const pdf = result.checks.find((c) => c.id === 'pulldoc.content.doccontent-pdf')!;
    expect(pdf.verdict).toBe('pass');
    expect(pdf.message).toMatch(/^PDF of 200\d{5} bytes \(%PDF-1\.4, xref table, trailer with \/Root\)$/);
    expect(result.checks.find((c) => c.id === 'pulldoc.content.doccontent-base64')!.message).toMatch(/^DocContent: 200\d{5} bytes of base64$/);
    // the signature scan reads the whole 20 MB, a decoded MiB at a time
    expect(result.checks.find((c) => c.id === 'pulldoc.content.pdf-signed')!.verdict).toBe('pass');
    // evidence and transcript carry excerpts, not 27 MB bodies
    for (const e of transcript) expect(e.response?.body.length ?? 0).toBeLessThanOrEqual(4000);
  });

  it('a cap below the document refuses it before reading, and says so', async () => {
    const { result } = await pullDocRun({ maxResponseBytes: 25 * 1024 * 1024 });
    expect(result.exitCode).not.toBe(0);
    const all = [result.aborted?.reason ?? '', ...result.checks.map((c) => c.message)].join('\n');
    expect(all).toMatch(/HTTP 200 declares a body of 2\d{7} bytes \(Content-Length\), over the 26214400-byte cap \(client\.maxResponseBytes\); not read/);
  });
});

describe('large documents held as bytes: every Pull Doc content and transport check still fails on its fault', () => {
  // a 2 MB PDF: a body over the client's 1 MiB, so its content is read from the bytes (protocol/body.ts).
  // Not doccontent-not-base64: the large dataset's PDF holds control bytes, so as Latin-1 text it
  // makes the body ill-formed XML (a utf8-xml failure) rather than bad base64.
  for (const fault of ['base64-line-breaks', 'doccontent-not-pdf', 'datacontent-not-base64', 'datacontent-json', 'invalid-utf8'] as const) {
    it(fault, async () => {
      const target = await startIssuer({ apiKey: KEY, documents: 2, largeDocumentBytes: 2_000_000, faults: [fault] });
      try {
        const json = { ...target.config(ENV), client: { timeoutMs: 60_000, concurrency: 2 } };
        const { config, apiKey } = parseConfig(json, { [ENV]: KEY }, 'large documents, faulty');
        const { result } = await runSuite({ config, apiKey, redactor: new Redactor({ apiKey, config }), only: ['pulldoc.transport', 'pulldoc.content'], seed: 5 });
        const failing = result.checks.filter((c) => c.verdict === 'fail' || c.verdict === 'warn' || c.verdict === 'error').map((c) => c.id);
        expect(failing).toEqual(EXPECTED[fault].targets.filter((id) => id.startsWith('pulldoc.')));
      } finally {
        await target.close();
      }
    });
  }
});
