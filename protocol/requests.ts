/**
 * PullURIRequest and PullDocRequest: builders (what DigiLocker sends, in every namespace form of
 * C6; request-factory.ts signs them) and readers (what the reference issuer accepts). Bodies are built as strings so the exact
 * bytes that were signed are the bytes that are sent.
 */
import { NAMESPACES, type Format, type NamespaceForm } from './profiles.js';
import { child, escapeXml, readXml, type Finding, type XmlLimits, type XmlNode } from './xml.js';

/** The Pull APIs an issuer serves: what the request builders, the suite, fuzz and load speak. */
export type PullApi = 'pulluri' | 'pulldoc';
export const REQUEST_ROOT: Record<PullApi, string> = { pulluri: 'PullURIRequest', pulldoc: 'PullDocRequest' };
export const RESPONSE_ROOT: Record<PullApi, string> = { pulluri: 'PullURIResponse', pulldoc: 'PullDocResponse' };

export interface Envelope {
  ver: string;
  ts: string;
  txn: string;
  orgId: string;
  /** omitted from the body when undefined */
  keyhash?: string;
  /** omitted when undefined (profile 1.0, or the absent-format edge case) */
  format?: Format;
  namespace: NamespaceForm;
  /** unknown attributes DigiLocker has been seen to add, e.g. metadata="Y" */
  extraAttributes?: ReadonlyArray<readonly [string, string]>;
}

export interface PullUriDetails {
  docType?: string;
  digiLockerId?: string;
  uid?: string;
  fullName?: string;
  dob?: string;
  photo?: string;
  /** configured search elements, in order: [elementName, value] */
  search: ReadonlyArray<readonly [string, string]>;
  /** extra DocDetails elements after the search elements */
  extraElements?: ReadonlyArray<readonly [string, string]>;
}

export interface PullDocDetails {
  uri: string;
  digiLockerId?: string;
  uid?: string;
  fullName?: string;
  dob?: string;
  extraElements?: ReadonlyArray<readonly [string, string]>;
}

export interface BuildOptions {
  /** wraps every element value, e.g. "\n    " to mimic pretty-printed requests (§2.4) */
  pad?: string;
  /** attribute name for keyhash; `keyHash` is a robustness variant (C2) */
  keyhashAttribute?: string;
  // Legal variation (properties/fuzz): none of these changes what the document means in XML.
  /** root attributes named here come first, in this order; the others follow in the default order */
  attributeOrder?: readonly string[];
  /** the attribute quote character (default `"`) */
  quote?: '"' | "'";
  /** the whitespace between root attributes (default one space), e.g. "\n    " */
  attributeSpace?: string;
  /** pretty-printing: when set, each element starts on a new line indented by this unit per depth */
  indent?: string;
  /** the line break of pretty-printing (default "\n") */
  newline?: '\n' | '\r\n';
  /** the XML declaration: `standalone` (default, as DigiLocker sends it), `plain` (no standalone), `none` */
  declaration?: 'standalone' | 'plain' | 'none';
  /** DocDetails children named here come first, in this order; the others keep theirs */
  elementOrder?: readonly string[];
}

const DECLARATIONS = {
  standalone: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
  plain: '<?xml version="1.0" encoding="UTF-8"?>',
  none: '',
} as const;

/** `list` reordered so the names in `first` lead, in that order (a stable partition). */
function ordered<T extends readonly [string, unknown]>(list: readonly T[], first: readonly string[] | undefined): readonly T[] {
  if (!first || first.length === 0) return list;
  const rank = (name: string) => {
    const i = first.indexOf(name);
    return i < 0 ? first.length : i;
  };
  return list
    .map((item, i) => ({ item, i }))
    .sort((a, b) => rank(a.item[0]) - rank(b.item[0]) || a.i - b.i)
    .map((x) => x.item);
}

function lineBreak(options: BuildOptions, depth: number): string {
  return options.indent === undefined ? '' : (options.newline ?? '\n') + options.indent.repeat(depth);
}

function namespaceFor(kind: PullApi, form: NamespaceForm): string {
  const ns = NAMESPACES[form];
  if (!ns.uri) return '';
  const uri = kind === 'pulldoc' ? ns.uri.replace('pullurirequest', 'pulldocrequest') : ns.uri;
  return ns.prefix ? ` xmlns:${ns.prefix}="${uri}"` : ` xmlns="${uri}"`;
}

