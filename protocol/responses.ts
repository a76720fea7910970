/**
 * PullURIResponse and PullDocResponse: builders (the reference issuer) and readers (the checks).
 * Readers match by local name, keep raw attribute values (ts and txn are compared byte for byte)
 * and report structure problems as findings instead of throwing.
 */
import { REQUEST_ROOT, RESPONSE_ROOT, type PullApi } from './requests.js';
import { readXmlBytes } from './body.js';
import type { Base64Text } from './bytes.js';
import { child, childIgnoringCase, childrenNamed, escapeXml, readXml, type Finding, type XmlLimits, type XmlNode, type XmlReadResult } from './xml.js';

export type Status = '0' | '1' | '9';

export interface Person {
  name: string;
  dob: string;
  gender: string;
  phone: string;
  photo?: { format: string; content: string };
}

export interface ResponseFields {
  status: Status;
  ts: string;
  txn: string;
  /** repeat the status as element text, as the templates do (C12) */
  statusText?: string;
  /** DocDetails content; omitted entirely when undefined */
  docDetails?: {
    /** elements echoed before the URI (search parameters in 1.0, DocType etc. in 3.0) */
    echo?: ReadonlyArray<readonly [string, string]>;
    issuedTo?: readonly Person[];
    uri?: string;
    docContent?: string;
    dataContent?: string;
  };
}

const ROOT_NS = ' xmlns:ns2="http://tempuri.org/"';

function renderPerson(p: Person): string {
  const attrs = `name="${escapeXml(p.name)}" dob="${escapeXml(p.dob)}" gender="${escapeXml(p.gender)}" phone="${escapeXml(p.phone)}"`;
  if (!p.photo) return `<Person ${attrs}/>`;
  return `<Person ${attrs}><Photo format="${escapeXml(p.photo.format)}">${p.photo.content}</Photo></Person>`;
}

