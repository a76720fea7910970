import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeHash } from '../core/node-hash.js';
import { clause } from './clauses.js';
import { base64UrlNoPadding, judgeUpload, PARTNER_RULE_IDS, partnerClause, pkceChallenge, sniffUploadKind, UPLOAD_ERRORS, UPLOAD_MAX_BYTES, uploadHmac, verifierProblem } from './partner.js';

const SECRET = 'a123456abcdeghijk7890';
const PDF = new TextEncoder().encode('%PDF-1.4\n%%EOF\n');
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function upload(over: Partial<Parameters<typeof judgeUpload>[2]> = {}) {
  const body = over.body ?? PDF;
  return judgeUpload(nodeHash, SECRET, { path: '/cert.pdf', contentType: 'application/pdf', hmac: uploadHmac(nodeHash, SECRET, body), body, ...over });
}

describe('PKCE', () => {
  it('S256 gives RFC 7636 Appendix B’s challenge for its verifier', () => {
    expect(pkceChallenge(nodeHash, 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('base64url has no padding, - for + and _ for /', () => {
    expect(base64UrlNoPadding(Uint8Array.from([0xfb, 0xff]))).toBe('-_8');
    expect(base64UrlNoPadding(Uint8Array.from([0xff]))).toBe('_w');
  });

  it('a verifier has 43 to 128 characters of A-Z a-z 0-9 - . _ ~', () => {
    expect(verifierProblem('a'.repeat(43))).toBeUndefined();
    expect(verifierProblem(`${'a'.repeat(124)}-._~`)).toBeUndefined();
    expect(verifierProblem('a'.repeat(42))).toMatch(/42 characters; it must have 43–128/);
    expect(verifierProblem('a'.repeat(129))).toMatch(/129 characters/);
    expect(verifierProblem(`${'a'.repeat(42)}+`)).toMatch(/characters outside/);
  });
});

describe('file upload', () => {
  it('hmac is Base64 of the raw HMAC-SHA256 of the file bytes keyed with the client secret', () => {
    expect(uploadHmac(nodeHash, SECRET, PDF)).toBe(createHmac('sha256', SECRET).update(PDF).digest('base64'));
  });

  it('a good upload passes all four upload rules', () => {
    const j = upload();
    expect(j.error).toBeUndefined();
    expect(j.passed).toEqual(['partner-upload-headers', 'partner-upload-size', 'partner-upload-type', 'partner-upload-hmac']);
  });

  it('each mistake gets its documented error code and text, and names its rule', () => {
    const cases: Array<[Parameters<typeof upload>[0], keyof typeof UPLOAD_ERRORS, string]> = [
      [{ path: undefined }, 'path_missing', 'partner-upload-headers'],
      [{ contentType: undefined }, 'contenttype_missing', 'partner-upload-headers'],
      [{ hmac: '' }, 'hmac_missing', 'partner-upload-headers'],
      [{ path: '/' }, 'filename_missing', 'partner-upload-headers'],
      [{ path: '/a|b.pdf' }, 'invalid_filename', 'partner-upload-headers'],
      [{ path: '/nowhere/cert.pdf' }, 'invalid_path', 'partner-upload-headers'],
      [{ contentType: 'image/gif' }, 'invalid_filetype', 'partner-upload-type'],
      [{ path: '/cert.docx' }, 'invalid_filetype', 'partner-upload-type'],
      [{ body: new Uint8Array(0) }, 'file_data_missing', 'partner-upload-size'],
      [{ body: new Uint8Array(UPLOAD_MAX_BYTES + 1) }, 'invalid_filesize', 'partner-upload-size'],
      [{ body: PNG }, 'mimetype_mismatch', 'partner-upload-type'],
      [{ hmac: uploadHmac(nodeHash, 'another-secret', PDF) }, 'hmac_mismatch', 'partner-upload-hmac'],
    ];
    for (const [over, error, rule] of cases) {
      const j = upload(over);
      expect([j.error, j.rule], `${error}: ${Object.keys(over ?? {}).join(', ')}`).toEqual([error, rule]);
    }
    expect(UPLOAD_ERRORS.invalid_filesize).toBe('The file size exceeds maximum allowed file size of 10MB');
  });

  it('exactly 10 MiB is allowed; image/pdf and image/jpg are taken as the OpenAPI lists them', () => {
    const big = new Uint8Array(UPLOAD_MAX_BYTES);
    big.set(PDF);
    expect(upload({ body: big }).error).toBeUndefined();
    expect(upload({ contentType: 'image/pdf' }).error).toBeUndefined();
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]);
    expect(upload({ path: '/p.jpg', contentType: 'image/jpg', body: jpeg }).error).toBeUndefined();
  });

  it('sniffs JPEG, PNG and PDF by their signatures', () => {
    expect(sniffUploadKind(PNG)).toBe('png');
    expect(sniffUploadKind(PDF)).toBe('pdf');
    expect(sniffUploadKind(new TextEncoder().encode('GIF89a'))).toBeUndefined();
  });
});

describe('partner rules', () => {
  it('every rule cites a registered, quoted clause of the same id', () => {
    for (const id of PARTNER_RULE_IDS) {
      expect(partnerClause(id)).toBe(clause(id));
      expect(partnerClause(id).text.length).toBeGreaterThan(40);
    }
    expect(partnerClause('partner-revoke').level).toBe('SHOULD');
  });
});
