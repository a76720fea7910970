/**
 * The ts window properties against the reference issuer: INFO (a pass stating the measured
 * window) without a declared window; judged with one; the ts-window fault proves the check fails.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/index.js';
import type { SentExchange } from '../../conformance/context.js';
import { Redactor } from '../../core/redact.js';
import { startIssuer, type IssuerOptions, type RunningIssuer } from '../../fixtures/issuer/index.js';
import { runTiming } from './suite.js';
import { boundaryMargin, describeWindow, expectationFor, humanOffset, windowOffsets, type WindowProbe } from './window.js';

const API_KEY = 'window-test-key-0123456789';
const running: RunningIssuer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((i) => i.close()));
});

async function windowRun(issuer: Partial<IssuerOptions>, patch: Record<string, unknown> = {}) {
  const i = await startIssuer({ apiKey: API_KEY, documents: 4, ...issuer });
  running.push(i);
  const { config, apiKey } = parseConfig({ ...i.config('WINDOW_TEST_KEY'), ...patch }, { WINDOW_TEST_KEY: API_KEY }, 'window test');
  const { result } = await runTiming({ config, apiKey, redactor: new Redactor({ apiKey, config }), seed: 11, only: ['window'] });
  const byId = Object.fromEntries(result.checks.map((c) => [c.id, c]));
  return { result, window: byId['timing.ts-window']!, offsets: byId['timing.ts-offsets']! };
}

describe('timing.ts-window against the reference issuer', () => {
  it('clean issuer, no declared window: INFO pass stating that every ts is accepted', async () => {
    const { result, window, offsets } = await windowRun({});
    expect(window.verdict).toBe('pass');
    expect(window.level).toBe('MAY');
    expect(window.message).toBe('INFO: accepts every ts probed, from -1 day to +1 day. No window is declared (config tsWindow), so this is not judged (FACTS C4).');
    expect(window.evidence).toHaveLength(9);
    expect(offsets.verdict).toBe('pass');
    expect(offsets.message).toMatch(/^INFO: .*\+00:00 accepted, \+02:00 accepted, -05:00 accepted, Z accepted/);
    expect(result.exitCode).toBe(0);
  });

  it('ts-window fault, no declared window: INFO pass stating the measured window', async () => {
    const { window, result } = await windowRun({ faults: ['ts-window'] });
    expect(window.verdict).toBe('pass');
    expect(window.message).toMatch(/^INFO: accepts ts from -5 min to \+1 s; rejects -1 day, -30 min, \+5 min, \+30 min, \+1 day\./);
    expect(result.exitCode).toBe(0);
  });

  it('ts-window fault with the same window declared: pass', async () => {
    const { window, offsets } = await windowRun({ faults: ['ts-window'] }, { tsWindow: { pastSeconds: 600, futureSeconds: 120 } });
    expect(window.level).toBe('MUST');
    expect(window.verdict, window.message).toBe('pass');
    expect(window.message).toMatch(/consistent with the declared window \(-10 min to \+2 min\) at all \d+ judged probes/);
    expect(offsets.verdict).toBe('pass');
  });

  it('ts-window fault with a wider window declared: fail, naming the inside ts that was refused', async () => {
    const { window, result } = await windowRun({ faults: ['ts-window'] }, { tsWindow: { pastSeconds: 1800, futureSeconds: 300 } });
    expect(window.verdict).toBe('fail');
    expect(window.message).toMatch(/ts -29 min is inside the declared window \(-30 min to \+5 min\) but was not served \(HTTP 401, Status 0\)/);
    expect(window.message).toMatch(/ts \+4 min 30 s is inside/);
    expect(window.evidence.length).toBeGreaterThan(0);
    expect(result.exitCode).toBe(1);
  });

  it('clean issuer with a declared window: fail, naming the outside ts that was served', async () => {
    const { window, result } = await windowRun({}, { tsWindow: { pastSeconds: 1800, futureSeconds: 300 } });
    expect(window.verdict).toBe('fail');
    expect(window.message).toMatch(/ts -1 day is outside the declared window \(-30 min to \+5 min\) but was served \(HTTP 200, Status 1\)/);
    expect(window.message).toMatch(/ts \+1 day is outside/);
    expect(window.expected).toMatch(/served \(Status 1\), ts outside it refused/);
    expect(result.summary.blocking).toBe(1);
  });

  it('an issuer that does not serve the plain request: the window checks skip, and the run exits 4', async () => {
    const { window, offsets, result } = await windowRun({ faults: ['udf-literal-names'] });
    expect([window.verdict, offsets.verdict]).toEqual(['skip', 'skip']);
    expect(window.message).toMatch(/not served \(HTTP 200, Status 0\).*pulluri\.success\.status-1/);
    expect(result.exitCode).toBe(4);
  });
});

describe('window helpers', () => {
  it('probes ±1 s, ±5 min, ±30 min, ±1 day, plus both sides of each declared boundary', () => {
    expect(windowOffsets()).toEqual([-86400, -1800, -300, -1, 0, 1, 300, 1800, 86400]);
    expect(windowOffsets({ pastSeconds: 600, futureSeconds: 120 })).toEqual([-86400, -1800, -660, -540, -300, -1, 0, 1, 108, 132, 300, 1800, 86400]);
    expect(boundaryMargin(0)).toBe(2);
    expect(boundaryMargin(100_000)).toBe(60);
  });

  it('judges only probes clearly inside or outside', () => {
    const w = { pastSeconds: 1800, futureSeconds: 300 };
    expect(expectationFor(-300, w)).toBe('inside');
    expect(expectationFor(-1800, w)).toBeUndefined();
    expect(expectationFor(-1861, w)).toBe('outside');
    expect(expectationFor(300, w)).toBeUndefined();
    expect(expectationFor(0, w)).toBe('inside');
    expect(expectationFor(0, { pastSeconds: 1800, futureSeconds: 0 })).toBeUndefined();
    expect(expectationFor(5, { pastSeconds: 1800, futureSeconds: 0 })).toBe('outside');
    expect(expectationFor(-5, undefined)).toBeUndefined();
  });

  it('humanOffset', () => {
    expect([0, -1, 300, -1800, 86400, -172800, 270, 3661].map(humanOffset)).toEqual(['now', '-1 s', '+5 min', '-30 min', '+1 day', '-2 days', '+4 min 30 s', '+1 h 1 min 1 s']);
  });

  it('describeWindow names non-contiguous acceptance', () => {
    const p = (offsetSeconds: number, outcome: WindowProbe['outcome']): WindowProbe => ({
      offsetSeconds,
      utcOffset: '+05:30',
      ts: '',
      outcome,
      detail: 'HTTP 401, Status 0',
      exchange: {} as SentExchange,
    });
    expect(describeWindow([p(-86400, 'accepted'), p(-300, 'rejected'), p(0, 'accepted'), p(300, 'accepted')])).toBe(
      'accepts ts from now to +5 min; rejects -5 min (not a single window: -1 day accepted again)',
    );
    expect(describeWindow([p(-300, 'rejected'), p(0, 'rejected')])).toBe('accepts no ts probed, not even the current time (HTTP 401, Status 0)');
  });
});
