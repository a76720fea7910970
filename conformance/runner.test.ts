/** The runner fails closed: a crashing check is an error (exit 1), zero executed checks exit 4. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type RunningIssuer } from '../fixtures/issuer/index.js';
import { pass, skip, type Check } from './check.js';
import { parseConfig, type Config } from '../core/config/index.js';
import { Redactor } from '../core/redact.js';
import { runSuite } from './runner.js';
import { EXIT } from '../core/types.js';

const KEY = 'runner-test-key-123456';
let issuer: RunningIssuer;
let config: Config;

beforeAll(async () => {
  issuer = await startIssuer({ apiKey: KEY, documents: 3 });
  config = parseConfig(issuer.config('RUNNER_KEY'), { RUNNER_KEY: KEY }, 'runner test').config;
});
afterAll(() => issuer.close());

const check = (id: string, run: Check['run']): Check => ({ id, api: 'pulluri', section: 'test', title: id, clause: 'echo-ts', run });
const suite = (checks: Check[], cfg: Config = config) => runSuite({ config: cfg, apiKey: KEY, redactor: new Redactor({ apiKey: KEY, config: cfg }), checks, seed: 1 });

describe('runner', () => {
  it('a check that throws becomes an error verdict and exit 1', async () => {
    const { result } = await suite([
      check('t.ok', async () => pass('fine')),
      check('t.crash', async () => {
        throw new TypeError('boom');
      }),
    ]);
    expect(result.checks.map((c) => [c.id, c.verdict])).toEqual([
      ['t.ok', 'pass'],
      ['t.crash', 'error'],
    ]);
    expect(result.checks[1]!.message).toMatch(/crashed: TypeError: boom/);
    expect(result.exitCode).toBe(EXIT.conformanceFailure);
  });
  it('only skips: nothing executed, exit 4', async () => {
    const { result } = await suite([check('t.skip', async () => skip('n/a'))]);
    expect(result.exitCode).toBe(EXIT.nothingExecuted);
  });
  it('no checks selected: exit 4', async () => {
    const { result } = await suite([]);
    expect(result.exitCode).toBe(EXIT.nothingExecuted);
  });
  it('a SHOULD-level failure is a warning and does not fail the run', async () => {
    const c: Check = { ...check('t.should', async () => ({ verdict: 'fail', message: 'meh' })), clause: 'status-text' };
    const { result } = await suite([c, check('t.ok', async () => pass('ok'))]);
    expect(result.checks[0]!.verdict).toBe('warn');
    expect(result.exitCode).toBe(EXIT.ok);
  });
  it('an exhausted time budget is an error, never a pass', async () => {
    const slow = check('t.slow', async () => {
      await new Promise((r) => setTimeout(r, 1200));
      return pass('late');
    });
    const later = check('t.later', async () => pass('never judged'));
    const cfg = { ...config, client: { ...config.client, timeBudgetMs: 1000, concurrency: 1 } };
    const { result } = await suite([slow, later], cfg);
    expect(result.checks.find((c) => c.id === 't.later')!.verdict).toBe('error');
    expect(result.exitCode).toBe(EXIT.conformanceFailure);
  });
  it('messages are redacted', async () => {
    const { result } = await suite([check('t.leak', async () => pass(`key ${KEY}`))]);
    expect(result.checks[0]!.message).not.toContain(KEY);
  });
});
