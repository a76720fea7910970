/**
 * The load benchmark (`npm run bench:load`, not a test). On the same target in one run:
 *  - req/s of the dlconform pull-doc script against a bare k6 script POSTing one fixed pre-signed
 *    body (goal ≥ 0.8: what signing, building and checking each request costs inside k6), both
 *    closed-model (constant VUs) with no output, and once more as `dlconform load` runs it (raw
 *    samples to CSV) to show what the sample output costs;
 *  - the bare k6 script against wrk with the same body (k6's own cost);
 *  - the reference issuer against a bare node:http server returning the same response bytes,
 *    both driven by wrk (goal ≥ 0.5).
 * The machine is shared and small, so rounds are interleaved and medians reported.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { nodeHash } from '../conformance/node-hash.js';
import { PROFILES } from '../spec/profiles.js';
import { bundleK6 } from './bundle.js';
import { buildDataset } from './dataset.js';
import { findK6, k6MissingMessage } from './k6bin.js';
import { startReferenceTarget } from './reference.js';
import { buildLoadRequest } from './request.js';
import { buildPlan } from './runner.js';
import { loadSettings } from './settings.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const VUS = Number(process.env.BENCH_VUS ?? 16);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, K6_NO_USAGE_REPORT: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), (SECONDS + 120) * 1000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

async function hasWrk(): Promise<boolean> {
  try {
    await run('wrk', ['--version']);
    return true;
  } catch {
    return false;
  }
}

async function wrk(url: string, luaPath: string): Promise<number> {
  const r = await run('wrk', ['-t1', `-c${VUS}`, `-d${SECONDS}s`, '-s', luaPath, url]);
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.out);
  if (!m) throw new Error(`wrk gave no Requests/sec:\n${r.out}`);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(r.out);
  if (non2xx) throw new Error(`wrk got ${non2xx[1]} non-2xx responses from ${url}`);
  return Number(m[1]);
}

/**
 * One k6 run: its request rate, and the CPU time k6 used per request (user + system, from the
 * shell's `times` after k6 exits), which other work on a shared machine disturbs far less.
 */
async function k6Run(k6: string, script: string, env: NodeJS.ProcessEnv, dir: string, extra: string[] = []): Promise<{ rate: number; cpuUs: number }> {
  const summary = join(dir, `summary-${Math.random().toString(36).slice(2)}.json`);
  const args = ['run', '--no-usage-report', '--address=', '--quiet', '--no-color', `--summary-export=${summary}`, ...extra, script];
  const r = await run('bash', ['-c', '"$@"; code=$?; times; exit $code', 'bash', k6, ...args], env);
  if (r.code !== 0) throw new Error(`k6 exited ${r.code}:\n${r.out.slice(-2000)}`);
  const metrics = (JSON.parse(readFileSync(summary, 'utf8')) as { metrics: Record<string, Record<string, number>> }).metrics;
  const checks = metrics.checks;
  if (checks && checks.fails !== undefined && checks.fails > 0) throw new Error(`k6 checks failed ${checks.fails} times: the bench target is not answering correctly`);
  // `times` prints the shell's own times, then its children's: "0m12.345s 0m1.234s"
  const lines = r.out.trim().split('\n');
  const seconds = (t: string) => {
    const m = /(\d+)m([\d.]+)s/.exec(t);
    return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  };
  const [user, sys] = (lines[lines.length - 1] ?? '').trim().split(/\s+/);
  const cpuUs = ((seconds(user ?? '') + seconds(sys ?? '')) * 1e6) / metrics.http_reqs!.count!;
  return { rate: metrics.http_reqs!.rate!, cpuUs };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
}

