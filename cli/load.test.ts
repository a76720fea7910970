import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { LatencyHistogram } from '../load/histogram.js';
import type { LoadPlan } from '../load/plan.js';
import type { LoadResult } from '../load/report.js';
import type { StepRecord } from '../load/results.js';
import { writeSegment, type SegmentFile } from '../load/segment.js';
import { LOAD_DEFAULTS } from '../load/settings.js';
import { collector, tempDirs } from '../load/test-support.js';
import { UsageError } from './args.js';
import { LOAD_HELP, loadCommand, parseSegment } from './load.js';

const tmp = tempDirs();

async function run(args: string[], env: Record<string, string> = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const out = collector();
  const err = collector();
  try {
    const code = await loadCommand(args, out, err);
    return { code, out: out.text(), err: err.text() };
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
  }
}

function configFile(extra: Record<string, unknown> = {}): string {
  const file = join(tmp('loadcli'), 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      target: { pullUri: 'https://issuer.example.gov.in/pulluri', pullDoc: 'https://issuer.example.gov.in/pulldoc' },
      orgId: 'in.gov.example',
      apiKeyEnv: 'LOADCLI_KEY',
      documents: [{ docType: 'INCER', search: { rollno: '1' }, uri: 'in.gov.example-INCER-AB12CD34EF', owner: { fullName: 'Sunil Kumar', dob: '31-12-1990' } }],
      absent: { docType: 'INCER', search: { rollno: '2' } },
      optIn: { fullName: true },
      ...extra,
    }),
  );
  return file;
}

/** A segment folder as `dlconform load --segment i/count` leaves it (figures made up). */
async function segmentDir(index: number, count: number, o: { url?: string; requests?: number } = {}): Promise<string> {
  const dir = tmp(`segment-${index}`);
  const plan: LoadPlan = {
    planVersion: 1,
    runId: '0123456789abcdef',
    segment: { index, count },
    scenario: 'pull-doc',
    profile: 'smoke',
    url: o.url ?? 'http://127.0.0.1:8080/pulldoc',
    specProfile: '3.0',
    orgId: 'in.gov.example',
    issuerId: 'in.gov.example',
    hmac: 'hex-base64',
    namespace: 'none',
    tsOffset: '+05:30',
    format: 'pdf',
    apiKeyEnv: 'K',
    sampleRate: 0.001,
    requestTimeoutMs: 10_000,
    captureBytes: 4096,
    expectPdf: true,
    expectXml: false,
    steps: [{ index: 0, rate: 20, start: 0, measureFrom: 0, end: 2000 }],
    limits: { workers: 10, maxWorkers: 60, maxConnections: 60 },
  };
  const requests = o.requests ?? 20;
  const h = new LatencyHistogram();
  for (let i = 0; i < requests; i++) h.addMs(4 + index);
  const record: StepRecord = {
    index: 0,
    offeredRate: 20 / count,
    windowSeconds: 2,
    requests,
    completed: requests,
    lateStarts: 0,
    httpFailed: 0,
    ok: requests,
    notOk: 0,
    reasons: {},
    beyondCapture: 0,
    sampledPass: 0,
    sampledFail: 0,
    histogram: h.encode(),
    sumUs: requests * (4 + index) * 1000,
    maxUs: (4 + index) * 1000,
  };
  const segment: SegmentFile = {
    segmentVersion: 1,
    tool: { name: 'dlconform', version: 'test' },
    engine: { name: 'vegeta', version: 'v12.13.0' },
    plan,
    settings: { thresholds: { ...LOAD_DEFAULTS.thresholds }, minAchievedRatio: 0.99, datasetSize: 3, profile: { rate: 20, durationSeconds: 2 } },
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:02.000Z',
    steps: [record],
    total: record,
    sampled: { samples: 0, pass: 0, fail: 0, byCheck: {}, failures: [] },
    exitCodes: [0],
  };
  mkdirSync(dir, { recursive: true });
  await writeSegment(dir, segment);
  return dir;
}

