/**
 * For bundle tests: read a bundle's entries into memory and write a changed copy, with node-tar,
 * as someone tampering with a bundle would.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { create, list, type ReadEntry } from 'tar';

/** Every entry of a .tar.gz, in archive order. */
export async function readBundle(path: string): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  await list({
    file: path,
    onReadEntry: (entry: ReadEntry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => entries.set(entry.path, Buffer.concat(chunks)));
    },
  });
  return entries;
}

/** Writes `entries` as a .tar.gz at `path`. */
export async function writeBundle(path: string, entries: Map<string, Buffer>): Promise<void> {
  const stage = mkdtempSync(join(tmpdir(), 'dlconform-bundle-test-'));
  try {
    for (const [name, bytes] of entries) {
      mkdirSync(dirname(join(stage, name)), { recursive: true });
      writeFileSync(join(stage, name), bytes);
    }
    await create({ gzip: true, file: path, cwd: stage, portable: true }, [...entries.keys()]);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** A copy of `bytes` with one bit of its middle byte flipped. */
export function flipOneByte(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  const at = Math.floor(copy.length / 2);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}
