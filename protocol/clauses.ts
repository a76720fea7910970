/**
 * The clause registry: every requirement a check enforces, quoted from the document it comes
 * from. A check names a clause id; reports print the quote so a failure explains itself.
 * Documents: SPEC-1.13 (Issuer API Specification v1.13, 2024), OAS-ISSUER (OpenAPI issuer
 * 3.0.0), PULL-1.0 (Pull API Specification v1.0, seed 001), FACTS (protocol-facts.md decisions
 * on observed behaviour and contradictions, C1–C24), OAS-AUTHPARTNER (authorized-partner OpenAPI
 * 1.0.0), XMLDSIG (W3C XML Signature Syntax and Processing).
 */

export type ClauseLevel = 'MUST' | 'SHOULD' | 'MAY' | 'SECURITY';

export interface Clause {
  id: string;
  document: string;
  section: string;
  text: string;
  level: ClauseLevel;
}

const list = [
  { id: 'http-post', document: 'SPEC-1.13', section: '8.1.1', level: 'MUST', text: 'HTTP Method: POST. Content-Type: application/xml' },
  {
    id: 'http-200',
    document: 'OAS-ISSUER',
    section: 'paths./Your Pull URI Request API Path.post.responses',
    level: 'MUST',
    text: '200: successful operation (application/xml). No other HTTP status is defined; errors are signalled in-band with Status="0".',
  },
  { id: 'response-xml', document: 'OAS-ISSUER', section: 'responses.200.content', level: 'MUST', text: 'The response body is application/xml: a well-formed XML document.' },
  { id: 'response-content-type', document: 'OAS-ISSUER', section: 'responses.200.content', level: 'SHOULD', text: 'Response content type application/xml (text/xml is accepted).' },
  { id: 'root-pulluri', document: 'SPEC-1.13', section: '8.1.3', level: 'MUST', text: 'The response root element is PullURIResponse (in any namespace or none).' },
  { id: 'root-pulldoc', document: 'OAS-ISSUER', section: 'components.schemas.PullDocResponse', level: 'MUST', text: 'The response root element is PullDocResponse (in any namespace or none).' },
  { id: 'echo-ts', document: 'SPEC-1.13', section: '8.1.4 #1', level: 'MUST', text: 'ts (M): A timestamp value as sent in the request.' },
  { id: 'echo-txn', document: 'SPEC-1.13', section: '8.1.4 #2', level: 'MUST', text: 'txn (M): Transaction id value as sent in the request.' },
  { id: 'status-values', document: 'SPEC-1.13', section: '8.1.4 #3', level: 'MUST', text: 'Status (M): 1 for success, 0 for error and 9 for pending.' },
  {
    id: 'status-values-pulldoc',
    document: 'OAS-ISSUER',
    section: 'components.schemas.PullDocResponse.ResponseStatus',
    level: 'MUST',
    text: 'Status: 1 for success, 0 for error (no pending status in Pull Doc, C11).',
  },
  {
    id: 'status-text',
    document: 'SPEC-1.13',
    section: '8.1.3 (template), FACTS C12',
    level: 'SHOULD',
    text: '<ResponseStatus Status="1" ts="…" txn="…">1</ResponseStatus>: when the element has text, it equals the Status attribute.',
  },
  {
    id: 'status-pending',
    document: 'SPEC-1.13',
    section: '8.1.4 #3',
    level: 'MUST',
    text: 'The issuer department may do a manual verification of the Pull Request and take a decision to provide a document at a later time. In this case the response status should contain value 9.',
  },
  {
    id: 'keyhash',
    document: 'SPEC-1.13',
    section: '8.1.2 #2–3; FACTS C3',
    level: 'SHOULD',
    text: 'ts: This will be used to verify the keyHash. KeyHash (M): Sha256 hashing of defined API key and timestamp. The specs require DigiLocker to send it but say nothing of the issuer rejecting a wrong one, and several issuers verify only the HMAC (FACTS C3: treat issuer-side keyhash validation as optional): a request whose keyhash does not verify should not be served (HTTP 401/403 or 200 with Status="0"). Without a verified HMAC either, auth-required applies.',
  },
  {
    id: 'hmac',
    document: 'SPEC-1.13',
    section: '8.1.1 x-digilocker-hmac',
    level: 'SHOULD',
    text: 'DigiLocker calculates the hmac of the HTTP request body using SHA256 … and the API Key … as the hashing key. It is strongly recommended that the issuer API calculates the hmac of the HTTP request body, convert it to Base64 and match it with this parameter to ensure authenticity of the request. ("strongly recommended", and the OpenAPI header is required: false: not verifying it is a security warning, FACTS C19; blocking under policy strict. Without a verified keyhash either, auth-required applies.)',
  },
  {
    id: 'auth-required',
    document: 'SPEC-1.13',
    section: '8.1.1 x-digilocker-hmac; 8.1.2 #3',
    level: 'SECURITY',
    text: 'KeyHash (M): Sha256 hashing of defined API key and timestamp. x-digilocker-hmac: … the API Key provided by the issuer as the hashing key. The API key is the only secret DigiLocker holds for the issuer, and these are the only two ways a request proves it: a request with neither a verifying keyhash nor a verifying HMAC is unauthenticated and must never be served, under any policy.',
  },
  {
    id: 'orgid',
    document: 'SPEC-1.13',
    section: '8.1.2 #5',
    level: 'SECURITY',
    text: 'orgId (M): Org Id is the user id provided to the Digital Locker application by the issuer application for accessing the API. A request from another orgId must not be served.',
  },
  {
    id: 'auth-no-5xx',
    document: 'FACTS',
    section: 'C18',
    level: 'MUST',
    text: 'Bad HMAC/keyhash: accept HTTP 401/403 or 200 with Status="0"; fail on 200 with Status="1" (auth not enforced) and on 5xx.',
  },
  {
    id: 'uri-search',
    document: 'SPEC-1.13',
    section: '8.1.2 #13',
    level: 'MUST',
    text: 'UDF1…n (M): User defined search parameters to search a unique document/certificate … configured in the issuer portal of Digital Locker. (FACTS §2.3: the element names are the configured parameter names.)',
  },
  { id: 'uri-element', document: 'SPEC-1.13', section: '8.1.4 #14', level: 'MUST', text: 'URI (M): URI corresponding to the search criteria that identifies the document uniquely.' },
  {
    id: 'uri-format',
    document: 'SPEC-1.13',
    section: '5.1, 7.1',
    level: 'MUST',
    text: 'IssuerId-DocType-DocId. IssuerId is a unique issuer entity ID; DocType is the document type; DocId is a unique document ID of length up to 10 within the issuer system. (FACTS C13: DocId over 10 or not alphanumeric is a warning.)',
  },
  {
    id: 'uri-persistent',
    document: 'SPEC-1.13',
    section: '3 (Document URI)',
    level: 'MUST',
    text: 'such URIs are required to remain globally unique and persistent, even when the resource ceases to exist or becomes unavailable.',
  },
  {
    id: 'issued-to',
    document: 'SPEC-1.13',
    section: '8.1.4 #5–7',
    level: 'MUST',
    text: 'IssuedTo (M) … Persons (M) … Person (M): Contains the details about the individual/s to whom the certificate is issued. It contains one or more Person/s elements.',
  },
  {
    id: 'person-present',
    document: 'SPEC-1.13',
    section: '8.1.4 #8–11',
    level: 'MUST',
    text: "Person: name (M), dob (M), gender (M), phone (M): DigiLocker matches them against the citizen's KYC profile.",
  },
  {
    id: 'person-attributes',
    document: 'SPEC-1.13',
    section: '8.1.4 #8–13',
    level: 'SHOULD',
    text: 'dob in DD-MM-YYYY format, gender: Male, Female or Other; Photo (O) with format (M) one of PNG, JPG, JPEG. (FACTS C8, C20, C22: other forms are warnings.)',
  },
  {
    id: 'issued-to-owner',
    document: 'SPEC-1.13',
    section: '8.1.4 #6–11',
    level: 'MUST',
    text: "Persons (M): Contains the details about the individual/s to whom the certificate is issued. … If you select Match Name, DoB, Gender or Mobile option while configuring Pull URI API in DigiLocker Partner's Portal, DigiLocker matches the corresponding details of each individual in this list with the name in DigiLocker KYC profile. If the information of any one of the individual matches, DigiLocker will provide the certificate to the individual. (dlconform: at least one Person equals the configured owner on the fields of ownerMatch; a Person that matches nobody means the citizen never gets the document. Judged wherever IssuedTo is sent; profile 1.13 requires it.)",
  },
  {
    id: 'person-photo',
    document: 'SPEC-1.13',
    section: '8.1.4 #12–13',
    level: 'SHOULD',
    text: 'Photo (O): Base 64 encoded image content. format (M): PNG, JPG or JPEG. (dlconform: the content is standard base64 whose decoded bytes start with the magic bytes of the format named, FF D8 FF for JPG and JPEG, 89 50 4E 47 0D 0A 1A 0A for PNG.)',
  },
  { id: 'search-echo-1.0', document: 'PULL-1.0', section: 'Pull URI Response', level: 'MUST', text: 'DocDetails: UDF1 … UDFn (M) as in the request, then URI and DocContent.' },
  {
    id: 'search-echo-oas',
    document: 'OAS-ISSUER',
    section: 'components.schemas.PullURIResponse.DocDetails',
    level: 'SHOULD',
    text: 'DocDetails (required: DocType, DigiLockerId, UID, FullName, DOB, UDF1, UDF2, URI, DocContent, DataContent): the response echoes the search parameters.',
  },
  {
    id: 'doccontent-format',
    document: 'SPEC-1.13',
    section: '8.1.4 #15',
    level: 'MUST',
    text: 'DocContent: Enclose the Base64 byte encoded contents of PDF file in this element. The DocContent element should be sent only if the format attribute in the original request is sent as "pdf" or "both".',
  },
  {
    id: 'datacontent-format',
    document: 'SPEC-1.13',
    section: '8.1.4 #16; revision 1.12',
    level: 'MUST',
    text: 'DataContent (M): Enclose the base64 byte encoded certificate metadata in XML format. (v1.12: DataContent has become mandatory.) OAS-ISSUER: sent when format is "xml" or "both".',
  },
  {
    id: 'format-absent',
    document: 'OAS-ISSUER',
    section: 'PullURIRequest.format',
    level: 'SHOULD',
    text: 'If the format attribute is not present in the request, then the API must return Base64 encoded PDF data in the response. (SPEC-1.13: xml is the default value. FACTS C5: the specs disagree, so either default is accepted, DocContent or DataContent; sending neither is a warning.)',
  },
  {
    id: 'doccontent-pdf',
    document: 'SPEC-1.13',
    section: '8.1.4 #15',
    level: 'MUST',
    text: 'DocContent: the Base64 byte encoded contents of PDF file. (dlconform: %PDF- within the first 1024 bytes and %%EOF within the last 1024 are required; damage to startxref, the xref table or the trailer, which viewers repair, is a warning.)',
  },
  { id: 'base64-valid', document: 'SPEC-1.13', section: '8.1.4 #15–16', level: 'MUST', text: 'Base64 byte encoded contents: standard base64 alphabet with correct padding.' },
  {
    id: 'base64-clean',
    document: 'FACTS',
    section: '§2.5, §6',
    level: 'SHOULD',
    text: 'Base64 with line breaks (PHP chunk_split) or other whitespace inside the value is a warning: strict decoders reject it.',
  },
  {
    id: 'datacontent-xml',
    document: 'SPEC-1.13',
    section: 'revision 1.8; 8.1.4 #16',
    level: 'MUST',
    text: 'DataContent … base64 encoded xml content of certificate data: it decodes to well-formed XML (FACTS C16).',
  },
  {
    id: 'certificate-root',
    document: 'OAS-PUBLISHER',
    section: 'Certificate schema; FACTS §1.10',
    level: 'SHOULD',
    text: 'Certificate metadata XML has the root Certificate with IssuedBy, IssuedTo and CertificateData.',
  },
  {
    id: 'pdf-signed',
    document: 'PULL-1.0',
    section: '3 #8, 6 #4; ISO 32000-1 §12.8.1',
    level: 'SHOULD',
    text: 'Electronic Document or E-Document – A digitally signed electronic document … Create a digitally signed e-document complying to DLTS specification with a unique URI. (dlconform: the PDF in DocContent carries a signature dictionary, ISO 32000-1 §12.8.1: /ByteRange, /Contents and /SubFilter. Its presence is judged; the CMS signature in /Contents is not verified. Neither API schema requires a signature in DocContent: a warning, and a failure where the issuer promises signed documents, config expect.signed.)',
  },
  {
    id: 'xml-signed',
    document: 'OAS-AUTHPARTNER',
    section: 'components.schemas.XMLFormatSchema; PULL-1.0 3 #8',
    level: 'SHOULD',
    text: 'XMLFormatSchema: required: CertificateData, Signature. Signature: SignedInfo, SignatureValue, KeyInfo (X509Data); required: KeyInfo. E-Document – A digitally signed electronic document. (dlconform: the certificate XML in DataContent carries a Signature in the XMLDSig namespace http://www.w3.org/2000/09/xmldsig#; a warning, and a failure where the issuer promises signed documents, config expect.signed.)',
  },
  {
    id: 'xml-signature-valid',
    document: 'XMLDSIG',
    section: '3.2 Core Validation; PULL-1.0 3 #8',
    level: 'MUST',
    text: 'The REQUIRED steps of core validation include (1) reference validation, the verification of the digest contained in each Reference in SignedInfo and (2) the cryptographic signature validation of the signature calculated over SignedInfo. (dlconform: judged where KeyInfo carries its X509Certificate, against that certificate: the document is unchanged since it was signed, which says nothing of whether the signer is trusted. A Signature that does not verify tells every relying party the document was altered after signing, worse than no signature: a failure whatever expect.signed says.)',
  },
  { id: 'not-found', document: 'SPEC-1.13', section: '8.1.4 #3; FACTS C18', level: 'MUST', text: 'Status 0 for error: a search or URI that matches no document returns Status="0" and no document.' },
  { id: 'not-found-http', document: 'FACTS', section: 'C18', level: 'SHOULD', text: 'Valid request for a missing record: expect HTTP 200 with Status="0"; a 404 gets a warning.' },
  {
    id: 'identity-match',
    document: 'SPEC-1.13',
    section: '8.1',
    level: 'SHOULD',
    text: 'It is strongly recommended that the issuer API validate that the name, date of birth details sent by DigiLocker in Aadhaar parameters match with the corresponding details on the certificate before returning the certificate data.',
  },
  {
    id: 'doctype-honoured',
    document: 'SPEC-1.13',
    section: '8.1.2 #7; 5.1',
    level: 'MUST',
    text: 'DocType (M): Digital Locker will pass the document type being searched in this parameter. DocType … MUST BE unique WITHIN the issuer system. (dlconform: the search of a configured document sent under an unknown DocType, or under another DocType of the issuer, returns no document: the document type is part of what is searched.)',
  },
  {
    id: 'uid-match',
    document: 'SPEC-1.13',
    section: '8.1; 8.1.2 #9',
    level: 'SHOULD',
    text: "UID (O): MD5 Hash of Aadhaar Number of the DigiLocker user searching for the document/certificate. It is strongly recommended that the issuer API validate that the name, date of birth details sent by DigiLocker in Aadhaar parameters match with the corresponding details on the certificate before returning the certificate data. This will ensure that only authentic owners get access to a certificate. (dlconform: an issuer that opted into UID and holds the owner's Aadhaar number should not serve a request whose UID is another person's.)",
  },
  {
    id: 'namespace-forms',
    document: 'FACTS',
    section: 'C6',
    level: 'MUST',
    text: 'DigiLocker has sent PullURIRequest in no namespace, with xmlns:ns2="http://tempuri.org/", with xmlns="http://tempuri.org/" and with xmlns="https://www.digitallocker.gov.in/schema/issuer/v1/pullurirequest": the issuer must parse all of them (match by local name).',
  },
  { id: 'whitespace-values', document: 'FACTS', section: '§2.4', level: 'SHOULD', text: 'Element text may be pretty-printed with surrounding whitespace/newlines, so values must be trimmed.' },
  { id: 'unknown-attributes', document: 'FACTS', section: '§2.4', level: 'MUST', text: 'Extra, undocumented root attribute metadata="Y" (SAMPLE-UIDAI): issuers must ignore unknown attributes.' },
  {
    id: 'unknown-elements',
    document: 'FACTS',
    section: '§2.4; C21',
    level: 'MUST',
    text: 'Unknown or opt-in DocDetails elements (e.g. <Mobile>) may appear; the issuer must not fail when they are present or absent.',
  },
  {
    id: 'large-request',
    document: 'FACTS',
    section: '§1.3 #22; C23; §2.4',
    level: 'MUST',
    text: 'DocDetails/Photo: O (opt-in). "The base 64 encoded contents of JPEG photograph as on Aadhaar" (SPEC-1.13 #12). Request body size is not specified; DIVOC reads only 2,048 bytes of the body; a Photo (base64 JPEG) makes requests several KB (C23). Unknown DocDetails elements may appear (§2.4). (dlconform: a correctly signed request over 32 KB, the realistic photo where the issuer opted into Photo and an unknown element filling it up where needed, is served as the plain request is.)',
  },
  {
    id: 'oversize-refused',
    document: 'FACTS',
    section: 'C18; C23',
    level: 'MUST',
    text: 'Malformed input gets HTTP 4xx or 200 with Status="0", never a 5xx (C18). Request body size is not specified (C23). (dlconform: a correctly signed request of about 3 MiB, an unknown element filling it, gets an HTTP answer below 500, a 413 or 400 as a body limit gives, a Status 0 or the document, and the connection is not dropped before the answer.)',
  },
  { id: 'ts-fraction', document: 'FACTS', section: '§2.4', level: 'SHOULD', text: 'Implementations that build their own ts add fractional seconds, so issuers should not reject fractions.' },
  {
    id: 'xxe-external',
    document: 'OWASP XXE',
    section: 'XML External Entity Prevention Cheat Sheet; XML 1.0 §4.4.3',
    level: 'SECURITY',
    text: "The safest way to prevent XXE is always to disable DTDs (External Entities) completely. XML 1.0 §4.4.3: when an XML processor recognizes a reference to a parsed entity, in order to validate the document, the processor MUST include its replacement text. (dlconform: a request whose search value or URI is an external entity naming a URL on a loopback listener of the run, or a file: path that does not exist; a fetch of that URL, its content in a response, or an error reading that file fails: the parser resolves external entities, which reads files and reaches hosts on the attacker's behalf.)",
  },
  {
    id: 'dtd-refused',
    document: 'OWASP XXE',
    section: 'XML External Entity Prevention Cheat Sheet',
    level: 'SHOULD',
    text: 'The safest way to prevent XXE is always to disable DTDs (External Entities) completely. (dlconform: a request whose search value is an internal entity should be refused; expanding an internal entity reads nothing outside the request, so a parser that does is a hardening issue: a warning, blocking under policy strict.)',
  },
  {
    id: 'entity-bomb',
    document: 'FACTS',
    section: 'C18; OWASP XXE Prevention Cheat Sheet (Billion Laughs)',
    level: 'MUST',
    text: 'Malformed input gets HTTP 4xx or 200 with Status="0", never a 5xx. (dlconform: a request whose DTD nests internal entities four levels deep, about 90 KB expanded, small enough for a naive parser to survive, is answered in time and without a 5xx, refused or not.)',
  },
  { id: 'malformed-no-5xx', document: 'FACTS', section: 'C18', level: 'MUST', text: 'Malformed input gets HTTP 4xx or 200 with Status="0", never a 5xx.' },
  {
    id: 'no-stack-trace',
    document: 'OWASP ASVS',
    section: 'V7.4.1',
    level: 'SHOULD',
    text: 'A generic message is shown when an unexpected or security sensitive error occurs: no stack traces, file paths or framework internals. (No DigiLocker spec says so: a hardening warning, blocking under policy strict.)',
  },
  {
    id: 'no-secret-echo',
    document: 'OWASP ASVS',
    section: 'V7.1.1',
    level: 'SECURITY',
    text: 'The application does not log or echo credentials or personal data. (dlconform: the API key in any encoding, a keyhash or an HMAC in any response fails; the UID, FullName or DOB of the request in an error body warns, except in profile 3.0, whose OpenAPI lists them in the response DocDetails.)',
  },
  {
    id: 'timeout',
    document: 'FACTS',
    section: '§1.1 #4, §8',
    level: 'MUST',
    text: 'The response is synchronous; DigiLocker gives up on issuers that do not answer in time (repository_service_unresponsive).',
  },
  // properties/fuzz invariants that no single clause above states
  {
    id: 'no-5xx',
    document: 'FACTS',
    section: 'C18; §1.1 #6',
    level: 'MUST',
    text: 'Only HTTP 200 is defined; errors are signalled in-band with Status="0" (or a 4xx, C18). An issuer answers every request (valid, unknown, unauthenticated or malformed) without a server error: a 5xx is never a valid answer.',
  },
  {
    id: 'echo',
    document: 'SPEC-1.13',
    section: '8.1.4 #1–2',
    level: 'MUST',
    text: 'ts (M): A timestamp value as sent in the request. txn (M): Transaction id value as sent in the request. (Every ResponseStatus, also on errors, carries both byte for byte.)',
  },
  {
    id: 'auth-enforced',
    document: 'SPEC-1.13',
    section: '8.1.1–8.1.2; FACTS C18, C19',
    level: 'SECURITY',
    text: 'A request from another orgId, or one with no verifying credential (no HMAC sent and a wrong keyhash), must not be served: HTTP 401/403 or 200 with Status="0", never Status="1". (A wrong keyhash beside a right HMAC, or the reverse, is judged by the keyhash and hmac clauses: a warning.)',
  },
  {
    id: 'legal-variation',
    document: 'FACTS',
    section: 'C6, C21, §2.4; XML 1.0 §3.1',
    level: 'MUST',
    text: 'A request that differs from the plain one only where XML and the spec leave it free (attribute order, whitespace between markup, the XML declaration, namespace form, optional elements present or absent, unknown extra elements and attributes, the ts offset, the format) is answered as the plain request is.',
  },
  {
    id: 'tolerant-variation',
    document: 'FACTS',
    section: '§2.4; XML 1.0 §2.4, §2.7, §3.1',
    level: 'SHOULD',
    text: 'Padded element values, fractional seconds in ts, reordered DocDetails children, single-quoted attributes, CDATA sections and character references should be read as what they mean: the request is answered as the plain one.',
  },
  // the Push side, judged on a DigiLocker-like push endpoint (conformance/checks/push.ts)
  {
    id: 'push-pullable',
    document: 'SEED-001',
    section: '8.1, 8.2',
    level: 'MUST',
    text: "Once an issuer department issues a document for resident, the URI of that document has to be pushed into the Digital Locker system so that the URI can be displayed to the locker user. … The Pull Doc Request API … will be invoked when the resident clicks on the URI displayed … to fetch the document linked to the URI being clicked. (A pushed URI that Pull Doc does not serve is a broken document in the citizen's locker; where its owner's search values are known, Pull URI finds the same URI with the same content.)",
  },
  {
    id: 'push-valid-accepted',
    document: 'SEED-001',
    section: '8.1.2; FACTS §1.7 item 45',
    level: 'MUST',
    text: 'ResponseStatus: 1 - Success, 0 - Failure. A correctly signed upload of well-formed rows (Aadhaar, Uri, doc_type, doc_name, doc_id, issued_on, valid_from, valid_to, time_stamp, Action) is accepted with ResponseStatus 1.',
  },
  {
    id: 'push-response-echo',
    document: 'SEED-001',
    section: '8.1.2; FACTS §1.7 item 45',
    level: 'MUST',
    text: 'PushCSVResponse: ver, ts (as passed), txn, orgId — the response root carries the ver, ts, txn and orgId of the request. PushUriResponse: ver, ts, txn (FACTS §1.8: no Push URI source lists orgId in the response).',
  },
  {
    id: 'push-keyhash',
    document: 'SEED-001',
    section: '8.1.2; FACTS §1.7 item 43',
    level: 'SECURITY',
    text: 'keyhash (M): Sha256 hashing of the API key and the timestamp; you must use the same timestamp value that you have specified in the ts element. An upload whose keyhash does not verify gets ResponseStatus 0 with a ResponseMessage.',
  },
  {
    id: 'push-orgid',
    document: 'SEED-001',
    section: '8.1.2',
    level: 'SECURITY',
    text: 'orgId (M): the organisation id of the issuer. An upload carrying another orgId than the one the API key belongs to gets ResponseStatus 0 with a ResponseMessage.',
  },
  {
    id: 'push-doccontent-base64',
    document: 'SEED-001',
    section: '8.1.2 DocDetails/DocContent',
    level: 'MUST',
    text: 'DocContent: Base64 encoded content of CSV file. DocContent that is not valid base64 gets ResponseStatus 0 with a ResponseMessage.',
  },
  {
    id: 'push-csv-malformed',
    document: 'SEED-001',
    section: '8.1 (CSV format table), 8.1.2',
    level: 'SHOULD',
    text: 'The format of the CSV file: 10 columns in order. (dlconform: no source says a malformed CSV must be refused at upload — DigiLocker imports the file later, by a scheduler — so ResponseStatus 0 with a ResponseMessage is expected, not required.)',
  },
  {
    id: 'push-uri-aadhaar',
    document: 'SEED-001',
    section: '8.1 #1; FACTS §1.8 item 48',
    level: 'SHOULD',
    text: 'Aadhaar: Aadhaar number of the citizen to whom the document is issued (12 digits, Verhoeff check digit). (dlconform: no source says an invalid one must be refused in the answer, so ResponseStatus 0 with a ResponseMessage is expected, not required.)',
  },
  // Push URI to Account (OAS-AUTHPARTNER POST /account/1/pushuri), judged on a DigiLocker-like endpoint (conformance/checks/push-account.ts)
  {
    id: 'pushuriacct-valid',
    document: 'OAS-AUTHPARTNER',
    section: 'paths./account/1/pushuri.post',
    level: 'MUST',
    text: 'The API can use to push or delete a single URI into Digital Locker using DigiLocker Id … multipart/form-data (PushUri: clientid, hmac, ts, digilockerid, uri, docid, issuedate DDMMYYYY, validfrom, validto, action). 200: successful operation.',
  },
  {
    id: 'pushuriacct-hmac',
    document: 'OAS-AUTHPARTNER',
    section: 'components.schemas.PushUri.hmac; responses.400; FACTS C24',
    level: 'SECURITY',
    text: 'Provide SHA-256 encrypted value of the client secret, clientid and ts parameters above concatenated in this sequence (client secret, clientid, ts). The hmac parameter is used by DigiLocker to ensure the data integrity and authentication of the request. 400 invalid_parameter: HMAC parameter is missing or invalid.',
  },
  {
    id: 'pushuriacct-client-id',
    document: 'OAS-AUTHPARTNER',
    section: 'paths./account/1/pushuri.post.responses.401',
    level: 'SECURITY',
    text: '401 Unauthorized error: error invalid_client_id, error_description The client_id parameter is invalid.',
  },
  {
    id: 'pushuriacct-ts',
    document: 'OAS-AUTHPARTNER',
    section: 'components.schemas.PushUri.ts; responses.400',
    level: 'SECURITY',
    text: 'Provide a timestamp value in UNIX (or POSIX) format in IST time zone in seconds. This timestamp value must not be older than 30 minutes. 400 invalid_parameter: Timestamp parameter is missing or invalid.',
  },
  {
    id: 'pushuriacct-digilocker-id',
    document: 'OAS-AUTHPARTNER',
    section: 'paths./account/1/pushuri.post.responses.404',
    level: 'MUST',
    text: 'digilockerid: This is the DigiLocker Id of the user that was acquired using Get User Details API. 404 Not found: error invalid_digilocker_id, error_description The digilockerid parameter is invalid.',
  },
  {
    id: 'pushuriacct-issuedate',
    document: 'OAS-AUTHPARTNER',
    section: 'components.schemas.PushUri.issuedate; responses.400',
    level: 'MUST',
    text: 'issuedate: The issue date of the document in DDMMYYYY format. 400 invalid_parameter: Issuedate parameter is missing orinvalid.',
  },
  {
    id: 'doc-id-unguessable',
    document: 'SPEC-1.13',
    section: '5.4 (DocId); SEED-001 §7',
    level: 'SHOULD',
    text: 'Using random string eliminates the possibility of “guessing” next sequence number … It is highly recommended that issuer needing to issue a total of n documents within a document type use at least 10n random space from which the strings/numbers are chosen to randomly allocate.',
  },
  {
    id: 'hmac-encodings',
    document: 'FACTS',
    section: 'C1; SPEC-1.13 8.1.1 x-digilocker-hmac',
    level: 'MAY',
    text: 'SPEC-1.13 and the OpenAPI: "The resulting hmac is converted to Base64 format and sent in this parameter" (read as Base64 of the raw digest: raw-base64); DIVOC, IGOT, RTPS (production) and IMPL-PENSION verify Base64 of the lowercase-hex digest (hex-base64), what DigiLocker is observed to send. Which one DigiLocker sends is disputed, so an issuer that verifies only one of them refuses every request if DigiLocker sends the other. FACTS C1: "Offer a probe that sends each variant and reports which the issuer accepts. Never fail a conformance run on the choice alone": accepting one is a warning under every policy.',
  },
  {
    id: 'pending-pushed',
    document: 'SPEC-1.13',
    section: '8.1.4 #3; FACTS §1.4 item 29',
    level: 'SHOULD',
    text: "The issuer department may do a manual verification of the Pull Request and take a decision to provide a document at a later time. In this case the response status should contain value 9. (FACTS §1.4 item 29: 9 means the issuer will verify manually and later deliver the document with the Push URI API. The decision may also be no, and how long it takes is the issuer's: pending.pushWithinSeconds in the config says how long the run waits for the push.)",
  },
  {
    id: 'example-spec-1.13-request',
    document: 'SPEC-1.13',
    section: '8.1.1 (request template); FACTS §4',
    level: 'MUST',
    text: 'The following is the XML request template for the PULL URI Request API. <PullURIRequest xmlns="http://tempuri.org/" ver="3.0" ts="YYYY-MM-DDThh:mm:ss+/-nn:nn" txn="1234" orgId="" keyhash="" format="xml/pdf/both"> <DocDetails> <DocType></DocType> //Document type <DigiLockerId></DigiLockerId > //Unique 36 character DigiLocker Id <UID></UID> //MD5 Hash of Aadhaar Number (Optional) <FullName> </FullName> //Name as on Aadhaar (Optional) <DOB></DOB> //Date of birth as on Aadhaar (Optional) … <UDF1></UDF1> //User defined field … (dlconform: the template filled in as protocol-facts §4 does, without the optional Aadhaar fields, replayed with the configured document: it is served.)',
  },
  {
    id: 'example-pension-request',
    document: 'FACTS',
    section: '§9.5 (IMPL-PENSION fixture); §2.2; §2.4',
    level: 'SHOULD',
    text: 'IMPL-PENSION tests/test_xml_parser.py (fixture modelled on live traffic): <PullURIRequest xmlns="https://www.digitallocker.gov.in/schema/issuer/v1/pullurirequest" ver="3.0" … format="pdf">, one element a line, every value padded (<DocType>, GPFFP and </DocType> on lines of their own). "Element text may be pretty-printed with surrounding whitespace/newlines … so values must be trimmed." (dlconform: a SHOULD, as whitespace-values is.)',
  },
  {
    id: 'example-dllog-request',
    document: 'FACTS',
    section: '§9.5 (SAMPLE-DLLOG); §2.4; SEED-001 Pull API v1.0',
    level: 'MUST',
    text: 'SAMPLE-DLLOG (2018 pull log): <?xml version="1.0"?><PullURIRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="2018-07-18T10:33:53+02:00" txn="1531902833" orgId="in.org.bseh" keyhash="…">  <DocDetails>…<rollno>…</rollno><year>…</year>  </DocDetails></PullURIRequest>. ts: "Template format: YYYY-MM-DDThh:mm:ss+/-nn:nn [SEED-001]"; "2018-07-18T10:33:53+02:00 (non-IST offset!)". (dlconform: replayed with ts now in the same +02:00 offset: it is served.)',
  },
  {
    id: 'example-uidai-pulldoc-request',
    document: 'FACTS',
    section: '§9.5 (SAMPLE-UIDAI); §2.4',
    level: 'MUST',
    text: 'SAMPLE-UIDAI: <PullDocRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="2022-02-01T09:03:08+05:30" txn="562ae0e699e2521ac4bd55f5ca61e553" orgId="in.gov.uidai" keyhash="…" metadata="Y" format="xml">. "txn: 10-digit numbers … and 32-hex strings (562ae0e699e2521ac4bd55f5ca61e553, SAMPLE-UIDAI)." "Extra, undocumented root attribute metadata="Y" on a PullDocRequest (SAMPLE-UIDAI). Issuers must ignore unknown attributes." (dlconform: replayed with a fresh 32-hex txn and the configured URI: it is served.)',
  },
] as const satisfies readonly Clause[];

