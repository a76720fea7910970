import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../core/types.js';
import { loadWorkflowCommands, writeLoadGithub } from './github.js';
import { findKnee } from './knee.js';
import { sampleLoadResult as result, sampleStep as step } from './sample-result.js';

const dirs: string[] = [];

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const sampledFailure: CheckResult = {
  id: 'pulldoc.content.format-pdf',
  api: 'pulldoc',
  section: 'content',
  title: 'the PDF is a PDF',
  level: 'MUST',
  verdict: 'fail',
  message: 'DocContent is not a PDF::error title=injected::x\nsecond line',
  expected: '%PDF-',
  actual: '<html>',
  clause: { id: 'content-pdf', document: 'SPEC-1.13', section: '5.5', text: 'DocContent: base64 of the PDF' },
  evidence: [],
  durationMs: 3,
} as unknown as CheckResult;

describe('load --format github', () => {
  it('a run that met its thresholds is one notice with its message', () => {
    expect(loadWorkflowCommands(result({}))).toEqual(['::notice title=dlconform load smoke (pull-doc)%3A pass::All thresholds met.']);
  });

  it('each failed threshold and each failing sampled check is an error; text from the target cannot start a command', () => {
    const lines = loadWorkflowCommands(
      result({
        verdict: 'fail',
        exitCode: 1,
        thresholds: [
          { metric: 'latency', expression: 'p(95)<1000', actual: 1520.5, ok: false },
          { metric: 'late_starts', expression: 'rate<=0.001', actual: 0, ok: true },
        ],
        conformance: { samples: 4, pass: 2, fail: 2, byCheck: { 'pulldoc.content.format-pdf': { pass: 0, fail: 2, warn: 0, skip: 0 } }, failures: [sampledFailure] },
      }),
    );
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('::error title=dlconform load smoke (pull-doc)%3A threshold latency p(95)<1000::failed: actual 1520.5');
    expect(lines[1]).toMatch(/^::error title=pulldoc\.content\.format-pdf \[MUST\] \(sampled during load\)::2 sampled responses failed: /);
    expect(lines[1]).toContain('DocContent is not a PDF::error title=injected::x%0Asecond line%0Aexpected: %25PDF-');
    // every command is one line: the target's line break was encoded, so no second command starts
    for (const l of lines) expect(l).not.toContain('\n');
  });

  it('capacity: the knee is a notice; no sustained step is an error naming the first failure', () => {
    const criteria = { minAchievedRatio: 0.99, errorRate: 0.01, p99Ms: 500, lateStartRate: 0.001 };
    const found = findKnee([step(0, 100, 100, 5), step(1, 200, 200, 6), step(2, 300, 250, 900, 40)], criteria);
    expect(loadWorkflowCommands(result({ profile: 'capacity', capacity: found }))).toEqual(['::notice title=dlconform load capacity (pull-doc)%3A knee 200 req/s::achieved 200 req/s, p99 6 ms']);
    const none = findKnee([step(0, 100, 50, 900, 40)], criteria);
    const [line] = loadWorkflowCommands(result({ profile: 'capacity', capacity: none, verdict: 'fail', exitCode: 1 }));
    expect(line).toMatch(/^::error title=dlconform load capacity \(pull-doc\)%3A no step sustained::step 0 at 100 req\/s: /);
  });

  it('an error and an early stop are errors', () => {
    const lines = loadWorkflowCommands(result({ verdict: 'error', exitCode: 1, message: 'vegeta attack exited with 1', stopped: { reason: 'the target stopped answering' } }));
    expect(lines).toEqual([
      '::error title=dlconform load smoke (pull-doc)%3A error::vegeta attack exited with 1',
      '::error title=dlconform load smoke (pull-doc)%3A stopped early::the target stopped answering',
    ]);
  });

  it("appends summary.md's text to $GITHUB_STEP_SUMMARY", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlconform-load-github-'));
    dirs.push(dir);
    const summary = join(dir, 'step-summary.md');
    const out = collector();
    const err = collector();
    const path = await writeLoadGithub(result({}), { out: out.stream, err: err.stream, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(path).toBe(summary);
    expect(err.text()).toBe('');
    expect(out.text()).toBe('::notice title=dlconform load smoke (pull-doc)%3A pass::All thresholds met.\n');
    expect(readFileSync(summary, 'utf8')).toMatch(/^# dlconform load: smoke \(pull-doc\) — PASS\n/);
  });
});
