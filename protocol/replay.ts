/**
 * Replay: a request body someone else wrote (a spec example, a request DigiLocker sent an issuer
 * in production) sent again with only what must change changed: ts, txn, orgId and keyhash on the
 * root, and the DocDetails values that name a document (search values, URI, DigiLockerId,
 * identity) set to the configured document's. Everything else stays byte for byte: the
 * declaration, the namespace, attribute order and quotes, padding and line breaks.
 *
 * How the bytes are kept: fast-xml-parser's builder would re-serialise the document in its own
 * form, so the rewrite does not rebuild the document. The hardened reader (requests.ts, xml.ts)
 * decides what the document is; a scan of the markup then finds where each of those values is in
 * the original text, checks it found the same values the reader did, and swaps only the value
 * text (and, for a search element mapped to another configured name, the name in its tags). The
 * result is read again and must differ from the original in exactly the intended values, or the
 * rewrite is refused. The scan never decides structure: anything it cannot line up with the
 * reader's tree (a comment or CDATA inside a value, a nested element) is an error, not a guess.
 */
import { readRequest, type PullApi, type ReceivedRequest } from './requests.js';
import { decodeEntities, escapeXml } from './xml.js';

/** DocDetails elements that are not search elements: everything else a Pull URI carries is a search value. */
export const KNOWN_DETAIL_ELEMENTS: ReadonlySet<string> = new Set(['DocType', 'DigiLockerId', 'UID', 'FullName', 'DOB', 'Photo', 'URI']);

/** What a rewrite changes. Only attributes the body has are set; nothing is added to the root. */
export interface RequestRewrite {
  /** root attributes by local name: the new value */
  attributes?: Readonly<Record<string, string>>;
  /** DocDetails children by position: the new [name, value], or null to remove the element */
  details?: ReadonlyMap<number, readonly [string, string] | null>;
  /** elements added after the child at `after`, formatted as that child is (its indentation, padding) */
  insert?: { after: number; elements: ReadonlyArray<readonly [string, string]> };
}

/** One value a rewrite changed: where (`@ts`, `DocDetails/rollno`), what it was, what it became. */
export interface Replaced {
  where: string;
  from: string;
  to: string;
}

export type RewriteResult = { ok: true; body: string; kind: PullApi; replaced: Replaced[] } | { ok: false; error: string };

interface Tag {
  qname: string;
  /** offset of the name in the text */
  nameAt: number;
  start: number;
  end: number;
  attrs: string;
  attrsAt: number;
  selfClosing: boolean;
}

interface LocatedChild {
  open: Tag;
  /** the end tag: its name offset and its end; undefined for an empty-element tag */
  close?: { nameAt: number; start: number; end: number };
}

interface Located {
  root: Tag;
  details?: Tag;
  children: LocatedChild[];
}

/** Markup of a request: comments, CDATA, declarations and PIs are stepped over; tags are taken with their quoted attributes. */
const MARKUP = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<\/([^\s>]+)\s*>|<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
const ATTRIBUTE = /(\s+)([^\s=/>]+)(\s*=\s*)(?:"([^"]*)"|'([^']*)')/g;

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);
const prefixOf = (qname: string) => qname.slice(0, qname.indexOf(':') + 1);