type RequirementId = (typeof list)[number]['id'];

/**
 * The requirements above as Pull Doc's own sources state them: SPEC-1.13 removed Pull Doc, so a
 * Pull Doc check cites the Pull API v1.0 (SEED-001 §8.2) or the OpenAPI's PullDoc schemas. Each
 * keeps the level of the requirement it restates (`of`), so both APIs are judged alike.
 */
const pullDocList = [
  {
    id: 'http-200-pulldoc',
    of: 'http-200',
    document: 'OAS-ISSUER',
    section: 'paths./Your Pull DOC Request API Path.post.responses',
    text: '200: successful operation (application/xml), schema PullDocResponse. No other HTTP status is defined; errors are signalled in-band with Status="0".',
  },
  { id: 'echo-ts-pulldoc', of: 'echo-ts', document: 'SEED-001', section: '8.2.2 #1; OAS-ISSUER PullDocResponse.ResponseStatus.ts', text: 'ts (M): A timestamp value as sent in the request.' },
  {
    id: 'echo-txn-pulldoc',
    of: 'echo-txn',
    document: 'OAS-ISSUER',
    section: 'components.schemas.PullDocResponse.ResponseStatus.txn; SEED-001 8.2.2 #2',
    text: 'txn: Transaction id value as sent in the request.',
  },
  {
    id: 'status-text-pulldoc',
    of: 'status-text',
    document: 'SEED-001',
    section: '8.2.2 (template), FACTS C12',
    text: '<ResponseStatus Status="1" ts="…" txn="…"> //1 - Success //0 - Failure </ResponseStatus>: when the element has text, it equals the Status attribute.',
  },
  {
    id: 'keyhash-pulldoc',
    of: 'keyhash',
    document: 'SEED-001',
    section: '8.2.1 #2, #5',
    text: 'ts (M): A timestamp value. This will be used to decode the keyHash element described below. keyHash (M): Provide SHA-256 encrypted value of the API key and the timestamp values concatenated together in this sequence. The issuer rejecting a wrong one is not stated and several verify only the HMAC (FACTS C3): a request whose keyhash does not verify should not be served (HTTP 401/403 or 200 with Status="0"). Without a verified HMAC either, auth-required applies.',
  },
  {
    id: 'auth-required-pulldoc',
    of: 'auth-required',
    document: 'SEED-001',
    section: '8.2.1 #5; OAS-ISSUER x-digilocker-hmac',
    text: 'keyHash (M): Provide SHA-256 encrypted value of the API key and the timestamp values concatenated together in this sequence. x-digilocker-hmac: … the API Key provided by the issuer as the hashing key. These are the only two ways a request proves the API key: a request with neither a verifying keyhash nor a verifying HMAC is unauthenticated and must never be served, under any policy.',
  },
  {
    id: 'hmac-pulldoc',
    of: 'hmac',
    document: 'OAS-ISSUER',
    section: 'paths./Your Pull DOC Request API Path.post.parameters x-digilocker-hmac',
    text: 'DigiLocker calculates the hash message authentication code (hmac) of the HTTP request body using SHA256 hashing algorithm and the API Key provided by the issuer as the hashing key. … It is strongly recommended that the issuer API calculates the hmac of the HTTP request body, convert it to Base64 and match it with this parameter to ensure authenticity of the request. ("strongly recommended": not verifying it is a security warning, FACTS C19; blocking under policy strict.)',
  },
  {
    id: 'orgid-pulldoc',
    of: 'orgid',
    document: 'SEED-001',
    section: '8.2.1 #4',
    text: 'orgId (M): Org Id is the user id provided to the Digital Locker application by the issuer application for accessing the API. A request from another orgId must not be served.',
  },
  {
    id: 'doccontent-format-pulldoc',
    of: 'doccontent-format',
    document: 'OAS-ISSUER',
    section: 'components.schemas.PullDocResponse.DocDetails.DocContent; SEED-001 8.2.2 #5',
    text: 'DocContent: Enclose the Base64 byte encoded contents of PDF file in this element. The DocContent element should be sent only if the format attribute in the original request is sent as "pdf" or "both" or is absent.',
  },
  {
    id: 'datacontent-format-pulldoc',
    of: 'datacontent-format',
    document: 'OAS-ISSUER',
    section: 'components.schemas.PullDocResponse.DocDetails.DataContent',
    text: 'DataContent: Enclose the Base64 byte encoded certificate metadata in XML format. The DataContent element should be sent only if the original request contains format attribute as "xml" or "both". (DocDetails requires DocContent and DataContent.)',
  },
  {
    id: 'format-absent-pulldoc',
    of: 'format-absent',
    document: 'OAS-ISSUER',
    section: 'components.schemas.PullDocRequest.format',
    text: 'If the format attribute is not present in the request, then the API must return Base64 encoded PDF data in the response. (FACTS C5: the default differs between sources, reported as a warning.)',
  },
  {
    id: 'base64-valid-pulldoc',
    of: 'base64-valid',
    document: 'OAS-ISSUER',
    section: 'components.schemas.PullDocResponse.DocDetails; SEED-001 8.2.2 #5',
    text: 'Enclose the Base64 byte encoded contents of PDF file / certificate metadata in this element: standard base64 alphabet with correct padding.',
  },
  {
    id: 'doccontent-pdf-pulldoc',
    of: 'doccontent-pdf',
    document: 'SEED-001',
    section: '8.2.2 #5',
    text: 'DocContent (M): Enclose the Base64 byte encoded contents of PDF file in this element. (dlconform: %PDF- within the first 1024 bytes and %%EOF within the last 1024 are required; damage to startxref, the xref table or the trailer, which viewers repair, is a warning.)',
  },
  {
    id: 'datacontent-xml-pulldoc',
    of: 'datacontent-xml',
    document: 'OAS-ISSUER',
    section: 'components.schemas.PullDocResponse.DocDetails.DataContent',
    text: 'DataContent: Enclose the Base64 byte encoded certificate metadata in XML format: it decodes to well-formed XML (FACTS C16).',
  },
  {
    id: 'not-found-pulldoc',
    of: 'not-found',
    document: 'SEED-001',
    section: '8.2.2 #3; FACTS C18',
    text: 'Status (M): 1 for success, 0 for error. The response includes the Doc content of any documents linked to the given URI: a URI that names no document returns Status="0" and no document.',
  },
] as const satisfies readonly (Omit<Clause, 'level'> & { of: RequirementId })[];

