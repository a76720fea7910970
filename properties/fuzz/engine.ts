/**
 * The fuzz engine behind `dlconform fuzz`: fast-check async properties whose predicate builds,
 * signs and sends one case to the configured target and judges the answer against the
 * invariants (invariants.ts).
 *
 * - One round is one `fc.check` with its own seed. The first invariant a case breaks becomes the
 *   round's target: shrinking keeps only candidates that break that same invariant (so the
 *   minimal counterexample shows the defect that was found, not another), and every candidate is
 *   signed afresh. The next round (seed + 1) ignores the invariants already broken, until the
 *   runs or the time budget are used up.
 * - `SEED:PATH` of a counterexample replays it (`fc.check` with seed and path): the same logical
 *   request, re-signed with the current clock.
 * - Traffic goes only to config.target, one request at a time, at most `rate` per second (default
 *   50, never above config.client.maxRequestsPerSecond), within the time budget. A target that
 *   refuses connections ends the run (the case before it is the finding); shrinking a timeout
 *   stops after a few more timeouts.
 */
import fc from 'fast-check';
import { TargetClient, type RawExchange } from '../../core/client.js';
import type { Config } from '../../core/config/index.js';
import { nodeHash } from '../../core/node-hash.js';
import type { Redactor } from '../../core/redact.js';
import { Evidence } from '../../core/evidence.js';
import { runResult } from '../../core/run-result.js';
import { EXIT, type PullApi, type CheckResult, type Diagnosis, type Level, type RunResult, type Verdict } from '../../core/types.js';
import { answerOf, triageBaseline } from '../../conformance/index.js';
import { clause as clauseById } from '../../protocol/clauses.js';
import { baseRequest, CASE_CLASSES, describeCase, fuzzCase, type CaseClass, type FuzzCase } from './cases.js';
import { checkId, describeAnswer, failureKind, INVARIANTS, judge, type Judgement, type Violation } from './invariants.js';
import { materialize, type Wire } from './sign.js';
import { worldFrom, type FuzzWorld } from './world.js';
import { verdictUnder, type Policy } from '../../core/policy.js';

export const DEFAULT_RUNS = 1000;
export const DEFAULT_RATE = 50;
/** timeouts spent shrinking a timeout before the smallest case so far is kept */
const SHRINK_TIMEOUTS = 3;

export interface FuzzOptions {
  config: Config;
  apiKey: string;
  redactor: Redactor;
  /** generated cases (default 1000); shrinking steps come on top */
  runs?: number;
  /** wall-clock budget in ms (default config.client.timeBudgetMs) */
  timeBudgetMs?: number;
  /** requests per second (default 50; capped by config.client.maxRequestsPerSecond); Infinity: no cap (tests) */
  rate?: number;
  seed?: number;
  /** replay one counterexample instead of fuzzing */
  replay?: { seed: number; path: string };
  /** the issuer answers searches the config does not list: unknown-no-document is not judged */
  openSearch?: boolean;
  runId?: string;
  /** parallel workers (default config.client.concurrency), each a sequence of fast-check rounds with its own seeds */
  concurrency?: number;
  /** each new finding as it is found, its description and message already redacted */
  onFinding?: (f: Counterexample) => void;
  onProgress?: (text: string) => void;
  /** called before each request is sent (tests) */
  onRequest?: () => void;
  /** called once, before any case is sent, when the plain request was refused (conformance/diagnosis.ts) */
  onDiagnosis?: (diagnosis: Diagnosis) => void;
}

export interface Counterexample {
  id: string;
  api: PullApi;
  invariant: string;
  /** the round's seed and the path of the shrunk case: `--replay SEED:PATH` */
  seed: number;
  path: string;
  replay: string;
  case: FuzzCase;
  description: string;
  violation: Violation;
  /** the failure kind of the case first found (invariants.ts failureKind): the shrunk case has the same */
  foundAs: string;
  /** every invariant the final case breaks */
  alsoBroken: string[];
  exchange: RawExchange;
  /** cases generated in its round before it was found, and shrinking steps */
  runs: number;
  shrinks: number;
}

export interface FuzzDetails {
  schemaVersion: 1;
  seed: number;
  runsRequested: number;
  /** generated cases sent (shrinking steps excluded) */
  casesRun: number;
  /** every request sent: cases, shrinking steps and the probes */
  requestsSent: number;
  rounds: number;
  durationMs: number;
  requestsPerSecond: number;
  rate: number | null;
  classes: Record<CaseClass, number>;
  replay?: string;
  /** answers that were the target's rate limit (after the client's one retry): judged by no invariant */
  throttled?: number;
  stopped?: string;
  counterexamples: Array<{ id: string; replay: string; description: string; message: string; alsoBroken: string[]; runs: number; shrinks: number }>;
}

