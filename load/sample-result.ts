/**
 * A LoadResult and its steps without running vegeta, for the load report writers' tests (text,
 * JUnit, HTML in a browser): what a smoke run leaves, overridable field by field.
 */
import { LatencyHistogram } from './histogram.js';
import type { StepResult } from './knee.js';
import type { LoadResult } from './report.js';

export const sampleStep = (index: number, offered: number, achieved: number, p99: number, lateStarts = 0): StepResult => ({
  index,
  offeredRate: offered,
  achievedRate: achieved,
  windowSeconds: 10,
  requests: achieved * 10,
  completed: achieved * 10,
  lateStarts,
  errorRate: 0,
  httpFailedRate: 0,
  p50Ms: p99 / 4,
  p90Ms: p99 / 2,
  p95Ms: p99 / 1.5,
  p99Ms: p99,
  maxMs: p99 * 2,
  sampled: { pass: 3, fail: 0 },
  reasons: {},
  beyondCapture: 0,
});

export function sampleLoadResult(extra: Partial<LoadResult> = {}): LoadResult {
  return {
    schemaVersion: 2,
    tool: { name: 'dlconform', version: 't' },
    runId: 'r1',
    profile: 'smoke',
    scenario: 'pull-doc',
    specProfile: '3.0',
    target: 'http://127.0.0.1:8080/pulldoc',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:10.000Z',
    engine: { name: 'vegeta', version: 'v12.13.0', segments: 1 },
    settings: {
      format: 'pdf',
      sampleRate: 0.005,
      captureBytes: 4096,
      requestTimeoutMs: 10000,
      thresholds: { p95Ms: 1000, p99Ms: 2000, errorRate: 0.01, checksRate: 0.99, lateStartRate: 0.001 },
      datasetSize: 3,
      profile: { rate: 20, durationSeconds: 10 },
      limits: { workers: 10, maxWorkers: 60, maxConnections: 60 },
    },
    steps: [sampleStep(0, 20, 20, 5)],
    total: sampleStep(0, 20, 20, 5),
    segments: [],
    thresholds: [],
    conformance: { samples: 0, pass: 0, fail: 0, byCheck: {}, failures: [] },
    verdict: 'pass',
    message: 'All thresholds met.',
    exitCode: 0,
    histogram: new LatencyHistogram().encode(),
    files: ['load.json'],
    ...extra,
  };
}