/** The id of a registered clause: a check naming an id that is not registered does not compile. */
export type ClauseId = RequirementId | (typeof pullDocList)[number]['id'];

/** Keyed by string so ids from outside the code (a report, a selector) can be looked up as they are. */
export const CLAUSES: ReadonlyMap<string, Clause> = new Map<string, Clause>([
  ...list.map((c): [string, Clause] => [c.id, c]),
  ...pullDocList.map(({ of, ...c }): [string, Clause] => [c.id, { ...c, level: list.find((r) => r.id === of)!.level }]),
]);

const PULL_DOC_SOURCE: ReadonlyMap<string, ClauseId> = new Map(pullDocList.map((c) => [c.of, c.id]));

const REQUIREMENT_OF: ReadonlyMap<string, string> = new Map(pullDocList.map((c) => [c.id, c.of]));

/** The requirement a clause states: for a Pull Doc source, the Pull URI clause it restates (`keyhash-pulldoc` → `keyhash`). */
export function requirementOf(id: string): string {
  return REQUIREMENT_OF.get(id) ?? id;
}

/** The clause a check of `api` cites for requirement `id`: Pull Doc's own source where it has one. */
export function clauseFor(api: string, id: ClauseId): ClauseId {
  return (api === 'pulldoc' && PULL_DOC_SOURCE.get(id)) || id;
}

export function isClauseId(id: string): id is ClauseId {
  return CLAUSES.has(id);
}

export function clause(id: ClauseId): Clause {
  return CLAUSES.get(id)!;
}
