// npm run bench:load: the load generator benchmark (not a test; prints figures). What one core of
// generator CPU buys, in requests per second, for:
//   (a)  dlconform's signed target stream through vegeta, as `dlconform load` runs it: a Node
//        process building and signing every request (load/targets.ts), `vegeta attack -format=json
//        -lazy`, `vegeta encode -to=json`, every result parsed and folded (load/results.ts) and its
//        slim line written to a results file (startAttack, load/attack.ts);
//   (a') the same signed stream into `vegeta attack` alone, its results written to a file unread;
//   (b)  `vegeta attack -format=json` with one fixed pre-signed target repeated (not lazy), the
//        same flags, its results written to a file unread;
//   (b') the whole path of (a) (startAttack: -lazy stdin targets, vegeta encode, every result
//        parsed and folded, the results file) with one signed line, built once, repeated: (a)
//        without signing per request, so (a) / (b') is what signing costs on the whole path;
//   (a-512) (a) with a captured body of 512 bytes instead of the plan's (load.captureBytes): what the captured
//        body costs (vegeta's -max-body, gob, encode, base64, parse; the cheap check needs the
//        first ~250 bytes of a typical Pull Doc response);
//   (c)  wrk posting the same fixed body (Lua script), one thread, a fixed number of connections.
// (b) and (a') are attack-only: the fair comparison of the signed stream with vegeta's own cost;
// (a) is the whole dlconform path, judged against (b) (goal: (a) ≥ 0.8 × (b) in req/s per core).
//
// The target is a bare node:http server (its own process, pinned to CPU 1) answering every POST
// with the bytes the reference issuer answered to one real signed Pull Doc request. Every generator
// (the whole process tree) is pinned to CPU 0 and run under `bash -c '…; times'`, whose children's
// user + sys is the tree's CPU; for (a) and (a') the Node process also reports the CPU of the tree
// over the attack alone (itself plus its reaped vegeta children), without Node's and tsx's start.
// Variants are interleaved (a, a', b, b', a-512, c, a, …) and medians printed (of an even number
// of rounds: the mean of the middle two). Then, as information,
// one run of (a) against the reference issuer itself (its own process, pinned to CPU 1).
//
// Environment: BENCH_SECONDS (5) per run, BENCH_ROUNDS (3), BENCH_RATE (40000 req/s offered to
// vegeta: above what one core sends, so every vegeta variant saturates its core), BENCH_MAX_WORKERS
// (256; also vegeta's connections), BENCH_WORKERS (64, vegeta's initial workers),
// BENCH_WRK_CONNECTIONS (64), BENCH_DOCUMENTS (200, the reference issuer's store), BENCH_PROFILE=0
// (leaves out the last run: (a) once more with the V8 profiler on over the attack, for the
// generator's top self-time functions), VEGETA_BIN (a prebuilt vegeta; otherwise found or built by
// load/vegeta-bin.ts). wrk, when missing, is installed with apt-get when running as root; otherwise
// (c) is skipped.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = fileURLToPath(new URL('..', import.meta.url));
const num = (name, fallback) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
};
const SECONDS = num('BENCH_SECONDS', 5);
const ROUNDS = Math.min(20, Math.round(num('BENCH_ROUNDS', 3)));
const RATE = num('BENCH_RATE', 40000);
const MAX_WORKERS = Math.round(num('BENCH_MAX_WORKERS', 256));
const WORKERS = Math.min(MAX_WORKERS, Math.round(num('BENCH_WORKERS', 64)));
const WRK_CONNECTIONS = Math.round(num('BENCH_WRK_CONNECTIONS', 64));
const DOCUMENTS = Math.round(num('BENCH_DOCUMENTS', 200));
const PROFILE = process.env.BENCH_PROFILE !== '0';
const KEY_ENV = 'DLCONFORM_LOAD_API_KEY'; // load/reference.ts REFERENCE_KEY_ENV
const RUN_BOUND_MS = (SECONDS + 60) * 1000; // any one child run
const out = (line = '') => process.stdout.write(`${line}\n`);
/** The median; of an even count, the mean of the middle two. */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---------------------------------------------------------------- children, killed by PID at the end
const children = new Set(); // ChildProcess, each the leader of its own process group (detached)
function killGroup(child, signal = 'SIGKILL') {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  try {
    process.kill(-child.pid, signal); // the group this script created for it: the child and its own children
  } catch {
    try {
      process.kill(child.pid, signal);
    } catch {
      // already gone
    }
  }
}
function cleanup() {
  for (const c of children) killGroup(c);
  children.clear();
}
/** The orderly end: servers see their stdin close and SIGTERM; what is left after 3 s gets SIGKILL. */
async function shutdown() {
  const left = [...children];
  for (const c of left) {
    c.stdin?.end();
    killGroup(c, 'SIGTERM');
  }
  const deadline = Date.now() + 3000;
  while (left.some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  cleanup();
}
let workDir; // the temporary folder, removed at the end
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    cleanup();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    process.exit(130);
  });
}

