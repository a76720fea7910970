/**
 * manifest.json of an evidence bundle: what the bundle claims to hold (every file with its
 * SHA-256 and size) and what made the run. Written by write.ts, read back (from untrusted bytes)
 * by verify.ts.
 */

export const MANIFEST = 'manifest.json';
/** base64 Ed25519 signature of the exact bytes of manifest.json */
export const SIGNATURE = 'manifest.sig';
/** the public key (SPKI PEM) that signature verifies with */
export const PUBLIC_KEY = 'manifest.pub.pem';
/** the files about the manifest, which it cannot list itself */
export const MANIFEST_FILES: readonly string[] = [MANIFEST, SIGNATURE, PUBLIC_KEY];

export const BUNDLE_FORMAT = 'dlconform-bundle/1';
/** where the report directory's files go inside the bundle */
export const REPORT_PREFIX = 'report/';
export const CONFIG_FILE = 'config.json';
export const WAIVERS_PREFIX = 'waivers/';

export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
}

/** What kind of run the report directory holds. */
export type RunKind = 'run' | 'fuzz' | 'timing' | 'load';

export interface Manifest {
  format: typeof BUNDLE_FORMAT;
  createdAt: string;
  /** the dlconform that made the bundle (for --bundle, the one that made the run too) */
  tool: { name: 'dlconform'; version: string; commit: string };
  node: string;
  run: {
    kind: RunKind;
    runId: string | null;
    /** the tool version the run's report names */
    toolVersion: string | null;
    /** the spec profile (1.0, 3.0, 1.13) */
    profile: string | null;
    policy: string | null;
    seed: number | null;
    /** load: smoke, ci, capacity or soak */
    loadProfile: string | null;
    exitCode: number | null;
    startedAt: string | null;
    endedAt: string | null;
  };
  catalogue: { checks: number; sha256: string };
  /** the bundled config (secrets removed), or null when none was given */
  config: string | null;
  /** the bundled waivers file the config names, or null */
  waivers: string | null;
  files: ManifestFile[];
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Reads manifest.json bytes from a bundle; every way it is not a manifest becomes one problem line. */
export function parseManifest(bytes: Buffer): { manifest?: Manifest; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { problems: [`${MANIFEST}: does not parse as JSON (${(err as Error).message})`] };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { problems: [`${MANIFEST}: not a JSON object`] };
  const m = value as Partial<Manifest>;
  const problems: string[] = [];
  if (m.format !== BUNDLE_FORMAT) problems.push(`${MANIFEST}: format is ${JSON.stringify(m.format)}, expected ${JSON.stringify(BUNDLE_FORMAT)}`);
  if (!Array.isArray(m.files)) {
    problems.push(`${MANIFEST}: "files" is not a list`);
    return { problems };
  }
  const seen = new Set<string>();
  const before = problems.length;
  for (const [i, f] of (m.files as Array<Partial<ManifestFile> | null>).entries()) {
    const where = `${MANIFEST}: files[${i}]`;
    if (f === null || typeof f !== 'object') {
      problems.push(`${where} is not an object`);
      continue;
    }
    if (typeof f.path !== 'string' || f.path === '') {
      problems.push(`${where}.path is not a file name`);
      continue;
    }
    if (seen.has(f.path)) problems.push(`${where}: ${f.path} is listed twice`);
    seen.add(f.path);
    if (typeof f.sha256 !== 'string' || !HEX64.test(f.sha256)) problems.push(`${where}.sha256 of ${f.path} is not 64 lowercase hex digits`);
    if (typeof f.size !== 'number' || !Number.isSafeInteger(f.size) || f.size < 0) problems.push(`${where}.size of ${f.path} is not a byte count`);
  }
  // a wrong format line alone still leaves a file list worth comparing
  return problems.length > before ? { problems } : { manifest: m as Manifest, problems };
}
