/**
 * The partner side of DigiLocker (OAS-AUTHPARTNER): OAuth 2.0 authorization code with PKCE,
 * token refresh and revocation, and file upload into the user's locker. What a partner's client
 * must send, and what DigiLocker answers when it does not: the PKCE challenge, the verifier's
 * form, the upload HMAC, the file types and size, and the error codes of every endpoint.
 * Hash functions are injected (protocol/auth.ts), so this stays free of node: imports.
 */
import { type HashFunctions, timingSafeEqualText } from './auth.js';
import { base64Encode, startsWithAscii } from './bytes.js';
import { type Clause, clause, type ClauseId } from './clauses.js';

export const PARTNER_AUTHORIZE_PATH = '/oauth2/1/authorize';
export const PARTNER_TOKEN_PATH = '/oauth2/1/token';
export const PARTNER_REVOKE_PATH = '/oauth2/1/revoke';
export const PARTNER_UPLOAD_PATH = '/oauth2/1/file/upload';
export const PARTNER_USER_PATH = '/oauth2/1/user';

/** FAQ 69: "a unique, high-entropy random string (43-128 characters)"; RFC 7636 §4.1 names the characters. */
const VERIFIER_MIN = 43;
const VERIFIER_MAX = 128;
const VERIFIER_CHARS = /^[A-Za-z0-9\-._~]*$/;

/** "The file size must not exceed 10MB": read as 10 MiB (dlconform decision). */
export const UPLOAD_MAX_BYTES = 10 * 1024 * 1024;

/** base64url without padding (RFC 4648 §5), as the OpenAPI's base64_url_encode_without_padding. */
export function base64UrlNoPadding(bytes: Uint8Array): string {
  return base64Encode(bytes).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/** code_challenge for S256: base64url-no-padding(SHA-256(ASCII code_verifier)). */
export function pkceChallenge(hash: HashFunctions, verifier: string): string {
  return base64UrlNoPadding(hash.sha256(verifier));
}

/** Why a code_verifier is not 43–128 characters of [A-Za-z0-9-._~]; undefined when it is. */
export function verifierProblem(verifier: string): string | undefined {
  if (verifier.length < VERIFIER_MIN || verifier.length > VERIFIER_MAX) return `code_verifier has ${verifier.length} characters; it must have ${VERIFIER_MIN}–${VERIFIER_MAX}`;
  if (!VERIFIER_CHARS.test(verifier)) return 'code_verifier has characters outside A–Z, a–z, 0–9, "-", ".", "_", "~"';
  return undefined;
}

/** The upload `hmac` header: Base64 of HMAC-SHA256 over the file bytes, keyed with the client secret. */
export function uploadHmac(hash: HashFunctions, clientSecret: string, file: Uint8Array): string {
  return base64Encode(hash.hmacSha256(clientSecret, file));
}

/**
 * Content-Types an upload may carry: the OpenAPI's request body lists image/jpeg, image/jpg,
 * image/png and image/pdf, its FileUpload schema names application/pdf (both PDF forms accepted).
 */
const UPLOAD_CONTENT_TYPES = ['image/jpeg', 'image/jpg', 'image/png', 'application/pdf', 'image/pdf'] as const;
type UploadFileKind = 'jpeg' | 'png' | 'pdf';
const KIND_OF_TYPE: Record<(typeof UPLOAD_CONTENT_TYPES)[number], UploadFileKind> = {
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/png': 'png',
  'application/pdf': 'pdf',
  'image/pdf': 'pdf',
};
const KIND_OF_EXTENSION: Record<string, UploadFileKind> = { jpg: 'jpeg', jpeg: 'jpeg', png: 'png', pdf: 'pdf' };

/** What the bytes are, by their signature: JPEG FF D8 FF, PNG 89 50 4E 47, PDF %PDF-. */
export function sniffUploadKind(bytes: Uint8Array): UploadFileKind | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 4 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (startsWithAscii(bytes, '%PDF-')) return 'pdf';
  return undefined;
}

