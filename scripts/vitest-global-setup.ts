// Before any test runs: build the CLI bundle once (tests that spawn the CLI use it), and get vegeta
// through the same code path `dlconform load` uses (building the pinned version with Go on first
// use). The load tests read what was found with inject('vegeta'); without Go they skip, except
// under CI=true, where that is a failure.
import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { ensureVegeta, type VegetaBinary } from '../load/vegeta-bin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    vegeta: { found?: VegetaBinary; message?: string };
  }
}

export default async function setup(project: TestProject): Promise<void> {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const vegeta = await ensureVegeta({ progress: (line) => process.stderr.write(`${line}\n`) });
  project.provide('vegeta', vegeta.found ? { found: vegeta.found } : { message: vegeta.message ?? 'vegeta not found' });
}
