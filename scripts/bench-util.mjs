// Shared by the bench scripts: start `dlconform serve --print-config` in a child process and
// read the config it prints; medians.
import { spawn } from 'node:child_process';

export const CLI = 'dist/dlconform.mjs';
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Starts the reference issuer in its own process; resolves with the child and its config. */
export async function startServe(env, extraArgs = []) {
  const child = spawn(process.execPath, [CLI, 'serve', '--print-config', ...extraArgs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve did not start in 10 s')), 10_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      try {
        JSON.parse(out);
        clearTimeout(timer);
        resolve();
      } catch {}
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return { child, config: JSON.parse(out) };
}
