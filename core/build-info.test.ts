import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { toolCommit } from './build-info.js';

function git(...args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

describe('toolCommit', () => {
  it('in a checkout: the HEAD commit git names, marked -dirty when tracked files changed; elsewhere "unknown"', () => {
    const head = git('rev-parse', 'HEAD');
    if (head === undefined) return void expect(toolCommit()).toBe('unknown');
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    expect(toolCommit()).toBe(dirty ? `${head}-dirty` : head);
  });
});