describe('dlconform load: usage, safety, emit, merge (no vegeta needed)', () => {
  it('--help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(LOAD_HELP);
    expect(LOAD_HELP).toMatch(/--profile NAME {5}smoke \| ci \| capacity \| soak/);
    expect(LOAD_HELP).toMatch(/vegeta/);
    expect(LOAD_HELP).not.toMatch(/k6/);
    expect((await run(['merge', '--help'])).out).toBe(LOAD_HELP);
  });

  it('usage errors exit 2 and say what to do', async () => {
    expect(await run(['--profile', 'stress'])).toMatchObject({ code: 2, err: expect.stringMatching(/--profile must be one of smoke, ci, capacity, soak, got "stress"/) });
    expect(await run(['--profile', 'capacity', '--duration', '5'])).toMatchObject({ code: 2, err: expect.stringMatching(/--duration applies to smoke, ci and soak/) });
    expect(await run(['--profile', 'smoke', '--steps', '3'])).toMatchObject({ code: 2, err: expect.stringMatching(/--steps applies to --profile capacity/) });
    expect(await run(['--profile', 'capacity', '--steps', '0'])).toMatchObject({ code: 2, err: expect.stringMatching(/--steps must be from 1 to 200/) });
    expect(await run(['--profile', 'capacity', '--step-seconds', '1'])).toMatchObject({ code: 2, err: expect.stringMatching(/--step-seconds must be from 2 to 3600/) });
    expect(await run(['--duration', '0'])).toMatchObject({ code: 2, err: expect.stringMatching(/--duration must be at least 1 second/) });
    expect(await run(['--segments', '0'])).toMatchObject({ code: 2, err: expect.stringMatching(/--segments must be from 1 to 64/) });
    expect(await run(['--segment', '3/2'])).toMatchObject({ code: 2, err: expect.stringMatching(/--segment must be I\/N with 1 ≤ I ≤ N ≤ 1000/) });
    expect(await run(['--segment', '1/2', '--segments', '2'])).toMatchObject({ code: 2, err: expect.stringMatching(/give one of them/) });
    expect(await run(['--emit', 'k6-operator'])).toMatchObject({ code: 2, err: expect.stringMatching(/--emit must be one of kubernetes, got "k6-operator"/) });
    expect(await run(['--emit', 'kubernetes'])).toMatchObject({ code: 2, err: expect.stringMatching(/--emit kubernetes needs --config/) });
    expect(await run(['--emit', 'kubernetes', '--segment', '1/2'])).toMatchObject({ code: 2, err: expect.stringMatching(/give --segments N instead/) });
    expect(await run(['--image', 'x:1'])).toMatchObject({ code: 2, err: expect.stringMatching(/--image applies to --emit kubernetes/) });
    expect(await run(['--rate', '-3'])).toMatchObject({ code: 2 });
    expect(await run(['--rate', 'fast'])).toMatchObject({ code: 2, err: expect.stringMatching(/--rate must be a number above 0, got "fast"/) });
    expect(await run(['--bogus'])).toMatchObject({ code: 2, err: expect.stringMatching(/Unknown option '--bogus'/) });
    const file = configFile();
    expect(await run(['--config', file, '--fault', 'slow-pdf'], { LOADCLI_KEY: 'k' })).toMatchObject({ code: 2, err: expect.stringMatching(/--fault applies only without --config/) });
    expect(await run(['--config', file])).toMatchObject({ code: 2, err: expect.stringMatching(/LOADCLI_KEY is not set/) });
  });

  it('--segment I/N', () => {
    expect(parseSegment('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseSegment('1/1')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/2', '3/2', '1/0', '1/1001', '2', 'a/b', '1/2/3', ' 1/2']) expect(() => parseSegment(bad), bad).toThrow(UsageError);
  });

  it('a target that is not loopback or listed in loadAllowedHosts is refused before anything is sent', async () => {
    const r = await run(['--config', configFile()], { LOADCLI_KEY: 'k' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/load refused: issuer.example.gov.in is not loopback and not listed in the config's "loadAllowedHosts"/);
    const dl = await run(['--config', configFile({ target: { pullUri: 'https://api.digitallocker.gov.in/pulluri' }, loadAllowedHosts: ['api.digitallocker.gov.in'] })], { LOADCLI_KEY: 'k' });
    expect(dl.code).toBe(2);
    expect(dl.err).toMatch(/DigiLocker's/);
  });

  it('--emit kubernetes writes a private Indexed Job of N pods (one segment each) and its merge Job', async () => {
    const dir = tmp('emit');
    const r = await run(
      [
        '--config',
        configFile({ loadAllowedHosts: ['issuer.example.gov.in'] }),
        '--profile',
        'ci',
        '--segments',
        '3',
        '--rate',
        '30',
        '--emit',
        'kubernetes',
        '--image',
        'registry.example/dlconform:1.2.3',
        '--report-dir',
        dir,
      ],
      { LOADCLI_KEY: 'k' },
    );
    expect(r.code, r.err).toBe(0);
    for (const name of ['job.yaml', 'merge.yaml']) expect(statSync(join(dir, name)).mode & 0o777, name).toBe(0o600);
    const yaml = readFileSync(join(dir, 'job.yaml'), 'utf8');
    const objects = parseAllDocuments(yaml) as unknown as Array<{ toJS(): Record<string, any> }>;
    const job = objects.map((d) => d.toJS()).find((o) => o.kind === 'Job')!;
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 3 });
    expect(JSON.stringify(job)).toMatch(/--segment \\"\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)\/3\\"/);
    expect(JSON.stringify(job)).toMatch(/'--rate' '30'/);
    expect(JSON.stringify(job)).toContain('registry.example/dlconform:1.2.3');
    expect(yaml).toMatch(/Sunil Kumar/); // the dataset, in the Secret
    expect(yaml).not.toMatch(/LOADCLI_KEY=k|"k"/);
    expect(readFileSync(join(dir, 'merge.yaml'), 'utf8')).toMatch(/dlconform load merge/);
    expect(r.out).toMatch(/keep the file private/);
    expect(existsSync(join(dir, 'load.json'))).toBe(false);
  });

  it('load merge: the segments of one test make one report; anything else is refused with what to give', async () => {
    expect(await run(['merge'])).toMatchObject({ code: 2, err: expect.stringMatching(/load merge needs the report folders of the segments/) });
    const empty = tmp('not-a-segment');
    const missing = await run(['merge', empty, '--report-dir', tmp('merged')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(join(empty, 'segment.json'));
    expect(missing.err).toMatch(/give the report folder of a `dlconform load --segment i\/N` run/);

    const one = await segmentDir(1, 2);
    const two = await segmentDir(2, 2);
    const out = tmp('merged');
    const merged = await run(['merge', one, two, '--report-dir', out]);
    expect(merged.code, merged.err).toBe(0);
    expect(merged.out).toMatch(/PASS: All thresholds met\.\nmerged 2 of 2 segments/);
    const r = JSON.parse(readFileSync(join(out, 'load.json'), 'utf8')) as LoadResult;
    expect(r).toMatchObject({ verdict: 'pass', engine: { name: 'vegeta', segments: 2 }, total: { requests: 40, offeredRate: 20, achievedRate: 20 } });
    expect(r.segments.map((s) => s.segment)).toEqual(['1/2', '2/2']);

    const stepSummary = join(tmp('github'), 'step-summary.md');
    const half = await run(['merge', one, '--report-dir', tmp('half'), '--format', 'github'], { GITHUB_STEP_SUMMARY: stepSummary });
    expect(half.code).toBe(1);
    expect(half.out).toMatch(/ERROR: segments 2\/2 are missing/);
    expect(half.out).toMatch(/^::error title=dlconform load smoke \(pull-doc\)%3A error::segments 2\/2 are missing/m);
    expect(readFileSync(stepSummary, 'utf8')).toMatch(/^# dlconform load: smoke \(pull-doc\) — ERROR\n/);

    const other = await segmentDir(2, 2, { url: 'http://127.0.0.1:9999/pulldoc' });
    const refused = await run(['merge', one, other, '--report-dir', tmp('refused')]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/segment 2\/2 has a different target than segment 1\/2: they are not parts of one test/);
  });
});
