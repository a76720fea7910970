/**
 * DocType is part of the search (SPEC-1.13 8.1.2 #7): the search of a configured document sent
 * under a DocType the issuer does not have, or under another of its DocTypes, must not find it.
 * An issuer that looks up by the search values alone hands out a document of the wrong type.
 */
import type { ProfileId } from '../../protocol/profiles.js';
import { fail, pass, type Check } from '../check.js';
import type { RunContext } from '../context.js';
import { describeResponse, needParsed, needSuccess, served } from './judge.js';

/** Pure-alpha, five letters, like real DocTypes (INCER, HSCER), and no type an issuer is likely to have. */
const UNKNOWN_DOC_TYPES = [...'JKVWABCDEFGHILMNOPQRSTUXYZ'].map((c) => `ZZQX${c}`);

const sameType = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();

/** A DocType none of the configured documents has (DocTypes compare case-insensitively, URI rules). */
function unknownDocType(configured: readonly string[]): string {
  return UNKNOWN_DOC_TYPES.find((t) => !configured.some((c) => sameType(c, t)))!;
}

/** Another configured DocType than the first document's, if the config has one. */
function otherDocType(ctx: RunContext): string | undefined {
  const first = ctx.firstDocument.docType;
  return ctx.config.documents.map((d) => d.docType).find((t) => !sameType(t, first));
}

const noDocType = (profile: ProfileId) => `profile ${profile} sends no DocType in the request`;

function docTypeCheck(kind: 'unknown' | 'other'): Check {
  return {
    id: `pulluri.negative.doctype-${kind}`,
    api: 'pulluri',
    section: 'negative',
    title:
      kind === 'unknown'
        ? 'the search of a configured document under a DocType the issuer does not have gets no document'
        : "the search of a configured document under another of the issuer's DocTypes gets no document",
    clause: 'doctype-honoured',
    judgesRefusal: true,
    notApplicable(ctx) {
      if (!ctx.profile.sendsDocType) return noDocType(ctx.profile.id);
      if (kind === 'other' && otherDocType(ctx) === undefined) {
        return `every configured document has DocType ${ctx.firstDocument.docType}: configure a document of another type to judge it`;
      }
      return undefined;
    },
    async run(ctx) {
      const pre = needSuccess(await ctx.baseline('pulluri'), 'pulluri');
      if (pre) return pre;
      const docType = kind === 'unknown' ? unknownDocType(ctx.config.documents.map((d) => d.docType)) : otherDocType(ctx)!;
      const label = `the first document's search under ${kind === 'unknown' ? 'the unknown' : 'the other configured'} DocType ${docType}`;
      const ex = await ctx.send('pulluri', label, { target: { ...ctx.firstDocument, docType } });
      const unusable = needParsed(ex, true);
      if (unusable) return unusable;
      return served(ex)
        ? fail(
            `a document was returned for DocType ${docType}, not the type of the document searched (${ctx.firstDocument.docType})`,
            { expected: 'Status="0" and no document', actual: describeResponse(ex) },
            [ex],
          )
        : pass(`no document under DocType ${docType} (${describeResponse(ex)})`, [ex]);
    },
  };
}

export const DOC_TYPE_CHECKS: readonly Check[] = [docTypeCheck('unknown'), docTypeCheck('other')];
