/**
 * What decides a run's exit code besides its verdicts: the waivers the config names and, with
 * `--baseline`, the previous run and `--fail-on`. Both files are read before the run starts, so a
 * bad one stops with exit 2 before any request; they apply once the checks ran (core/waivers.ts,
 * core/baseline.ts, core/run-result.ts gatedRun).
 */
import { diffBaseline, loadBaseline, type Baseline } from '../core/baseline.js';
import { loadWaivers, type Config, type Waiver } from '../core/config/index.js';
import { oneLine } from '../core/report/console.js';
import { gatedRun } from '../core/run-result.js';
import type { CheckResult, RunResult } from '../core/types.js';
import { applyWaivers } from '../core/waivers.js';
import { UsageError } from './args.js';

/** The options run, fuzz and timing take for it. */
export const gateOptions = {
  baseline: { type: 'string' },
  'fail-on': { type: 'string' },
} as const;

export interface Gate {
  waivers: Waiver[];
  baseline?: Baseline;
  failOn?: 'any' | 'new';
}

export async function prepareGate(config: Config, values: { baseline?: string; 'fail-on'?: string }): Promise<Gate> {
  const failOn = values['fail-on'];
  if (failOn !== undefined && failOn !== 'any' && failOn !== 'new') throw new UsageError(`--fail-on must be any or new, got ${JSON.stringify(failOn)}`);
  if (failOn === 'new' && values.baseline === undefined) {
    throw new UsageError('--fail-on new needs --baseline PREVIOUS/result.json: without a previous run every failure is new');
  }
  return {
    waivers: config.waivers === undefined ? [] : await loadWaivers(config.waivers),
    ...(values.baseline !== undefined && { baseline: await loadBaseline(values.baseline) }),
    ...(failOn !== undefined && { failOn }),
  };
}

/** A check's verdict with the waivers applied, for its progress line as it completes. */
export function waivedOne(check: CheckResult, gate: Gate, now: Date): CheckResult {
  return gate.waivers.length === 0 ? check : applyWaivers([check], gate.waivers, now).checks[0]!;
}

/** The run with waivers and the baseline applied, and the warnings to print before its summary. */
export function applyGate(run: RunResult, gate: Gate, now: Date): { result: RunResult; warnings: string[] } {
  if (gate.waivers.length === 0 && !gate.baseline && !gate.failOn) return { result: run, warnings: [] };
  const { checks, unmatched } = applyWaivers(run.checks, gate.waivers, now);
  const warnings = unmatched.map(
    ({ index, waiver, suggestion }) =>
      `Warning: waiver ${index + 1} (${waiver.check !== undefined ? `check ${oneLine(waiver.check, 80)}` : `selector ${oneLine(waiver.selector!, 80)}`}, owner ${oneLine(waiver.owner, 80)}) matches no check of this run${suggestion ? `: did you mean ${suggestion}?` : '; check the id (dlconform run --list shows them) or whether its checks were selected'}`,
  );
  const baseline = gate.baseline && diffBaseline(gate.baseline, checks);
  return { result: gatedRun(run, { checks, ...(baseline && { baseline }), ...(gate.failOn && { failOn: gate.failOn }) }), warnings };
}
