/**
 * The readers (protocol/xml.ts readXml, protocol/requests.ts readRequest, protocol/responses.ts
 * readResponse) never throw and never hang on arbitrary input — any string, any bytes, tag soup,
 * every mutation of a real request, entity bombs, deep nesting — and stay within a memory bound
 * (checked in a child process whose heap is capped: exceeding the bound kills it).
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeHash } from '../core/node-hash.js';
import { md5Hex } from '../protocol/auth.js';
import { PROFILES } from '../protocol/profiles.js';
import { readRequest } from '../protocol/requests.js';
import { readResponse } from '../protocol/responses.js';
import { readXml } from '../protocol/xml.js';
import { anyRequest, applyMutation, buildRequest, oddMutation, params, refusedMutation, renderTs, sameMeaningMutation, type MutationTarget } from './arbitraries/index.js';

const md5 = (text: string) => md5Hex(nodeHash, text);

/** Every reader on one text: none may throw; a result always comes back. */
function readAll(text: string): void {
  const x = readXml(text);
  expect(x.root !== undefined || x.findings.length > 0).toBe(true);
  expect(readRequest(text).findings).toBeInstanceOf(Array);
  expect(readResponse('pulluri', text).findings).toBeInstanceOf(Array);
  expect(readResponse('pulldoc', text).findings).toBeInstanceOf(Array);
}

const TOKENS = [
  '<a>',
  '</a>',
  '<b x="1">',
  '</b>',
  '<c/>',
  '<PullURIResponse>',
  '</PullURIResponse>',
  '<ResponseStatus Status="1" ts="t" txn="1">',
  '</ResponseStatus>',
  '<DocDetails>',
  '</DocDetails>',
  '&amp;',
  '&#',
  '&#x',
  ';',
  '&lt',
  ']]>',
  '<!--',
  '-->',
  '<![CDATA[',
  '<?xml version="1.0"?>',
  '<?',
  '?>',
  '<!DOCTYPE a [',
  '<!ENTITY e "x">',
  ']>',
  '&e;',
  '"',
  "'",
  '=',
  '<',
  '>',
  '/',
  ' ',
  '\n',
  'x',
  'ns2:',
  'xmlns="u"',
  '\u0000',
  '\uFEFF',
  '\uD800',
  'é',
  'र',
];
const tagSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((t) => t.join(''));

/** Lone surrogates and every other UTF-16 code unit included. */
const anyCodeUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 80 }).map((units) => String.fromCharCode(...units));

const mutatedRequest = fc.constantFrom('pulluri' as const, 'pulldoc' as const).chain((kind) =>
  anyRequest(PROFILES['3.0'], kind, md5).chain((req) => {
    const lookup = kind === 'pulluri' ? req.search.map(([n]) => n) : ['URI'];
    const target: MutationTarget = { key: lookup[0]!, lookup, children: [...lookup, 'DigiLockerId'] };
    return fc.oneof(refusedMutation(target), oddMutation(target), sameMeaningMutation(target)).map((m) => {
      const body = buildRequest(req, renderTs(req.ts, new Date(Date.UTC(2024, 4, 21))), 'k'.repeat(64));
      const out = applyMutation(m, { body, target, fields: { txn: req.txn } });
      return typeof out === 'string' ? out : new TextDecoder().decode(out);
    });
  }),
);

describe('the readers never throw', () => {
  it('on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => readAll(s)),
      params(500),
    );
  });
  it('on any UTF-16 code units, lone surrogates included', () => {
    fc.assert(
      fc.property(anyCodeUnits, (s) => readAll(s)),
      params(500),
    );
  });
  it('on any bytes, decoded as a client decodes them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => readAll(new TextDecoder().decode(b))),
      params(500),
    );
  });
  it('on tag soup', () => {
    fc.assert(
      fc.property(tagSoup, (s) => readAll(s)),
      params(1000),
    );
  });
  it('on every mutation of a real request', () => {
    fc.assert(
      fc.property(mutatedRequest, (s) => readAll(s)),
      params(300),
    );
  });
  it('on nesting of any depth, closed or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), fc.boolean(), (depth, closed) => {
        const text = '<a>'.repeat(depth) + (closed ? '</a>'.repeat(depth) : '');
        const r = readXml(text);
        if (depth > 64) expect(r.root).toBeUndefined();
        readAll(text);
      }),
      params(50),
    );
  });
});

