import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, workflowCommands, writeGithub } from './github.js';
import { renderMarkdown } from './markdown.js';
import { sampleCheck, sampleRun } from './sample-run.js';

/** Reads a workflow command line the way the Actions runner does: `::kind key=value,…::data`, then unescapes. */
function parseCommand(line: string): { kind: string; props: Record<string, string>; data: string } {
  const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const unData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  const unProp = (s: string) => unData(s.replace(/%3A/g, ':').replace(/%2C/g, ','));
  const props: Record<string, string> = {};
  for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    props[pair.slice(0, eq)] = unProp(pair.slice(eq + 1));
  }
  return { kind: m[1]!, props, data: unData(m[3]!) };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A stream that keeps what is written to it. */
function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('escaping', () => {
  it('encodes %, CR and LF in data, and : and , as well in properties', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeData('%0A')).toBe('%250A');
    expect(escapeProperty('a: b, c%\n')).toBe('a%3A b%2C c%25%0A');
  });
});

describe('workflowCommands', () => {
  const lines = workflowCommands(sampleRun());

  it('one line per finding: errors for blocking failures and errors, warnings for warnings; passes and skips give none', () => {
    expect(lines.every((l) => !l.includes('\n') && !l.includes('\r'))).toBe(true);
    const parsed = lines.map(parseCommand);
    expect(parsed.map((p) => [p.kind, p.props.title])).toEqual([
      ['error', 'pulluri.echo-txn [MUST]'],
      ['error', 'pulldoc.echo-ts [SECURITY]'],
      ['warning', 'pulluri.status-text [SHOULD]'],
    ]);
  });

  it('the message survives the round trip: newlines come back, control characters are shown, not sent', () => {
    const txn = parseCommand(lines[0]!);
    expect(txn.data).toContain('txn differs | expected <1452503688> & got "x"\nsecond line\\x01');
    expect(txn.data).toContain('\nexpected: 1452503688\nactual: x|y\nclause echo-ts (SPEC-1.13 8.1.4 #1)');
    expect(txn.data).not.toContain('\u0001');
  });

  it('a target cannot end the command or start another: ::, newlines, % and commas in its text stay data', () => {
    const hostile = sampleCheck({ id: 'pulluri.x,title=y::z', verdict: 'fail', message: 'boom\n::error title=forged::owned\r\n%0A::warning::x' });
    const out = workflowCommands(sampleRun({ checks: [hostile] }));
    expect(out).toHaveLength(1);
    const p = parseCommand(out[0]!);
    expect(p.props).toEqual({ title: 'pulluri.x,title=y::z [MUST]' });
    expect(p.data.split('\n')[0]).toBe('boom');
    expect(p.data).toContain('\n::error title=forged::owned\r\n%0A::warning::x');
  });

  it('the diagnosis and an abort come first; waived failures are notices; old failures under --fail-on new are warnings', () => {
    const run = sampleRun({
      diagnosis: { api: 'pulluri', cause: 'credentials', summary: 'The baseline was refused (HTTP 401)', suspects: ['apiKeyEnv', 'orgId'] },
      aborted: { reason: 'http://127.0.0.1:1/pulluri is unreachable', exitCode: 3 },
      failOn: 'new',
      baseline: { path: 'prev/result.json', runId: 'r0', newFailures: ['pulluri.new'], fixed: [], stillFailing: ['pulluri.old'], newChecks: [], removedChecks: [] },
      checks: [
        sampleCheck({ id: 'pulluri.old', verdict: 'fail', message: 'still broken' }),
        sampleCheck({ id: 'pulluri.new', verdict: 'fail', message: 'newly broken' }),
        sampleCheck({
          id: 'pulluri.waived',
          verdict: 'waived',
          message: 'accepted',
          waiver: { selector: 'pulluri.waived', reason: 'vendor fix due', owner: 'ops', expires: '2099-01-01', state: 'active' },
        }),
      ],
    });
    const p = workflowCommands(run).map(parseCommand);
    expect(p.map((x) => [x.kind, x.props.title])).toEqual([
      ['error', 'dlconform: the pulluri baseline was refused'],
      ['error', 'dlconform: run aborted'],
      ['error', 'pulluri.new [MUST]'],
      ['warning', 'pulluri.old [MUST]'],
      ['notice', 'pulluri.waived [MUST]'],
    ]);
    expect(p[0]!.data).toBe('The baseline was refused (HTTP 401)\nlook at: apiKeyEnv, orgId');
    expect(p[4]!.data).toContain('waiver (active): vendor fix due (owner ops, until 2099-01-01)');
  });

  it('a clean run gives no command; a run with many findings is capped with a note', () => {
    expect(workflowCommands(sampleRun({ checks: [sampleCheck()] }))).toEqual([]);
    const many = Array.from({ length: 60 }, (_, i) => sampleCheck({ id: `pulluri.c${i}`, verdict: 'fail' }));
    const out = workflowCommands(sampleRun({ checks: many })).map(parseCommand);
    expect(out).toHaveLength(51);
    expect(out.at(-1)).toMatchObject({ kind: 'notice', data: '10 more findings: see the job summary and result.json' });
  });
});

describe('writeGithub', () => {
  it('prints the commands and appends the Markdown summary to $GITHUB_STEP_SUMMARY, after what is already there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlconform-github-'));
    dirs.push(dir);
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '# an earlier step\n');
    const out = sink();
    const err = sink();
    const run = sampleRun();
    expect(await writeGithub(run, { out: out.stream, err: err.stream, env: { GITHUB_STEP_SUMMARY: summary } })).toBe(summary);
    expect(out.text()).toBe(`${workflowCommands(run).join('\n')}\n`);
    expect(err.text()).toBe('');
    expect(readFileSync(summary, 'utf8')).toBe(`# an earlier step\n${renderMarkdown(run)}\n`);
  });

  it('without $GITHUB_STEP_SUMMARY: the commands still, and one note on stderr', async () => {
    const out = sink();
    const err = sink();
    expect(await writeGithub(sampleRun(), { out: out.stream, err: err.stream, env: {} })).toBeUndefined();
    expect(out.text().split('\n').filter(Boolean)).toHaveLength(3);
    expect(err.text()).toBe('dlconform: --format github: $GITHUB_STEP_SUMMARY is not set (not in a GitHub Actions step), so no step summary was written; summary.md has the same text\n');
  });

  it('a summary file that cannot be written is reported, not thrown', async () => {
    const out = sink();
    const err = sink();
    const missing = join(tmpdir(), 'dlconform-no-such-dir', 'nested', 'summary.md');
    expect(await writeGithub(sampleRun(), { out: out.stream, err: err.stream, env: { GITHUB_STEP_SUMMARY: missing } })).toBeUndefined();
    expect(err.text()).toMatch(/could not append the step summary to \$GITHUB_STEP_SUMMARY \(.*summary\.md\): ENOENT/);
  });
});
