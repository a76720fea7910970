// npm run bench:load: the k6 load benchmark (load/bench.ts; not a test). Needs k6 (bash
// load/install-k6.sh) and, for the wrk figures, wrk (Debian: apt-get install wrk).
// BENCH_SECONDS (10), BENCH_ROUNDS (3) and BENCH_VUS (16) change its size; BENCH_SAMPLE_RATE the
// fraction of responses the dlconform script validates in full (default: the config default).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--input-type=module', '-e', "const { bench } = await import('./load/bench.ts'); await bench();"],
  { cwd: root, stdio: 'inherit' },
);
process.exitCode = r.status ?? 1;
