/**
 * Secrets never leak: with a random API key, Aadhaar number, name and date of birth in the
 * issuer's store and config, no file the run writes and nothing on the console contains any of
 * them — even when the issuer echoes secrets in error bodies and serves unauthenticated
 * requests (faults secret-echo, keyhash-not-verified), so the raw responses do carry them.
 * The same holds for every entry of the evidence bundles made of that run (`run --bundle` and
 * `dlconform bundle DIR --config`): reports, config copy, manifest, decompressed and scanned whole.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readBundle } from '../core/bundle/test-support.js';
import { startIssuer } from '../fixtures/issuer/index.js';
import type { ProfileId } from '../protocol/profiles.js';

const CLI = join(process.cwd(), 'dist/dlconform.mjs');

function runCli(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, cwd });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
  });
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const latinName = fc.tuple(fc.stringMatching(/^[A-Z][a-z]{3,8}$/), fc.stringMatching(/^[A-Z][a-z]{3,9}$/)).map(([a, b]) => `${a} ${b}`);
const devanagariName = fc.constantFrom('सुनील कुमार', 'अनीता देवी', 'राजेश शर्मा', 'प्रिया वर्मा');
const secrets = fc.record({
  apiKey: fc.stringMatching(/^[A-Za-z0-9]{20,40}$/),
  aadhaar: fc.stringMatching(/^[2-9]\d{11}$/),
  fullName: fc.oneof(latinName, devanagariName),
  dob: fc.tuple(fc.integer({ min: 1, max: 28 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1950, max: 2008 })).map(([d, m, y]) => `${pad2(d)}-${pad2(m)}-${y}`),
  profile: fc.constantFrom<ProfileId>('3.0', '1.13'),
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('no secret or personal value reaches a report, the transcript, an evidence bundle or the console', () => {
  it('random API key, Aadhaar, name and DOB (fast-check, fixed seed)', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, async (s) => {
        const issuer = await startIssuer({ profile: s.profile, apiKey: s.apiKey, documents: 4, faults: ['secret-echo', 'keyhash-not-verified'], firstOwner: s });
        const dir = mkdtempSync(join(tmpdir(), 'dlconform-leak-'));
        try {
          writeFileSync(join(dir, 'config.json'), JSON.stringify(issuer.config('LEAK_KEY')));
          // strict: the keyhash finding blocks too, so the exit shows the run did see the secrets
          const { code, output } = await runCli(['run', '--config', 'config.json', '--report-dir', 'out', '--policy', 'strict', '--bundle', 'run.tar.gz'], { LEAK_KEY: s.apiKey }, dir);
          expect(code).toBe(1);
          const bundled = await runCli(['bundle', 'out', '--config', 'config.json', '--out', 'later.tar.gz'], { LEAK_KEY: s.apiKey }, dir);
          expect(bundled.code).toBe(0);
          const forbidden = [s.apiKey, s.aadhaar, createHash('md5').update(s.aadhaar).digest('hex'), s.fullName, s.dob];
          const texts = [['console', output + bundled.output], ...filesUnder(join(dir, 'out')).map((f) => [f, readFileSync(f, 'utf8')])];
          for (const name of ['run.tar.gz', 'later.tar.gz']) {
            const entries = await readBundle(join(dir, name));
            expect([...entries.keys()], name).toEqual(expect.arrayContaining(['manifest.json', 'config.json', 'report/result.json', 'report/transcript.jsonl']));
            for (const [entry, bytes] of entries) texts.push([`${name}:${entry}`, bytes.toString('utf8')]);
          }
          expect(texts.length).toBeGreaterThanOrEqual(17);
          for (const [where, text] of texts) {
            for (const secret of forbidden) expect(text!.toLowerCase().includes(secret.toLowerCase()), `${secret} in ${where}`).toBe(false);
          }
        } finally {
          await issuer.close();
        }
      }),
      { numRuns: 4, seed: 20261123 },
    );
  }, 120_000);
});