/** Builds a response document. `rootName` lets fault switches send a wrong root. */
export function buildResponse(kind: PullApi, fields: ResponseFields, rootName = RESPONSE_ROOT[kind]): string {
  const text = fields.statusText === undefined ? '' : escapeXml(fields.statusText);
  let out = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><${rootName}${ROOT_NS}>`;
  out += `<ResponseStatus Status="${fields.status}" ts="${escapeXml(fields.ts)}" txn="${escapeXml(fields.txn)}">${text}</ResponseStatus>`;
  const d = fields.docDetails;
  if (d) {
    out += '<DocDetails>';
    for (const [name, value] of d.echo ?? []) out += `<${name}>${escapeXml(value)}</${name}>`;
    if (d.issuedTo) out += `<IssuedTo><Persons>${d.issuedTo.map(renderPerson).join('')}</Persons></IssuedTo>`;
    if (d.uri !== undefined) out += `<URI>${escapeXml(d.uri)}</URI>`;
    if (d.docContent !== undefined) out += `<DocContent>${d.docContent}</DocContent>`;
    if (d.dataContent !== undefined) out += `<DataContent>${d.dataContent}</DataContent>`;
    out += '</DocDetails>';
  }
  return `${out}</${rootName}>`;
}

// ---------------------------------------------------------------- reading (harness side)

export interface ReadPerson {
  attrs: Record<string, string>;
  photo?: { format?: string; content: string };
}

export interface ParsedResponse {
  kind: PullApi;
  rootName?: string;
  /** ResponseStatus attributes, raw */
  status?: string;
  ts?: string;
  txn?: string;
  /** ResponseStatus text, trimmed; undefined when the element has no text */
  statusText?: string;
  docDetails?: XmlNode;
  uri?: string;
  /**
   * raw (untrimmed) element text; undefined when the element is absent. When the response was
   * read from its bytes and the content was a large run, these decode it on each access: read
   * contentOf() instead, which gives the bytes (`docContentBytes`, `dataContentBytes`).
   */
  docContent?: string;
  dataContent?: string;
  docContentBytes?: Uint8Array;
  dataContentBytes?: Uint8Array;
  persons?: ReadPerson[];
  findings: Finding[];
}

function readPersons(docDetails: XmlNode): ReadPerson[] | undefined {
  const issuedTo = child(docDetails, 'IssuedTo');
  if (!issuedTo) return undefined;
  return childrenNamed(child(issuedTo, 'Persons'), 'Person').map((p) => {
    const photo = child(p, 'Photo');
    return { attrs: p.attrs, photo: photo ? { format: photo.attrs.format, content: photo.text } : undefined };
  });
}

/** DocContent or DataContent as held: the bytes of a large run, else the string. */
export function contentOf(p: ParsedResponse | undefined, element: 'DocContent' | 'DataContent'): Base64Text | undefined {
  if (!p) return undefined;
  return element === 'DocContent' ? (p.docContentBytes ?? p.docContent) : (p.dataContentBytes ?? p.dataContent);
}

/** Reads a Pull URI / Pull Doc response; never throws. */
export function readResponse(kind: PullApi, text: string, limits?: XmlLimits): ParsedResponse {
  return responseFrom(kind, readXml(text, limits));
}

/**
 * readResponse for a body held as bytes (valid UTF-8): large base64 content stays bytes
 * (docContentBytes, dataContentBytes) instead of becoming a string; see body.ts.
 */
export function readResponseBytes(kind: PullApi, bytes: Uint8Array, limits?: XmlLimits, minRun?: number): ParsedResponse {
  return responseFrom(kind, readXmlBytes(bytes, limits, minRun));
}

function responseFrom(kind: PullApi, { root, findings }: XmlReadResult): ParsedResponse {
  const out: ParsedResponse = { kind, findings: [...findings] };
  if (!root) return out;
  out.rootName = root.name;
  if (root.name !== RESPONSE_ROOT[kind]) {
    out.findings.push({ code: 'wrong-root', severity: 'error', message: `root element is ${root.name}, expected ${RESPONSE_ROOT[kind]}` });
    if (root.name === REQUEST_ROOT[kind]) out.findings.push({ code: 'request-echoed', severity: 'error', message: 'the response is the request echoed back' });
  }
  const rs = child(root, 'ResponseStatus');
  if (!rs) out.findings.push({ code: 'no-response-status', severity: 'error', message: 'no ResponseStatus element' });
  else {
    out.status = rs.attrs.Status;
    out.ts = rs.attrs.ts;
    out.txn = rs.attrs.txn;
    const trimmed = rs.text.trim();
    out.statusText = trimmed === '' ? undefined : trimmed;
    if (out.status === undefined) out.findings.push({ code: 'no-status-attribute', severity: 'error', message: 'ResponseStatus has no Status attribute' });
  }
  const dd = child(root, 'DocDetails');
  if (dd) {
    out.docDetails = dd;
    out.uri = child(dd, 'URI')?.text.trim();
    setContent(out, 'docContent', 'docContentBytes', child(dd, 'DocContent'));
    setContent(out, 'dataContent', 'dataContentBytes', child(dd, 'DataContent'));
    out.persons = readPersons(dd);
    for (const name of ['DocContent', 'DataContent', 'URI']) {
      const near = childIgnoringCase(dd, name);
      if (near && near.name !== name) out.findings.push({ code: 'element-case', severity: 'warning', message: `element <${near.name}> should be <${name}>` });
    }
  }
  return out;
}

function setContent(out: ParsedResponse, field: 'docContent' | 'dataContent', bytesField: 'docContentBytes' | 'dataContentBytes', node: XmlNode | undefined): void {
  if (!node) return;
  if (!node.bytes) {
    out[field] = node.text;
    return;
  }
  out[bytesField] = node.bytes;
  Object.defineProperty(out, field, { enumerable: false, configurable: true, get: () => node.text });
}
