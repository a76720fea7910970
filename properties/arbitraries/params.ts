/**
 * fast-check parameters for the properties of our own code: a fixed seed (so `npm test` is
 * deterministic; override with DLCONFORM_PROPERTY_SEED to explore) and verbose failures, which
 * print the seed, the path and the shrunk counterexample.
 */
import type fc from 'fast-check';

const PROPERTY_SEED = Number(process.env.DLCONFORM_PROPERTY_SEED ?? 20_240_521);

export function params<T>(numRuns: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  return { seed: PROPERTY_SEED, numRuns, verbose: 1, ...extra };
}
