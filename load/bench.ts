/**
 * The child processes of the load benchmark (`npm run bench:load`, scripts/bench-load.mjs; not a
 * test). Run as `node --import tsx load/bench.ts ROLE 'JSON options'`; the API key of the
 * reference issuer comes in $DLCONFORM_LOAD_API_KEY. Each role prints one JSON line on stdout.
 *
 *  - `reference`: the reference issuer (startReferenceTarget) on 127.0.0.1; sends it one real
 *    signed Pull Doc request and keeps the answer's bytes (response.bin), the request (request.xml,
 *    request.json) and the issuer's config and documents (target.json) in `dir`. Serves until its
 *    stdin closes or it is signalled.
 *  - `bare`: a bare node:http server answering every POST with those response bytes; it reads
 *    the request body and ignores it.
 *  - `stream`: the generator. dlconform's signed target stream for the reference issuer's config
 *    and dataset, against `url`, through vegeta: `full` is startAttack exactly as the runner
 *    calls it (vegeta attack + vegeta encode, every result parsed and folded by AttackCollector,
 *    and its slim line written to a results file); `attack` is the same stream into `vegeta
 *    attack` alone, its (gob) results written to a file and not read. Options for the bench's
 *    isolating variants: `fixedLine` sends one signed line, built once, on every request (the
 *    whole pipeline without signing per request); `captureBytes` overrides the plan's captured
 *    body (vegeta's -max-body and the cheap check's capture). Prints what it counted and
 *    the CPU the whole generator used over the attack: this process (process.cpuUsage) and its
 *    reaped vegeta children (cutime + cstime of /proc/self/stat).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { parseConfig } from '../core/config/index.js';
import type { DocumentSpec } from '../core/config/index.js';
import { nodeHash } from '../core/node-hash.js';
import { PROFILES } from '../protocol/profiles.js';
import { attackArgs, startAttack, type AttackSpec } from './attack.js';
import { buildDataset } from './dataset.js';
import { REFERENCE_KEY_ENV, startReferenceTarget } from './reference.js';
import { buildLoadRequest, txnFor } from './request.js';
import { AttackCollector } from './results.js';
import { buildPlan } from './runner.js';
import { slimResultLine } from './segment.js';
import { loadSettings } from './settings.js';
import { SignedTargets, pumpTargets } from './targets.js';
import { EXIT } from '../core/types.js';

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

/** Serve until the parent goes away (stdin closes) or signals. */
function serveUntilParentGoes(close: () => Promise<void> | void): void {
  const end = () => {
    void Promise.resolve(close()).finally(() => process.exit(EXIT.ok));
  };
  process.stdin.on('end', end);
  process.stdin.on('error', end);
  process.stdin.resume();
  process.once('SIGTERM', end);
  process.once('SIGINT', end);
}

function apiKey(): string {
  const key = process.env[REFERENCE_KEY_ENV];
  if (!key) throw new Error(`$${REFERENCE_KEY_ENV} is not set`);
  return key;
}

/** The reference issuer's config, parsed like a user's, its documents, and a plan against `url`. */
function loadTarget(dir: string, url?: string) {
  const saved = JSON.parse(readFileSync(join(dir, 'target.json'), 'utf8')) as { config: unknown; documents: DocumentSpec[] };
  const key = apiKey();
  const { config } = parseConfig(saved.config, { [REFERENCE_KEY_ENV]: key }, 'reference issuer');
  const settings = loadSettings(config);
  const base = buildPlan({ config, settings: { ...settings, scenario: 'pull-doc' }, profile: 'ci' }, '0123456789abcdef');
  const plan = url ? { ...base, url } : base;
  const dataset = buildDataset(config, 'pull-doc', saved.documents);
  return { config, plan, dataset, signer: { hash: nodeHash, apiKey: key, hmac: plan.hmac } };
}

