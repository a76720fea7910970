/**
 * Verifies an evidence bundle read as untrusted bytes: every entry is read in memory through
 * node-tar's Parser (nothing is extracted to disk, so no entry can be written anywhere), hashed
 * as it streams, and compared with manifest.json; the Ed25519 signature is checked against the
 * key inside the bundle or, with a key from the person verifying, against that key. Every
 * difference becomes one line saying exactly what differs.
 */
import { createHash, verify as verifySignature, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Parser, type ReadEntry } from 'tar';
import { keyFingerprint, parsePublicKey } from './keys.js';
import { MAX_BUNDLE_BYTES, MAX_ENTRIES, MAX_ENTRY_BYTES, MAX_MANIFEST_BYTES } from './limits.js';
import { MANIFEST, MANIFEST_FILES, parseManifest, PUBLIC_KEY, SIGNATURE, type Manifest } from './manifest.js';

export interface VerifyOutcome {
  ok: boolean;
  /** one line per difference; empty when the bundle verifies */
  problems: string[];
  /** what a verified bundle proves and does not prove */
  notes: string[];
  manifest?: Manifest;
  /** entries read (regular files) */
  files: number;
}

interface ReadFile {
  sha256: string;
  size: number;
  /** kept for manifest.json, manifest.sig and manifest.pub.pem only */
  bytes?: Buffer;
}

const REGULAR = new Set(['File', 'OldFile', 'ContiguousFile']);

/** Verifies the bundle at `path`; `publicKey` is the key the verifier trusts, if any. */
export async function verifyBundle(path: string, publicKey?: KeyObject): Promise<VerifyOutcome> {
  const problems: string[] = [];
  const files = await readEntries(path, problems);
  const notes: string[] = [];
  const manifestEntry = files.get(MANIFEST);
  let manifest: Manifest | undefined;
  if (!manifestEntry) problems.push(`${MANIFEST}: missing: the bundle has no manifest, nothing can be verified`);
  else if (!manifestEntry.bytes) problems.push(`${MANIFEST}: ${manifestEntry.size} bytes, more than a manifest may be (${MAX_MANIFEST_BYTES})`);
  else {
    const parsed = parseManifest(manifestEntry.bytes);
    problems.push(...parsed.problems);
    manifest = parsed.manifest;
  }
  if (manifest) {
    const listed = new Map(manifest.files.map((f) => [f.path, f]));
    for (const f of manifest.files) {
      const got = files.get(f.path);
      if (!got) problems.push(`missing: ${f.path} (listed in ${MANIFEST}, not in the bundle)`);
      else if (got.sha256 !== f.sha256 || got.size !== f.size) {
        problems.push(`changed: ${f.path}: ${MANIFEST} says sha256 ${f.sha256}, ${f.size} bytes; the bundle has sha256 ${got.sha256}, ${got.size} bytes`);
      }
    }
    for (const name of files.keys()) {
      if (!listed.has(name) && !MANIFEST_FILES.includes(name)) problems.push(`extra: ${name} (in the bundle, not listed in ${MANIFEST})`);
    }
  }
  checkSignature(files, manifestEntry?.bytes, publicKey, problems, notes);
  return { ok: problems.length === 0, problems, notes, manifest, files: files.size };
}

