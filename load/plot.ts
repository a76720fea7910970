/**
 * latency.html: `vegeta plot` over the results of every segment, a self-contained page of each
 * request's latency over time (zoomable; downsampled past a few thousand points). The results it
 * reads carry no bodies or headers, so the page holds no personal data.
 */
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import type { VegetaBinary } from './vegeta-bin.js';

/** Writes the plot; false when there was nothing to plot or vegeta failed (the run's verdict does not depend on it). */
export function plotLatency(vegeta: VegetaBinary, resultFiles: readonly string[], output: string, title: string): Promise<boolean> {
  const files = resultFiles.filter((f) => existsSync(f) && statSync(f).size > 0);
  if (files.length === 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    execFile(vegeta.path, ['plot', `-title=${title}`, `-output=${output}`, ...files], { timeout: 120_000 }, (err) => resolve(!err && existsSync(output)));
  });
}
