/**
 * One vegeta attack: `vegeta attack` reads signed targets from dlconform on stdin and writes its
 * results (gob) to stdout; dlconform passes them through `vegeta encode -to json` and reads them
 * line by line as they arrive. Every bound is set: rate, duration, workers, connections, request
 * timeout, captured body, and a deadline after which both processes are stopped by PID (SIGINT,
 * then SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { parseResultLine, type VegetaResult } from './results.js';
import { pumpTargets, type SignedTargets } from './targets.js';
import type { VegetaBinary } from './vegeta-bin.js';

export interface AttackSpec {
  vegeta: VegetaBinary;
  /** requests per second (may be fractional) */
  rate: number;
  durationSeconds: number;
  workers: number;
  maxWorkers: number;
  maxConnections: number;
  timeoutMs: number;
  captureBytes: number;
  /** vegeta's attack name, carried in every result */
  name: string;
}

export interface AttackOutcome {
  /** vegeta attack's exit code (null: killed) */
  exitCode: number | null;
  /** results read */
  results: number;
  /** targets written */
  targets: number;
  /** what vegeta printed on stderr (its own errors), last lines */
  stderr: string;
  /** set when vegeta could not be started at all */
  spawnError?: string;
  /** set when the attack was stopped before its end */
  stopped?: string;
}

/** vegeta's -rate as an integer count per duration: a fractional rate r/s is 10⁶·r per 10⁶ s. */
export function rateFlag(rate: number): string {
  if (Number.isInteger(rate) && rate > 0) return `${rate}/1s`;
  const micro = Math.round(rate * 1_000_000);
  // vegeta reads a rate of 0 as "as fast as it can": never send one
  if (!(micro > 0)) throw new RangeError(`a rate of ${rate} requests/s is below what vegeta can pace (one request in 11 days)`);
  return `${micro}/1000000s`;
}

export function attackArgs(spec: AttackSpec): string[] {
  return [
    'attack',
    '-format=json',
    '-lazy',
    '-targets=stdin',
    `-rate=${rateFlag(spec.rate)}`,
    `-duration=${spec.durationSeconds}s`,
    `-workers=${spec.workers}`,
    `-max-workers=${spec.maxWorkers}`,
    `-connections=${spec.maxConnections}`,
    `-max-connections=${spec.maxConnections}`,
    `-timeout=${spec.timeoutMs}ms`,
    `-max-body=${spec.captureBytes}`,
    // a redirect is not followed: it is reported with its own status (and fails the cheap check)
    '-redirects=-1',
    `-name=${spec.name}`,
  ];
}

/** Children of a running attack, for the caller's signal handling. */
export interface RunningAttack {
  done: Promise<AttackOutcome>;
  stop(reason: string): void;
  readonly pids: number[];
}

export function startAttack(spec: AttackSpec, targets: SignedTargets, onResult: (r: VegetaResult, line: string) => void, opts: { deadlineMs: number; env?: NodeJS.ProcessEnv }): RunningAttack {
  const env = opts.env ?? { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR };
  const attack = spawn(spec.vegeta.path, attackArgs(spec), { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const encode = spawn(spec.vegeta.path, ['encode', '-to=json'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const children: ChildProcess[] = [attack, encode];
  attack.stdout!.pipe(encode.stdin!);
  encode.stdin!.on('error', () => {});
  let stderr = '';
  const keep = (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  };
  attack.stderr!.on('data', keep);
  encode.stderr!.on('data', keep);

  const pump = pumpTargets(attack.stdin!, targets, { rate: spec.rate });
  let results = 0;
  let failure: unknown;
  // results are JSON lines of ASCII (bodies are base64): split by hand, a chunk at a time
  let rest = '';
  encode.stdout!.setEncoding('latin1');
  encode.stdout!.on('data', (chunk: string) => {
    const text = rest + chunk;
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      const line = text.slice(from, nl);
      from = nl + 1;
      if (line === '') continue;
      results++;
      try {
        onResult(parseResultLine(line), line);
      } catch (err) {
        failure ??= err;
      }
    }
    rest = text.slice(from);
  });

  let stopped: string | undefined;
  const kill = (signal: NodeJS.Signals) => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null && c.pid) process.kill(c.pid, signal);
  };
  let hardKill: NodeJS.Timeout | undefined;
  const stop = (reason: string) => {
    if (stopped) return;
    stopped = reason;
    pump.stop();
    try {
      kill('SIGINT');
    } catch {
      // already gone
    }
    hardKill = setTimeout(() => {
      try {
        kill('SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
  };
  const deadline = setTimeout(() => stop(`the attack passed its time bound of ${Math.round(opts.deadlineMs / 1000)} s`), opts.deadlineMs);

  let spawnError: string | undefined;
  const exited = (c: ChildProcess) =>
    new Promise<number | null>((resolve) => {
      c.on('error', (e: NodeJS.ErrnoException) => {
        spawnError ??= `cannot start vegeta (${spec.vegeta.path}): ${e.code ?? e.message}`;
        resolve(null);
      });
      c.on('close', (code) => resolve(code));
    });
  const done = (async (): Promise<AttackOutcome> => {
    const [attackCode] = await Promise.all([exited(attack), exited(encode)]);
    pump.stop();
    const written = await pump.done;
    clearTimeout(deadline);
    if (hardKill) clearTimeout(hardKill);
    if (failure) throw failure;
    return { exitCode: attackCode, results, targets: written, stderr: stderr.trim(), ...(stopped && { stopped }), ...(spawnError && { spawnError }) };
  })();
  return { done, stop, pids: children.map((c) => c.pid ?? 0) };
}