async function reference(o: { dir: string; documents: number }): Promise<void> {
  const key = apiKey();
  const target = await startReferenceTarget({ documents: o.documents, apiKey: key });
  writeFileSync(join(o.dir, 'target.json'), JSON.stringify({ config: target.issuer.config(REFERENCE_KEY_ENV), documents: target.documents }));
  const { plan, dataset, signer } = loadTarget(o.dir);
  // one real signed request, and the issuer's answer to it: the bare server's fixed response
  const request = buildLoadRequest(plan, PROFILES[plan.specProfile], signer, dataset[0]!, txnFor(plan.runId, 0, 255, 0), new Date());
  const res = await fetch(plan.url, { method: 'POST', body: request.body, headers: request.headers });
  const answer = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200 || !answer.includes('Status="1"') || !answer.includes('JVBERi0')) {
    await target.issuer.close();
    throw new Error(`the reference issuer did not serve the first request (HTTP ${res.status}): ${answer.subarray(0, 200).toString()}`);
  }
  writeFileSync(join(o.dir, 'response.bin'), answer);
  writeFileSync(join(o.dir, 'request.xml'), request.body);
  writeFileSync(join(o.dir, 'request.json'), JSON.stringify({ headers: request.headers }));
  const contentType = res.headers.get('content-type') ?? 'application/xml';
  print({
    url: plan.url,
    pid: process.pid,
    responseBytes: answer.length,
    contentType,
    requestBytes: Buffer.byteLength(request.body),
    datasetSize: dataset.length,
    profile: plan.specProfile,
    timeoutMs: plan.requestTimeoutMs,
    captureBytes: plan.captureBytes,
  });
  serveUntilParentGoes(() => target.issuer.close());
}

async function bare(o: { dir: string; contentType: string }): Promise<void> {
  const answer = readFileSync(join(o.dir, 'response.bin'));
  const headers = { 'content-type': o.contentType, 'content-length': String(answer.length) };
  const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, headers);
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  print({ url: `http://127.0.0.1:${port}/pulldoc`, pid: process.pid });
  serveUntilParentGoes(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
}

const CLK_TCK = 100; // Linux's USER_HZ on every mainstream architecture (getconf CLK_TCK)

/** CPU of this process (all its threads) and of its reaped children, in µs. */
function cpuNow(): { selfUs: number; childrenUs: number } {
  const self = process.cpuUsage();
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // after "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14
  const ticks = Number(fields[13]) + Number(fields[14]);
  return { selfUs: self.user + self.system, childrenUs: (ticks * 1e6) / CLK_TCK };
}

interface StreamOptions {
  dir: string;
  url: string;
  vegeta: { path: string; version: string };
  mode: 'full' | 'attack';
  rate: number;
  durationSeconds: number;
  workers: number;
  maxWorkers: number;
  connections: number;
  /** attack mode: where vegeta writes its results (gob) */
  output?: string;
  /** write a V8 CPU profile of this process over the attack alone (not its start-up) here */
  profile?: string;
  /** one signed line, built once before the attack, repeated for every request: no signing per request */
  fixedLine?: boolean;
  /** the captured body (vegeta's -max-body and the cheap check's), instead of the plan's */
  captureBytes?: number;
}

/** SignedTargets' surface pumpTargets uses, over one line repeated: the stream without signing. */
function repeatedLine(line: string): SignedTargets {
  let n = 0;
  const stand = {
    nextLine: () => {
      n++;
      return line;
    },
    get count() {
      return n;
    },
  };
  return stand as unknown as SignedTargets;
}

/** Starts the V8 sampling profiler in this process; the returned function stops it and writes the profile. */
async function startProfile(path: string): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) => new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(path, JSON.stringify(profile));
    session.disconnect();
  };
}

