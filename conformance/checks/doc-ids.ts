/**
 * Guessable DocIds (SPEC-1.13 §5.4, SEED-001 §7): whoever knows one URI and can guess the next
 * DocId pulls another holder's document wherever Pull Doc trusts the URI alone. The DocIds of the
 * URIs the target returns for every configured document are judged with the estimator `csv lint`
 * uses, pooled over doc types (a counter shared by all types is as guessable as one per type).
 */
import { DocIdProfile } from '../../protocol/doc-id-guess.js';
import { splitUri } from '../../protocol/uri.js';
import { fail, pass, skip, type Check } from '../check.js';
import type { RunContext, SentExchange } from '../context.js';
import { needSuccess } from './judge.js';

/** The configured documents asked for: enough to see a sequence, bounded for a long list. */
export const MAX_DOCUMENTS = 20;

function returnedUris(ctx: RunContext): Promise<SentExchange[]> {
  return Promise.all(ctx.config.documents.slice(0, MAX_DOCUMENTS).map((_, i) => ctx.documentSearch(i)));
}

export const DOC_ID_CHECKS: readonly Check[] = [
  {
    id: 'pulluri.success.doc-ids-random',
    api: 'pulluri',
    section: 'success',
    title: 'the DocIds of the returned URIs are neither sequential nor drawn from a narrow space',
    tags: ['security'],
    clause: 'doc-id-unguessable',
    notApplicable: (ctx) => (ctx.config.documents.length < 2 ? 'one document is configured: a single DocId shows no sequence (configure two or more documents to judge it)' : undefined),
    async run(ctx) {
      const base = await ctx.baseline('pulluri');
      const pre = needSuccess(base, 'pulluri');
      if (pre) return pre;
      const exchanges = await returnedUris(ctx);
      const docIds = exchanges.flatMap((e) => {
        const uri = e.parsed?.status === '1' ? e.parsed.uri?.trim() : undefined;
        const docId = uri ? splitUri(uri)?.docId : undefined;
        return docId ? [docId] : [];
      });
      if (docIds.length < 2) return skip(`only ${docIds.length} of ${exchanges.length} documents returned a URI with a DocId; see pulluri.success.uri-format`, exchanges);
      const profile = new DocIdProfile('all doc types');
      for (const id of docIds) profile.add(id);
      const report = profile.report(2);
      const what = `${docIds.length} DocIds: ${report.reasons.join('; ')}`;
      if (report.verdict === 'guessable') {
        return fail(`the DocIds can be guessed: ${what}`, { expected: 'DocIds drawn at random from at least 10n values', actual: docIds.join(', ') }, exchanges);
      }
      return pass(what, exchanges);
    },
  },
];
