import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffBaseline, loadBaseline, type Baseline } from './baseline.js';
import { sampleCheck, sampleRun } from './report/sample-run.js';
import { gatedRun } from './run-result.js';
import { EXIT, type CheckResult, type Verdict } from './types.js';

const checks = (verdicts: Record<string, Verdict>): CheckResult[] => Object.entries(verdicts).map(([id, verdict]) => sampleCheck({ id, verdict }));
const baseline = (verdicts: Record<string, Verdict>): Baseline => ({ path: 'prev/result.json', runId: 'prev', checks: Object.entries(verdicts).map(([id, verdict]) => ({ id, verdict })) });

describe('diffBaseline', () => {
  it('sorts every check into new failures, fixed, still failing, new and removed; a failure is fail, error or inconclusive', () => {
    const before = baseline({ a: 'fail', b: 'error', c: 'pass', d: 'inconclusive', e: 'fail', gone: 'fail', f: 'skip', w: 'waived' });
    const now = checks({ a: 'pass', b: 'inconclusive', c: 'fail', d: 'skip', e: 'warn', f: 'error', w: 'fail', fresh: 'fail', fine: 'pass' });
    expect(diffBaseline(before, now)).toEqual({
      path: 'prev/result.json',
      runId: 'prev',
      newFailures: ['c', 'f', 'w', 'fresh'], // a waived check of the baseline whose waiver expired fails anew
      fixed: ['a', 'e'], // judged and not blocking now; d is skipped, so not known to be fixed
      stillFailing: ['b'],
      newChecks: ['fresh', 'fine'],
      removedChecks: ['gone'],
    });
  });

  it('--fail-on new: an old failure does not block, a new one does; an abort, an empty run and a diagnosis still never exit 0', () => {
    const before = baseline({ a: 'fail', b: 'pass' });
    const gate = (now: CheckResult[], extra = {}) => {
      const run = sampleRun({ checks: now, ...extra });
      return gatedRun(run, { checks: now, baseline: diffBaseline(before, now), failOn: 'new' });
    };
    const old = gate(checks({ a: 'fail', b: 'pass' }));
    expect(old.exitCode).toBe(EXIT.ok);
    expect(old.summary.blocking).toBe(1); // still counted: the report shows it
    expect(old).toMatchObject({ failOn: 'new', baseline: { stillFailing: ['a'], newFailures: [] } });
    expect(gate(checks({ a: 'fail', b: 'fail' })).exitCode).toBe(EXIT.conformanceFailure);
    expect(gate(checks({ a: 'pass', b: 'error' })).exitCode).toBe(EXIT.conformanceFailure);
    expect(gate(checks({ a: 'fail', b: 'pass' }), { aborted: { reason: 'unreachable', exitCode: EXIT.unreachable } }).exitCode).toBe(EXIT.unreachable);
    expect(gate(checks({ a: 'skip', b: 'skip' })).exitCode).toBe(EXIT.nothingExecuted);
    const diagnosis = { api: 'pulluri' as const, cause: 'credentials' as const, summary: 'refused', suspects: ['apiKeyEnv'] };
    expect(gate(checks({ a: 'fail', b: 'pass' }), { diagnosis }).exitCode).toBe(EXIT.conformanceFailure);
    // --fail-on any (the default) blocks on the old failure too
    const now = checks({ a: 'fail', b: 'pass' });
    expect(gatedRun(sampleRun({ checks: now }), { checks: now, baseline: diffBaseline(before, now), failOn: 'any' }).exitCode).toBe(EXIT.conformanceFailure);
  });
});

describe('loadBaseline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlconform-baseline-'));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('reads a result.json of schema version 3 or 2, given as the file or its report directory', async () => {
    const v3 = write('v3.json', JSON.stringify(sampleRun()));
    expect(await loadBaseline(v3)).toEqual({ path: v3, runId: sampleRun().runId, checks: sampleRun().checks.map((c) => ({ id: c.id, verdict: c.verdict })) });
    // a version 2 result has no policy, no waived count: only what the comparison needs is required
    const { policy: _, ...v2 } = { ...sampleRun(), schemaVersion: 2 };
    expect((await loadBaseline(write('v2.json', JSON.stringify(v2)))).checks).toHaveLength(5);
    mkdirSync(join(dir, 'run1'));
    write('run1/result.json', JSON.stringify(sampleRun({ runId: 'run1' })));
    expect(await loadBaseline(join(dir, 'run1'))).toMatchObject({ runId: 'run1', path: join(dir, 'run1', 'result.json') });
  });

  it('a bad file is a clear error (exit 2) saying what --baseline takes', async () => {
    await expect(loadBaseline(join(dir, 'missing.json'))).rejects.toThrow(/^baseline .*missing\.json: file not found; pass --baseline with the result\.json of a previous run/);
    await expect(loadBaseline(write('bad.json', '{"runId": "x",\n  checks: []}'))).rejects.toThrow(/bad\.json: is not valid JSON \(line 2, column 3: .*\); pass the result\.json a previous run wrote/);
    await expect(loadBaseline(write('v1.json', JSON.stringify({ ...sampleRun(), schemaVersion: 1 })))).rejects.toThrow(
      /v1\.json: schemaVersion: must be one of 2, 3 \(got 1\); --baseline takes the result\.json of a previous dlconform run/,
    );
    await expect(loadBaseline(write('other.json', JSON.stringify({ schemaVersion: 3, runId: 'r', checks: [{ id: 'a' }] })))).rejects.toThrow(/other\.json: checks\[0\]\.verdict: is required/);
  });
});