/** Where the root, DocDetails and DocDetails' children are in the text (depth-tracked, no interpretation). */
function locate(text: string): Located | string {
  let depth = 0;
  let root: Tag | undefined;
  let details: Tag | undefined;
  let inDetails = false;
  const children: LocatedChild[] = [];
  const open: Array<{ tag: Tag; child?: LocatedChild }> = [];
  for (const m of text.matchAll(MARKUP)) {
    const at = m.index;
    if (m[1] !== undefined) {
      const top = open.pop();
      depth--;
      if (!top || top.tag.qname !== m[1]) return `end tag </${m[1]}> at offset ${at} does not close the element the reader saw`;
      if (top.child) top.child.close = { nameAt: at + 2, start: at, end: at + m[0].length };
      if (top.tag === details) inDetails = false;
      continue;
    }
    if (m[2] === undefined) continue;
    const tag: Tag = { qname: m[2], nameAt: at + 1, start: at, end: at + m[0].length, attrs: m[3] ?? '', attrsAt: at + 1 + m[2].length, selfClosing: m[4] === '/' };
    let child: LocatedChild | undefined;
    if (depth === 0 && !root) root = tag;
    else if (depth === 1 && !details && localName(tag.qname) === 'DocDetails') {
      details = tag;
      inDetails = !tag.selfClosing;
    } else if (depth === 2 && inDetails) {
      child = { open: tag };
      children.push(child);
    }
    if (!tag.selfClosing) {
      open.push({ tag, child });
      depth++;
    }
  }
  if (!root) return 'no root element found';
  return { root, details, children };
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** The value text of a located child: its span inside the tags, and the padding around the value. */
function valueSpan(text: string, c: LocatedChild): { start: number; end: number; lead: string; trail: string; core: string } {
  if (!c.close) return { start: c.open.end, end: c.open.end, lead: '', trail: '', core: '' };
  const inner = text.slice(c.open.end, c.close.start);
  const lead = /^\s*/.exec(inner)![0];
  const trail = inner.length === lead.length ? '' : /\s*$/.exec(inner)![0];
  return { start: c.open.end + lead.length, end: c.close.start - trail.length, lead, trail, core: inner.slice(lead.length, inner.length - trail.length) };
}

function childEnd(c: LocatedChild): number {
  return c.close ? c.close.end : c.open.end;
}

/**
 * The DocDetails values as the text writes them, by element name: a captured body's values are
 * personal in the form they are sent too (a character reference the redactor has no form for).
 */
export function writtenDetailValues(text: string): Array<[string, string]> {
  const located = locate(text);
  if (typeof located === 'string') return [];
  return located.children.map((c) => [localName(c.open.qname), valueSpan(text, c).core]);
}

/** Rewrites `text` (a Pull request) as `rewrite` says, keeping every other byte; refuses what it cannot line up. */
export function rewriteRequest(text: string, rewrite: RequestRewrite): RewriteResult {
  try {
    return applyRewrite(text, rewrite);
  } catch (err) {
    if (err instanceof RewriteError) return { ok: false, error: err.message };
    throw err;
  }
}

function applyRewrite(text: string, rewrite: RequestRewrite): RewriteResult {
  const { request, findings } = readRequest(text);
  if (!request) return { ok: false, error: `not a readable Pull request: ${findings.map((f) => f.message).join('; ') || 'no root'}` };
  const located = locate(text);
  if (typeof located === 'string') return { ok: false, error: located };
  const { root, details, children } = located;
  if (children.length !== request.detailList.length || children.some((c, i) => localName(c.open.qname) !== request.detailList[i]![0])) {
    return { ok: false, error: 'the DocDetails elements found in the text are not the ones the XML reader saw' };
  }

  const edits: Edit[] = [];
  const replaced: Replaced[] = [];
  const expectedAttrs: Record<string, string> = { ...request.attrs };
  for (const a of root.attrs.matchAll(ATTRIBUTE)) {
    const name = localName(a[2]!);
    if (a[2]!.startsWith('xmlns') || !rewrite.attributes || !Object.hasOwn(rewrite.attributes, name)) continue;
    const raw = a[4] ?? a[5] ?? '';
    if (decodeEntities(raw) !== request.attrs[name]) return { ok: false, error: `the ${name} attribute found in the text is not the one the XML reader saw` };
    const to = rewrite.attributes[name]!;
    const valueAt = root.attrsAt + a.index + a[1]!.length + a[2]!.length + a[3]!.length + 1;
    edits.push({ start: valueAt, end: valueAt + raw.length, text: escapeXml(to) });
    replaced.push({ where: `@${name}`, from: request.attrs[name]!, to });
    expectedAttrs[name] = to;
  }

  const expectedDetails: Array<[string, string]> = [];
  children.forEach((c, i) => {
    const [name, value] = request.detailList[i]!;
    const span = valueSpan(text, c);
    if (c.close && text.slice(c.open.end, c.close.start).includes('<')) {
      if (rewrite.details?.has(i)) throw new RewriteError(`DocDetails/${name} holds markup (a comment, CDATA or an element): its value is not replaced`);
    } else if (decodeEntities(span.core) !== value) throw new RewriteError(`the value of DocDetails/${name} found in the text is not the one the XML reader saw`);
    const change = rewrite.details?.get(i);
    if (change === null) {
      const previousEnd = i === 0 ? details!.end : childEnd(children[i - 1]!);
      edits.push({ start: previousEnd, end: childEnd(c), text: '' });
      replaced.push({ where: `DocDetails/${name}`, from: value, to: '(removed)' });
    } else if (change) {
      const [newName, newValue] = change;
      const prefix = prefixOf(c.open.qname);
      if (newName !== name) {
        edits.push({ start: c.open.nameAt, end: c.open.nameAt + c.open.qname.length, text: prefix + newName });
        if (c.close) edits.push({ start: c.close.nameAt, end: c.close.nameAt + c.open.qname.length, text: prefix + newName });
      }
      if (c.close) edits.push({ start: span.start, end: span.end, text: escapeXml(newValue) });
      else if (newValue !== '') {
        // an empty-element tag <X/> given a value becomes <X>value</X>
        edits.push({ start: c.open.start, end: c.open.end, text: `<${prefix}${newName}${c.open.attrs}>${escapeXml(newValue)}</${prefix}${newName}>` });
      }
      replaced.push({ where: `DocDetails/${name}${newName !== name ? ` → ${newName}` : ''}`, from: value, to: newValue });
      expectedDetails.push([newName, newValue]);
    } else expectedDetails.push([name, value]);
    if (rewrite.insert && rewrite.insert.after === i) {
      const previousEnd = i === 0 ? details!.end : childEnd(children[i - 1]!);
      const separator = text.slice(previousEnd, c.open.start);
      const prefix = prefixOf(c.open.qname);
      const inserted = rewrite.insert.elements.map(([n, v]) => `${separator}<${prefix}${n}>${span.lead}${escapeXml(v)}${span.trail}</${prefix}${n}>`).join('');
      edits.push({ start: childEnd(c), end: childEnd(c), text: inserted });
      for (const [n, v] of rewrite.insert.elements) {
        replaced.push({ where: `DocDetails/${n}`, from: '(added)', to: v });
        expectedDetails.push([n, v]);
      }
    }
  });

  edits.sort((a, b) => b.start - a.start || b.end - a.end);
  let body = text;
  for (const e of edits) body = body.slice(0, e.start) + e.text + body.slice(e.end);

  // the proof: read again, only the intended values differ
  const again = readRequest(body).request;
  if (!again || again.kind !== request.kind) return { ok: false, error: 'the rewritten body is no longer a readable Pull request' };
  const attrsMatch = JSON.stringify(sorted(again.attrs)) === JSON.stringify(sorted(expectedAttrs));
  const detailsMatch = JSON.stringify(again.detailList) === JSON.stringify(expectedDetails.map(([n, v]) => [n, v.trim()]));
  if (!attrsMatch || !detailsMatch) return { ok: false, error: `the rewritten body differs from the original in more than the intended values (${attrsMatch ? 'DocDetails' : 'root attributes'})` };
  return { ok: true, body, kind: request.kind, replaced };
}

class RewriteError extends Error {}

function sorted(record: Record<string, string>): Array<[string, string]> {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// ---------------------------------------------------------------- what replay substitutes

/** The values of the configured document a replayed request carries instead of the original's. */
export interface ReplayValues {
  ts: string;
  txn: string;
  orgId: string;
  /** set where the body has a keyhash attribute (any spelling) */
  keyhash?: string;
  docType?: string;
  /** Pull URI: the configured search names and values, in order */
  search: ReadonlyArray<readonly [string, string]>;
  uri?: string;
  digiLockerId?: string;
  /** identity values by DocDetails element name (UID, FullName, DOB, Photo); an element without a value is removed */
  identity: Readonly<Partial<Record<'UID' | 'FullName' | 'DOB' | 'Photo', string>>>;
  /** only the root's ts, txn, orgId and keyhash change: the body's own DocDetails are sent (a captured request expected refused) */
  keepDocument?: boolean;
}

const IDENTITY_ELEMENTS = new Set(['UID', 'FullName', 'DOB', 'Photo']);

/**
 * The rewrite that puts `values` into `request`: root ts, txn, orgId, keyhash; DocType, URI,
 * DigiLockerId and identity elements where the body has them (identity without a configured value
 * is removed); the body's search elements (every other element of a Pull URI) become the
 * configured search elements in order: renamed and re-valued in place, extra ones removed, missing
 * ones added after the last, formatted like it.
 */
export function replayRewrite(request: ReceivedRequest, values: ReplayValues): RequestRewrite {
  const attributes: Record<string, string> = { ts: values.ts, txn: values.txn, orgId: values.orgId };
  if (request.keyhashAttribute && values.keyhash !== undefined) attributes[request.keyhashAttribute] = values.keyhash;
  if (values.keepDocument) return { attributes };
  const details = new Map<number, readonly [string, string] | null>();
  const searchAt: number[] = [];
  request.detailList.forEach(([name], i) => {
    if (name === 'DocType' && values.docType !== undefined) details.set(i, [name, values.docType]);
    else if (name === 'URI' && values.uri !== undefined) details.set(i, [name, values.uri]);
    else if (name === 'DigiLockerId' && values.digiLockerId !== undefined) details.set(i, [name, values.digiLockerId]);
    else if (IDENTITY_ELEMENTS.has(name)) {
      const v = values.identity[name as keyof ReplayValues['identity']];
      details.set(i, v === undefined ? null : [name, v]);
    } else if (request.kind === 'pulluri' && !KNOWN_DETAIL_ELEMENTS.has(name)) searchAt.push(i);
  });
  if (request.kind !== 'pulluri') return { attributes, details };
  searchAt.forEach((at, k) => {
    const wanted = values.search[k];
    details.set(at, wanted ? [wanted[0], wanted[1]] : null);
  });
  const missing = values.search.slice(searchAt.length);
  const last = searchAt.length > 0 ? searchAt[searchAt.length - 1]! : request.detailList.length - 1;
  return { attributes, details, ...(missing.length > 0 && last >= 0 && { insert: { after: last, elements: missing } }) };
}
