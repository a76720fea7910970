/**
 * Makes an evidence bundle (.tar.gz) from a report directory: the report files byte for byte, the
 * config with secrets removed, the waivers file in force, and manifest.json listing every file
 * with its SHA-256 and size plus what made the run; optionally manifest.sig, an Ed25519
 * signature of manifest.json's exact bytes, and manifest.pub.pem. The files are staged in a
 * temporary directory and archived by node-tar, so what is hashed is exactly what is archived.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { create } from 'tar';
import { TOOL_VERSION } from '../version.js';
import { BUNDLE_FORMAT, CONFIG_FILE, MANIFEST, PUBLIC_KEY, REPORT_PREFIX, SIGNATURE, WAIVERS_PREFIX, type Manifest, type ManifestFile, type RunKind } from './manifest.js';
import { MAX_BUNDLE_BYTES, MAX_ENTRY_BYTES } from './limits.js';
import { publicKeyPem } from './keys.js';

export class BundleError extends Error {}

export interface BundleInput {
  reportDir: string;
  /** the .tar.gz to write (replaced atomically) */
  out: string;
  /** the config with secrets already removed (sanitize.ts), or undefined */
  config?: unknown;
  /** the waivers file the config names: its bundled name and its (redacted) text */
  waivers?: { name: string; text: string };
  /** the command that made the run; inferred from the report files when unset */
  kind?: RunKind;
  catalogue: { checks: number; sha256: string };
  commit: string;
  signKey?: KeyObject;
}

export interface BundleOutcome {
  path: string;
  manifest: Manifest;
  /** report files left out: symbolic links and other non-regular files */
  skipped: string[];
  signed: boolean;
}

