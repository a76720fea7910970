import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { toolCommit } from './build-info.js';

describe('toolCommit', () => {
  it('in a checkout: the HEAD commit git names, marked -dirty when tracked files changed', () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    expect(toolCommit()).toBe(dirty ? `${head}-dirty` : head);
  });
});
