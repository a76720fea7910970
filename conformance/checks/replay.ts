/**
 * Captured traffic: the requests DigiLocker sent this issuer in production (config `replay`,
 * `dlconform replay FILE…`), each replayed as the spec examples are (conformance/checks/examples.ts).
 * expect served: re-signed with the first configured document's values, it must be served.
 * expect refused: re-signed with its own values (only ts, txn, orgId, keyhash, HMAC renewed), it
 * must not be served. Both are judged only when the plain request works. Every value a captured
 * body holds is registered with the run's redactor before anything is recorded.
 */
import { basename } from 'node:path';
import { clauseFor } from '../../protocol/clauses.js';
import { readCaptured, type CapturedRequest } from '../../core/config/replay-files.js';
import type { Config } from '../../core/config/index.js';
import { fail, pass, type Check } from '../check.js';
import { describeReplaced, judgeServed } from './examples.js';
import { describeResponse, needParsed, needSuccess, served } from './judge.js';

/** A check id segment from a file name: selector-safe characters only. */
function idOf(c: CapturedRequest): string {
  const name = basename(c.file)
    .replace(/\.(xml|jsonl)$/i, '')
    .replace(/[^\w-]+/g, '-');
  return `${c.api}.replay.${name}${c.line !== undefined ? `.line-${c.line}` : ''}`;
}

function capturedCheck(c: CapturedRequest, expect: 'served' | 'refused'): Check {
  const where = c.line !== undefined ? `${basename(c.file)}:${c.line}` : basename(c.file);
  return {
    id: idOf(c),
    api: c.api,
    section: 'replay',
    title: `captured request ${where}, replayed re-signed, is ${expect}`,
    clause: clauseFor(c.api, expect === 'served' ? (c.api === 'pulluri' ? 'uri-search' : 'doccontent-format') : 'not-found'),
    tags: ['replay', 'captured'],
    judgesRefusal: true,
    async run(ctx) {
      const base = await ctx.baseline(c.api);
      const pre = needSuccess(base, c.api);
      if (pre) return pre;
      const sent = await ctx.sendReplayed(`captured request ${where}, re-signed`, c.body, { personal: true, keepDocument: expect === 'refused' });
      if ('error' in sent) throw new Error(`captured request ${where} could not be replayed: ${sent.error}`);
      const replaced = describeReplaced(sent.replaced);
      if (expect === 'served') return judgeServed(ctx, sent.exchange, replaced);
      const ex = sent.exchange;
      const unusable = needParsed(ex, true);
      if (unusable) return unusable;
      return served(ex)
        ? fail(`served, though expected refused; replayed with ${replaced}`, { expected: 'not served (Status other than 1, no document content)', actual: describeResponse(ex) }, [ex])
        : pass(`refused (${describeResponse(ex)}); replayed with ${replaced}`, [ex]);
    },
  };
}

/** One check per captured request of config.replay (none without it); ids made unique by a suffix. */
export function capturedReplayChecks(config: Pick<Config, 'replay'>): Check[] {
  if (!config.replay) return [];
  const checks = config.replay.files.flatMap((file) => readCaptured(file)).map((c) => capturedCheck(c, config.replay!.expect));
  const seen = new Map<string, number>();
  for (const check of checks) {
    const n = (seen.get(check.id) ?? 0) + 1;
    seen.set(check.id, n);
    if (n > 1) check.id = `${check.id}-${n}`;
  }
  return checks;
}
