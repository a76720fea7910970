/**
 * Ed25519 keys for signing a bundle's manifest (node:crypto; no other library). A key file is
 * PEM, as `dlconform keygen` or `openssl genpkey -algorithm ed25519` writes it.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

export class KeyFileError extends Error {}

/** Most a PEM key file can reasonably be; a bigger file is not a key. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

const KEYGEN_HINT = 'make one with: dlconform keygen --out signing.pem (or: openssl genpkey -algorithm ed25519 -out signing.pem)';

function readKeyFile(path: string, flag: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new KeyFileError(`${flag} ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  if (bytes.length > MAX_KEY_FILE_BYTES) throw new KeyFileError(`${flag} ${path}: ${bytes.length} bytes, too big for a PEM key`);
  return bytes;
}

/** The Ed25519 private key in a PEM file; a clear error for anything else. */
export function readSigningKey(path: string): KeyObject {
  const bytes = readKeyFile(path, '--sign-key');
  let key: KeyObject;
  try {
    key = createPrivateKey(bytes);
  } catch {
    throw new KeyFileError(`--sign-key ${path}: not a PEM private key (an unencrypted PKCS#8 "BEGIN PRIVATE KEY" block); ${KEYGEN_HINT}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyFileError(`--sign-key ${path}: a ${key.asymmetricKeyType} key; the manifest is signed with Ed25519 only; ${KEYGEN_HINT}`);
  return key;
}

/** An Ed25519 public key from PEM bytes (a key file or a bundle's manifest.pub.pem); undefined when it is not one. */
export function parsePublicKey(bytes: Buffer): KeyObject | undefined {
  try {
    const key = createPublicKey(bytes);
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** The Ed25519 public key in a PEM file (a private key file gives its public half). */
export function readPublicKey(path: string): KeyObject {
  const key = parsePublicKey(readKeyFile(path, '--public-key'));
  if (!key) throw new KeyFileError(`--public-key ${path}: not an Ed25519 public key in PEM ("BEGIN PUBLIC KEY"); the signer's ${'`'}dlconform keygen${'`'} wrote it beside the private key`);
  return key;
}

export function publicKeyPem(key: KeyObject): string {
  return (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'pem' }).toString();
}

/** SHA-256 of the key's DER SubjectPublicKeyInfo: what a person compares out of band. */
export function keyFingerprint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return `SHA256:${createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex')}`;
}

export function generateSigningKeys(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}