function launch(argv, env) {
  const child = spawn(argv[0], argv.slice(1), { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Runs a command to its end (bounded): its exit code, stdout and stderr. */
function run(argv, env, boundMs = RUN_BOUND_MS) {
  return new Promise((resolve, reject) => {
    const child = launch(argv, env);
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr = (stderr + c).slice(-20_000)));
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new Error(`${basename(argv[0])} ${argv.slice(1, 4).join(' ')}… passed its bound of ${boundMs / 1000} s and was killed`));
    }, boundMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts a long-lived child (a server) and resolves with the JSON line it prints when ready. */
function startServer(argv, env, name) {
  return new Promise((resolve, reject) => {
    const child = launch(argv, env);
    let buf = '';
    let err = '';
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new Error(`${name} did not start in 60 s: ${err.slice(-2000)}`));
    }, 60_000);
    child.stderr.on('data', (c) => (err = (err + c).slice(-20_000)));
    child.stdout.on('data', (c) => {
      buf += c;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        resolve({ child, info: JSON.parse(buf.slice(0, nl)) });
      } catch (_e) {
        reject(new Error(`${name} printed no JSON: ${buf.slice(0, 500)}`));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${err.slice(-2000)}`));
    });
  });
}

// ---------------------------------------------------------------- pinning and CPU accounting
const hasCommand = (cmd) => spawnSync('bash', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const CPUS = availableParallelism();
const warnings = [];
const PIN = hasCommand('taskset') && CPUS >= 2;
if (!hasCommand('taskset')) warnings.push('WARNING: taskset is missing (Debian: util-linux): generator and target run UNPINNED, sharing cores');
else if (CPUS < 2) warnings.push(`WARNING: only ${CPUS} CPU: generator and target run UNPINNED on the same core`);
const pinned = (cpu, argv) => (PIN ? ['taskset', '-c', String(cpu), ...argv] : argv);
/** bash runs the command, then prints `times`: its own user/sys, then its reaped children's (the whole tree). */
const timed = (argv) => ['bash', '-c', '"$@"; code=$?; times; exit $code', 'bash', ...argv];
const seconds = (t) => {
  const m = /(\d+)m([\d.]+)s/.exec(t ?? '');
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
};
/** Splits a timed run's stdout into the command's own output and the tree's CPU seconds. */
function splitTimes(stdout) {
  const lines = stdout.trimEnd().split('\n');
  const [user, sys] = (lines.at(-1) ?? '').trim().split(/\s+/);
  return { output: lines.slice(0, -2).join('\n'), cpuSeconds: seconds(user) + seconds(sys) };
}
/** Busy ticks (1/100 s) of one CPU so far, from /proc/stat: user, nice, system, irq, softirq, steal. */
function cpuBusy(cpu) {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${cpu} `));
  if (!line) return NaN;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / 100;
}
/** user + sys of a running process (all its threads), in seconds: to see how busy the target's core was. */
function processCpu(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

// ---------------------------------------------------------------- the variants
function vegetaReport(vegeta, file) {
  const r = spawnSync(vegeta.path, ['report', '-type=json', file], { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`vegeta report failed: ${r.stderr}`);
  const j = JSON.parse(r.stdout);
  const codes = j.status_codes ?? {};
  return { requests: j.requests, seconds: (j.duration + j.wait) / 1e9, ok: codes['200'] ?? 0, errors: (j.errors ?? []).slice(0, 3) };
}

function streamArgv(ctx, mode, url, extra = {}) {
  const o = {
    dir: ctx.dir,
    url,
    vegeta: { path: ctx.vegeta.path, version: ctx.vegeta.version },
    mode,
    rate: RATE,
    durationSeconds: SECONDS,
    workers: WORKERS,
    maxWorkers: MAX_WORKERS,
    connections: MAX_WORKERS,
    ...extra,
  };
  return [process.execPath, '--import', 'tsx', join('load', 'bench.ts'), 'stream', JSON.stringify(o)];
}

/** (a), (a'), (b') or (a-512): the stream, in a pinned generator process tree; `extra`: fixedLine, captureBytes. */
async function runStream(ctx, mode, url, target, extra = {}) {
  const output = mode === 'attack' ? join(ctx.dir, `attack-${mode}.bin`) : undefined;
  const serverBefore = processCpu(target.pid);
  const r = await run(pinned(0, timed(streamArgv(ctx, mode, url, { ...extra, ...(output && { output }) }))), ctx.env);
  const serverCpu = processCpu(target.pid) - serverBefore;
  if (r.code !== 0) throw new Error(`the ${mode} generator exited with ${r.code}: ${r.stderr.slice(-3000)}`);
  const { output: text, cpuSeconds: treeSeconds } = splitTimes(r.stdout);
  const g = JSON.parse(text.trim().split('\n').at(-1));
  if (g.exitCode !== 0) throw new Error(`vegeta attack exited with ${g.exitCode}: ${g.stderr}`);
  let counted;
  if (mode === 'attack') {
    counted = vegetaReport(ctx.vegeta, output);
    rmSync(output, { force: true });
  } else counted = { requests: g.requests, seconds: g.seconds, ok: g.ok, notOk: g.notOk, beyondCapture: g.beyondCapture, reasons: g.reasons, lateStarts: g.lateStarts };
  const cpu = (g.selfUs + g.childrenUs) / 1e6;
  return { ...counted, cpu, treeCpu: treeSeconds, nodeCpu: g.selfUs / 1e6, vegetaCpu: g.childrenUs / 1e6, serverCpu, wall: g.wallSeconds };
}

/** (b): vegeta attack with one fixed target, the same flags as (a), results to a file. */
async function runFixed(ctx, target) {
  const output = join(ctx.dir, 'fixed.bin');
  const serverBefore = processCpu(target.pid);
  const started = Date.now();
  const r = await run(pinned(0, timed([ctx.vegeta.path, ...ctx.fixedArgs, `-output=${output}`])), ctx.env);
  const wall = (Date.now() - started) / 1000;
  const serverCpu = processCpu(target.pid) - serverBefore;
  if (r.code !== 0) throw new Error(`vegeta attack (fixed target) exited with ${r.code}: ${r.stderr.slice(-2000)}`);
  const { cpuSeconds } = splitTimes(r.stdout);
  const counted = vegetaReport(ctx.vegeta, output);
  rmSync(output, { force: true });
  return { ...counted, cpu: cpuSeconds, treeCpu: cpuSeconds, serverCpu, wall };
}

/** (c): wrk, one thread, WRK_CONNECTIONS connections, the fixed body. */
async function runWrk(ctx, target) {
  const serverBefore = processCpu(target.pid);
  const started = Date.now();
  const r = await run(pinned(0, timed(['wrk', '-t1', `-c${WRK_CONNECTIONS}`, `-d${SECONDS}s`, '-s', join(ctx.dir, 'post.lua'), ctx.bareUrl])), ctx.env);
  const wall = (Date.now() - started) / 1000;
  const serverCpu = processCpu(target.pid) - serverBefore;
  if (r.code !== 0) throw new Error(`wrk exited with ${r.code}: ${r.stderr}`);
  const { output, cpuSeconds } = splitTimes(r.stdout);
  const m = /(\d+) requests in ([\d.]+)(m?s)/.exec(output);
  if (!m) throw new Error(`wrk printed no request count:\n${output}`);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const errors = /Socket errors: .*/.exec(output)?.[0];
  const requests = Number(m[1]);
  const secs = Number(m[2]) / (m[3] === 'ms' ? 1000 : 1);
  return { requests, seconds: secs, ok: requests - non2xx, cpu: cpuSeconds, treeCpu: cpuSeconds, serverCpu, wall, ...(errors && { errors: [errors] }) };
}

// ---------------------------------------------------------------- wrk
async function ensureWrk() {
  if (hasCommand('wrk')) return { ok: true };
  if (process.getuid?.() !== 0 || !hasCommand('apt-get')) return { ok: false, why: 'wrk is not installed (Debian: apt-get install -y wrk) and this user cannot install it' };
  out('wrk is missing: apt-get update && apt-get install -y wrk …');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { env, encoding: 'utf8', timeout: 180_000 });
  const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', 'wrk'], { env, encoding: 'utf8', timeout: 180_000 }) : update;
  if (install.status !== 0 || !hasCommand('wrk')) return { ok: false, why: `installing wrk failed: ${(install.stderr || install.error?.message || '').trim().split('\n').slice(-2).join(' | ')}` };
  return { ok: true };
}

// ---------------------------------------------------------------- profile summary
function topSelfTime(profilePath, n) {
  const p = JSON.parse(readFileSync(profilePath, 'utf8'));
  const byId = new Map(p.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    const f = byId.get(p.samples[i]).callFrame;
    total += dt;
    if (f.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    // tsx runs the TypeScript sources transformed: their line numbers are not the source's
    const where = f.url ? `${f.url.replace(/^file:\/\//, '').replace(root, '')}${f.url.endsWith('.ts') ? '' : `:${f.lineNumber + 1}`}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  const busy = total - idle;
  return {
    total: total / 1e6,
    busy: busy / 1e6,
    top: [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => ({ fn: k, ms: us / 1000, share: us / busy })),
  };
}

// ---------------------------------------------------------------- the bench
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '–');

async function main() {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'dlconform-bench-load-'));
  workDir = dir;
  try {
    const { ensureVegeta } = await tsImport('../load/vegeta-bin.ts', import.meta.url);
    const { attackArgs } = await tsImport('../load/attack.ts', import.meta.url);
    const v = await ensureVegeta({ progress: (line) => out(line) });
    if (!v.found) throw new Error(v.message);
    const vegeta = v.found;
    const wrk = await ensureWrk();
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR ?? tmpdir(), [KEY_ENV]: randomBytes(16).toString('hex') };

    // the machine
    const cpuModel = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
    const nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
    const vegetaRuntime = /Runtime:\s*(.*)/.exec(spawnSync(vegeta.path, ['-version'], { encoding: 'utf8' }).stdout ?? '')?.[1] ?? '';
    const wrkVersion = wrk.ok ? (/^wrk \S+/.exec(spawnSync('wrk', ['-v'], { encoding: 'utf8' }).stdout ?? '')?.[0] ?? 'wrk') : undefined;
    out(`dlconform load generator benchmark, ${new Date().toISOString()}`);
    out(`machine: nproc ${nproc}, ${cpuModel}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
    out(`Node ${process.version}; vegeta ${vegeta.version} (${vegeta.source}: ${vegeta.path}${vegetaRuntime ? `, ${vegetaRuntime}` : ''}); ${wrkVersion ?? `wrk: none (${wrk.why}): (c) skipped`}`);
    // this script itself (mostly waiting) keeps off the generator's core
    if (PIN) spawnSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
    out(PIN ? 'pinning: generators on CPU 0 (taskset -c 0, the whole process tree), targets and this script on CPU 1 (taskset -c 1)' : 'pinning: none');
    for (const w of warnings) out(w);

    // the reference issuer (pinned to CPU 1; idle until the last run): the response bytes and the config
    const reference = await startServer(
      pinned(1, [process.execPath, '--import', 'tsx', join('load', 'bench.ts'), 'reference', JSON.stringify({ dir, documents: DOCUMENTS })]),
      env,
      'the reference issuer',
    );
    const ref = reference.info;
    // the bare server answering with them
    const bareServer = await startServer(
      pinned(1, [process.execPath, '--import', 'tsx', join('load', 'bench.ts'), 'bare', JSON.stringify({ dir, contentType: ref.contentType })]),
      env,
      'the bare server',
    );
    const bareUrl = bareServer.info.url;
    const bareTarget = { pid: bareServer.info.pid };
    const refTarget = { pid: ref.pid };

    // the fixed target for (b) and (c): the request the reference issuer served, and the same flags as (a)
    const body = readFileSync(join(dir, 'request.xml'));
    const { headers } = JSON.parse(readFileSync(join(dir, 'request.json'), 'utf8'));
    const header = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
    writeFileSync(join(dir, 'fixed.json'), `${JSON.stringify({ method: 'POST', url: bareUrl, body: body.toString('base64'), header })}\n`);
    const spec = {
      vegeta,
      rate: RATE,
      durationSeconds: SECONDS,
      workers: WORKERS,
      maxWorkers: MAX_WORKERS,
      maxConnections: MAX_WORKERS,
      timeoutMs: ref.timeoutMs,
      captureBytes: ref.captureBytes,
      name: 'bench-fixed',
    };
    const fixedArgs = attackArgs(spec)
      .filter((a) => a !== '-lazy')
      .map((a) => (a === '-targets=stdin' ? `-targets=${join(dir, 'fixed.json')}` : a));
    writeFileSync(
      join(dir, 'post.lua'),
      `${['wrk.method = "POST"', `local f = io.open(${JSON.stringify(join(dir, 'request.xml'))}, "rb")`, 'wrk.body = f:read("*a")', 'f:close()', ...Object.entries(headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)].join('\n')}\n`,
    );
    const ctx = { dir, vegeta, env, bareUrl, fixedArgs };

    out(
      `target: bare node:http server (${bareUrl}) answering every POST with the reference issuer's ${ref.responseBytes}-byte Pull Doc response (profile ${ref.profile}, ${ref.contentType}); requests ${ref.requestBytes} bytes`,
    );
    out(
      `vegeta runs: -rate=${RATE}/1s -duration=${SECONDS}s -workers=${WORKERS} -max-workers=${MAX_WORKERS} -connections=${MAX_WORKERS} -max-connections=${MAX_WORKERS} -timeout=${ref.timeoutMs}ms -max-body=${ref.captureBytes}, dataset ${ref.datasetSize} documents; wrk: -t1 -c${WRK_CONNECTIONS} -d${SECONDS}s (closed loop, as fast as it goes)`,
    );
    out(`${ROUNDS} interleaved rounds; CPU = user+sys of the whole generator process tree (for (a)/(a'): over the attack, without Node's and tsx's start-up, shown apart as 'with start-up')`);
    out();

    const variants = [
      { key: 'a', label: '(a)  dlconform: signed stream → vegeta attack → encode → parse', run: () => runStream(ctx, 'full', bareUrl, bareTarget) },
      { key: "a'", label: "(a') dlconform: signed stream → vegeta attack (results unread)", run: () => runStream(ctx, 'attack', bareUrl, bareTarget) },
      { key: 'b', label: '(b)  vegeta attack, one fixed target (results unread)', run: () => runFixed(ctx, bareTarget) },
      { key: "b'", label: "(b') as (a), one pre-signed line repeated (no signing)", run: () => runStream(ctx, 'full', bareUrl, bareTarget, { fixedLine: true }) },
      { key: 'a-512', label: `(a-512) as (a), captured body 512 bytes (not ${ref.captureBytes})`, run: () => runStream(ctx, 'full', bareUrl, bareTarget, { captureBytes: 512 }) },
      ...(wrk.ok ? [{ key: 'c', label: '(c)  wrk, the same fixed body', run: () => runWrk(ctx, bareTarget) }] : []),
    ];
    const results = Object.fromEntries(variants.map((v) => [v.key, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const v of variants) {
        const busyBefore = cpuBusy(0);
        const wallBefore = Date.now();
        const r = await v.run();
        // what else ran on the generator's core meanwhile (other processes on a shared machine)
        r.otherPct = Math.max(0, (100 * (cpuBusy(0) - busyBefore - r.treeCpu)) / ((Date.now() - wallBefore) / 1000));
        r.rps = r.requests / r.seconds;
        r.cpuUs = (r.cpu * 1e6) / r.requests;
        r.perCore = r.requests / r.cpu;
        r.serverPct = (100 * r.serverCpu) / r.seconds;
        r.genPct = (100 * r.cpu) / r.seconds;
        if (r.nodeCpu !== undefined) {
          r.nodeUs = (r.nodeCpu * 1e6) / r.requests;
          r.vegetaUs = (r.vegetaCpu * 1e6) / r.requests;
        }
        results[v.key].push(r);
        const failed = r.requests - r.ok;
        const split = r.nodeCpu !== undefined ? ` (node ${fmt(r.nodeCpu, 2)} + vegeta ${fmt(r.vegetaCpu, 2)}; with start-up ${fmt(r.treeCpu, 2)})` : '';
        out(
          `round ${round} ${v.key.padEnd(5)}: ${String(r.requests).padStart(6)} requests in ${fmt(r.seconds, 2)} s = ${fmt(r.rps).padStart(5)} req/s | CPU ${fmt(r.cpu, 2)} s${split} = ${fmt(r.cpuUs, 1)} µs/req = ${fmt(r.perCore)} req/s per core | busy: generator ${fmt(r.genPct)}%, target ${fmt(r.serverPct)}%, other work on CPU 0 ${fmt(r.otherPct)}%${failed ? ` | ${failed} NOT OK ${JSON.stringify(r.reasons ?? r.errors ?? {})}` : ''}${r.beyondCapture ? ` | ${r.beyondCapture} OK but not judged (content marker beyond the capture)` : ''}`,
        );
      }
    }

    const med = (key, field) => median(results[key].map((r) => r[field]));
    out();
    out(`medians of ${ROUNDS} rounds${' '.repeat(40)}requests   req/s  CPU µs/req  req/s per core  busy: gen  target`);
    for (const v of variants) {
      out(
        `${v.label.padEnd(64)} ${fmt(med(v.key, 'requests')).padStart(8)} ${fmt(med(v.key, 'rps')).padStart(7)} ${fmt(med(v.key, 'cpuUs'), 1).padStart(11)} ${fmt(med(v.key, 'perCore')).padStart(15)} ${fmt(med(v.key, 'genPct')).padStart(10)}% ${fmt(med(v.key, 'serverPct')).padStart(6)}%`,
      );
    }
    const a = med('a', 'perCore');
    const a1 = med("a'", 'perCore');
    const b = med('b', 'perCore');
    const b1 = med("b'", 'perCore');
    const a512 = med('a-512', 'perCore');
    out();
    out('generator CPU per request (medians):');
    out(
      `  (a)  ${fmt(med('a', 'cpuUs'), 1).padStart(6)} µs = Node ${fmt(med('a', 'nodeUs'), 1)} µs (sign + write targets, read + parse + fold results, results file) + vegeta attack and encode ${fmt(med('a', 'vegetaUs'), 1)} µs`,
    );
    out(
      `  (a') ${fmt(med("a'", 'cpuUs'), 1).padStart(6)} µs = Node ${fmt(med("a'", 'nodeUs'), 1)} µs (sign + write targets) + vegeta attack ${fmt(med("a'", 'vegetaUs'), 1)} µs (lazy JSON targets from stdin)`,
    );
    out(`  (b)  ${fmt(med('b', 'cpuUs'), 1).padStart(6)} µs = vegeta attack (one fixed target)`);
    out(
      `  (b') ${fmt(med("b'", 'cpuUs'), 1).padStart(6)} µs = Node ${fmt(med("b'", 'nodeUs'), 1)} µs (write one line repeated, read + parse + fold results, results file) + vegeta attack and encode ${fmt(med("b'", 'vegetaUs'), 1)} µs`,
    );
    out(`  (a-512) ${fmt(med('a-512', 'cpuUs'), 1).padStart(3)} µs = Node ${fmt(med('a-512', 'nodeUs'), 1)} µs + vegeta attack and encode ${fmt(med('a-512', 'vegetaUs'), 1)} µs`);
    if (wrk.ok) out(`  (c)  ${fmt(med('c', 'cpuUs'), 1).padStart(6)} µs = wrk`);
    out();
    out(`(a) / (b), req/s per generator core:  ${fmt(a / b, 2)}  goal ≥ 0.80: ${a / b >= 0.8 ? 'MET' : 'NOT MET'}`);
    out(`(a) / (b'), req/s per generator core: ${fmt(a / b1, 2)}  (the cost of signing on the whole path: ${fmt(med('a', 'cpuUs') - med("b'", 'cpuUs'), 1)} µs/req)`);
    out(`(b') / (b), req/s per generator core: ${fmt(b1 / b, 2)}  (the whole path without signing against vegeta alone)`);
    out(`(a') / (b), req/s per generator core: ${fmt(a1 / b, 2)}  (the signed stream, results not read: attack-only, like (b))`);
    out(
      `(a-512) / (b), req/s per generator core: ${fmt(a512 / b, 2)}  (a-512) / (a): ${fmt(a512 / a, 2)}  (the captured body ${ref.captureBytes} → 512 bytes: ${fmt(med('a', 'cpuUs') - med('a-512', 'cpuUs'), 1)} µs/req)`,
    );
    if (wrk.ok) out(`(b) / (c), req/s per generator core:  ${fmt(b / med('c', 'perCore'), 2)}  (vegeta's own cost against wrk)`);
    out(`(a) / (b), req/s:                      ${fmt(med('a', 'rps') / med('b', 'rps'), 2)}  (both limited by the generator core when it is near 100% busy)`);

    // information: the reference issuer itself, one run of (a)
    const r = await runStream(ctx, 'full', ref.url, refTarget);
    r.rps = r.requests / r.seconds;
    out();
    out(`information: dlconform's stream (a) against the reference issuer (its own process on CPU 1), one run:`);
    out(
      `  reference issuer: ${fmt(r.rps).padStart(6)} req/s (${r.ok} OK, ${r.notOk} not OK${r.notOk ? ` ${JSON.stringify(r.reasons)}` : ''}, ${r.lateStarts} late starts); its core ${fmt((100 * r.serverCpu) / r.seconds)}% busy, the generator's ${fmt((100 * r.cpu) / r.seconds)}%`,
    );
    out(`  bare server:      ${fmt(med('a', 'rps')).padStart(6)} req/s (median of (a) above); its core ${fmt(med('a', 'serverPct'))}% busy, the generator's ${fmt(med('a', 'genPct'))}%`);
    out(`  reference / bare: ${fmt(r.rps / med('a', 'rps'), 2)} (a generator core near 100% limits both: then this is not the issuer's capacity)`);

    if (PROFILE) {
      const profile = join(dir, 'generator.cpuprofile');
      const pr = await run(pinned(0, streamArgv(ctx, 'full', bareUrl, { profile })), env);
      if (pr.code !== 0) throw new Error(`the profiled generator exited with ${pr.code}: ${pr.stderr.slice(-2000)}`);
      const g = JSON.parse(pr.stdout.trim().split('\n').at(-1));
      const p = topSelfTime(profile, 20);
      out();
      out(
        `the Node process of (a), profiled over one more attack (V8 sampling profiler from just before startAttack to its end; ${g.requests} requests, ${fmt(p.busy, 2)} s of ${fmt(p.total, 2)} s not idle): top self time, share of the non-idle time`,
      );
      for (const t of p.top) out(`  ${fmt(t.share * 100, 1).padStart(5)}%  ${fmt(t.ms).padStart(6)} ms  ${t.fn}`);
      out('  (V8 samples wall time: with vegeta on the same core, time Node spends preempted inside a system call,');
      out('  typically a write that wakes vegeta, counts against that native function: writeBuffer(s), writeUtf8String)');
    }
    out();
    out(`done in ${fmt((Date.now() - started) / 1000)} s`);
  } finally {
    await shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  cleanup();
  process.stderr.write(`bench:load failed: ${err.stack ?? err}\n`);
  process.exitCode = 1;
});
