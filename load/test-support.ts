/**
 * For tests that need real k6: finds it once; when it is absent they skip with a printed reason,
 * except under CI=true, where a missing k6 is a failure (CI installs it: load/install-k6.sh).
 */
import { spawn } from 'node:child_process';
import { findK6, k6MissingMessage, type K6Binary } from './k6bin.js';

export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

const probe = await findK6();
export const k6: K6Binary | undefined = probe.found;
export const k6Missing = k6 ? undefined : k6MissingMessage(probe.looked);

if (!k6 && !IN_CI) {
  process.stderr.write(`\n[load] tests that need k6 are SKIPPED: ${k6Missing}\n(set CI=true to make a missing k6 fail instead)\n\n`);
}

/** Runs k6 with arguments, collecting its output; resolves with the exit code. */
export function runK6(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(k6!.path, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, K6_NO_USAGE_REPORT: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A writable that collects text (for the output of loadCommand / runLoad). */
export function collector(): NodeJS.WritableStream & { text: () => string } {
  const chunks: string[] = [];
  return {
    write(chunk: string | Uint8Array) {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return true;
    },
    text: () => chunks.join(''),
  } as unknown as NodeJS.WritableStream & { text: () => string };
}