/** The upload error codes with their texts, verbatim from the OpenAPI's 400 enum (and 401, 500). */
export const UPLOAD_ERRORS = {
  path_missing: 'Path parameter is missing',
  contenttype_missing: 'Content-Type parameter is missing',
  hmac_missing: 'HMAC parameter is missing',
  filename_missing: 'Filename is missing in path parameter',
  hmac_mismatch: 'HMAC does not match',
  invalid_filename: 'Restricted characters are not allowed in file name',
  invalid_filesize: 'The file size exceeds maximum allowed file size of 10MB',
  invalid_filetype: 'The file type is not allowed',
  invalid_path: 'The destination folder does not exist',
  file_data_missing: 'Missing file content in the request',
  mimetype_mismatch: 'The mimetype provided in Content-Type parameter does not match with the mimetype of the file',
} as const;
export type UploadError = keyof typeof UPLOAD_ERRORS;

/** 401 of every Bearer route (the OpenAPI's example). */
export const INVALID_TOKEN = { error: 'invalid_token', error_description: 'The access token is invalid' } as const;

/**
 * OAuth errors of authorize, token and revoke. The OpenAPI gives these endpoints no error codes
 * ("400 Invalid status value", "400 Bad request", "401 … expired or has been revoked", revoke
 * "400 The token is invalid"), so the codes are RFC 6749 §4.1.2.1 and §5.2's, with
 * their HTTP status (dlconform decision, README C26).
 */
export const OAUTH_ERRORS = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
} as const;
export type OAuthError = keyof typeof OAUTH_ERRORS;

