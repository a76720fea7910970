/**
 * Signs fixed vectors with spec/ inside k6 and prints them as one JSON line, so a test can
 * compare them with the same vectors signed in Node (node:crypto): once through the native
 * shortcuts (k6Hash, what the load script uses) and once through spec/'s portable byte path
 * (k6HashPortable). Input: DLCONFORM_SELFTEST, a JSON file { apiKey, vectors: [{ ts, body }], md5: [text] }.
 */
import { digilockerHmac, keyhash, md5Hex, type HashFunctions } from '../../spec/auth.js';
import { k6Hash, k6HashPortable } from './hash.js';

interface Input {
  apiKey: string;
  vectors: Array<{ ts: string; body: string }>;
  md5: string[];
}

const input = JSON.parse(open(__ENV.DLCONFORM_SELFTEST!)) as Input;

export const options = { vus: 1, iterations: 1 };

function sign(hash: HashFunctions) {
  return {
    keyhash: input.vectors.map((v) => keyhash(hash, input.apiKey, v.ts)),
    hexBase64: input.vectors.map((v) => digilockerHmac(hash, input.apiKey, v.body, 'hex-base64')),
    rawBase64: input.vectors.map((v) => digilockerHmac(hash, input.apiKey, v.body, 'raw-base64')),
    md5: input.md5.map((t) => md5Hex(hash, t)),
  };
}

export default function (): void {
  console.log(`DLCONFORM_SELFTEST ${JSON.stringify({ native: sign(k6Hash), portable: sign(k6HashPortable) })}`);
}
