import { describe, expect, it } from 'vitest';
import { sampleCheck } from './report/sample-run.js';
import { runResult } from './run-result.js';
import { EXIT } from './types.js';

const run = (verdicts: Parameters<typeof sampleCheck>[0][]) =>
  runResult({ runId: 'r', profile: '3.0', policy: 'conformance', target: { pullUri: 'http://127.0.0.1/p' }, startedAt: new Date(0), seed: 1, checks: verdicts.map((v) => sampleCheck(v)) });

describe('the exit policy', () => {
  it('an inconclusive check fails closed: counted, exit 1, even with every other check passing', () => {
    const r = run([{ verdict: 'pass' }, { verdict: 'inconclusive', level: 'SECURITY' }]);
    expect(r.summary).toMatchObject({ pass: 1, inconclusive: 1, blocking: 0 });
    expect(r.exitCode).toBe(EXIT.conformanceFailure);
    expect(r.schemaVersion).toBe(3);
  });

  it('a run of only inconclusive checks executed something: exit 1, not 4', () => {
    expect(run([{ verdict: 'inconclusive' }, { verdict: 'skip' }]).exitCode).toBe(EXIT.conformanceFailure);
    expect(run([{ verdict: 'skip' }]).exitCode).toBe(EXIT.nothingExecuted);
  });

  it('a run of only waived failures was judged: exit 0, not 4, and nothing blocks', () => {
    const r = run([{ verdict: 'waived' }, { verdict: 'skip' }]);
    expect(r.summary).toMatchObject({ waived: 1, blocking: 0 });
    expect(r.exitCode).toBe(EXIT.ok);
  });

  it('a refused baseline is never exit 0, and the diagnosis opens the result', () => {
    const diagnosis = { api: 'pulluri' as const, cause: 'credentials' as const, summary: 'refused', suspects: ['apiKeyEnv', 'orgId', 'hmac'] };
    const r = runResult({
      runId: 'r',
      profile: '3.0',
      policy: 'conformance',
      target: { pullUri: 'http://127.0.0.1/p' },
      startedAt: new Date(0),
      seed: 1,
      diagnosis,
      checks: [sampleCheck({ verdict: 'pass' })],
    });
    expect(r.exitCode).toBe(EXIT.conformanceFailure);
    expect(Object.keys(r).slice(0, 3)).toEqual(['schemaVersion', 'tool', 'diagnosis']);
    expect(run([{ verdict: 'pass' }])).not.toHaveProperty('diagnosis');
  });
});
