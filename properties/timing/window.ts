/**
 * The ts window properties: what the issuer does with correctly signed requests (keyhash over the
 * ts actually sent, HMAC over the body) whose ts lies in the past or the future, and whose ts is
 * the current instant written with another UTC offset. No spec sets a window (FACTS C4), so
 * without a declared window (config tsWindow) the result is information: a pass whose message
 * states the measured window. With one, each probe clearly inside or outside it is judged.
 */
import type { Outcome } from '../../conformance/index.js';
import type { TsWindow } from '../../core/config/index.js';
import type { RunContext, SentExchange } from '../../conformance/index.js';
import { formatTs } from '../../protocol/time.js';

/** The relative offsets probed, in seconds: ±1 s, ±5 min, ±30 min, ±1 day, and now. */
const WINDOW_OFFSETS = [-86_400, -1_800, -300, -1, 0, 1, 300, 1_800, 86_400] as const;
/** The other ways of writing the current instant (the configured offset is the baseline). */
const OTHER_UTC_OFFSETS = ['+00:00', '+02:00', '-05:00', 'Z'] as const;

export type ProbeOutcome = 'accepted' | 'rejected' | 'error';

export interface WindowProbe {
  /** seconds from now (negative: the past) */
  offsetSeconds: number;
  /** the UTC offset the ts is written in, or Z */
  utcOffset: string;
  ts: string;
  outcome: ProbeOutcome;
  /** what came back, in a few words */
  detail: string;
  /** set when a tsWindow is declared and the probe is clearly inside or outside it */
  expected?: 'inside' | 'outside';
  exchange: SentExchange;
}

/** How far from a declared boundary a probe must be to be judged (clock skew, network delay): 10 % of the side, 2 to 60 s. */
export function boundaryMargin(sideSeconds: number): number {
  return Math.min(60, Math.max(2, Math.round(sideSeconds * 0.1)));
}

/** The relative offsets to probe: the fixed set, plus just inside and just outside each side of a declared window. */
export function windowOffsets(window?: TsWindow): number[] {
  const set = new Set<number>(WINDOW_OFFSETS);
  if (window) {
    const mp = boundaryMargin(window.pastSeconds);
    const mf = boundaryMargin(window.futureSeconds);
    if (window.pastSeconds - mp > 0) set.add(-(window.pastSeconds - mp));
    set.add(-(window.pastSeconds + mp));
    if (window.futureSeconds - mf > 0) set.add(window.futureSeconds - mf);
    set.add(window.futureSeconds + mf);
  }
  return [...set].sort((a, b) => a - b);
}

/** inside / outside a declared window, or undefined when the probe is too close to a boundary to judge. */
export function expectationFor(offsetSeconds: number, window: TsWindow | undefined): WindowProbe['expected'] {
  if (!window) return undefined;
  const mp = boundaryMargin(window.pastSeconds);
  const mf = boundaryMargin(window.futureSeconds);
  if (offsetSeconds <= 0) {
    const age = -offsetSeconds;
    if (Math.abs(age - window.pastSeconds) < mp) return undefined; // near the past boundary
    if (age > window.pastSeconds) return 'outside';
    if (window.futureSeconds < mf && age < mf) return undefined; // near a future boundary at now
    return 'inside';
  }
  if (Math.abs(offsetSeconds - window.futureSeconds) < mf) return undefined;
  return offsetSeconds < window.futureSeconds ? 'inside' : 'outside';
}

/** `-5 min`, `+1 day`, `-9 min 30 s`, `now` */
export function humanOffset(seconds: number): string {
  if (seconds === 0) return 'now';
  const sign = seconds < 0 ? '-' : '+';
  let a = Math.abs(seconds);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['day', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ] as const) {
    if (a >= size) {
      const n = Math.floor(a / size);
      parts.push(unit === 'day' ? `${n} day${n === 1 ? '' : 's'}` : `${n} ${unit}`);
      a -= n * size;
    }
  }
  return sign + parts.join(' ');
}

/** ts for now + offsetSeconds in `utcOffset` (Z writes +00:00 as Z). */
export function tsAt(offsetSeconds: number, utcOffset: string, now = Date.now()): string {
  const date = new Date(now + offsetSeconds * 1000);
  return utcOffset === 'Z' ? formatTs(date, '+00:00').replace(/\+00:00$/, 'Z') : formatTs(date, utcOffset);
}

function classify(e: SentExchange): { outcome: ProbeOutcome; detail: string } {
  if (e.raw.error) return { outcome: 'error', detail: `no answer: ${e.raw.error.message}` };
  const http = e.raw.response!.status;
  const status = e.parsed?.status;
  if (status === '1') return { outcome: 'accepted', detail: `HTTP ${http}, Status 1` };
  return { outcome: 'rejected', detail: `HTTP ${http}, ${status === undefined ? 'no Status' : `Status ${status}`}` };
}

async function probe(ctx: RunContext, offsetSeconds: number, utcOffset: string, window: TsWindow | undefined): Promise<WindowProbe> {
  const ts = tsAt(offsetSeconds, utcOffset);
  const label = `correctly signed request with ts ${humanOffset(offsetSeconds)}${utcOffset === ctx.config.tsOffset ? '' : ` written in ${utcOffset}`}`;
  const exchange = await ctx.send('pulluri', label, { ts });
  return { offsetSeconds, utcOffset, ts, ...classify(exchange), expected: utcOffset === ctx.config.tsOffset ? expectationFor(offsetSeconds, window) : undefined, exchange };
}

