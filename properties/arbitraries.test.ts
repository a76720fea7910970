/**
 * The arbitraries make what they say they make, judged by protocol/: valid values pass spec's
 * validators and invalid ones fail them; every mutation does to spec's own request reader what
 * its expectation says a conformant issuer will do.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeHash } from '../core/node-hash.js';
import { md5Hex } from '../protocol/auth.js';
import { PROFILES } from '../protocol/profiles.js';
import { readRequest } from '../protocol/requests.js';
import { isDdMmYyyy } from '../protocol/dates.js';
import { parseTs } from '../protocol/time.js';
import {
  anyRequest,
  applyMutation,
  buildRequest,
  expectationOf,
  INDIC_NAMES,
  indianName,
  invalidDob,
  invalidTs,
  legalTxn,
  oddMutation,
  params,
  refusedMutation,
  renderTs,
  sameMeaningMutation,
  searchValue,
  tsString,
  validDob,
  type MutationTarget,
} from './arbitraries/index.js';

const md5 = (text: string) => md5Hex(nodeHash, text);

describe('value arbitraries', () => {
  it('names: NFC and NFD differ for some name in every Indic script that has decompositions', () => {
    // Gujarati has no canonically decomposable letters or signs
    for (const [script, names] of Object.entries(INDIC_NAMES).filter(([s]) => s !== 'Gujarati')) {
      expect(
        names.some((n) => n.normalize('NFC') !== n.normalize('NFD') || n !== n.normalize('NFC')),
        script,
      ).toBe(true);
    }
  });
  it('names come in the form they say', () => {
    fc.assert(
      fc.property(indianName(), (n) => {
        if (n.form !== 'as-typed') expect(n.value).toBe(n.value.normalize(n.form));
        expect(n.value.trim()).toBe(n.value);
      }),
      params(300),
    );
  });
  it('dates of birth: valid ones are DD-MM-YYYY calendar days, invalid ones are not', () => {
    fc.assert(
      fc.property(validDob(), (d) => {
        expect(isDdMmYyyy(d)).toBe(true);
      }),
      params(300),
    );
    fc.assert(
      fc.property(invalidDob(), (d) => {
        expect(isDdMmYyyy(d.value)).toBe(false);
      }),
      params(300),
    );
  });
  it('timestamps: every offset and fraction parses back to the instant (to the millisecond)', () => {
    fc.assert(
      fc.property(tsString(), (t) => {
        const back = parseTs(t.ts);
        expect(back).toBeDefined();
        expect(Math.abs(back!.getTime() - t.instant.getTime())).toBeLessThan(t.fractionDigits >= 3 ? 1 : 1000);
      }),
      params(500),
    );
    fc.assert(
      fc.property(invalidTs(), (t) => {
        expect(parseTs(t.value)).toBeUndefined();
      }),
      params(300),
    );
  });
  it('legal txn values are XML-safe ASCII of at most 40 characters (or a UUID)', () => {
    fc.assert(
      fc.property(legalTxn(), (t) => {
        expect(t).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
      }),
      params(300),
    );
  });
  it('search values never contain a character XML forbids', () => {
    fc.assert(
      fc.property(searchValue(nodeHash), (v) => {
        expect(v.value).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
      }),
      params(300),
    );
  });
});

const mutated = (group: 'refuse' | 'odd' | 'same') =>
  fc.constantFrom('pulluri' as const, 'pulldoc' as const).chain((kind) =>
    anyRequest(PROFILES['3.0'], kind, md5)
      .filter((req) => req.build.indent === undefined)
      .chain((req) => {
        const lookup = kind === 'pulluri' ? req.search.map(([n]) => n) : ['URI'];
        const target: MutationTarget = { key: lookup[0]!, lookup, children: [...lookup, 'DigiLockerId'] };
        const arb = group === 'refuse' ? refusedMutation(target) : group === 'odd' ? oddMutation(target) : sameMeaningMutation(target);
        return arb.map((m) => {
          const body = buildRequest(req, renderTs(req.ts, new Date(Date.UTC(2024, 4, 21))), 'k'.repeat(64));
          const out = applyMutation(m, { body, target, fields: { txn: req.txn } });
          return { req, target, m, body, out: typeof out === 'string' ? out : new TextDecoder().decode(out), bytes: typeof out !== 'string' };
        });
      }),
  );

describe('mutations do to protocol/ what they say', () => {
  it('refused ones: protocol/ cannot read a request out of them, or it has nothing to look up', () => {
    fc.assert(
      fc.property(mutated('refuse'), ({ m, out, target, bytes }) => {
        const { request } = readRequest(out);
        if (expectationOf(m) === 'refuse') {
          // invalid UTF-8 decodes leniently to U+FFFD: the reader would take it, a strict decoder refuses it
          if (!bytes) expect(request, JSON.stringify(m)).toBeUndefined();
        } else {
          expect(expectationOf(m)).toBe('no-document');
          const hasAll = target.lookup.every((name) => request?.detailList.some(([n]) => n === name) ?? false);
          expect(request === undefined || !hasAll, JSON.stringify(m)).toBe(true);
        }
      }),
      params(400),
    );
  });
  it('same-meaning ones: protocol/ reads exactly the same request', () => {
    fc.assert(
      fc.property(mutated('same'), ({ m, out, body }) => {
        expect(expectationOf(m)).toBe('succeed');
        const before = readRequest(body).request!;
        const after = readRequest(out).request;
        expect(after?.attrs).toEqual(before.attrs);
        expect(after?.detailList).toEqual(before.detailList);
      }),
      params(300),
    );
  });
  it('odd ones: the result is still well-formed XML', () => {
    fc.assert(
      fc.property(mutated('odd'), ({ m, out }) => {
        expect(expectationOf(m)).toBe('any');
        expect(
          readRequest(out).findings.filter((f) => f.code === 'not-well-formed' || f.code === 'dtd'),
          JSON.stringify(m),
        ).toEqual([]);
      }),
      params(300),
    );
  });
});
