/**
 * target.requester in a config: `dlconform run` adds the requester checks to the suite's run, in
 * the same result and transcript, selected with --only / --skip like every other check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../core/config/index.js';
import { Redactor } from '../../core/redact.js';
import { startIssuer, type RunningIssuer } from '../../fixtures/issuer/index.js';
import { startRequesterService, type RunningRequesterService } from '../../fixtures/requester/index.js';
import { runSuite } from '../runner.js';
import { REQUESTER_CHECKS } from './checks.js';

const KEY = 'requester-config-test-key-0123';
let issuer: RunningIssuer;
let service: RunningRequesterService;
let config: Config;

beforeAll(async () => {
  issuer = await startIssuer({ apiKey: KEY, documents: 2 });
  service = await startRequesterService({ faults: ['refuses-repeat'] });
  const json = issuer.config('REQUESTER_CONFIG_KEY') as { target: Record<string, unknown> };
  json.target.requester = service.url;
  config = parseConfig(json, { REQUESTER_CONFIG_KEY: KEY }, 'requester config test').config;
});
afterAll(async () => {
  await issuer.close();
  await service.close();
});

const run = (only: string[], skip: string[] = []) => runSuite({ config, apiKey: KEY, redactor: new Redactor({ apiKey: KEY, config }), only, skip, seed: 1 });

describe('target.requester', () => {
  it("adds the requester checks after the suite's, naming the service as a target", async () => {
    const { result, transcript } = await run(['pulluri.echo.ts', 'requester']);
    expect(result.checks.map((c) => c.id)).toEqual(['pulluri.echo.ts', ...REQUESTER_CHECKS.map((c) => c.id)]);
    expect(result.target.requester).toBe(service.url);
    expect(result.checks.find((c) => c.id === 'requester.share.repeat')?.verdict).toBe('warn');
    expect(transcript.some((e) => e.request.url === service.url)).toBe(true);
  });

  it('--skip leaves them out, and a bad URL is a config error naming target.requester', async () => {
    const { result } = await run(['pulluri.echo.ts'], []);
    expect(result.checks.map((c) => c.id)).toEqual(['pulluri.echo.ts']);
    const { result: skipped } = await run(['requester'], ['requester.share.repeat', 'requester.doc-url']);
    expect(skipped.checks.map((c) => c.id)).toEqual(['requester.share.stored', 'requester.params.user-ref', 'requester.params.doc-id', 'requester.params.doc-url', 'requester.transport.https']);
    const json = issuer.config('REQUESTER_CONFIG_KEY') as { target: Record<string, unknown> };
    json.target.requester = 'clientapp.gov.in/upload';
    expect(() => parseConfig(json, { REQUESTER_CONFIG_KEY: KEY }, 'bad')).toThrow(/target\.requester/);
  });
});
