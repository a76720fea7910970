/**
 * The reference issuer as a load target: started on loopback with a random API key, its config
 * parsed like a user's, and every document of its store as the dataset (not only the three the
 * config lists), so load spreads over the whole store.
 */
import { randomBytes } from 'node:crypto';
import { parseConfig, type Config, type DocumentSpec } from '../core/config/index.js';
import { startIssuer, type IssuerOptions, type RunningIssuer } from '../fixtures/issuer/index.js';

export const REFERENCE_KEY_ENV = 'DLCONFORM_LOAD_API_KEY';

export interface ReferenceTarget {
  issuer: RunningIssuer;
  config: Config;
  apiKey: string;
  documents: DocumentSpec[];
}

export async function startReferenceTarget(opts: Omit<IssuerOptions, 'apiKey'> & { apiKey?: string; patch?: Record<string, unknown> }): Promise<ReferenceTarget> {
  const apiKey = opts.apiKey ?? randomBytes(16).toString('hex');
  const issuer = await startIssuer({ ...opts, apiKey });
  try {
    const json = { ...(issuer.config(REFERENCE_KEY_ENV) as unknown as Record<string, unknown>), ...opts.patch };
    const { config } = parseConfig(json, { [REFERENCE_KEY_ENV]: apiKey }, 'reference issuer');
    const documents: DocumentSpec[] = issuer.store.documents.map((d) => ({ docType: d.docType, search: { ...d.search }, uri: d.uri, owner: { ...d.owner } }));
    return { issuer, config, apiKey, documents };
  } catch (err) {
    await issuer.close();
    throw err;
  }
}