function openRoot(kind: PullApi, env: Envelope, options: BuildOptions): string {
  const attrs: Array<[string, string]> = [
    ['ver', env.ver],
    ['ts', env.ts],
    ['txn', env.txn],
    ['orgId', env.orgId],
  ];
  if (env.keyhash !== undefined) attrs.push([options.keyhashAttribute ?? 'keyhash', env.keyhash]);
  if (env.format !== undefined) attrs.push(['format', env.format]);
  for (const [k, v] of env.extraAttributes ?? []) attrs.push([k, v]);
  const q = options.quote ?? '"';
  const space = options.attributeSpace ?? ' ';
  const rendered = ordered(attrs, options.attributeOrder)
    .map(([k, v]) => `${space}${k}=${q}${escapeXml(v)}${q}`)
    .join('');
  const declaration = DECLARATIONS[options.declaration ?? 'standalone'];
  // pretty-printing puts the root on its own line after the declaration
  const beforeRoot = declaration === '' ? '' : lineBreak(options, 0);
  return `${declaration}${beforeRoot}<${REQUEST_ROOT[kind]}${namespaceFor(kind, env.namespace)}${rendered}>`;
}

type Element = readonly [string, string | undefined];

/** DocDetails and its children, in order, pretty-printed when `options.indent` is set. */
function docDetails(kind: PullApi, children: Element[], options: BuildOptions): string {
  const pad = options.pad ?? '';
  let inner = '';
  for (const [name, value] of ordered(children, options.elementOrder)) {
    if (value !== undefined) inner += `${lineBreak(options, 2)}<${name}>${pad}${escapeXml(value)}${pad}</${name}>`;
  }
  return `${lineBreak(options, 1)}<DocDetails>${inner}${lineBreak(options, 1)}</DocDetails>${lineBreak(options, 0)}</${REQUEST_ROOT[kind]}>`;
}

export function buildPullUriRequest(env: Envelope, details: PullUriDetails, options: BuildOptions = {}): string {
  const children: Element[] = [
    ['DocType', details.docType],
    ['DigiLockerId', details.digiLockerId],
    ['UID', details.uid],
    ['FullName', details.fullName],
    ['DOB', details.dob],
    ['Photo', details.photo],
    ...details.search,
    ...(details.extraElements ?? []),
  ];
  return openRoot('pulluri', env, options) + docDetails('pulluri', children, options);
}

export function buildPullDocRequest(env: Envelope, details: PullDocDetails, options: BuildOptions = {}): string {
  const children: Element[] = [
    ['URI', details.uri],
    ['DigiLockerId', details.digiLockerId],
    ['UID', details.uid],
    ['FullName', details.fullName],
    ['DOB', details.dob],
    ...(details.extraElements ?? []),
  ];
  return openRoot('pulldoc', env, options) + docDetails('pulldoc', children, options);
}

// ---------------------------------------------------------------- reading (issuer side)

export interface ReceivedRequest {
  kind: PullApi;
  attrs: Record<string, string>;
  /** DocDetails children by local name, values trimmed; first occurrence wins */
  details: Record<string, string>;
  /** DocDetails children in document order, values trimmed */
  detailList: Array<[string, string]>;
  /** the spelling of the keyhash attribute as received (keyhash, keyHash, KeyHash), when present */
  keyhashAttribute?: string;
}

export interface ReadRequestResult {
  request?: ReceivedRequest;
  findings: Finding[];
}

function readDetails(node: XmlNode | undefined): Array<[string, string]> {
  return (node?.children ?? []).map((c) => [c.name, c.text.trim()] as [string, string]);
}

/** Reads a Pull URI or Pull Doc request by local names; the root decides the kind. */
export function readRequest(text: string, limits?: XmlLimits): ReadRequestResult {
  const { root, findings } = readXml(text, limits);
  if (!root) return { findings };
  const kind = (Object.keys(REQUEST_ROOT) as PullApi[]).find((k) => REQUEST_ROOT[k] === root.name);
  if (!kind) {
    return { findings: [...findings, { code: 'wrong-root', severity: 'error', message: `root element ${root.name} is neither PullURIRequest nor PullDocRequest` }] };
  }
  const detailList = readDetails(child(root, 'DocDetails'));
  const details: Record<string, string> = {};
  for (const [k, v] of detailList) if (!(k in details)) details[k] = v;
  const keyhashAttribute = Object.keys(root.attrs).find((a) => a.toLowerCase() === 'keyhash');
  return { request: { kind, attrs: root.attrs, details, detailList, keyhashAttribute }, findings };
}