export async function makeBundle(input: BundleInput): Promise<BundleOutcome> {
  const reportDir = resolve(input.reportDir);
  const out = resolve(input.out);
  const { files: reportFiles, skipped } = await listReportFiles(reportDir, out);
  if (reportFiles.length === 0) throw new BundleError(`${input.reportDir}: no report file to bundle`);
  const run = await describeRun(reportDir, input.kind);
  const stage = await mkdtemp(join(tmpdir(), 'dlconform-bundle-'));
  try {
    const entries: string[] = [];
    for (const rel of reportFiles) {
      const name = REPORT_PREFIX + rel.split(sep).join('/');
      await mkdir(dirname(join(stage, name)), { recursive: true });
      await copyFile(join(reportDir, rel), join(stage, name));
      entries.push(name);
    }
    if (input.config !== undefined) {
      await writeFile(join(stage, CONFIG_FILE), `${JSON.stringify(input.config, null, 2)}\n`);
      entries.push(CONFIG_FILE);
    }
    let waivers: string | null = null;
    if (input.waivers) {
      waivers = WAIVERS_PREFIX + safeName(input.waivers.name);
      await mkdir(join(stage, WAIVERS_PREFIX), { recursive: true });
      await writeFile(join(stage, waivers), input.waivers.text);
      entries.push(waivers);
    }
    entries.sort();
    const files: ManifestFile[] = [];
    let total = 0;
    for (const name of entries) {
      const { size } = await stat(join(stage, name));
      if (size > MAX_ENTRY_BYTES) throw new BundleError(`${name}: ${size} bytes, more than a bundle entry may hold (${MAX_ENTRY_BYTES})`);
      total += size;
      if (total > MAX_BUNDLE_BYTES) throw new BundleError(`the report files add up to more than a bundle may hold (${MAX_BUNDLE_BYTES} bytes)`);
      files.push({ path: name, ...(await hashFile(join(stage, name))) });
    }
    const manifest: Manifest = {
      format: BUNDLE_FORMAT,
      createdAt: new Date().toISOString(),
      tool: { name: 'dlconform', version: TOOL_VERSION, commit: input.commit },
      node: process.version,
      run,
      catalogue: input.catalogue,
      config: input.config !== undefined ? CONFIG_FILE : null,
      waivers,
      files,
    };
    const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    await writeFile(join(stage, MANIFEST), manifestBytes);
    const archived = [MANIFEST, ...entries];
    if (input.signKey) {
      await writeFile(join(stage, SIGNATURE), `${sign(null, manifestBytes, input.signKey).toString('base64')}\n`);
      await writeFile(join(stage, PUBLIC_KEY), publicKeyPem(input.signKey));
      archived.splice(1, 0, SIGNATURE, PUBLIC_KEY);
    }
    await mkdir(dirname(out), { recursive: true });
    // a half-written bundle must never sit under the final name
    const partial = `${out}.${process.pid}.partial`;
    try {
      // portable: no user or group names of this machine in the headers
      await create({ gzip: true, file: partial, cwd: stage, portable: true }, archived);
      await rename(partial, out);
    } catch (err) {
      await rm(partial, { force: true });
      throw new BundleError(`${input.out}: ${(err as Error).message}`);
    }
    return { path: out, manifest, skipped, signed: !!input.signKey };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

/** SHA-256 and size of a file, read as a stream: a large transcript is never held whole. */
async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Every regular file under the report directory (relative paths, sorted), but the bundle itself. */
async function listReportFiles(dir: string, out: string): Promise<{ files: string[]; skipped: string[] }> {
  const stat = await lstat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) throw new BundleError(`${dir}: not a report directory`);
  const files: string[] = [];
  const skipped: string[] = [];
  const walk = async (sub: string, depth: number): Promise<void> => {
    if (depth > 8) return void skipped.push(sub);
    for (const entry of await readdir(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? join(sub, entry.name) : entry.name;
      if (entry.isDirectory()) await walk(rel, depth + 1);
      else if (entry.isFile()) {
        const full = join(dir, rel);
        // the bundle written into its own report directory, or a partial one of an earlier try
        if (full === out || full.startsWith(`${out}.`)) continue;
        files.push(rel);
      } else skipped.push(rel);
    }
  };
  await walk('', 0);
  return { files: files.sort(), skipped };
}

/** What result.json (run, fuzz, timing) or load.json says about the run; missing facts are null. */
async function describeRun(dir: string, kind: RunKind | undefined): Promise<Manifest['run']> {
  const read = async (name: string): Promise<Record<string, unknown> | undefined> => {
    try {
      const value: unknown = JSON.parse(await readFile(join(dir, name), 'utf8'));
      return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const exists = async (name: string) => (await lstat(join(dir, name)).catch(() => undefined))?.isFile() === true;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const load = await read('load.json');
  if (load && (kind === undefined || kind === 'load')) {
    return {
      kind: 'load',
      runId: str(load.runId),
      toolVersion: str((load.tool as { version?: unknown } | undefined)?.version),
      profile: str(load.specProfile),
      policy: null,
      seed: null,
      loadProfile: str(load.profile),
      exitCode: num(load.exitCode),
      startedAt: str(load.startedAt),
      endedAt: str(load.endedAt),
    };
  }
  const result = await read('result.json');
  if (!result && !load) throw new BundleError(`${dir}: neither result.json nor load.json: not the report directory of a run`);
  const inferred: RunKind = (await exists('fuzz.json')) ? 'fuzz' : (await exists('timing.json')) ? 'timing' : 'run';
  return {
    kind: kind ?? inferred,
    runId: str(result?.runId),
    toolVersion: str((result?.tool as { version?: unknown } | undefined)?.version),
    profile: str(result?.profile),
    policy: str(result?.policy),
    seed: num(result?.seed),
    loadProfile: null,
    exitCode: num(result?.exitCode),
    startedAt: str(result?.startedAt),
    endedAt: str(result?.endedAt),
  };
}

/** A file name that stays one file name inside the bundle. */
function safeName(name: string): string {
  const base = basename(name).replace(/[^\w.-]/g, '_');
  return base === '' || base === '.' || base === '..' ? 'waivers' : base;
}

/** The default bundle name for a report directory: beside it, `<dir>.tar.gz`. */
export function defaultBundlePath(reportDir: string): string {
  const dir = resolve(reportDir);
  return join(dirname(dir), `${basename(dir)}.tar.gz`);
}

export function relativeToCwd(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}
