/**
 * Content by format (C5, C9) and what the content is: DocContent base64 of a PDF, DataContent
 * base64 of well-formed XML with a Certificate root (C16), no whitespace inside base64.
 *
 * Large documents: a 20 MB PDF is 27 MB of base64, held as bytes (a view into the body, see
 * protocol/body.ts and contentOf). Each content value is scanned once per exchange (validity,
 * whitespace, length: no decoding), and the PDF check decodes only the windows it reads (header,
 * tail, the xref table and trailer), never the whole document.
 */
import { clauseFor } from '../../protocol/clauses.js';
import {
  base64Reader,
  compactBase64,
  decodeBase64Range,
  inspectBase64,
  inspectPdf,
  scanBase64,
  textHead,
  utf8DecodeStrict,
  type Base64Inspection,
  type Base64Scan,
  type Base64Text,
} from '../../protocol/bytes.js';
import { contentOf } from '../../protocol/responses.js';
import { readCertificateXml } from '../../protocol/certificate.js';
import type { ContentRule, FormatKey } from '../../protocol/profiles.js';
import { fail, pass, skip, warn, type Check, type Outcome } from '../check.js';
import type { RunContext, SentExchange } from '../context.js';
import type { PullApi } from '../../core/types.js';
import { isBlank, isOutcome, needParsed, needSuccess } from './judge.js';

export type Element = 'DocContent' | 'DataContent';

function rulesFor(ctx: RunContext, format: FormatKey): Record<Element, ContentRule> {
  const rules = ctx.profile.content[format];
  const out: Record<Element, ContentRule> = { DocContent: rules.docContent, DataContent: rules.dataContent };
  const expectAbsent = ctx.config.expect?.formatAbsent;
  if (format === 'absent' && expectAbsent && expectAbsent !== 'any') {
    out.DocContent = expectAbsent === 'pdf' ? 'must' : 'may';
    out.DataContent = expectAbsent === 'xml' ? 'must' : 'may';
    if (expectAbsent === 'none') out.DocContent = out.DataContent = 'should-not';
  } else if (format === 'absent' && expectAbsent === 'any') {
    out.DocContent = out.DataContent = 'may';
  }
  return out;
}

function formatCheck(api: PullApi, format: FormatKey): Check {
  return {
    id: `${api}.content.format-${format}`,
    api,
    section: 'content',
    title: format === 'absent' ? 'without a format attribute the default content is sent' : `format="${format}" gets the content it asks for`,
    clause: clauseFor(api, format === 'absent' ? 'format-absent' : format === 'xml' ? 'datacontent-format' : 'doccontent-format'),
    level: format === 'absent' ? 'SHOULD' : undefined,
    notApplicable: (ctx) => (ctx.profile.formats.includes(format) ? undefined : `profile ${ctx.profile.id} sends no format attribute`),
    async run(ctx) {
      // judged only when the plain request works: otherwise the failure is status-1's, not the format's
      const pre = needSuccess(await ctx.baseline(api), api);
      if (pre) return pre;
      const ex = await ctx.withFormat(api, format);
      const unusable = needParsed(ex, true);
      if (unusable) return unusable;
      if (ex.parsed!.status !== '1') return fail(`no document for format ${format}`, { expected: 'Status="1"', actual: `Status="${ex.parsed!.status}"` }, [ex]);
      if (format === 'absent' && ctx.profile.sendsFormat && !ctx.config.expect?.formatAbsent) return judgeEitherDefault(ex);
      const rules = rulesFor(ctx, format);
      const failures: string[] = [];
      const warnings: string[] = [];
      for (const element of ['DocContent', 'DataContent'] as Element[]) {
        const value = contentOf(ex.parsed, element);
        const rule = rules[element];
        const present = !isBlank(value);
        if (rule === 'must' && !present) failures.push(`${element} ${value === undefined ? 'is missing' : 'is empty'}`);
        if (rule === 'should' && !present) warnings.push(`${element} ${value === undefined ? 'is missing' : 'is empty'}`);
        if (rule === 'should-not' && present) warnings.push(`${element} is sent although format=${format} did not ask for it`);
      }
      const expected = `DocContent ${rules.DocContent}, DataContent ${rules.DataContent}`;
      const actual = `DocContent ${isBlank(contentOf(ex.parsed, 'DocContent')) ? 'absent' : 'present'}, DataContent ${isBlank(contentOf(ex.parsed, 'DataContent')) ? 'absent' : 'present'}`;
      if (failures.length) return fail(failures.join('; '), { expected, actual }, [ex]);
      if (warnings.length) return warn(warnings.join('; '), { expected, actual }, [ex]);
      return pass(actual, [ex]);
    },
  };
}

