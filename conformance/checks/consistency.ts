/**
 * Cross-API consistency inside `dlconform run`: when the config says what the
 * issuer pushed (pushed.db: the mock DigiLocker's database; pushed.csv: Push CSV files), every
 * pushed URI must be fetched by Pull Doc and, where a configured document gives its owner's search
 * values, found by Pull URI with the same content. The pulling itself is conformance/consistency.ts.
 */
import { readFile } from 'node:fs/promises';
import type { PushedSource } from '../../core/config/index.js';
import type { PushDb } from '../../fixtures/digilocker/db.js';
import { checkConsistency, pushedFromConfig, urisFromCsv, type ConsistencyItem } from '../consistency.js';
import { fail, pass, skip, type Check } from '../check.js';
import type { RunContext } from '../context.js';

/**
 * Reads the mock DigiLocker's database (pushed.db) and closes it. A file that cannot be opened
 * throws: the runner turns it into an `error` verdict (the run cannot judge).
 */
export async function readPushedDb<T>(path: string, read: (db: PushDb) => T): Promise<T> {
  // loaded on demand: a run without pushed.db never loads the native SQLite module
  const { PushDb } = await import('../../fixtures/digilocker/db.js');
  let db: PushDb;
  try {
    db = new PushDb(path, { readonly: true });
  } catch (err) {
    throw new Error(`pushed.db: cannot open ${path} as the mock DigiLocker's database (${(err as Error).message}); point it at the file given to dlconform serve --digilocker --db`);
  }
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const urisFromDb = (path: string): Promise<string[]> => readPushedDb(path, (db) => db.acceptedUris());

async function urisFromCsvFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`pushed.csv: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return urisFromCsv(text);
}

/** Every pushed URI of the configured sources, distinct, in source order (db first, then each CSV). */
async function pushedUris(source: PushedSource): Promise<string[]> {
  const all = [...(source.db !== undefined ? await urisFromDb(source.db) : [])];
  for (const file of source.csv) all.push(...(await urisFromCsvFile(file)));
  return [...new Set(all)];
}

function describeItem(item: ConsistencyItem): string {
  return `${item.uri}: ${item.problems.join('; ')}`;
}

const pushedPullable: Check = {
  id: 'consistency.pushed.pullable',
  api: 'consistency',
  section: 'pushed',
  title: "every URI the issuer pushed is fetched by Pull Doc (and found by Pull URI with its owner's search values)",
  clause: 'push-pullable',
  notApplicable: (ctx: RunContext) => (ctx.config.pushed ? undefined : 'pushed (pushed.db or pushed.csv) is not configured'),
  async run(ctx) {
    const source = ctx.config.pushed!;
    const uris = await pushedUris(source);
    if (uris.length === 0) return skip(`the configured sources (${[source.db, ...source.csv].filter(Boolean).join(', ')}) hold no pushed URI: nothing to pull`);
    const checked = uris.slice(0, source.limit);
    const report = await checkConsistency(ctx, pushedFromConfig(ctx.config, checked));
    const of = checked.length < uris.length ? `${checked.length} of ${uris.length} (pushed.limit)` : `${uris.length}`;
    const judged = report.items.filter((i) => i.judged);
    const unjudged = report.items.length - judged.length;
    if (judged.length === 0) {
      return skip(`none of the ${of} pushed URIs can be pulled: there is no Pull Doc endpoint and no configured document (documents[].uri with its search values) has their URI`);
    }
    const notChecked = unjudged > 0 ? `; ${unjudged} not checked: no Pull Doc endpoint and no search values for them` : '';
    const evidence = report.items
      .filter((i) => !i.ok)
      .flatMap((i) => i.evidence)
      .slice(0, 6);
    if (report.ok) {
      const byUri = judged.filter((i) => i.pullUri === 'found').length;
      return pass(
        `${judged.length === report.items.length ? of : `${judged.length} of ${of}`} pushed URIs are pullable (${byUri} also found by Pull URI with the owner's search values${notChecked})`,
        report.items.slice(0, 2).flatMap((i) => i.evidence),
      );
    }
    const broken = report.items.filter((i) => !i.ok);
    return fail(
      `${broken.length} of ${of} pushed URIs are not pullable: ${broken.slice(0, 5).map(describeItem).join(' | ')}${broken.length > 5 ? ` | … ${broken.length - 5} more` : ''}${notChecked}`,
      {
        expected: 'Pull Doc answers Status 1 with the document for every pushed URI',
        actual: broken
          .map((i) => i.uri)
          .slice(0, 20)
          .join(', '),
      },
      evidence,
    );
  },
};

/** The consistency checks run only when the config has `pushed`. */
export const CONSISTENCY_CHECKS: readonly Check[] = [pushedPullable];