export interface FuzzRun {
  result: RunResult;
  details: FuzzDetails;
  counterexamples: Counterexample[];
}

interface Executed {
  wire: Wire;
  ex: RawExchange;
  j: Judgement;
}

/** The effective rate: --rate, never above the config's cap; undefined = no cap. */
export function effectiveRate(requested: number | undefined, config: Config): number | undefined {
  const cap = config.client.maxRequestsPerSecond;
  const want = requested ?? DEFAULT_RATE;
  const r = cap !== undefined ? Math.min(want, cap) : want;
  return Number.isFinite(r) && r > 0 ? r : undefined;
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzRun> {
  const { config, apiKey, redactor } = opts;
  const evidence = new Evidence(redactor, config, apiKey);
  // a finding is shown as it is found: its words are redacted here, where they are recorded
  // a counterexample's txn is the harness's own: it stays readable, whatever its digits look like
  const keepTxn = (cx: Counterexample) => redactor.keep(cx.case.request.txn);
  const announce = (cx: Counterexample) => {
    keepTxn(cx);
    opts.onFinding?.({ ...cx, description: evidence.text(cx.description), violation: { ...cx.violation, message: evidence.text(cx.violation.message) } });
  };
  const seed = (opts.seed ?? Date.now() % 2 ** 31) >>> 0;
  const runs = opts.runs ?? DEFAULT_RUNS;
  const startedAt = new Date();
  const deadline = startedAt.getTime() + (opts.timeBudgetMs ?? config.client.timeBudgetMs);
  const rate = effectiveRate(opts.rate, config);
  const world = worldFrom(config, nodeHash, seed);
  const signing = { hash: nodeHash, apiKey, hmac: config.hmac };
  const client = new TargetClient({
    timeoutMs: config.client.timeoutMs,
    concurrency: Math.max(1, opts.concurrency ?? config.client.concurrency),
    maxResponseBytes: config.client.maxResponseBytes,
    maxRequestsPerSecond: rate,
    deadline,
    // the engine decides what a failed connection means (a finding, or the end of the run)
    breakerThreshold: Number.MAX_SAFE_INTEGER,
  });
  const arb = fuzzCase(world, { hmac: config.hmac !== 'none', hash: nodeHash });
  const skipVariation = new Map<PullApi, string>();
  const judgeOpts = { apiKey, openSearch: !!opts.openSearch, skipVariation: new Set<PullApi>() };
  const exercised = new Map<string, number>();
  const classes = Object.fromEntries(CASE_CLASSES.map((c) => [c, 0])) as Record<CaseClass, number>;
  let requestsSent = 0;
  let casesRun = 0;
  let throttled = 0;
  let stopped: string | undefined;
  let aborted: RunResult['aborted'];
  let diagnosis: Diagnosis | undefined;
  const counterexamples: Counterexample[] = [];
  /** every counterexample with the worker that found it: the report keeps, per check, the first worker's */
  const found: Array<{ worker: number; order: number; cx: Counterexample }> = [];
  const workers = Math.max(1, Math.min(opts.concurrency ?? config.client.concurrency, runs));
  let rounds = 0;

  async function execute(c: FuzzCase): Promise<Executed | undefined> {
    const wire = materialize(c, signing, new Date());
    const url = c.api === 'pulluri' ? config.target.pullUri : config.target.pullDoc!;
    opts.onRequest?.();
    const ex = await client.send({ url, headers: wire.headers, body: wire.body });
    client.exchanges.length = 0; // the engine keeps only what it reports
    if (ex.error?.kind === 'budget') {
      stopped ??= 'the time budget ran out';
      return undefined;
    }
    requestsSent++;
    const j = judge(c, wire, ex, judgeOpts);
    if (j.throttled) throttled++;
    for (const id of j.judged) exercised.set(checkId(c.api, id), (exercised.get(checkId(c.api, id)) ?? 0) + 1);
    if (j.refused) stopped ??= `${c.api === 'pulluri' ? config.target.pullUri : config.target.pullDoc} stopped accepting connections`;
    return { wire, ex, j };
  }

  try {
    // The probe: a target that does not answer at all ends the run at once (exit 3); a plain
    // request that does not get its document means the variation invariants cannot be judged.
    for (const api of world.apis) {
      const doc = api === 'pulluri' ? world.documents[0] : world.withUri[0];
      if (!doc) continue;
      const request = baseRequest(world, api, doc, world.profile.sendsFormat ? 'both' : undefined);
      const probeCase: FuzzCase = {
        api,
        cls: 'legal',
        request: { ...request, namespace: config.namespace, ts: { offset: config.tsOffset, fractionDigits: 0, skewSeconds: 0 }, txn: String(1_000_000_000 + (seed % 1_000_000_000)) },
      };
      const wire = materialize(probeCase, signing, new Date());
      const ex = await client.send({ url: api === 'pulluri' ? config.target.pullUri : config.target.pullDoc!, headers: wire.headers, body: wire.body });
      client.exchanges.length = 0;
      requestsSent++;
      if (ex.error && ex.error.kind !== 'other') {
        aborted = { reason: `${api === 'pulluri' ? config.target.pullUri : config.target.pullDoc} is unreachable: ${ex.error.message}`, exitCode: EXIT.unreachable };
        break;
      }
      const j = judge(probeCase, wire, ex, judgeOpts);
      if (!(ex.response?.status === 200 && j.parsed?.status === '1')) {
        skipVariation.set(api, `the plain request for the first configured document did not get it (${describeAnswer(ex, j.parsed)}): see \`dlconform run\``);
        judgeOpts.skipVariation.add(api);
        diagnosis ??= await triageBaseline({
          api,
          config,
          profile: world.profile,
          baseline: answerOf({ raw: ex, parsed: j.parsed }),
          resend: async (hmac) => {
            // the same plain request, signed with the other encoding: one more request, counted
            const other = materialize(probeCase, { ...signing, hmac }, new Date());
            const again = await client.send({ url: ex.request.url, headers: other.headers, body: other.body });
            client.exchanges.length = 0;
            requestsSent++;
            return answerOf({ raw: again, parsed: judge(probeCase, other, again, judgeOpts).parsed });
          },
          evidence,
        });
      }
    }

    if (diagnosis && !aborted) opts.onDiagnosis?.(diagnosis);
    if (!aborted && opts.replay) {
      await replay(opts.replay);
    } else if (!aborted) {
      // independent workers, each with its own seeds and its own rounds: what one finds does not
      // change what another generates, so the result does not depend on timing
      await Promise.all(Array.from({ length: workers }, (_, w) => worker(w, Math.floor(runs / workers) + (w < runs % workers ? 1 : 0))));
    }
  } finally {
    await client.close();
  }

  async function worker(w: number, quota: number): Promise<void> {
    const ignore = new Set<string>();
    let used = 0;
    for (let r = 0; used < quota && !stopped && Date.now() < deadline; r++) {
      const roundSeed = (seed + r * workers + w) % 2 ** 31;
      rounds++;
      const found = await round(roundSeed, quota - used, ignore, w);
      used += found.generated;
      if (!found.counterexample) break;
      ignore.add(found.counterexample.id);
    }
  }

  async function round(roundSeed: number, numRuns: number, ignore: ReadonlySet<string>, w: number): Promise<{ generated: number; counterexample?: Counterexample }> {
    /** the check the round's first failure is filed under, and its kind, which shrinking keeps */
    let target: { id: string; kind: string } | undefined;
    let last: { c: FuzzCase; out: Executed; v: Violation } | undefined;
    let shrinkTimeouts = 0;
    let generated = 0;
    const prop = fc.asyncProperty(arb, async (c) => {
      if (stopped || Date.now() >= deadline) return true;
      if (target === undefined) generated++;
      else if (target.id.endsWith('.answers') && shrinkTimeouts >= SHRINK_TIMEOUTS) return true;
      const out = await execute(c);
      if (!out) return true;
      if (target === undefined) {
        casesRun++;
        classes[c.cls]++;
      }
      const relevant = out.j.violations.filter((v) => !ignore.has(checkId(c.api, v.invariant)));
      if (target === undefined) {
        const v = relevant[0];
        if (!v) return true;
        target = { id: checkId(c.api, v.invariant), kind: failureKind(c, v) };
        last = { c, out, v };
        return false;
      }
      // a target that went away reproduces nothing: the case before stays the counterexample
      if (out.j.refused) return true;
      // a candidate counts only if it fails as the first case did: same check, class and failure
      const v = out.j.violations.find((x) => failureKind(c, x) === target!.kind);
      if (target.id.endsWith('.answers') && out.ex.error?.kind === 'timeout') shrinkTimeouts++;
      if (!v) return true;
      last = { c, out, v };
      return false;
    });
    const details = await fc.check(prop, { seed: roundSeed, numRuns, plugins: [fc.interruptAfterTimeLimit(Math.max(1, deadline - Date.now()))] });
    if (!details.failed || !last || details.counterexamplePath === null) return { generated };
    const { c, out, v } = last;
    const cx: Counterexample = {
      id: target!.id,
      api: c.api,
      invariant: v.invariant,
      seed: roundSeed,
      path: details.counterexamplePath,
      replay: `${roundSeed}:${details.counterexamplePath}`,
      case: c,
      description: describeCase(c),
      violation: v,
      foundAs: target!.kind,
      alsoBroken: [...new Set(out.j.violations.map((x) => x.invariant).filter((x) => x !== v.invariant))],
      exchange: out.ex,
      runs: details.numRuns,
      shrinks: details.numShrinks,
    };
    found.push({ worker: w, order: found.length, cx });
    if (!counterexamples.some((x) => x.id === cx.id)) announce(cx);
    counterexamples.push(cx);
    return { generated, counterexample: cx };
  }

  async function replay(r: { seed: number; path: string }): Promise<void> {
    let done = false;
    const prop = fc.asyncProperty(arb, async (c) => {
      if (done) return true;
      done = true;
      const out = await execute(c);
      casesRun++;
      if (!out) return true;
      classes[c.cls]++;
      const v = out.j.violations[0];
      if (!v) {
        opts.onProgress?.(`replayed ${r.seed}:${r.path}: ${describeCase(c)} — no invariant broken now`);
        return true;
      }
      const cx: Counterexample = {
        id: checkId(c.api, v.invariant),
        api: c.api,
        invariant: v.invariant,
        seed: r.seed,
        path: r.path,
        replay: `${r.seed}:${r.path}`,
        case: c,
        description: describeCase(c),
        violation: v,
        foundAs: failureKind(c, v),
        alsoBroken: out.j.violations.slice(1).map((x) => x.invariant),
        exchange: out.ex,
        runs: 1,
        shrinks: 0,
      };
      // every invariant the replayed case breaks is a finding of this run
      for (const x of out.j.violations) {
        const each = { ...cx, id: checkId(c.api, x.invariant), invariant: x.invariant, violation: x, foundAs: failureKind(c, x) };
        counterexamples.push(each);
        announce(each);
      }
      return false;
    });
    await fc.check(prop, { seed: r.seed, path: r.path, numRuns: 1, endOnFailure: true });
  }

  const endedAt = new Date();
  if (!opts.replay) {
    // one counterexample per check: the lowest worker's first (independent of timing)
    const chosen = new Map<string, Counterexample>();
    for (const f of [...found].sort((a, b) => a.worker - b.worker || a.order - b.order)) if (!chosen.has(f.cx.id)) chosen.set(f.cx.id, f.cx);
    const order = new Map(world.apis.flatMap((api) => INVARIANTS.map((inv) => checkId(api, inv.id))).map((id, i) => [id, i]));
    counterexamples.splice(0, counterexamples.length, ...[...chosen.values()].sort((a, b) => order.get(a.id)! - order.get(b.id)!));
  }
  for (const cx of counterexamples) keepTxn(cx);
  const checks = checkResults(world, counterexamples, exercised, skipVariation, opts, evidence, !!opts.replay, throttled, config.policy);
  if (!aborted && stopped && counterexamples.length === 0 && casesRun === 0) aborted = { reason: `nothing was fuzzed: ${stopped}`, exitCode: EXIT.nothingExecuted };
  const result = runResult({
    runId: opts.runId ?? `fuzz-${startedAt.toISOString().replace(/[:.]/g, '-')}`,
    profile: world.profile.id,
    policy: config.policy,
    target: evidence.deep({ pullUri: config.target.pullUri, ...(world.apis.includes('pulldoc') && { pullDoc: config.target.pullDoc }) }),
    startedAt,
    endedAt,
    seed,
    aborted,
    ...(!aborted && { diagnosis }),
    checks,
  });
  const durationMs = endedAt.getTime() - startedAt.getTime();
  const details: FuzzDetails = {
    schemaVersion: 1,
    seed,
    runsRequested: runs,
    casesRun,
    requestsSent,
    rounds,
    durationMs,
    requestsPerSecond: durationMs > 0 ? Math.round((requestsSent / durationMs) * 1000) : 0,
    rate: rate ?? null,
    classes,
    ...(opts.replay && { replay: `${opts.replay.seed}:${opts.replay.path}` }),
    ...(throttled > 0 && { throttled }),
    ...(stopped && { stopped }),
    counterexamples: counterexamples.map((c) => ({
      id: c.id,
      replay: c.replay,
      description: evidence.text(c.description),
      message: evidence.text(c.violation.message),
      alsoBroken: c.alsoBroken,
      runs: c.runs,
      shrinks: c.shrinks,
    })),
  };
  return { result, details: evidence.deep(details), counterexamples };
}

// ---------------------------------------------------------------------------------------------
// results in the shape of `dlconform run`

/** The invariants that judge how a request that must not be served is refused: conclusive only where the plain request is served. */
const REFUSAL_INVARIANTS: ReadonlySet<string> = new Set(['auth-enforced', 'keyhash-verified', 'hmac-verified', 'unknown-no-document', 'malformed-refused', 'dtd-refused']);

function checkResults(
  world: FuzzWorld,
  found: readonly Counterexample[],
  exercised: ReadonlyMap<string, number>,
  skipVariation: ReadonlyMap<PullApi, string>,
  opts: FuzzOptions,
  evidence: Evidence,
  replaying: boolean,
  throttled: number,
  policy: Policy,
): CheckResult[] {
  const out: CheckResult[] = [];
  const notJudged =
    throttled > 0 ? `; ${throttled} answer${throttled === 1 ? ' was' : 's were'} the target's rate limit (throttling), not judged: set client.maxRequestsPerSecond or --rate lower` : '';
  for (const api of world.apis) {
    for (const inv of INVARIANTS) {
      const id = checkId(api, inv.id);
      const c = clauseById(inv.clause);
      const level: Level = c.level;
      const cx = found.find((f) => f.id === id);
      const n = exercised.get(id) ?? 0;
      let verdict: Verdict;
      let message: string;
      let expected: string | undefined;
      let actual: string | undefined;
      if (cx) {
        verdict = verdictUnder(policy, level, 'fail');
        const how = replaying ? 'replayed' : `found after ${cx.runs} case${cx.runs === 1 ? '' : 's'}, shrunk in ${cx.shrinks} step${cx.shrinks === 1 ? '' : 's'}`;
        message =
          `${cx.violation.message}. Counterexample (${how}): ${cx.description}.` +
          (cx.alsoBroken.length ? ` It also breaks: ${cx.alsoBroken.join(', ')}.` : '') +
          ` Replay: dlconform fuzz --config FILE --replay ${cx.replay}`;
        expected = cx.violation.expected;
        actual = cx.violation.actual;
      } else if ((inv.id === 'legal-variation' || inv.id === 'tolerant-variation') && skipVariation.has(api)) {
        verdict = 'skip';
        message = skipVariation.get(api)!;
      } else if (REFUSAL_INVARIANTS.has(inv.id) && skipVariation.has(api)) {
        // every request refused alike (a wrong key or path, a gateway): a refusal proves nothing
        verdict = 'inconclusive';
        message = `inconclusive: a refusal proves nothing here, since ${skipVariation.get(api)!}`;
      } else if ((inv.id === 'keyhash-verified' || inv.id === 'hmac-verified') && opts.config.hmac === 'none') {
        verdict = 'skip';
        message = 'the config sends no x-digilocker-hmac: a wrong keyhash leaves no credential, judged by auth-enforced';
      } else if (inv.id === 'unknown-no-document' && opts.openSearch) {
        verdict = 'skip';
        message = 'not judged: --open-search (the issuer answers searches the config does not list)';
      } else if (n === 0) {
        verdict = 'skip';
        message = (replaying ? 'not exercised by the replayed case' : 'no case exercised it (too few runs, or the run stopped early)') + notJudged;
      } else {
        verdict = 'pass';
        message = `held for ${n} case${n === 1 ? '' : 's'}${notJudged}`;
      }
      out.push({
        id,
        title: inv.title,
        api,
        section: 'fuzz',
        tags: ['fuzz', ...(level === 'SECURITY' ? ['security'] : [])],
        level,
        clause: { id: c.id, document: c.document, section: c.section, text: c.text },
        verdict,
        message: evidence.text(message),
        ...(expected !== undefined && { expected: evidence.value(expected) }),
        ...(actual !== undefined && { actual: evidence.value(actual) }),
        evidence: cx ? [evidence.exchange(cx.exchange)] : [],
        durationMs: 0,
      });
    }
  }
  return out;
}

/** Parses `SEED:PATH` as printed with a counterexample. */
export function parseReplay(text: string): { seed: number; path: string } | undefined {
  const m = /^(\d{1,10}):(\d+(?::\d+)*)$/.exec(text.trim());
  if (!m) return undefined;
  const seed = Number(m[1]);
  return seed < 2 ** 31 ? { seed, path: m[2]! } : undefined;
}