/**
 * `format` absent where the profile sends it: the OpenAPI says PDF ("the API must return Base64
 * encoded PDF data"), SPEC-1.13 says xml ("xml (default value)"), and neither is the newer word on
 * the other's profile (C5). An issuer following either default conforms to a spec; sending
 * neither conforms to none, a warning at this clause's level.
 */
function judgeEitherDefault(ex: SentExchange): Outcome {
  const doc = !isBlank(contentOf(ex.parsed, 'DocContent'));
  const data = !isBlank(contentOf(ex.parsed, 'DataContent'));
  const actual = `DocContent ${doc ? 'present' : 'absent'}, DataContent ${data ? 'present' : 'absent'}`;
  const expected = "DocContent (the OpenAPI's PDF default) or DataContent (SPEC-1.13's xml default)";
  if (!doc && !data) return warn('neither DocContent nor DataContent is sent: the specs disagree on the default, but each names one', { expected, actual }, [ex]);
  const which = doc && data ? 'both defaults' : doc ? "the OpenAPI's PDF default" : "SPEC-1.13's xml default";
  return pass(`${actual} (${which})`, [ex]);
}

/** The content element of the baseline (format both, or absent in 1.0), or a skip when absent. */
export async function baselineContent(ctx: RunContext, api: PullApi, element: Element): Promise<{ ex: SentExchange; value: Base64Text } | Outcome> {
  const ex = await ctx.baseline(api);
  const pre = needSuccess(ex, api);
  if (pre) return pre;
  const value = contentOf(ex.parsed, element);
  if (isBlank(value)) return skip(`no ${element} in the response (presence is judged by the format checks)`, [ex]);
  return { ex, value: value! };
}

/** One scan per exchange and element: several checks judge the same (possibly 27 MB) value. */
const scans = new WeakMap<SentExchange, Map<string, Base64Scan>>();
export function scanOf(ex: SentExchange, element: Element, value: Base64Text): Base64Scan {
  let perExchange = scans.get(ex);
  if (!perExchange) {
    perExchange = new Map();
    scans.set(ex, perExchange);
  }
  let scan = perExchange.get(element);
  if (!scan) {
    scan = scanBase64(value);
    perExchange.set(element, scan);
  }
  return scan;
}

/** DataContent decoded once per exchange (it is small; the certificate checks both need it). */
const decodedData = new WeakMap<SentExchange, { b64: Base64Inspection; text?: string }>();
export function dataOf(ex: SentExchange, value: Base64Text): { b64: Base64Inspection; text?: string } {
  let d = decodedData.get(ex);
  if (!d) {
    const b64 = inspectBase64(value);
    d = { b64, text: b64.valid ? utf8DecodeStrict(b64.bytes!) : undefined };
    decodedData.set(ex, d);
  }
  return d;
}

function base64Check(api: PullApi, element: Element): Check {
  return {
    id: `${api}.content.${element.toLowerCase()}-base64`,
    api,
    section: 'content',
    title: `${element} is valid base64`,
    clause: clauseFor(api, 'base64-valid'),
    async run(ctx) {
      const got = await baselineContent(ctx, api, element);
      if (isOutcome(got)) return got;
      const b64 = scanOf(got.ex, element, got.value);
      return b64.valid
        ? pass(`${element}: ${b64.byteLength} bytes of base64`, [got.ex])
        : fail(`${element} is not base64: ${b64.problem}`, { expected: 'RFC 4648 base64', actual: textHead(got.value, 60) }, [got.ex]);
    },
  };
}