/** Characters a file name in the `path` header may not carry (Windows' reserved set and control characters). */
const RESTRICTED_NAME = /[\\:*?"<>|\u0000-\u001f]/;

export interface UploadRequest {
  path?: string;
  hmac?: string;
  contentType?: string;
  body: Uint8Array;
}

export interface UploadJudgement {
  /** undefined: the upload is accepted */
  error?: UploadError;
  /** the partner rule the mistake breaks */
  rule?: PartnerRuleId;
  /** the rules the upload was judged on and passed before the mistake (all four when accepted) */
  passed: PartnerRuleId[];
  message: string;
}

/**
 * Judges a file upload in the order a server meets the mistakes: headers present, the name, the
 * type, the size, the bytes against the declared type, then the HMAC over the bytes.
 */
export function judgeUpload(hash: HashFunctions, clientSecret: string, req: UploadRequest, folders: readonly string[] = ['/']): UploadJudgement {
  const passed: PartnerRuleId[] = [];
  const fail = (error: UploadError, rule: PartnerRuleId, message: string): UploadJudgement => ({ error, rule, passed, message });
  const path = req.path?.trim() ?? '';
  if (path === '') return fail('path_missing', 'partner-upload-headers', 'the path header is missing');
  const media = (req.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === '') return fail('contenttype_missing', 'partner-upload-headers', 'the Content-Type header is missing');
  if ((req.hmac ?? '').trim() === '') return fail('hmac_missing', 'partner-upload-headers', 'the hmac header is missing');
  const slash = path.lastIndexOf('/');
  const folder = slash <= 0 ? '/' : path.slice(0, slash);
  const name = path.slice(slash + 1);
  if (name === '') return fail('filename_missing', 'partner-upload-headers', `path ${JSON.stringify(path)} names no file`);
  if (RESTRICTED_NAME.test(name)) return fail('invalid_filename', 'partner-upload-headers', `file name ${JSON.stringify(name)} has a restricted character`);
  if (!folders.includes(folder)) return fail('invalid_path', 'partner-upload-headers', `folder ${JSON.stringify(folder)} does not exist in the locker`);
  passed.push('partner-upload-headers');
  const declared = (UPLOAD_CONTENT_TYPES as readonly string[]).includes(media) ? KIND_OF_TYPE[media as (typeof UPLOAD_CONTENT_TYPES)[number]] : undefined;
  const extension = KIND_OF_EXTENSION[name.split('.').pop()!.toLowerCase()];
  if (declared === undefined || (name.includes('.') && extension === undefined))
    return fail('invalid_filetype', 'partner-upload-type', `Content-Type ${JSON.stringify(media)} / file ${JSON.stringify(name)}: only JPG, JPEG, PNG and PDF are allowed`);
  if (req.body.length === 0) return fail('file_data_missing', 'partner-upload-size', 'the request has no file bytes');
  if (req.body.length > UPLOAD_MAX_BYTES) return fail('invalid_filesize', 'partner-upload-size', `the file has ${req.body.length} bytes; at most ${UPLOAD_MAX_BYTES} (10 MB) are allowed`);
  passed.push('partner-upload-size');
  const actual = sniffUploadKind(req.body);
  if (actual !== declared) return fail('mimetype_mismatch', 'partner-upload-type', `Content-Type says ${media}, the bytes are ${actual ?? 'none of JPEG, PNG, PDF'}`);
  passed.push('partner-upload-type');
  if (!timingSafeEqualText(req.hmac!.trim(), uploadHmac(hash, clientSecret, req.body)))
    return fail('hmac_mismatch', 'partner-upload-hmac', 'hmac is not Base64(HMAC-SHA256(client secret, file bytes))');
  passed.push('partner-upload-hmac');
  return { passed, message: `${req.body.length} bytes stored at ${path}` };
}

/** The JSON error body every partner endpoint answers with. */
export function partnerErrorBody(error: string, description: string): string {
  return JSON.stringify({ error, error_description: description });
}

/**
 * What the mock DigiLocker judges of a partner's client, one rule each; the rule's id is the id of
 * the clause it cites, whose level decides: MUST rules fail the client, SHOULD rules warn.
 */
export const PARTNER_RULES = {
  'partner-authorize-response-type': { what: 'authorize asks for response_type=code' },
  'partner-authorize-client-id': { what: 'authorize names the registered client_id' },
  'partner-authorize-redirect-uri': { what: 'redirect_uri is exactly the registered one (authorize, and token when sent)' },
  'partner-authorize-state': { what: 'authorize carries state' },
  'partner-pkce-s256': { what: 'authorize carries code_challenge with code_challenge_method=S256' },
  'partner-pkce-verifier-form': { what: 'code_verifier is 43–128 characters of A–Z a–z 0–9 - . _ ~' },
  'partner-pkce-verifier-new': { what: 'each authorization has a new code_verifier (a new code_challenge)' },
  'partner-pkce-verifier-match': { what: 'the token request’s code_verifier hashes to the authorization’s code_challenge' },
  'partner-token-client-auth': { what: 'token and revoke authenticate with client_id and client_secret (form fields or HTTP Basic)' },
  'partner-token-grant': { what: 'the grant is valid: grant_type known, a code used once, a live refresh token' },
  'partner-bearer': { what: 'API calls carry a live access token as Authorization: Bearer' },
  'partner-revoke': { what: 'tokens no longer needed are revoked' },
  'partner-upload-headers': { what: 'upload carries path (an existing folder and an allowed file name), Content-Type and hmac' },
  'partner-upload-type': { what: 'upload is JPG, JPEG, PNG or PDF and its bytes are of the declared Content-Type' },
  'partner-upload-size': { what: 'upload has file bytes, at most 10 MB' },
  'partner-upload-hmac': { what: 'upload hmac is Base64(HMAC-SHA256(client secret, file bytes))' },
} as const satisfies Record<string, { what: string }>;
export type PartnerRuleId = keyof typeof PARTNER_RULES;
export const PARTNER_RULE_IDS = Object.keys(PARTNER_RULES) as PartnerRuleId[];

/** The clause a partner rule cites (same id). */
export function partnerClause(rule: PartnerRuleId): Clause {
  return clause(rule satisfies ClauseId);
}
