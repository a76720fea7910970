import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResultLine } from './results.js';
import { readSegment, SEGMENT_JSON, SegmentReadError, slimResultLine, writeSegment, type SegmentFile } from './segment.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'dlconform-segment-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// as `vegeta encode -to json` writes them (field order included)
const BODY = Buffer.from('<PullURIResponse><ResponseStatus Status="1">1</ResponseStatus><IssuedTo><Persons><Person name="सुनील कुमार" dob="31-12-1990"/></Persons></IssuedTo>').toString('base64');
const SERVED = `{"attack":"step-0-segment-1","seq":17,"code":200,"timestamp":"2026-12-05T14:29:25.747811887+05:30","latency":4317802,"bytes_out":690,"bytes_in":4096,"error":"","body":"${BODY}","method":"POST","url":"http://127.0.0.1:8080/pulluri","headers":{"Content-Type":["application/xml"],"X-Name":["Sunil Kumar"]}}`;
const REFUSED =
  '{"attack":"step-0-segment-1","seq":0,"code":0,"timestamp":"2026-12-05T08:59:27.259962578Z","latency":470279,"bytes_out":0,"bytes_in":0,"error":"Post \\"http://127.0.0.1:1/\\": dial tcp 0.0.0.0:0-\\u003e127.0.0.1:1: connect: connection refused","body":null,"method":"POST","url":"http://127.0.0.1:1/","headers":null}';

describe('slimResultLine', () => {
  it('drops body and headers and keeps everything else, parseable', () => {
    const slim = slimResultLine(SERVED);
    const parsed = JSON.parse(slim) as Record<string, unknown>;
    const full = JSON.parse(SERVED) as Record<string, unknown>;
    expect(parsed).toEqual({ ...full, body: null, headers: null });
    expect(Object.keys(parsed)).toEqual(Object.keys(full));
    expect(slim).not.toMatch(/Sunil Kumar/);
    expect(slim).not.toContain(BODY);
    // still a result dlconform reads: seq, latency and start kept
    const r = parseResultLine(slim);
    expect(r).toMatchObject({ seq: 17, code: 200, latencyUs: 4317.802, body: '', captured: 4096 });
    expect(r.startMs).toBe(parseResultLine(SERVED).startMs);
  });

  it('a result without a response (body and headers already null) stays the same result', () => {
    const slim = slimResultLine(REFUSED);
    expect(JSON.parse(slim)).toEqual(JSON.parse(REFUSED));
  });
});

describe('segment files', () => {
  const segment = {
    segmentVersion: 1,
    tool: { name: 'dlconform', version: 'test' },
    engine: { name: 'vegeta', version: 'v12.13.0' },
    plan: { runId: '0123456789abcdef', segment: { index: 1, count: 2 } },
    steps: [],
    total: { index: 0 },
    exitCodes: [0],
  } as unknown as SegmentFile;

  it('round-trip through segment.json', async () => {
    const dir = tmp();
    await writeSegment(dir, segment);
    expect(await readSegment(dir)).toEqual(segment);
  });

  it('a folder without a segment names the file and says what to give', async () => {
    const dir = tmp();
    const err = await readSegment(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SegmentReadError);
    expect((err as Error).message).toBe(`${join(dir, SEGMENT_JSON)}: cannot read a segment (ENOENT); give the report folder of a \`dlconform load --segment i/N\` run`);
  });

  it('a file that is not JSON, or not a segment, is refused by path', async () => {
    const dir = tmp();
    writeFileSync(join(dir, SEGMENT_JSON), '{"segmentVersion": 1,');
    await expect(readSegment(dir)).rejects.toThrow(new RegExp(`^${join(dir, SEGMENT_JSON).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot read a segment \\(.*JSON.*\\); give the report folder`));
    writeFileSync(join(dir, SEGMENT_JSON), JSON.stringify({ schemaVersion: 2, verdict: 'pass' }));
    await expect(readSegment(dir)).rejects.toThrow(`${join(dir, SEGMENT_JSON)}: not a dlconform load segment (segmentVersion 1 expected)`);
    writeFileSync(join(dir, SEGMENT_JSON), JSON.stringify({ ...segment, segmentVersion: 2 }));
    await expect(readSegment(dir)).rejects.toThrow(SegmentReadError);
  });
});
