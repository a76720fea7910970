/**
 * Writes every report of a run into one directory. The run arrives redacted: its evidence was
 * redacted where it was recorded (core/evidence.ts), so the writers only format.
 */
import { mkdir } from 'node:fs/promises';
import type { RunResult } from '../types.js';
import { writeHtml } from './html.js';
import { writeJson } from './json.js';
import { writeJunit } from './junit.js';
import { writeMarkdown } from './markdown.js';

/** Creates `dir` if needed and writes result.json, junit.xml, summary.md and report.html; returns their paths in that order. */
export async function writeReports(run: RunResult, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  return Promise.all([writeJson(run, dir), writeJunit(run, dir), writeMarkdown(run, dir), writeHtml(run, dir)]);
}