async function stream(o: StreamOptions): Promise<void> {
  const loaded = loadTarget(o.dir, o.url);
  const { dataset, signer } = loaded;
  const plan = o.captureBytes ? { ...loaded.plan, captureBytes: o.captureBytes } : loaded.plan;
  const spec: AttackSpec = {
    vegeta: { ...o.vegeta, source: 'VEGETA_BIN' },
    rate: o.rate,
    durationSeconds: o.durationSeconds,
    workers: o.workers,
    maxWorkers: o.maxWorkers,
    maxConnections: o.connections,
    timeoutMs: plan.requestTimeoutMs,
    captureBytes: plan.captureBytes,
    name: `bench-${o.mode}`,
  };
  const signed = new SignedTargets(plan, signer, dataset, 0);
  const targets = o.fixedLine ? repeatedLine(signed.nextLine()) : signed;
  const deadlineMs = (o.durationSeconds + 20) * 1000;
  const stopProfile = o.profile ? await startProfile(o.profile) : undefined;
  const before = cpuNow();
  const began = Date.now();
  if (o.mode === 'full') {
    // one window over the whole attack and its drain: every result is folded
    const window = { index: 0, rate: o.rate, start: 0, measureFrom: 0, end: (o.durationSeconds + 60) * 1000 };
    const collector = new AttackCollector(window, o.rate, plan);
    const results = createWriteStream(join(o.dir, `results-${process.pid}.json`));
    let first = Infinity;
    let last = -Infinity;
    const attack = startAttack(
      spec,
      targets,
      (r, line) => {
        collector.add(r);
        results.write(`${slimResultLine(line)}\n`);
        if (r.startMs < first) first = r.startMs;
        const end = r.startMs + r.latencyUs / 1000;
        if (end > last) last = end;
      },
      { deadlineMs },
    );
    const outcome = await attack.done;
    await new Promise<void>((resolve) => results.end(resolve));
    const after = cpuNow();
    await stopProfile?.();
    const record = collector.finish();
    print({
      mode: o.mode,
      exitCode: outcome.exitCode,
      stopped: outcome.stopped,
      stderr: outcome.stderr.slice(-500),
      targets: outcome.targets,
      requests: outcome.results,
      seconds: (last - first) / 1000,
      ok: record.ok,
      notOk: record.notOk,
      beyondCapture: record.beyondCapture,
      httpFailed: record.httpFailed,
      lateStarts: record.lateStarts,
      reasons: record.reasons,
      wallSeconds: (Date.now() - began) / 1000,
      selfUs: after.selfUs - before.selfUs,
      childrenUs: after.childrenUs - before.childrenUs,
    });
    return;
  }
  // attack only: the same stream and flags, vegeta's results written to a file and not read here
  const args = [...attackArgs(spec), `-output=${o.output!}`];
  const child = spawn(o.vegeta.path, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  const pump = pumpTargets(child.stdin!, targets, { rate: o.rate });
  const deadline = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
  const exitCode = await new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code));
  });
  clearTimeout(deadline);
  pump.stop();
  const written = await pump.done;
  const after = cpuNow();
  await stopProfile?.();
  print({
    mode: o.mode,
    exitCode,
    stderr: stderr.trim().slice(-500),
    targets: written,
    wallSeconds: (Date.now() - began) / 1000,
    selfUs: after.selfUs - before.selfUs,
    childrenUs: after.childrenUs - before.childrenUs,
  });
}

const [role, json] = process.argv.slice(2);
const options = JSON.parse(json ?? '{}') as Record<string, unknown>;
const roles: Record<string, (o: never) => Promise<void>> = { reference, bare, stream };
const run = role ? roles[role] : undefined;
if (!run) {
  process.stderr.write(`usage: node --import tsx load/bench.ts reference|bare|stream 'JSON options' (run by scripts/bench-load.mjs)\n`);
  process.exit(EXIT.usage);
}
run(options as never).catch((err: unknown) => {
  process.stderr.write(`load/bench.ts ${role}: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(EXIT.conformanceFailure);
});
