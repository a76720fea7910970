// npm run bench: wall time of the full default suite against the reference issuer, and of
// `dlconform --version` next to bare `node -e 0`, all measured in this run (the machine is shared
// and noisy, so the figures that matter are the ratios and medians, not single timings).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, median, startServe } from './bench-util.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

function timeCommand(args, env = process.env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const env = { ...process.env, DLCONFORM_API_KEY: randomBytes(16).toString('hex'), NO_COLOR: '1' };
const dir = mkdtempSync(join(tmpdir(), 'dlconform-bench-'));
const { child, config } = await startServe(env, []);
try {
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const suite = [];
  let checks = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const r = timeCommand([CLI, 'run', '--config', configPath, '--quiet', '--report-dir', join(dir, `r${i}`)], env);
    if (r.status !== 0) throw new Error(`suite exited ${r.status}: ${r.stderr || r.stdout}`);
    suite.push(r.ms);
    checks = Number(/(\d+) checks/.exec(r.stdout)?.[1] ?? checks);
  }
  const bare = [];
  const version = [];
  for (let i = 0; i < ROUNDS; i++) {
    bare.push(timeCommand(['-e', '0']).ms);
    version.push(timeCommand([CLI, '--version']).ms);
  }
  const suiteMs = median(suite);
  const bareMs = median(bare);
  const versionMs = median(version);
  console.log(`rounds: ${ROUNDS} (median of each)`);
  console.log(`full default suite (profile ${config.profile}, ${checks || '?'} checks) against the reference issuer: ${suiteMs.toFixed(0)} ms  (goal ≤ 2000 ms)`);
  console.log(`node -e 0:            ${bareMs.toFixed(0)} ms`);
  console.log(`dlconform --version:  ${versionMs.toFixed(0)} ms  = ${(versionMs / bareMs).toFixed(2)}× bare node  (goal ≤ 3×)`);
  console.log(`suite / bare node:    ${(suiteMs / bareMs).toFixed(1)}×`);
} finally {
  child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
