/** runLoad's failure paths, with stand-ins for k6 (no real k6 needed). */
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redactor } from '../conformance/redact.js';
import { buildDataset } from './dataset.js';
import { startReferenceTarget, type ReferenceTarget } from './reference.js';
import { runLoad, segmentSequence } from './runner.js';
import { applyOverrides, loadSettings } from './settings.js';
import { collector } from './test-support.js';

let target: ReferenceTarget;
beforeAll(async () => {
  target = await startReferenceTarget({ documents: 3 });
});
afterAll(async () => {
  await target.issuer.close();
});

async function withK6(path: string, segments = 1) {
  const dir = mkdtempSync(join(tmpdir(), 'dlconform-runner-'));
  const settings = applyOverrides(loadSettings(target.config), 'smoke', { durationSeconds: 1 });
  const err = collector();
  const outcome = await runLoad({
    config: target.config,
    apiKey: target.apiKey,
    settings,
    profile: 'smoke',
    dataset: buildDataset(target.config, settings.scenario, target.documents),
    k6: { path, version: 'v0.0.0', source: 'K6_BIN' },
    reportDir: dir,
    segments,
    redactor: new Redactor({ apiKey: target.apiKey }),
    toolVersion: 'test',
    dashboard: false,
    out: collector(),
    err,
  });
  return { outcome, dir, err: err.text() };
}

describe('runLoad when k6 fails', () => {
  it('segment boundaries', () => {
    expect(segmentSequence(1)).toEqual(['0', '1']);
    expect(segmentSequence(3)).toEqual(['0', '1/3', '2/3', '1']);
  });

  it('k6 exiting with an error is an error verdict (exit 1), with reports, and the API key is not in its arguments', async () => {
    const fake = join(mkdtempSync(join(tmpdir(), 'dlconform-fakek6-')), 'k6');
    writeFileSync(fake, `#!/bin/sh\necho "$@" >> "${fake}.args"\necho "$${target.config.apiKeyEnv}" | wc -c > "${fake}.keylen"\nexit 107\n`);
    chmodSync(fake, 0o755);
    const { outcome, dir } = await withK6(fake, 2);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.result?.verdict).toBe('error');
    expect(outcome.message).toMatch(/k6 failed \(exit 107 in segment 1, 107 in segment 2\)/);
    expect(existsSync(join(dir, 'junit.xml'))).toBe(true);
    // the two segments run concurrently and append in either order
    const args = readFileSync(`${fake}.args`, 'utf8');
    expect(args).toMatch(/--no-usage-report --address= .*--execution-segment=0:1\/2 --execution-segment-sequence=0,1\/2,1 /);
    expect(args).toMatch(/--no-usage-report --address= .*--execution-segment=1\/2:1 --execution-segment-sequence=0,1\/2,1 /);
    expect(args).not.toContain(target.apiKey);
    expect(Number(readFileSync(`${fake}.keylen`, 'utf8').trim())).toBe(target.apiKey.length + 1); // passed in the environment
  });

  it('a k6 that cannot be started does not hang the run', async () => {
    const { outcome, err } = await withK6('/nonexistent/k6');
    expect(outcome.exitCode).toBe(1);
    expect(err).toMatch(/cannot start k6 \(\/nonexistent\/k6\)/);
  });
});
