/**
 * The document URI grammar `IssuerId-DocType-DocId` (facts §1.6, items 38–41) with the lenient
 * reading of C13: IssuerIds contain dots (and sometimes dashes), so a URI is judged against the
 * issuer id and DocType we expect rather than split blindly.
 */

export interface UriFinding {
  severity: 'error' | 'warning';
  message: string;
}

export interface ParsedUri {
  issuerId: string;
  docType: string;
  docId: string;
}

export interface UriVerdict {
  parsed?: ParsedUri;
  findings: UriFinding[];
}

const DOC_TYPE = /^[A-Za-z]+$/;
const DOC_ID = /^[A-Za-z0-9]+$/;
/** DocId length the spec states ("max length 10, can grow later"): longer is a warning (C13). */
export const DOC_ID_MAX = 10;
export const DOC_TYPE_RECOMMENDED_MAX = 5;

/** Splits on the first and last dash when no issuer id is known. */
export function splitUri(uri: string): ParsedUri | undefined {
  const first = uri.indexOf('-');
  const last = uri.lastIndexOf('-');
  if (first <= 0 || last === first || last === uri.length - 1) return undefined;
  return { issuerId: uri.slice(0, first), docType: uri.slice(first + 1, last), docId: uri.slice(last + 1) };
}

/**
 * Checks a URI against the expected issuer id and DocType. Errors: wrong issuer prefix, wrong or
 * missing DocType, empty DocId, whitespace or control characters. Warnings: DocId longer than 10
 * or outside [A-Za-z0-9], DocType longer than 5 or not purely alphabetic.
 */
export function checkUri(uri: string, expect: { issuerId?: string; docType?: string }): UriVerdict {
  const findings: UriFinding[] = [];
  if (uri.length === 0) return { findings: [{ severity: 'error', message: 'URI is empty' }] };
  if (/[\s\u0000-\u001f\u007f]/.test(uri)) findings.push({ severity: 'error', message: 'URI contains whitespace or control characters' });
  let parsed: ParsedUri | undefined;
  if (expect.issuerId !== undefined) {
    const prefix = `${expect.issuerId}-`;
    if (!uri.startsWith(prefix)) {
      findings.push({ severity: 'error', message: `URI does not start with the issuer id "${expect.issuerId}-"` });
      parsed = splitUri(uri);
    } else {
      const rest = uri.slice(prefix.length);
      const dash = rest.indexOf('-');
      parsed = dash < 0 ? undefined : { issuerId: expect.issuerId, docType: rest.slice(0, dash), docId: rest.slice(dash + 1) };
    }
  } else {
    parsed = splitUri(uri);
  }
  if (!parsed) {
    findings.push({ severity: 'error', message: 'URI is not of the form IssuerId-DocType-DocId' });
    return { findings };
  }
  if (expect.docType !== undefined && parsed.docType.toUpperCase() !== expect.docType.toUpperCase()) {
    findings.push({ severity: 'error', message: `URI DocType "${parsed.docType}" is not the requested "${expect.docType}"` });
  }
  if (!DOC_TYPE.test(parsed.docType)) findings.push({ severity: 'warning', message: `DocType "${parsed.docType}" is not purely alphabetic` });
  else if (parsed.docType.length > DOC_TYPE_RECOMMENDED_MAX) {
    findings.push({ severity: 'warning', message: `DocType "${parsed.docType}" is longer than the recommended ${DOC_TYPE_RECOMMENDED_MAX} characters` });
  }
  if (parsed.docId.length === 0) findings.push({ severity: 'error', message: 'DocId is empty' });
  else {
    if (!DOC_ID.test(parsed.docId)) findings.push({ severity: 'warning', message: `DocId "${parsed.docId}" is not alphanumeric` });
    if (parsed.docId.length > DOC_ID_MAX) findings.push({ severity: 'warning', message: `DocId is ${parsed.docId.length} characters, over the ${DOC_ID_MAX} the spec states` });
  }
  return { parsed, findings };
}

export function formatUri(parts: ParsedUri): string {
  return `${parts.issuerId}-${parts.docType}-${parts.docId}`;
}
