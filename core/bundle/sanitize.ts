/**
 * The config as it goes into an evidence bundle: the API key is never in a config (apiKeyEnv only
 * names the variable), but a field that looks like a secret is dropped whatever it holds, the
 * documents' owners lose every value (personal data), and every remaining string goes through the
 * run's Redactor (the API key's value and the owners' values wherever else they were written).
 */
import type { Redactor } from '../redact.js';

/** Field names whose value is a secret: keys, tokens, passwords. `apiKeyEnv` names a variable and stays. */
const SECRET_FIELD = /(?:api[-_]?key|secret|passw(?:or)?d|passphrase|token|private[-_]?key|keyhash|credential|authorization|cookie|hmac[-_]?key)s?$/i;
const NOT_SECRET = new Set(['apiKeyEnv']);

function isSecretField(name: string): boolean {
  return !NOT_SECRET.has(name) && SECRET_FIELD.test(name);
}

/** A copy of a config value with secrets removed; `redactor` knows the run's API key and owners. */
export function sanitizeConfig(config: unknown, redactor: Redactor): unknown {
  return redactor.redactDeep(strip(config, false));
}

function strip(value: unknown, ownerData: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => strip(v, ownerData));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (isSecretField(key)) out[key] = '[REDACTED:secret-field]';
      else out[key] = strip(v, ownerData || key === 'owner');
    }
    return out;
  }
  // every value under an owner is personal data, whatever its length or shape
  if (ownerData && value !== null && value !== undefined) return '[REDACTED:owner]';
  return value;
}
