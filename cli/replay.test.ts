/** `dlconform replay` as a user runs it: the bundled CLI in a child process against the reference issuer over loopback. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import resultSchema from '../core/report/result.schema.json' with { type: 'json' };
import { startIssuer, type RunningIssuer } from '../fixtures/issuer/index.js';
import { runCli } from './test-support.js';

const KEY = 'replay-cli-test-key-5d2a91';

/** Personal values of a captured request: none may reach a report. */
const NAME = 'Ravindra Shankar Prasad';
const DOB = '07-03-1981';
const UID = '918273645546';
const ROLLNO = '7788990011';

const captured = (txn: string, over = '') =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><PullURIRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="2026-11-30T17:02:11.482+05:30" txn="${txn}" orgId="in.gov.captured" keyhash="0d1e2f" metadata="Y" format="pdf"><DocDetails><DocType>HSCER</DocType><DigiLockerId>0a1b2c3d-1111-2222-3333-444455556666</DigiLockerId><UID>${UID}</UID><FullName>${NAME}</FullName><DOB>${DOB}</DOB><rollno>\n ${ROLLNO}${over}\n</rollno><year>2019</year></DocDetails></PullURIRequest>`;

const dlconform = (args: string[]) => runCli(args, tmp, { REPLAY_KEY: KEY });

let tmp: string;
let issuer: RunningIssuer;
let strictIssuer: RunningIssuer;
let lenientIssuer: RunningIssuer;

function everyReportFile(dir: string): string {
  return readdirSync(join(tmp, dir))
    .map((f) => readFileSync(join(tmp, dir, f), 'utf8'))
    .join('\n');
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'dlconform-replay-'));
  mkdirSync(join(tmp, 'captured'));
  writeFileSync(join(tmp, 'captured', 'req-0001.xml'), captured('1764502331'));
  writeFileSync(join(tmp, 'captured', 'req-0002.xml'), captured('562ae0e699e2521ac4bd55f5ca61e553'));
  writeFileSync(
    join(tmp, 'captured', 'log.jsonl'),
    `${JSON.stringify({ body: captured('1764502399'), headers: { 'x-digilocker-hmac': 'c2VjcmV0' } })}\n\n${JSON.stringify({ body: captured('1764502400') })}\n`,
  );
  writeFileSync(join(tmp, 'captured', 'broken.jsonl'), '{"headers": {}}\n');
  mkdirSync(join(tmp, 'encoded'));
  writeFileSync(join(tmp, 'encoded', 'req-hex.xml'), captured('1764502401', '&#x26;Q'));
  issuer = await startIssuer({ apiKey: KEY, documents: 4 });
  strictIssuer = await startIssuer({ apiKey: KEY, documents: 4, faults: ['txn-digits-only'] });
  lenientIssuer = await startIssuer({ apiKey: KEY, documents: 4, faults: ['unknown-search-returns-doc'] });
  writeFileSync(join(tmp, 'config.json'), JSON.stringify(issuer.config('REPLAY_KEY')));
  writeFileSync(join(tmp, 'strict.json'), JSON.stringify(strictIssuer.config('REPLAY_KEY')));
  writeFileSync(join(tmp, 'lenient.json'), JSON.stringify(lenientIssuer.config('REPLAY_KEY')));
  writeFileSync(join(tmp, 'with-replay.json'), JSON.stringify({ ...issuer.config('REPLAY_KEY'), replay: { files: ['captured/*.xml'] } }));
  writeFileSync(join(tmp, 'no-match.json'), JSON.stringify({ ...issuer.config('REPLAY_KEY'), replay: { files: ['captured/*.xml', 'elsewhere/*.xml', 'captured/*.json'] } }));
});
afterAll(async () => {
  await issuer.close();
  await strictIssuer.close();
  await lenientIssuer.close();
});

describe('dlconform replay', () => {
  it('replays captured XML bodies and a JSONL export: served, exit 0, no personal value in any report', async () => {
    const r = await dlconform(['replay', 'captured/*.xml', 'captured/log.jsonl', '--config', 'config.json', '--report-dir', 'out-served']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(join(tmp, 'out-served', 'result.json'), 'utf8'));
    const ajv = new Ajv2020({ strict: false });
    expect(ajv.validate(resultSchema, result), ajv.errorsText()).toBe(true);
    expect(result.checks.map((c: { id: string; verdict: string }) => `${c.id} ${c.verdict}`)).toEqual([
      'pulluri.replay.req-0001 pass',
      'pulluri.replay.req-0002 pass',
      'pulluri.replay.log.line-1 pass',
      'pulluri.replay.log.line-3 pass',
    ]);
    const first = result.checks[0];
    expect(first.message).toContain('@ts: "2026-11-30T17:02:11.482+05:30" → ');
    expect(first.message).toContain('DocDetails/rollno: "[REDACTED:captured]" → ');
    const reports = everyReportFile('out-served');
    for (const value of [NAME, DOB, UID, ROLLNO, '0a1b2c3d-1111-2222-3333-444455556666']) expect(reports, value).not.toContain(value);
    // the replayed body kept the capture's formatting: padded search value, metadata, fractional seconds
    const sent = first.evidence[0].request.body as string;
    expect(sent).toMatch(/metadata="Y" format="pdf"><DocDetails>/);
    expect(sent).toMatch(/<rollno>\n [^\n<]+\n<\/rollno>/);
    expect(sent).toMatch(/ts="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+05:30"/);
  });

  it('expect refused: each request with its own values must not be served', async () => {
    const r = await dlconform(['replay', 'captured/req-0001.xml', '--expect', 'refused', '--config', 'config.json', '--report-dir', 'out-refused']);
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(join(tmp, 'out-refused', 'result.json'), 'utf8'));
    expect(result.checks[0]).toMatchObject({ id: 'pulluri.replay.req-0001', verdict: 'pass', message: expect.stringMatching(/^refused \(HTTP 200, Status="0"\)/) });
    expect(everyReportFile('out-refused')).not.toContain(NAME);
  });

  it('expect refused against an issuer that serves a search matching nothing: fail, exit 1, no personal value in any report', async () => {
    const r = await dlconform(['replay', 'captured/req-0001.xml', '--expect', 'refused', '--config', 'lenient.json', '--report-dir', 'out-lenient', '--quiet']);
    expect(r.code).toBe(1);
    const result = JSON.parse(readFileSync(join(tmp, 'out-lenient', 'result.json'), 'utf8'));
    expect(result.checks[0]).toMatchObject({ id: 'pulluri.replay.req-0001', verdict: 'fail', message: expect.stringMatching(/^served, though expected refused/) });
    const reports = everyReportFile('out-lenient');
    for (const value of [NAME, DOB, UID, ROLLNO, '0a1b2c3d-1111-2222-3333-444455556666']) expect(reports, value).not.toContain(value);
  });

  it('expect refused: a value written with a character reference the redactor has no form for is redacted as the body writes it', async () => {
    const r = await dlconform(['replay', 'encoded/req-hex.xml', '--expect', 'refused', '--config', 'config.json', '--report-dir', 'out-hex', '--quiet']);
    expect(r.code).toBe(0);
    const reports = everyReportFile('out-hex');
    expect(reports).toContain('[REDACTED:captured]');
    for (const value of [NAME, DOB, UID, ROLLNO]) expect(reports, value).not.toContain(value);
  });

  it('an issuer that refuses a captured shape (a 32-hex txn) fails that request: exit 1', async () => {
    const r = await dlconform(['replay', 'captured/*.xml', '--config', 'strict.json', '--report-dir', 'out-strict', '--quiet']);
    expect(r.code).toBe(1);
    const result = JSON.parse(readFileSync(join(tmp, 'out-strict', 'result.json'), 'utf8'));
    expect(result.checks.map((c: { id: string; verdict: string }) => `${c.id} ${c.verdict}`)).toEqual(['pulluri.replay.req-0001 pass', 'pulluri.replay.req-0002 fail']);
  });

  it('--list names a check per captured request, in file and line order', async () => {
    const r = await dlconform(['replay', 'captured/*.xml', 'captured/log.jsonl', '--config', 'config.json', '--list']);
    expect(r.code, r.stderr).toBe(0);
    expect(
      r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]),
    ).toEqual(['pulluri.replay.req-0001', 'pulluri.replay.req-0002', 'pulluri.replay.log.line-1', 'pulluri.replay.log.line-3']);
  });

  it('--baseline and --fail-on new gate a replay as they gate run: the known failure does not block', async () => {
    const first = await dlconform(['replay', 'captured/*.xml', '--config', 'strict.json', '--report-dir', 'out-strict-1', '--quiet']);
    expect(first.code).toBe(1);
    const again = await dlconform(['replay', 'captured/*.xml', '--config', 'strict.json', '--report-dir', 'out-strict-2', '--quiet', '--baseline', 'out-strict-1', '--fail-on', 'new']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(tmp, 'out-strict-2', 'result.json'), 'utf8'));
    expect(result.baseline.stillFailing).toEqual(['pulluri.replay.req-0002']);
  });

  it('no FILE, a FILE matching nothing, a bad JSONL record: usage errors naming what to fix, never 0', async () => {
    const none = await dlconform(['replay', '--config', 'config.json']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/replay needs at least one captured request FILE/);
    const nothing = await dlconform(['replay', 'captured/*.txt', '--config', 'config.json']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/FILE\[0\]: "captured\/\*\.txt" matches no file/);
    const broken = await dlconform(['replay', 'captured/broken.jsonl', '--config', 'config.json']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.jsonl:1 has no "body" string/);
  });

  it("the config's replay joins dlconform run; a pattern matching nothing names the field", async () => {
    const listed = await dlconform(['run', '--config', 'with-replay.json', '--list', '--only', 'replay']);
    expect(listed.code).toBe(0);
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[0]),
    ).toEqual(['pulluri.replay.req-0001', 'pulluri.replay.req-0002']);
    const bad = await dlconform(['run', '--config', 'no-match.json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/replay\.files\[2\]: "captured\/\*\.json" matches no file/);
    expect(bad.stderr).toMatch(/replay\.files\[1\]: "elsewhere\/\*\.xml" names the folder "elsewhere", which cannot be read/);
  });
});