/** Sends the relative-offset probes one at a time, in a seeded shuffled order. */
export async function probeWindow(ctx: RunContext, window: TsWindow | undefined): Promise<WindowProbe[]> {
  const offsets = windowOffsets(window);
  for (let i = offsets.length - 1; i > 0; i--) {
    const j = Math.floor(ctx.random() * (i + 1));
    [offsets[i], offsets[j]] = [offsets[j]!, offsets[i]!];
  }
  const out: WindowProbe[] = [];
  for (const off of offsets) out.push(await probe(ctx, off, ctx.config.tsOffset, window));
  return out.sort((a, b) => a.offsetSeconds - b.offsetSeconds);
}

/** Sends the current instant in each other UTC offset form. */
export async function probeOffsets(ctx: RunContext): Promise<WindowProbe[]> {
  const out: WindowProbe[] = [];
  for (const off of OTHER_UTC_OFFSETS) if (off !== ctx.config.tsOffset) out.push(await probe(ctx, 0, off, undefined));
  return out;
}

/** "accepts ts from -30 min to +5 min; rejects -1 day, +30 min, +1 day" */
export function describeWindow(probes: readonly WindowProbe[]): string {
  const accepted = (p: WindowProbe) => p.outcome === 'accepted';
  const now = probes.find((p) => p.offsetSeconds === 0);
  const past = probes.filter((p) => p.offsetSeconds < 0).sort((a, b) => b.offsetSeconds - a.offsetSeconds);
  const future = probes.filter((p) => p.offsetSeconds > 0).sort((a, b) => a.offsetSeconds - b.offsetSeconds);
  const reach = (side: WindowProbe[]) => {
    let last: WindowProbe | undefined;
    for (const p of side) {
      if (!accepted(p)) break;
      last = p;
    }
    return last;
  };
  const rejected = probes.filter((p) => !accepted(p));
  if (rejected.length === 0) return `accepts every ts probed, from ${humanOffset(probes[0]!.offsetSeconds)} to ${humanOffset(probes[probes.length - 1]!.offsetSeconds)}`;
  if (now && probes.every((p) => !accepted(p))) return `accepts no ts probed, not even the current time (${now.detail})`;
  const from = reach(past);
  const to = reach(future);
  let text = `accepts ts from ${from ? humanOffset(from.offsetSeconds) : 'now'} to ${to ? humanOffset(to.offsetSeconds) : 'now'}`;
  if (now && !accepted(now)) text = `rejects the current time (${now.detail}) but ${text}`;
  text += `; rejects ${rejected.map((p) => humanOffset(p.offsetSeconds)).join(', ')}`;
  const after = (side: WindowProbe[], last: WindowProbe | undefined) => side.slice(last ? side.indexOf(last) + 1 : 0);
  const beyond = [...after(past, from), ...after(future, to)].filter(accepted);
  if (beyond.length > 0) text += ` (not a single window: ${beyond.map((p) => humanOffset(p.offsetSeconds)).join(', ')} accepted again)`;
  const errors = probes.filter((p) => p.outcome === 'error');
  if (errors.length > 0) text += `; no answer for ${errors.map((p) => humanOffset(p.offsetSeconds)).join(', ')}`;
  return text;
}

const declared = (w: TsWindow) => `the declared window (${humanOffset(-w.pastSeconds)} to ${humanOffset(w.futureSeconds)})`;

/** The verdict of timing.ts-window. */
export function judgeWindow(probes: WindowProbe[], window: TsWindow | undefined): Outcome {
  const evidence = probes.map((p) => p.exchange);
  const measured = describeWindow(probes);
  if (!window) return { verdict: 'pass', message: `INFO: ${measured}. No window is declared (config tsWindow), so this is not judged (FACTS C4).`, evidence };
  const wrong = probes.filter((p) => (p.expected === 'inside' && p.outcome !== 'accepted') || (p.expected === 'outside' && p.outcome === 'accepted'));
  const judged = probes.filter((p) => p.expected !== undefined).length;
  if (wrong.length === 0) return { verdict: 'pass', message: `${measured}: consistent with ${declared(window)} at all ${judged} judged probes.`, evidence };
  const lines = wrong.map((p) => `ts ${humanOffset(p.offsetSeconds)} is ${p.expected} ${declared(window)} but was ${p.outcome === 'accepted' ? 'served' : 'not served'} (${p.detail})`);
  return {
    verdict: 'fail',
    message: `${lines.join('; ')}. Measured: ${measured}.`,
    expected: `ts inside ${declared(window)} served (Status 1), ts outside it refused`,
    actual: measured,
    evidence: wrong.map((p) => p.exchange),
  };
}

/** The verdict of timing.ts-offsets. */
export function judgeOffsets(probes: WindowProbe[], window: TsWindow | undefined): Outcome {
  const evidence = probes.map((p) => p.exchange);
  const list = probes.map((p) => `${p.utcOffset} ${p.outcome === 'accepted' ? 'accepted' : `not accepted (${p.detail})`}`).join(', ');
  if (!window) return { verdict: 'pass', message: `INFO: the current time written with another offset: ${list}. Not judged without a declared window (config tsWindow).`, evidence };
  const nearBoundary = window.pastSeconds < boundaryMargin(window.pastSeconds) * 2 || window.futureSeconds < boundaryMargin(window.futureSeconds);
  const wrong = probes.filter((p) => p.utcOffset !== 'Z' && p.outcome !== 'accepted');
  if (nearBoundary || wrong.length === 0) return { verdict: 'pass', message: `the current time written with another offset: ${list}.`, evidence };
  return {
    verdict: 'fail',
    message: `the current time written with offset ${wrong.map((p) => p.utcOffset).join(', ')} is inside ${declared(window)} but was not served: the issuer seems to read ts without its offset. All: ${list}.`,
    expected: 'a ts that denotes the current instant is served whatever its ±hh:mm offset',
    actual: list,
    evidence: wrong.map((p) => p.exchange),
  };
}
