/**
 * The document reaches its owner: the IssuedTo Persons of a Pull URI response name the owner on the
 * fields DigiLocker matches (ownerMatch), and a request carrying another person's UID is not served.
 * Owner values never appear in a message: a failure names the field that differs, not its values.
 */
import { md5Hex } from '../../protocol/auth.js';
import { otherTestAadhaar } from '../../protocol/aadhaar.js';
import { comparableFields, differingFields } from '../../protocol/person-match.js';
import { fail, pass, skip, type Check } from '../check.js';
import type { RunContext, SentExchange } from '../context.js';
import { nodeHash } from '../../core/node-hash.js';
import { MAX_DOCUMENTS } from './doc-ids.js';
import { describeResponse, needParsed, needSuccess, served } from './judge.js';

/** The configured documents whose owner has a value on one of the ownerMatch fields, with their index. */
function ownedDocuments(ctx: RunContext): number[] {
  return ctx.config.documents.slice(0, MAX_DOCUMENTS).flatMap((d, i) => (d.owner && comparableFields(d.owner, ctx.config.ownerMatch).length > 0 ? [i] : []));
}

/** Why documents[index]'s response names nobody who is its owner, or undefined when a Person matches. */
function ownerMismatch(ctx: RunContext, index: number, ex: SentExchange): string | undefined {
  const owner = ctx.config.documents[index]!.owner!;
  const persons = ex.parsed!.persons!;
  const fields = comparableFields(owner, ctx.config.ownerMatch);
  const differences = persons.map((p) => differingFields(p.attrs, owner, fields));
  if (differences.some((d) => d.length === 0)) return undefined;
  const each = differences.map((d, i) => `Person[${i}] differs in ${d.join(', ')}`).join('; ');
  return `documents[${index}]: no Person matches documents[${index}].owner on ${fields.join(', ')} (${each})`;
}

export const ISSUED_TO_OWNER: Check = {
  id: 'pulluri.success.issued-to-owner',
  api: 'pulluri',
  section: 'success',
  title: "at least one IssuedTo Person is the document's owner on the fields DigiLocker matches (ownerMatch)",
  clause: 'issued-to-owner',
  notApplicable(ctx) {
    if (ownedDocuments(ctx).length === 0) return `no documents[].owner has a value for ownerMatch (${ctx.config.ownerMatch.join(', ')})`;
    return undefined;
  },
  async run(ctx) {
    const base = await ctx.baseline('pulluri');
    const pre = needSuccess(base, 'pulluri');
    if (pre) return pre;
    const indexes = ownedDocuments(ctx);
    const exchanges = await Promise.all(indexes.map((i) => ctx.documentSearch(i)));
    const judged = indexes.flatMap((index, k) => {
      const ex = exchanges[k]!;
      return ex.parsed?.status === '1' && ex.parsed.persons && ex.parsed.persons.length > 0 ? [{ index, ex }] : [];
    });
    if (judged.length === 0) {
      const why = ctx.profile.issuedTo === 'must' ? 'see pulluri.success.issued-to' : `profile ${ctx.profile.id} does not require IssuedTo`;
      return skip(`no response carried IssuedTo Persons to compare with the owner; ${why}`, exchanges);
    }
    const problems = judged.flatMap(({ index, ex }) => ownerMismatch(ctx, index, ex) ?? []);
    const fields = ctx.config.ownerMatch.join(', ');
    if (problems.length > 0) {
      return fail(
        problems.join('; '),
        { expected: `a Person equal to the owner on ${fields}` },
        judged.map((j) => j.ex),
      );
    }
    return pass(
      `${judged.length} document(s): a Person matches the owner on ${fields}`,
      judged.map((j) => j.ex),
    );
  },
};

export const UID_MISMATCH: Check = {
  id: 'pulluri.negative.uid-mismatch',
  api: 'pulluri',
  section: 'negative',
  title: 'a search with the right parameters but another UID gets no document',
  clause: 'uid-match',
  judgesRefusal: true,
  notApplicable(ctx) {
    if (!ctx.config.identityCheck) return 'identityCheck is false in the config';
    if (!ctx.config.optIn.uid || !ctx.profile.optInFields.includes('UID')) return 'UID is not opted in';
    if (!ctx.firstDocument.owner?.aadhaar) return 'documents[0].owner.aadhaar is not configured';
    return undefined;
  },
  async run(ctx) {
    const pre = needSuccess(await ctx.baseline('pulluri'), 'pulluri');
    if (pre) return pre;
    const other = otherTestAadhaar(ctx.firstDocument.owner!.aadhaar!);
    const uid = ctx.config.uidMode === 'md5' ? md5Hex(nodeHash, other) : other;
    const form = ctx.config.uidMode === 'md5' ? 'the MD5 of a UIDAI test number' : 'a UIDAI test number';
    const ex = await ctx.send('pulluri', `the first document's search with another UID (${form})`, { identity: { uid } });
    const unusable = needParsed(ex, true);
    if (unusable) return unusable;
    return served(ex)
      ? fail("the document was returned although UID is not its owner's", { expected: 'Status="0"', actual: describeResponse(ex) }, [ex])
      : pass(`no document (${describeResponse(ex)})`, [ex]);
  },
};
