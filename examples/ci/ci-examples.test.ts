/**
 * The CI examples hold what they promise: the GitHub workflow passes actionlint (built with Go on
 * first use, like vegeta), the GitLab job and the Jenkins stage run the gate, fuzz and load
 * against an issuer they start, keep the HTML report and the bundle, and take the API key from
 * the CI's secret store without printing it. Every shell script in them passes `sh -n`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ensureActionlint } from './actionlint.js';

const HERE = join(process.cwd(), 'examples/ci');
const WORKFLOW = join(HERE, 'github/dlconform.yml');
const GITLAB = join(HERE, 'gitlab/dlconform.gitlab-ci.yml');
const JENKINSFILE = join(HERE, 'jenkins/Jenkinsfile');

const tmp = mkdtempSync(join(tmpdir(), 'dlconform-ci-examples-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function exec(file: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** A shell script must at least parse: `sh -n` reads it without running anything. */
async function expectShellSyntax(script: string, where: string): Promise<void> {
  const r = await exec('/bin/sh', ['-n'], script);
  expect(r.stderr, `${where}:\n${script}`).toBe('');
  expect(r.code, where).toBe(0);
}

/** A GitHub Actions expression as written in a workflow. */
const expression = (inner: string) => `\${{ ${inner} }}`;

/** A line that would show the API key in the log: echo/printf of it, env dumps, shell tracing. */
const PRINTS_KEY = /\b(?:echo|printf|cat)\b[^\n]*\$\{?DLCONFORM_API_KEY\b|^\s*(?:env|printenv|set -x)\s*$|\bprintenv\b|\bset -[a-z]*x/m;

describe('the GitHub Actions workflow', () => {
  let actionlint: { path: string } | { message: string };
  beforeAll(async () => {
    actionlint = await ensureActionlint({ progress: (line) => process.stderr.write(`${line}\n`) });
  }, 300_000);

  /** actionlint on a file; shellcheck and pyflakes off, so the verdict does not depend on what else is installed. */
  async function lint(path: string) {
    if ('message' in actionlint) throw new Error(actionlint.message);
    return exec(actionlint.path, ['-no-color', '-shellcheck=', '-pyflakes=', path]);
  }

  it('passes actionlint with no finding; a broken copy gets one (the check is not vacuous)', async (ctx) => {
    if ('message' in actionlint) {
      // tests install what they need; under CI a missing Go is a failure, locally a skip that says why
      if (process.env.CI === 'true') expect.fail(actionlint.message);
      ctx.skip(actionlint.message);
      return;
    }
    const clean = await lint(WORKFLOW);
    expect(clean.stdout + clean.stderr).toBe('');
    expect(clean.code).toBe(0);

    const text = readFileSync(WORKFLOW, 'utf8');
    const broken = join(tmp, 'broken.yml');
    // a typo in an expression context and an unknown key of a step
    writeFileSync(
      broken,
      text.replace(expression('secrets.DLCONFORM_API_KEY'), expression('secret.DLCONFORM_API_KEY')).replace('if-no-files-found: error', 'if-no-files-found: error\n        retention: 5'),
    );
    const bad = await lint(broken);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toMatch(/undefined variable "secret"/);
  });

  it('runs the gate, fuzz and load against an issuer it starts, and uploads the HTML report and the bundle', async () => {
    const wf = parseYaml(readFileSync(WORKFLOW, 'utf8'));
    const job = wf.jobs.conformance;
    expect(job.env.DLCONFORM_API_KEY).toBe(expression('secrets.DLCONFORM_API_KEY'));
    const runs: string[] = job.steps.filter((s: any) => s.run).map((s: any) => s.run);
    const all = runs.join('\n');
    expect(all).toMatch(/dlconform\.mjs serve --write-config dlconform\.json .*&/);
    expect(all).toMatch(/dlconform\.mjs run --config dlconform\.json --format github .*--bundle reports\/bundle\.tar\.gz/);
    expect(all).toMatch(/dlconform\.mjs fuzz --config dlconform\.json .*--time-budget \d+/);
    expect(all).toMatch(/dlconform\.mjs load --config dlconform\.json --profile smoke/);
    expect(all).not.toMatch(PRINTS_KEY);
    const upload = job.steps.find((s: any) => String(s.uses).startsWith('actions/upload-artifact@'));
    expect(upload.with.path).toContain('reports/run/report.html');
    expect(upload.with.path).toContain('reports/bundle.tar.gz');
    expect(upload.if).toBe(expression('!cancelled()'));
    for (const [i, script] of runs.entries()) await expectShellSyntax(script, `step ${i}`);
  });
});

describe('the GitLab CI job', () => {
  const ci = parseYaml(readFileSync(GITLAB, 'utf8'));
  const job = ci.dlconform;
  const lines: string[] = [...job.before_script, ...job.script];

  it('has its stage and runs the gate, fuzz and load against an issuer started in the job', async () => {
    // every script line is a string (a line with ": " in it parses as a mapping and breaks the job)
    expect(lines.filter((l) => typeof l !== 'string')).toEqual([]);
    expect(ci.stages).toEqual(['conformance']);
    expect(job.stage).toBe('conformance');
    const serve = lines.findIndex((l) => /dlconform\.mjs serve --write-config dlconform\.json .*&$/.test(l));
    const gate = lines.findIndex((l) => /dlconform\.mjs run --config dlconform\.json .*--bundle reports\/bundle\.tar\.gz/.test(l));
    const fuzz = lines.findIndex((l) => /dlconform\.mjs fuzz --config dlconform\.json .*--time-budget \d+/.test(l));
    const load = lines.findIndex((l) => /dlconform\.mjs load --config dlconform\.json --profile smoke/.test(l));
    expect([serve, gate, fuzz, load].every((i) => i >= 0)).toBe(true);
    expect(serve < gate && gate < fuzz && fuzz < load).toBe(true);
    // a failure anywhere fails the job at the end, after every report was written
    expect(lines.at(-1)).toMatch(/exit 1/);
    await expectShellSyntax(lines.join('\n'), 'before_script + script');
  });

  it('keeps the HTML report, the bundle and the JUnit reports, even when the job fails', () => {
    expect(job.artifacts.when).toBe('always');
    expect(job.artifacts.paths).toEqual(expect.arrayContaining(['reports/run/report.html', 'reports/bundle.tar.gz']));
    expect(job.artifacts.reports.junit).toContain('reports/run/junit.xml');
  });

  it('reads the API key from a CI/CD variable it checks but never prints, nor defines in the file', () => {
    expect(lines[0]).toMatch(/^test -n "\$DLCONFORM_API_KEY" \|\|/);
    expect(lines.join('\n')).not.toMatch(PRINTS_KEY);
    expect(JSON.stringify(ci)).not.toMatch(/"DLCONFORM_API_KEY"\s*:/);
  });
});

describe('the Jenkins pipeline', () => {
  const text = readFileSync(JENKINSFILE, 'utf8');
  const scripts = [...text.matchAll(/sh '''\n([\s\S]*?)'''/g)].map((m) => m[1]!);

  it('has its stages, takes the key from the credentials store, runs the gate, fuzz and load, and archives the reports', async () => {
    expect([...text.matchAll(/stage\('([^']+)'\)/g)].map((m) => m[1])).toEqual(['Build dlconform', 'dlconform']);
    expect(text).toMatch(/withCredentials\(\[string\(credentialsId: 'dlconform-api-key', variable: 'DLCONFORM_API_KEY'\)\]\)/);
    const inCredentials = text.slice(text.indexOf('withCredentials'));
    expect(inCredentials).toMatch(/dlconform\.mjs serve --write-config dlconform\.json/);
    expect(inCredentials).toMatch(/dlconform\.mjs run --config dlconform\.json .*--bundle reports\/bundle\.tar\.gz/);
    expect(inCredentials).toMatch(/dlconform\.mjs fuzz --config dlconform\.json .*--time-budget \d+/);
    expect(inCredentials).toMatch(/dlconform\.mjs load --config dlconform\.json --profile smoke/);
    expect(text).toMatch(/post \{\s*always \{[\s\S]*archiveArtifacts artifacts: 'reports\/run\/report\.html, reports\/bundle\.tar\.gz/);
    expect(text).not.toMatch(PRINTS_KEY);
    expect(scripts).toHaveLength(2);
    for (const [i, s] of scripts.entries()) await expectShellSyntax(s, `sh block ${i}`);
  });
});
