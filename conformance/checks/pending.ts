/**
 * The pending flow (SPEC-1.13 8.1.4 #3, FACTS §1.4 item 29): Status 9 means the issuer verifies the
 * request by hand and delivers the document later with a push. The configured pending search is
 * sent once per run (shared by the Status 9 check and this one); then the mock DigiLocker's
 * database (pushed.db) is polled, for at most pending.pushWithinSeconds, for the issuer's push of
 * a document of that type.
 */
import type { PushDb, StoredPushedUri } from '../../fixtures/digilocker/db.js';
import { OPT_IN_FIELDS } from '../../protocol/identity.js';
import { fail, pass, skip, type Check } from '../check.js';
import type { RunContext, SentExchange } from '../context.js';
import { readPushedDb } from './consistency.js';
import { needParsed, needSuccess } from './judge.js';

/** how often the database is read while waiting for the push */
const POLL_MS = 100;

interface PendingExchange {
  /** when the request was sent: a push the mock received before it is not this request's */
  sentAt: number;
  exchange: SentExchange;
}

/** The configured pending search, sent once per run. */
export function pendingExchange(ctx: RunContext): Promise<PendingExchange> {
  return ctx.shared('pending:pulluri', async () => {
    const sentAt = Date.now();
    return { sentAt, exchange: await ctx.send('pulluri', 'the configured pending search', { target: ctx.config.pending!, omit: OPT_IN_FIELDS }) };
  });
}

type PushedRow = StoredPushedUri & { receivedAt: number };

/** The rows of uploads the mock received since `since`, of this DocType, that are none of the configured documents. */
function pushesSince(db: PushDb, since: number, docType: string, known: ReadonlySet<string>): PushedRow[] {
  const uploads = db.uploads().filter((u) => Date.parse(u.receivedAt) >= since);
  return uploads.flatMap((u) =>
    db
      .uris(u.id)
      .filter((r) => r.docType === docType && !known.has(r.uri))
      .map((r) => ({ ...r, receivedAt: Date.parse(u.receivedAt) })),
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const PENDING_PUSHED_CHECK: Check = {
  id: 'pulluri.pending.pushed',
  api: 'pulluri',
  section: 'negative',
  title: "after Status 9, the issuer's push of that document reaches DigiLocker within pending.pushWithinSeconds",
  clause: 'pending-pushed',
  notApplicable(ctx) {
    if (!ctx.profile.pullUriStatuses.includes('9')) return `profile ${ctx.profile.id} has no pending status`;
    if (!ctx.config.pending) return 'no "pending" search in the config';
    if (ctx.config.pushed?.db === undefined) {
      return "not tried: pushed.db (the database of the mock DigiLocker the issuer pushes to) is not configured, so the issuer's push of the pending document cannot be seen";
    }
    return undefined;
  },
  async run(ctx) {
    const pre = needSuccess(await ctx.baseline('pulluri'), 'pulluri');
    if (pre) return pre;
    const { sentAt, exchange: ex } = await pendingExchange(ctx);
    const unusable = needParsed(ex);
    if (unusable) return unusable;
    if (ex.parsed!.status !== '9') return skip(`the pending search did not get Status 9 (got ${JSON.stringify(ex.parsed!.status)}); see pulluri.pending.status-9`, [ex]);
    const pending = ctx.config.pending!;
    const db = ctx.config.pushed!.db!;
    const known = new Set(ctx.config.documents.flatMap((d) => (d.uri ? [d.uri] : [])));
    const deadline = sentAt + pending.pushWithinSeconds * 1000;
    // bounded: one read per POLL_MS until the deadline, and one at it
    for (;;) {
      const rows = await readPushedDb(db, (d) => pushesSince(d, sentAt, pending.docType, known));
      const added = rows.find((r) => r.accepted && r.action === 'A');
      if (added) {
        const after = Math.max(0, (added.receivedAt - sentAt) / 1000).toFixed(1);
        return pass(`the issuer pushed ${added.uri} ${after} s after the pending search was answered Status 9 (pending.pushWithinSeconds ${pending.pushWithinSeconds})`, [ex]);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const rejected = rows.filter((r) => !r.accepted).length;
        const note =
          rejected > 0
            ? `; ${rejected} push${rejected === 1 ? '' : 'es'} of that type arrived but the mock DigiLocker rejected ${rejected === 1 ? 'it' : 'them'} (dlconform report push says why)`
            : '';
        return fail(
          `no push of a ${pending.docType} document reached the mock DigiLocker (pushed.db) within ${pending.pushWithinSeconds} s of the Status 9 answer${note}: ` +
            'Status 9 promises the document later, by a push; without it the citizen waits for ever',
          {
            expected: `a Push URI, Push URI to Account or Push CSV row adding a ${pending.docType} document within ${pending.pushWithinSeconds} s`,
            actual: rejected > 0 ? `${rejected} rejected` : 'no push',
          },
          [ex],
        );
      }
      await sleep(Math.min(POLL_MS, left));
    }
  },
};
