/**
 * The load dataset: what each request asks for. From the config's documents (and the optional
 * load.dataset file, shaped like documents), or from every document in the reference issuer's
 * store. Identity fields are included exactly as the conformance suite sends them
 * (protocol/identity.ts): only the fields the issuer opted into that the profile sends in that
 * request (UID as the number or its MD5 per uidMode).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Config, DocumentSpec } from '../core/config/index.js';
import { nodeHash } from '../core/node-hash.js';
import { optedInIdentity } from '../protocol/identity.js';
import { PROFILES } from '../protocol/profiles.js';
import type { DatasetItem, ScenarioName } from './plan.js';

export class DatasetError extends Error {}

function datasetItem(config: Config, scenario: ScenarioName, doc: DocumentSpec): DatasetItem | undefined {
  const profile = PROFILES[config.profile];
  const fields = scenario === 'pull-doc' ? profile.pullDocOptInFields : profile.optInFields;
  const item: DatasetItem = optedInIdentity(nodeHash, { optIn: config.optIn, uidMode: config.uidMode, fields }, doc.owner);
  if (scenario === 'pull-doc') {
    if (!doc.uri) return undefined;
    item.uri = doc.uri;
  } else {
    item.docType = doc.docType;
    item.search = Object.entries(doc.search);
  }
  return item;
}

export function buildDataset(config: Config, scenario: ScenarioName, documents: readonly DocumentSpec[] = config.documents): DatasetItem[] {
  const items = documents.map((d) => datasetItem(config, scenario, d)).filter((d): d is DatasetItem => d !== undefined);
  if (items.length === 0) {
    throw new DatasetError(
      scenario === 'pull-doc'
        ? 'the pull-doc scenario needs document URIs: give documents[].uri in the config (or load.dataset), or use --scenario pull-uri'
        : 'the dataset is empty: the config needs at least one document',
    );
  }
  return items;
}

/** Reads load.dataset (a JSON list shaped like documents) relative to the config file's folder. */
export async function readDatasetFile(path: string, configDir: string): Promise<DocumentSpec[]> {
  const full = isAbsolute(path) ? path : resolve(configDir, path);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(full, 'utf8'));
  } catch (err) {
    throw new DatasetError(`load.dataset: cannot read ${full} as JSON (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const list = Array.isArray(json) ? json : (json as { documents?: unknown }).documents;
  if (!Array.isArray(list) || list.length === 0) throw new DatasetError(`load.dataset: ${full} must hold a non-empty JSON list of documents`);
  return list.map((d: unknown, i) => {
    const doc = d as Partial<DocumentSpec>;
    if (typeof doc !== 'object' || doc === null || typeof doc.docType !== 'string' || typeof doc.search !== 'object' || doc.search === null) {
      throw new DatasetError(`load.dataset: ${full}[${i}] needs "docType" and "search" like the config's documents`);
    }
    if (doc.uri !== undefined && typeof doc.uri !== 'string') throw new DatasetError(`load.dataset: ${full}[${i}].uri must be a string`);
    return { docType: doc.docType, search: { ...doc.search } as Record<string, string>, ...(doc.uri && { uri: doc.uri }), ...(doc.owner && { owner: { ...doc.owner } }) };
  });
}