describe('hostile documents are refused, not processed', () => {
  it('entity bombs of any shape are refused before parsing (no expansion)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2, max: 12 }), fc.constantFrom('DOCTYPE', 'doctype', 'DocType'), (depth, width, kw) => {
        let decls = '<!ENTITY e0 "lol">';
        for (let i = 1; i <= depth; i++) decls += `<!ENTITY e${i} "${`&e${i - 1};`.repeat(width)}">`;
        const text = `<?xml version="1.0"?><!${kw} r [${decls}]><r>&e${depth};</r>`;
        expect(readXml(text).findings.map((f) => f.code)).toEqual(['dtd']);
      }),
      params(100),
    );
  });
  it('characters XML forbids are refused, raw or as character references', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0x1f }).filter((c) => c !== 9 && c !== 10 && c !== 13),
        fc.boolean(),
        (code, asRef) => {
          const text = `<a>x${asRef ? `&#${code};` : String.fromCharCode(code)}y</a>`;
          expect(readXml(text).findings[0]?.code).toBe('not-well-formed');
        },
      ),
      params(100),
    );
  });
});

/** Run in a child whose old space is capped at HEAP_MB: going over the bound kills it (exit ≠ 0). */
const HEAP_MB = 192;
/** input size: today a single attribute value costs about 40 bytes of heap per character (8 MiB ones exceed 256 MB) */
const INPUT_MIB = 2;
const CHILD = `
import { readXml } from ${JSON.stringify(new URL('../protocol/xml.ts', import.meta.url).pathname)};
const MB = ${INPUT_MIB} * 1024 * 1024;
const inputs = {
  'nested 1M deep': () => '<a>'.repeat(1_000_000) + '</a>'.repeat(1_000_000),
  'nested, never closed': () => '<a>'.repeat(2_000_000),
  'MiB of empty elements': () => '<r>' + '<b/>'.repeat(MB / 4) + '</r>',
  'MiB of attributes': () => '<r ' + Array.from({ length: MB / 16 }, (_, i) => 'a' + i + '="1"').join(' ') + '/>',
  'MiB attribute value': () => '<r a="' + 'x'.repeat(MB) + '"/>',
  'MiB text': () => '<r>' + 'QUJD'.repeat(MB / 4) + '</r>',
  'MiB of references': () => '<r>' + '&amp;&#65;'.repeat(MB / 10) + '</r>',
  'billion laughs': () => '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "lol">' + Array.from({ length: 9 }, (_, i) => '<!ENTITY ' + 'b' + i + ' "' + ('&' + (i ? 'b' + (i - 1) : 'a') + ';').repeat(10) + '">').join('') + ']><r>&b8;</r>',
  'MiB of comments': () => '<r>' + '<!-- x -->'.repeat(MB / 10) + '</r>',
  'MiB of CDATA': () => '<r><![CDATA[' + 'x'.repeat(MB) + ']]></r>',
};
const out = {};
for (const [name, make] of Object.entries(inputs)) {
  const r = readXml(make());
  out[name] = { root: !!r.root, finding: r.findings[0]?.code, heapMB: Math.round(process.memoryUsage().heapUsed / 1e6) };
}
process.stdout.write(JSON.stringify(out));
`;

describe('memory', () => {
  it(`hostile ${INPUT_MIB} MiB documents are read with the heap capped at ${HEAP_MB} MB`, () => {
    const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', '--input-type=module', '-e', CHILD], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr.replace(/npm warn.*\n?/g, '').trim(), 'the child must not run out of memory').not.toMatch(/heap out of memory|Allocation failed/);
    expect(r.status).toBe(0);
    const results = JSON.parse(r.stdout) as Record<string, { root: boolean; finding?: string }>;
    expect(Object.keys(results)).toHaveLength(10);
    expect(results['billion laughs']!.finding).toBe('dtd');
    expect(results['nested 1M deep']!.root).toBe(false);
  }, 150_000);
});
