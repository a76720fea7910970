/**
 * For tests that need real vegeta: the binary the global setup found (or built with Go) through
 * the same path `dlconform load` uses. When it is absent they skip with a printed reason, except
 * under CI=true, where a missing vegeta is a failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, inject } from 'vitest';
import type { VegetaBinary } from './vegeta-bin.js';

export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

const provided = inject('vegeta');
export const vegeta: VegetaBinary | undefined = provided?.found;
export const vegetaMissing = vegeta ? undefined : (provided?.message ?? 'vegeta was not looked for (run the tests through vitest.config.ts)');

if (!vegeta && !IN_CI) {
  process.stderr.write(`\n[load] tests that need vegeta are SKIPPED: ${vegetaMissing}\n(set CI=true to make a missing vegeta fail instead)\n\n`);
}

/** A writable that collects text (for the output of loadCommand / runLoad). */
export function collector(): NodeJS.WritableStream & { text: () => string } {
  const chunks: string[] = [];
  return {
    write(chunk: string | Uint8Array) {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return true;
    },
    text: () => chunks.join(''),
  } as unknown as NodeJS.WritableStream & { text: () => string };
}

/** A maker of temporary folders (`tmp('name')`) that are all removed after the file's tests. */
export function tempDirs(): (name: string) => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return (name) => {
    const d = mkdtempSync(join(tmpdir(), `dlconform-${name}-`));
    dirs.push(d);
    return d;
  };
}
