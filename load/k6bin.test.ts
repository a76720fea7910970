import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findK6, k6MissingMessage, pinnedK6Version, toolsK6Path } from './k6bin.js';

describe('finding k6', () => {
  const root = mkdtempSync(join(tmpdir(), 'dlconform-k6bin-'));
  mkdirSync(join(root, 'load'));
  writeFileSync(join(root, 'load', 'k6.version'), 'v1.8.1\n');
  const fake = join(root, 'fake-k6');
  writeFileSync(fake, '#!/bin/sh\necho "this is the npm placeholder"\n');
  chmodSync(fake, 0o755);
  const real = join(root, 'real-k6');
  writeFileSync(real, '#!/bin/sh\necho "k6 v9.9.9 (go1.26, linux/amd64)"\n');
  chmodSync(real, 0o755);

  it('the pinned version and the tools path', () => {
    expect(pinnedK6Version(root)).toBe('v1.8.1');
    expect(toolsK6Path(root)).toBe(join(root, '.tools', 'k6-v1.8.1', 'k6'));
  });

  it('K6_BIN first, then the tools folder, then PATH; a binary that is not k6 does not count', async () => {
    const none = await findK6({ PATH: '' }, root);
    expect(none.found).toBeUndefined();
    expect(none.looked).toEqual(['$K6_BIN: not set', `tools: ${join(root, '.tools', 'k6-v1.8.1', 'k6')} does not exist`, 'PATH: no k6']);
    expect((await findK6({ K6_BIN: fake, PATH: '' }, root)).looked[0]).toMatch(/K6_BIN: .*fake-k6 is not k6/);
    expect((await findK6({ K6_BIN: real, PATH: '' }, root)).found).toEqual({ path: real, version: 'v9.9.9', source: 'K6_BIN' });
    mkdirSync(join(root, 'bin'));
    writeFileSync(join(root, 'bin', 'k6'), '#!/bin/sh\necho "k6 v1.2.3 (x)"\n');
    chmodSync(join(root, 'bin', 'k6'), 0o755);
    expect((await findK6({ PATH: join(root, 'bin') }, root)).found).toMatchObject({ version: 'v1.2.3', source: 'PATH' });
  });

  it('the message says how to get k6', () => {
    const m = k6MissingMessage(['$K6_BIN: not set'], root);
    expect(m).toMatch(/bash load\/install-k6.sh/);
    expect(m).toMatch(/go install go.k6.io\/k6@v1.8.1/);
    expect(m).toMatch(/npm package named "k6" is a placeholder/);
  });
});
