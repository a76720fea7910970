/**
 * Cross-API consistency (issue 5 item 5): every URI the issuer pushed to DigiLocker (as stored by
 * the mock DigiLocker, or listed in a Push CSV) must be found by Pull URI with its owner's search
 * values and fetched by Pull Doc, with the same content both ways. A pushed URI DigiLocker cannot
 * pull is a broken document in a citizen's locker.
 */
import { parse as parseCsvSync } from 'csv-parse/sync';
import { compactBase64, isBlankText, sameText, type Base64Text } from '../protocol/bytes.js';
import { isHeaderRow } from '../protocol/push.js';
import { contentOf } from '../protocol/responses.js';
import type { Config } from '../core/config/index.js';
import type { RunContext, SearchTarget, SentExchange } from './context.js';

export interface PushedDocument {
  uri: string;
  /** how to find it with Pull URI; unknown when the harness has no search values for this URI */
  target?: SearchTarget;
}

export type PullUriOutcome = 'found' | 'not-found' | 'other-uri' | 'no-search' | 'error';
export type PullDocOutcome = 'fetched' | 'not-found' | 'no-content' | 'error' | 'not-available';

export interface ConsistencyItem {
  uri: string;
  pullUri: PullUriOutcome;
  pullDoc: PullDocOutcome;
  /** Pull URI and Pull Doc returned the same DocContent / DataContent (undefined: not compared) */
  sameContent?: boolean;
  /** false when neither API could be tried (no Pull Doc endpoint and no search values for this URI) */
  judged: boolean;
  ok: boolean;
  /** what went wrong, in a sentence */
  problems: string[];
  /** the exchanges, kept only for items that failed and for the first item (as a sample) */
  evidence: SentExchange[];
}

export interface ConsistencyReport {
  items: ConsistencyItem[];
  /** URIs that were pushed but are not pullable */
  unpullable: string[];
  ok: boolean;
}

function transportProblem(ex: SentExchange): string | undefined {
  if (ex.raw.error) return `${ex.raw.error.kind}: ${ex.raw.error.message}`;
  if (!ex.raw.response) return 'no response';
  return undefined;
}

/** Checks one pushed URI with Pull URI (when search values are known) and Pull Doc. */
async function checkPushedDocument(ctx: RunContext, doc: PushedDocument): Promise<ConsistencyItem> {
  const problems: string[] = [];
  const evidence: SentExchange[] = [];
  let pullUri: PullUriOutcome = 'no-search';
  let uriContent: { doc?: Base64Text; data?: Base64Text } | undefined;
  if (doc.target) {
    const ex = await ctx.send('pulluri', `consistency: Pull URI for pushed ${doc.uri}`, { target: doc.target });
    evidence.push(ex);
    const t = transportProblem(ex);
    if (t) {
      pullUri = 'error';
      problems.push(`Pull URI failed (${t})`);
    } else if (ex.parsed?.status !== '1') {
      pullUri = 'not-found';
      problems.push(`Pull URI with the owner's search values answered Status ${ex.parsed?.status ?? '(none)'}, not the pushed document`);
    } else if (ex.parsed.uri !== doc.uri) {
      pullUri = 'other-uri';
      problems.push(`Pull URI with the owner's search values returned URI ${JSON.stringify(ex.parsed.uri ?? '')}, not the pushed one`);
    } else {
      pullUri = 'found';
      uriContent = { doc: compacted(contentOf(ex.parsed, 'DocContent')), data: compacted(contentOf(ex.parsed, 'DataContent')) };
    }
  } else problems.push('no search values known for this URI: Pull URI not tried');

  let pullDoc: PullDocOutcome = 'not-available';
  let sameContent: boolean | undefined;
  if (ctx.config.target.pullDoc && ctx.profile.pullDoc) {
    const ex = await ctx.send('pulldoc', `consistency: Pull Doc for pushed ${doc.uri}`, { uri: doc.uri });
    evidence.push(ex);
    const t = transportProblem(ex);
    if (t) {
      pullDoc = 'error';
      problems.push(`Pull Doc failed (${t})`);
    } else if (ex.parsed?.status !== '1') {
      pullDoc = 'not-found';
      problems.push(`Pull Doc answered Status ${ex.parsed?.status ?? '(none)'} for the pushed URI`);
    } else if (isBlankText(contentOf(ex.parsed, 'DocContent')) && isBlankText(contentOf(ex.parsed, 'DataContent'))) {
      pullDoc = 'no-content';
      problems.push('Pull Doc answered Status 1 without DocContent or DataContent');
    } else {
      pullDoc = 'fetched';
      if (uriContent) {
        const d = compacted(contentOf(ex.parsed, 'DocContent'));
        const x = compacted(contentOf(ex.parsed, 'DataContent'));
        const pairs: Array<[Base64Text | undefined, Base64Text | undefined]> = [
          [uriContent.doc, d],
          [uriContent.data, x],
        ];
        const compared = pairs.filter(([a, b]) => a !== undefined && b !== undefined);
        if (compared.length > 0) {
          sameContent = compared.every(([a, b]) => sameText(a!, b!));
          if (!sameContent) problems.push('Pull URI and Pull Doc returned different content for the pushed URI');
        }
      }
    }
  }
  const judged = !(pullUri === 'no-search' && pullDoc === 'not-available');
  const uriOk = pullUri === 'found' || (pullUri === 'no-search' && pullDoc === 'fetched');
  const docOk = pullDoc === 'fetched' || (pullDoc === 'not-available' && pullUri === 'found');
  const ok = !judged || (uriOk && docOk && sameContent !== false);
  return { uri: doc.uri, pullUri, pullDoc, sameContent, judged, ok, problems: judged && !ok ? problems : [], evidence };
}