function checkSignature(files: Map<string, ReadFile>, manifestBytes: Buffer | undefined, trusted: KeyObject | undefined, problems: string[], notes: string[]): void {
  const sig = files.get(SIGNATURE);
  const pub = files.get(PUBLIC_KEY);
  if (!sig && !pub) {
    if (trusted) problems.push(`signature: the bundle is not signed (no ${SIGNATURE}), but --public-key was given`);
    else notes.push('not signed: the hashes show the files match manifest.json, not who made the bundle');
    return;
  }
  if (!sig) return void problems.push(`signature: ${PUBLIC_KEY} is there but ${SIGNATURE} is missing`);
  const signature = sig.bytes ? decodeSignature(sig.bytes) : undefined;
  if (!signature) return void problems.push(`signature: ${SIGNATURE} is not a base64 Ed25519 signature (64 bytes)`);
  if (!manifestBytes) return void problems.push(`signature: nothing to check it against (${MANIFEST} is missing)`);
  const embedded = pub?.bytes ? parsePublicKey(pub.bytes) : undefined;
  if (trusted) {
    if (!verifySignature(null, manifestBytes, trusted, signature)) {
      problems.push(`signature: does not verify with the given public key ${keyFingerprint(trusted)} (the bundle was signed with another key, or ${MANIFEST} changed after signing)`);
    } else notes.push(`signature: valid, made with the given public key ${keyFingerprint(trusted)}`);
    if (pub && (!embedded || keyFingerprint(embedded) !== keyFingerprint(trusted))) {
      problems.push(`signature: ${PUBLIC_KEY} in the bundle is not the given public key${embedded ? ` (it is ${keyFingerprint(embedded)})` : ''}`);
    }
    return;
  }
  if (!pub) return void problems.push(`signature: ${SIGNATURE} is there but ${PUBLIC_KEY} is missing (pass --public-key FILE to check it)`);
  if (!embedded) return void problems.push(`signature: ${PUBLIC_KEY} is not an Ed25519 public key in PEM`);
  if (!verifySignature(null, manifestBytes, embedded, signature)) {
    problems.push(`signature: does not verify with ${PUBLIC_KEY} (${keyFingerprint(embedded)}): ${MANIFEST} changed after signing, or the signature was replaced`);
    return;
  }
  notes.push(
    `signature: valid for the key inside the bundle (${keyFingerprint(embedded)}); this proves integrity only, not who signed: pass --public-key FILE with the signer's published key, or compare that fingerprint`,
  );
}

function decodeSignature(bytes: Buffer): Buffer | undefined {
  const text = bytes.toString('utf8').trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const sig = Buffer.from(text, 'base64');
  return sig.length === 64 ? sig : undefined;
}

/** Problems with an entry's name: a bundle holds plain relative paths only. */
function nameProblem(name: string): string | undefined {
  if (name === '' || name.includes('\0')) return 'an empty name or a NUL byte in it';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.includes('\\')) return 'an absolute or Windows path';
  if (name.split('/').some((part) => part === '..')) return 'a ".." path (outside the bundle)';
  return undefined;
}

/** Reads every entry, hashing it; problems with the archive itself are pushed to `problems`. */
function readEntries(path: string, problems: string[]): Promise<Map<string, ReadFile>> {
  const files = new Map<string, ReadFile>();
  return new Promise((resolve) => {
    let total = 0;
    let entries = 0;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      source.destroy();
      resolve(files);
    };
    const parser = new Parser({
      onwarn: (_code: string, message: string | Error) => problems.push(`archive: ${message instanceof Error ? message.message : message}`),
      onReadEntry: (entry: ReadEntry) => {
        entries++;
        const name = entry.path.replace(/^(\.\/)+/, '');
        const refuse = (why: string) => {
          problems.push(`unsafe entry: ${JSON.stringify(entry.path)}: ${why}; not read`);
          entry.resume();
        };
        if (entries > MAX_ENTRIES) return void (entries === MAX_ENTRIES + 1 ? parser.abort(new Error(`more than ${MAX_ENTRIES} entries`)) : entry.resume());
        const unsafe = nameProblem(name);
        if (unsafe) return refuse(unsafe);
        if (entry.type === 'Directory') return void entry.resume();
        if (!REGULAR.has(entry.type)) return refuse(`a ${entry.type}${entry.linkpath ? ` to ${JSON.stringify(entry.linkpath)}` : ''}, not a regular file`);
        if (files.has(name)) return refuse('a second entry with the same name (extracting would keep only one)');
        if (entry.size > MAX_ENTRY_BYTES) return refuse(`${entry.size} bytes, more than a bundle entry may hold (${MAX_ENTRY_BYTES})`);
        const hash = createHash('sha256');
        const keep = MANIFEST_FILES.includes(name) && entry.size <= MAX_MANIFEST_BYTES ? ([] as Buffer[]) : undefined;
        let size = 0;
        entry.on('data', (chunk: Buffer) => {
          size += chunk.length;
          total += chunk.length;
          if (total > MAX_BUNDLE_BYTES) return void parser.abort(new Error(`more than ${MAX_BUNDLE_BYTES} bytes once decompressed`));
          hash.update(chunk);
          keep?.push(chunk);
        });
        entry.on('end', () => files.set(name, { sha256: hash.digest('hex'), size, ...(keep && { bytes: Buffer.concat(keep) }) }));
      },
    });
    const source = createReadStream(path);
    source.on('error', (err) => {
      problems.push(`archive: ${err.message}`);
      finish();
    });
    parser.on('error', (err: Error) => {
      problems.push(`archive: ${err.message}`);
      finish();
    });
    parser.on('end', finish);
    source.pipe(parser);
  });
}