export function contentChecks(api: PullApi): Check[] {
  return [
    ...(['pdf', 'xml', 'both', 'absent'] as FormatKey[]).map((f) => formatCheck(api, f)),
    base64Check(api, 'DocContent'),
    {
      id: `${api}.content.doccontent-pdf`,
      api,
      section: 'content',
      title: 'DocContent decodes to a PDF (%PDF- in the first 1024 bytes, %%EOF in the last)',
      clause: clauseFor(api, 'doccontent-pdf'),
      async run(ctx) {
        const got = await baselineContent(ctx, api, 'DocContent');
        if (isOutcome(got)) return got;
        const b64 = scanOf(got.ex, 'DocContent', got.value);
        if (!b64.valid) return skip(`DocContent is not base64; see ${api}.content.doccontent-base64`, [got.ex]);
        // decode only what the structure check reads; a copy without whitespace only if it has some
        const compact = b64.hadWhitespace ? compactBase64(got.value) : got.value;
        const size = b64.byteLength;
        const pdf = inspectPdf(size, base64Reader(compact));
        if (!pdf.header) {
          const head = Buffer.from(decodeBase64Range(compact, 0, 8))
            .toString('latin1')
            .replace(/[^\x20-\x7e]/g, '.');
          return fail('DocContent is not a PDF', { expected: '%PDF- within the first 1024 bytes', actual: JSON.stringify(head) }, [got.ex]);
        }
        if (!pdf.eof) return fail('DocContent PDF is truncated: no %%EOF at the end', { expected: '%%EOF', actual: `${size} bytes without %%EOF` }, [got.ex]);
        // damage to startxref, xref or trailer is what every viewer repairs: a warning, naming it
        if (pdf.problem) {
          return warn(
            `DocContent PDF of ${size} bytes is damaged: ${pdf.problem}`,
            { expected: 'startxref pointing at an xref table followed by a trailer with /Root (or at a cross-reference stream)', actual: pdf.problem },
            [got.ex],
          );
        }
        return pass(`PDF of ${size} bytes (${pdf.header}, xref ${pdf.xref}, trailer with /Root)`, [got.ex]);
      },
    },
    base64Check(api, 'DataContent'),
    {
      id: `${api}.content.datacontent-xml`,
      api,
      section: 'content',
      title: 'DataContent decodes to well-formed XML',
      clause: clauseFor(api, 'datacontent-xml'),
      async run(ctx) {
        const got = await baselineContent(ctx, api, 'DataContent');
        if (isOutcome(got)) return got;
        const { b64, text } = dataOf(got.ex, got.value);
        if (!b64.valid) return skip(`DataContent is not base64; see ${api}.content.datacontent-base64`, [got.ex]);
        if (text === undefined) return fail('decoded DataContent is not UTF-8', { expected: 'UTF-8 XML' }, [got.ex]);
        const cert = readCertificateXml(text);
        if (!cert.root) return fail(`decoded DataContent is not XML: ${cert.findings[0]?.message}`, { expected: 'well-formed XML', actual: text.slice(0, 80) }, [got.ex]);
        return pass(`XML with root ${cert.root.name}`, [got.ex]);
      },
    },
    {
      id: `${api}.content.certificate-root`,
      api,
      section: 'content',
      title: 'the certificate XML has root Certificate with IssuedBy, IssuedTo, CertificateData',
      clause: 'certificate-root',
      async run(ctx) {
        const got = await baselineContent(ctx, api, 'DataContent');
        if (isOutcome(got)) return got;
        const { text } = dataOf(got.ex, got.value);
        const cert = text === undefined ? undefined : readCertificateXml(text);
        if (!cert?.root) return skip(`DataContent is not base64 XML; see ${api}.content.datacontent-xml`, [got.ex]);
        const shape = cert.findings.filter((f) => f.code.startsWith('certificate'));
        return shape.length === 0
          ? pass('Certificate root with IssuedBy, IssuedTo, CertificateData', [got.ex])
          : fail(shape.map((f) => f.message).join('; '), { expected: '<Certificate><IssuedBy/><IssuedTo/><CertificateData/></Certificate>', actual: `<${cert.root.name}>` }, [got.ex]);
      },
    },
    {
      id: `${api}.content.base64-clean`,
      api,
      section: 'content',
      title: 'base64 content has no line breaks or other whitespace',
      clause: 'base64-clean',
      async run(ctx) {
        const ex = await ctx.baseline(api);
        const pre = needSuccess(ex, api);
        if (pre) return pre;
        const judged: string[] = [];
        const dirty: string[] = [];
        for (const name of ['DocContent', 'DataContent'] as const) {
          const value = contentOf(ex.parsed, name);
          if (isBlank(value)) continue;
          const b64 = scanOf(ex, name, value!);
          if (!b64.valid) continue;
          judged.push(name);
          if (b64.hadWhitespace) dirty.push(name);
        }
        if (judged.length === 0) return skip('no valid base64 content to judge', [ex]);
        return dirty.length === 0
          ? pass(`${judged.join(' and ')} without whitespace`, [ex])
          : fail(`${dirty.join(' and ')} contain whitespace (line breaks?)`, { expected: 'one unbroken base64 string', actual: 'whitespace inside the value' }, [ex]);
      },
    },
  ];
}