export async function bench(): Promise<void> {
  const { found, looked } = await findK6();
  if (!found) throw new Error(k6MissingMessage(looked));
  const withWrk = await hasWrk();
  const dir = mkdtempSync(join(tmpdir(), 'dlconform-bench-load-'));
  const target = await startReferenceTarget({ documents: 200 });
  const bareServer = createServer();
  try {
    const settings = loadSettings(target.config);
    const plan = buildPlan({ config: target.config, settings, profile: 'ci' }, '0123456789abcdef');
    const closed = { scenarios: { bench: { executor: 'constant-vus', vus: VUS, duration: `${SECONDS}s`, gracefulStop: '5s' } } };
    const sampleRate = process.env.BENCH_SAMPLE_RATE === undefined ? plan.sampleRate : Number(process.env.BENCH_SAMPLE_RATE);
    const benchPlan = { ...plan, sampleRate, steps: [], options: { ...plan.options, thresholds: {}, ...closed } };
    const dataset = buildDataset(target.config, 'pull-doc', target.documents);
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(benchPlan));
    writeFileSync(join(dir, 'dataset.json'), JSON.stringify(dataset));

    // one fixed pre-signed request, and the issuer's answer to it
    const fixed = buildLoadRequest(plan, PROFILES[plan.specProfile], { hash: nodeHash, apiKey: target.apiKey, hmac: plan.hmac }, dataset[0]!, 0, new Date());
    const res = await fetch(plan.url, { method: 'POST', body: fixed.body, headers: fixed.headers });
    const answer = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200 || !answer.includes('Status="1"')) throw new Error(`the fixed request was not served (HTTP ${res.status})`);
    writeFileSync(join(dir, 'bare.json'), JSON.stringify({ url: plan.url, body: fixed.body, headers: fixed.headers, options: closed }));
    writeFileSync(join(dir, 'body.xml'), fixed.body);
    const lua = [
      'wrk.method = "POST"',
      `local f = io.open(${JSON.stringify(join(dir, 'body.xml'))}, "rb")`,
      'wrk.body = f:read("*a")',
      'f:close()',
      ...Object.entries(fixed.headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`),
    ].join('\n');
    writeFileSync(join(dir, 'post.lua'), lua + '\n');

    // a bare node:http server returning the same bytes with the same headers
    const headers = { 'content-type': res.headers.get('content-type') ?? 'application/xml', 'content-length': String(answer.length) };
    bareServer.keepAliveTimeout = 10_000;
    bareServer.on('request', (req, out) => {
      req.resume();
      req.on('end', () => {
        out.writeHead(200, headers);
        out.end(answer);
      });
    });
    const bareUrl = (await listen(bareServer)) + '/pulldoc';

    const scripts = await bundleK6(join(dir, 'k6'), ['main', 'bare']);
    const env = { DLCONFORM_PLAN: join(dir, 'plan.json'), DLCONFORM_DATASET: join(dir, 'dataset.json'), DLCONFORM_BARE: join(dir, 'bare.json'), [target.config.apiKeyEnv]: target.apiKey };
    const csv = (i: number) => [`--out=csv=fileName=${join(dir, `samples-${i}.csv`)},timeFormat=unix_milli`];

    const r = { bare: [] as number[], script: [] as number[], scriptCsv: [] as number[], wrk: [] as number[], issuer: [] as number[], node: [] as number[] };
    const cpu = { bare: [] as number[], script: [] as number[], scriptCsv: [] as number[] };
    const measure = async (key: keyof typeof cpu, script: string, extra: string[] = []) => {
      const x = await k6Run(found.path, script, env, dir, extra);
      r[key].push(x.rate);
      cpu[key].push(x.cpuUs);
    };
    process.stdout.write(`dlconform load benchmark: ${ROUNDS} rounds of ${SECONDS} s each, ${VUS} connections/VUs, k6 ${found.version}${withWrk ? '' : ', wrk not installed (apt-get install wrk)'}\n`);
    for (let i = 0; i < ROUNDS; i++) {
      await measure('bare', scripts.bare);
      await measure('script', scripts.main);
      await measure('scriptCsv', scripts.main, csv(i));
      rmSync(join(dir, `samples-${i}.csv`), { force: true });
      if (withWrk) {
        r.wrk.push(await wrk(plan.url, join(dir, 'post.lua')));
        r.issuer.push(r.wrk[r.wrk.length - 1]!);
        r.node.push(await wrk(bareUrl, join(dir, 'post.lua')));
      }
      process.stdout.write(`  round ${i + 1}: k6 bare ${r.bare[i]!.toFixed(0)} (${cpu.bare[i]!.toFixed(0)} µs CPU), dlconform script ${r.script[i]!.toFixed(0)} (${cpu.script[i]!.toFixed(0)} µs), with CSV output ${r.scriptCsv[i]!.toFixed(0)} (${cpu.scriptCsv[i]!.toFixed(0)} µs)${withWrk ? `, wrk → issuer ${r.wrk[i]!.toFixed(0)}, wrk → bare node ${r.node[i]!.toFixed(0)}` : ''} req/s\n`);
    }
    const m = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.length ? median(v) : NaN])) as Record<keyof typeof r, number>;
    const c = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, median(v)])) as Record<keyof typeof cpu, number>;
    const line = (label: string, value: number, cpuUs?: number) =>
      process.stdout.write(`${label.padEnd(58)} ${Number.isNaN(value) ? 'n/a' : value.toFixed(0).padStart(7)} req/s${cpuUs === undefined ? '' : `   k6 CPU ${cpuUs.toFixed(0).padStart(4)} µs/request`}\n`);
    process.stdout.write(`\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; client and target on the same cores\n`);
    process.stdout.write(`target: the reference issuer (profile 3.0, Pull Doc, format pdf, ${answer.length}-byte answers), medians of ${ROUNDS}\n\n`);
    line('k6 bare script (one fixed pre-signed body)', m.bare, c.bare);
    line('k6 dlconform pull-doc script (each request signed, checked)', m.script, c.script);
    line('  the same with raw samples to CSV (as dlconform load runs)', m.scriptCsv, c.scriptCsv);
    line('wrk, the same fixed body', m.wrk);
    line('reference issuer (wrk)', m.issuer);
    line('bare node:http server, the same bytes (wrk)', m.node);
    process.stdout.write('\n');
    process.stdout.write(`dlconform script / bare k6 script:   ${(m.script / m.bare).toFixed(2)}  (goal ≥ 0.80); by k6 CPU per request: ${(c.bare / c.script).toFixed(2)}\n`);
    process.stdout.write(`  with CSV output / bare k6 script:  ${(m.scriptCsv / m.bare).toFixed(2)}; by k6 CPU per request: ${(c.bare / c.scriptCsv).toFixed(2)}\n`);
    if (withWrk) {
      process.stdout.write(`bare k6 script / wrk:                ${(m.bare / m.wrk).toFixed(2)}  (k6's own cost)\n`);
      process.stdout.write(`reference issuer / bare node server: ${(m.issuer / m.node).toFixed(2)}  (goal ≥ 0.50)\n`);
    }
  } finally {
    bareServer.closeAllConnections();
    bareServer.close();
    await target.issuer.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
