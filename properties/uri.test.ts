/**
 * The document URI grammar (protocol/uri.ts, C13) accepts exactly what it should: every valid URI
 * without a finding, each defect with exactly the severity the grammar gives it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkUri, formatUri, splitUri } from '../protocol/uri.js';
import { defectiveUri, params, URI_DEFECT_VERDICT, URI_DEFECTS, unissuedNear, validUri } from './arbitraries/index.js';

const severities = (uri: string, expect_: { issuerId: string; docType: string }) => {
  const findings = checkUri(uri, expect_).findings;
  return { error: findings.some((f) => f.severity === 'error'), warning: findings.some((f) => f.severity === 'warning') };
};

describe('URI grammar', () => {
  it('accepts every valid URI without a finding and parses it back into its parts', () => {
    fc.assert(
      fc.property(validUri(), ({ uri, parts }) => {
        const verdict = checkUri(uri, { issuerId: parts.issuerId, docType: parts.docType });
        expect(verdict.findings).toEqual([]);
        expect(verdict.parsed).toEqual(parts);
        expect(formatUri(verdict.parsed!)).toBe(uri);
        // without an issuer id the first and last dash split it (issuer ids here have no dash)
        expect(splitUri(uri)).toEqual(parts);
      }),
      params(500),
    );
  });
  for (const defect of URI_DEFECTS) {
    const want = URI_DEFECT_VERDICT[defect];
    it(`${defect}: ${want.error ? 'error' : 'no error'}, ${want.warning ? 'warning' : 'no warning'}`, () => {
      fc.assert(
        fc.property(defectiveUri([defect]), ({ uri, parts }) => {
          expect(severities(uri, { issuerId: parts.issuerId, docType: parts.docType })).toEqual(want);
        }),
        params(200),
      );
    });
  }
  it('a near miss of an issued URI is never the same URI, not even ignoring ASCII case or whitespace', () => {
    fc.assert(
      fc.property(
        validUri().chain(({ uri }) => unissuedNear(uri).map((near) => ({ uri, near }))),
        ({ uri, near }) => {
          expect(near.uri.trim().toLowerCase()).not.toBe(uri.toLowerCase());
        },
      ),
      params(500),
    );
  });
});