/**
 * Checks every pushed URI (duplicates once), as many at a time as the client's concurrency allows;
 * items come back in push order. Passing items drop their exchanges (all but the first), so a
 * long list of large documents is not held in memory.
 */
export async function checkConsistency(ctx: RunContext, pushed: readonly PushedDocument[]): Promise<ConsistencyReport> {
  const firstByUri = new Map<string, PushedDocument>();
  for (const d of pushed) if (!firstByUri.has(d.uri)) firstByUri.set(d.uri, d);
  const distinct = [...firstByUri.values()];
  const items: ConsistencyItem[] = new Array(distinct.length);
  let next = 0;
  const worker = async () => {
    while (next < distinct.length) {
      const i = next++;
      const item = await checkPushedDocument(ctx, distinct[i]!);
      items[i] = item.ok && i > 0 ? { ...item, evidence: [] } : item;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(ctx.config.client.concurrency, distinct.length)) }, worker));
  const unpullable = items.filter((i) => !i.ok).map((i) => i.uri);
  return { items, unpullable, ok: unpullable.length === 0 };
}

/** Pushed URIs with the search values of the config's document of the same URI, when there is one. */
export function pushedFromConfig(config: Config, uris: readonly string[]): PushedDocument[] {
  const byUri = new Map(config.documents.filter((d) => d.uri).map((d) => [d.uri!, d]));
  return uris.map((uri) => {
    const d = byUri.get(uri);
    return d ? { uri, target: { docType: d.docType, search: d.search, owner: d.owner } } : { uri };
  });
}

/** The URIs (column 2) of a Push CSV's data rows, header row skipped. */
export function urisFromCsv(csv: string): string[] {
  const records = parseCsvSync(csv, { bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, skip_records_with_error: true }) as string[][];
  return records
    .filter((r, i) => !(i === 0 && isHeaderRow(r)))
    .map((r) => (r[1] ?? '').trim())
    .filter((u) => u !== '');
}

/** One line per URI and a verdict, for the CLI and reports. */
export function formatConsistency(report: ConsistencyReport): string {
  const lines = report.items.map(
    (i) =>
      `${!i.judged ? 'n/a ' : i.ok ? 'ok  ' : 'FAIL'} ${i.uri}  pullUri=${i.pullUri} pullDoc=${i.pullDoc}${i.sameContent === false ? ' content differs' : ''}${i.problems.length ? `: ${i.problems.join('; ')}` : ''}`,
  );
  const unjudged = report.items.filter((i) => !i.judged).length;
  const note = unjudged > 0 ? ` (${unjudged} not checked: no Pull Doc endpoint and no search values for them)` : '';
  lines.push(
    report.ok
      ? `OK: ${report.items.length - unjudged} pushed URIs are pullable${note}`
      : `FAIL: ${report.unpullable.length} of ${report.items.length} pushed URIs are not pullable: ${report.unpullable.join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}

/** Content without whitespace, in the form it is held (large content stays bytes). */
function compacted(value: Base64Text | undefined): Base64Text | undefined {
  return value === undefined ? undefined : compactBase64(value);
}
