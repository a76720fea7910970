/**
 * Which conformance checks each fault switch of the reference issuer makes fail (or warn): the
 * proof that every check can fail. conformance/faults.test.ts runs the suite against each fault
 * and requires exactly these; conformance/CHECKS.md is generated from it.
 */
import type { MockFaultName } from '../fixtures/digilocker/index.js';
import type { FaultName, IssuerOptions } from '../fixtures/issuer/index.js';
import type { PushFaultName } from '../fixtures/issuer/push-client.js';
import type { ApiSetuFaultName } from '../fixtures/issuer/apisetu.js';
import type { ProfileId } from '../protocol/profiles.js';
import type { PullApi } from '../protocol/requests.js';

const both = (...suffixes: string[]) => suffixes.flatMap((s) => [`pulluri.${s}`, `pulldoc.${s}`]);

export interface Expectation {
  profile?: ProfileId;
  /** config changes the fault needs to be judged at all (e.g. the namespace the issuer insists on) */
  configPatch?: Record<string, unknown>;
  /** options of the reference issuer the fault needs to show within one run (e.g. a lower rate limit) */
  issuerOptions?: Pick<IssuerOptions, 'rateLimitPerMinute' | 'rateLimitRetryAfterSeconds'>;
  /**
   * the fault is seen only with a mock DigiLocker: the run starts one, the issuer pushes its pending
   * document there (pushPendingTo) and the config observes its database (pushed.db)
   */
  digiLocker?: true;
  /** ids whose verdict is fail or warn; every other check must pass, skip or be inconclusive as below */
  targets: string[];
  /**
   * the APIs whose correctly signed baseline the fault stops serving: every refusal check of those
   * (judgesRefusal) that applies is inconclusive, and no other check is
   */
  inconclusive?: PullApi[];
  /**
   * the fault throttles (rate-limit): the checks whose requests met the throttling are
   * inconclusive with a message naming it and client.maxRequestsPerSecond (which ones depends on
   * the order requests reach the limit); none fails or warns because of it
   */
  throttled?: true;
}

export const EXPECTED: Record<FaultName, Expectation> = {
  'http-202': { targets: both('transport.http-200') },
  'html-content-type': { targets: both('transport.content-type') },
  'invalid-utf8': { targets: both('transport.utf8-xml') },
  'wrong-root': { targets: both('transport.root-element') },
  'ts-reformatted': { targets: both('echo.ts', 'echo.on-error', 'echo.on-400') },
  'txn-not-echoed': { targets: both('echo.txn', 'echo.on-error', 'echo.on-400') },
  'status-text-mismatch': { targets: both('echo.status-text') },
  // an HTTP 400 refusal is a Status 0 response too
  'no-echo-on-error': { targets: both('echo.on-error', 'echo.on-400') },
  'no-echo-on-400': { targets: both('echo.on-400') },
  'status-minus-one-on-error': { targets: both('status.values') },
  'keyhash-not-verified': { targets: both('auth.wrong-keyhash') },
  'hmac-not-verified': { targets: both('auth.wrong-hmac', 'auth.missing-hmac', 'auth.tampered-body') },
  'hmac-optional': { targets: both('auth.missing-hmac') },
  'credentials-optional': { targets: both('auth.unauthenticated') },
  // a warning under every policy: DigiLocker's encoding is disputed (FACTS C1)
  'hmac-one-encoding': { targets: ['pulluri.auth.hmac-encodings'] },
  'orgid-not-verified': { targets: both('auth.wrong-orgid') },
  'auth-error-500': { targets: both('auth.no-5xx') },
  // everything refused: only the checks of the plain request fail, every refusal check is inconclusive
  'reject-all': { targets: both('transport.http-200', 'success.status-1'), inconclusive: ['pulluri', 'pulldoc'] },
  'not-found-all': { targets: both('transport.http-200', 'transport.content-type', 'transport.utf8-xml', 'status.values', 'success.status-1'), inconclusive: ['pulluri', 'pulldoc'] },
  'html-403-all': { targets: both('transport.http-200', 'transport.content-type', 'transport.utf8-xml', 'status.values', 'success.status-1'), inconclusive: ['pulluri', 'pulldoc'] },
  'udf-literal-names': { targets: ['pulluri.success.status-1'], inconclusive: ['pulluri'] },
  'uri-wrong-prefix': { targets: ['pulluri.success.uri-format', 'pulluri.success.uri-expected'] },
  'uri-other-document': { targets: ['pulluri.success.uri-expected'] },
  // a warning: random DocIds are "highly recommended"
  'sequential-docids': { targets: ['pulluri.success.doc-ids-random'] },
  'uri-unstable': { targets: ['pulluri.success.uri-expected', 'pulluri.success.uri-stable'] },
  'no-issuedto': { profile: '1.13', targets: ['pulluri.success.issued-to'] },
  'person-dob-iso': { profile: '1.13', targets: ['pulluri.success.person-attributes'] },
  'person-photo-wrong-format': { profile: '1.13', targets: ['pulluri.success.person-photo'] },
  // an empty phone matches no owner where the portal's Match Mobile is on (the reference config's ownerMatch lists phone)
  'person-no-phone': { profile: '1.13', targets: ['pulluri.success.person-present', 'pulluri.success.issued-to-owner'] },
  'issued-to-other-person': { profile: '1.13', targets: ['pulluri.success.issued-to-owner'] },
  'no-search-echo': { targets: ['pulluri.success.search-echo'] },
  'format-ignored': { targets: [...both('content.format-xml', 'content.format-both'), 'pulldoc.examples.sample-uidai-pulldoc-request'] },
  'format-absent-nothing': { targets: both('content.format-absent') },
  'doccontent-not-base64': { targets: both('content.doccontent-base64') },
  'base64-line-breaks': { targets: both('content.base64-clean') },
  'doccontent-not-pdf': { targets: both('content.doccontent-pdf') },
  // a warning, not a failure (content.test.ts)
  'pdf-startxref-off': { targets: both('content.doccontent-pdf') },
  // warnings by default (SHOULD); failures with expect.signed
  'pdf-unsigned': { targets: both('content.pdf-signed') },
  'xml-unsigned': { targets: both('content.xml-signed') },
  'xml-signature-broken': { targets: both('content.xml-signature-valid') },
  'datacontent-not-base64': { targets: both('content.datacontent-base64') },
  'datacontent-json': { targets: both('content.datacontent-xml') },
  'datacontent-wrong-root': { targets: both('content.certificate-root') },
  'unknown-search-returns-doc': { targets: ['pulluri.negative.absent-search'] },
  'not-found-404': { targets: ['pulluri.negative.absent-search-http', 'pulldoc.negative.unknown-uri-http'] },
  'identity-not-checked': { targets: ['pulluri.negative.name-mismatch', 'pulluri.negative.dob-mismatch', 'pulluri.negative.uid-mismatch'] },
  // a warning: the spec "strongly recommends" the identity match; 1.13 sends UID as an MD5, 3.0 as the number
  'uid-not-checked': { targets: ['pulluri.negative.uid-mismatch'] },
  'doctype-ignored': { targets: ['pulluri.negative.doctype-unknown', 'pulluri.negative.doctype-other'] },
  'pending-as-error': { targets: ['pulluri.pending.status-9'] },
  // a warning: the push after Status 9 is the issuer's decision (SHOULD)
  'pending-never-pushed': { digiLocker: true, targets: ['pulluri.pending.pushed'] },
  'unknown-uri-returns-doc': { targets: ['pulldoc.negative.unknown-uri'] },
  'pulldoc-status-9': { targets: ['pulldoc.status.values'] },
  'pulldoc-not-found': { targets: ['pulldoc.success.status-1'], inconclusive: ['pulldoc'] },
  'namespace-digitallocker-only': {
    configPatch: { namespace: 'digitallocker' },
    targets: [...both('robustness.namespace-none', 'robustness.namespace-tempuri', 'robustness.namespace-ns2-tempuri'), 'pulldoc.examples.sample-uidai-pulldoc-request'],
  },
  'namespace-strict': { targets: both('robustness.namespace-tempuri', 'robustness.namespace-digitallocker') },
  'no-trim': { targets: both('robustness.whitespace') },
  'strict-attributes': { targets: [...both('robustness.unknown-attribute'), 'pulldoc.examples.sample-uidai-pulldoc-request'] },
  'strict-elements': { targets: both('robustness.unknown-element') },
  'ts-no-fraction': { targets: both('robustness.ts-fraction') },
  'body-limit-2k': { targets: both('robustness.large-request') },
  'oversize-500': { targets: both('robustness.oversize-refused') },
  'oversize-reset': { targets: both('robustness.oversize-refused') },
  // a warning, not a failure (security.test.ts)
  'dtd-expanded': { targets: both('security.dtd-refused') },
  'xxe-external-resolved': { targets: both('security.xxe-external') },
  'entity-bomb-500': { targets: both('security.entity-bomb') },
  'malformed-500': { targets: both('security.malformed-no-5xx') },
  'stack-trace': { targets: both('security.no-stack-trace') },
  'secret-echo': { targets: both('security.no-secret-echo') },
  'api-key-echo': { targets: both('security.no-secret-echo') },
  // a warning in 1.13; in 3.0 the OpenAPI's response DocDetails carries these values (security.test.ts)
  'personal-echo': { profile: '1.13', targets: ['pulluri.security.no-secret-echo'] },
  'slow-pdf': { targets: both('content.format-pdf') },
  // timing faults change no conformance verdict: properties/timing judges them
  'early-exit-compare': { targets: [] },
  'ts-dependent-path': { targets: [] },
  'ts-window': { targets: [] },
  // throttling is not a finding: the checks that meet the limit are inconclusive (throttle.test.ts)
  'rate-limit': { issuerOptions: { rateLimitPerMinute: 20 }, targets: [], throttled: true },
  // fuzz-only faults change no conformance verdict: properties/fuzz catches them (properties/fuzz/fuzz.test.ts)
  'echo-unescaped': { targets: [] },
  'attribute-order-fixed': { targets: [] },
  // a 32 KB value (an Aadhaar photo's size) overflows the column as a 256-character one does
  'long-value-500': { targets: both('robustness.large-request') },
  'search-first-element-only': { targets: [] },
  // shapes only a spec example shows: each fails that example's replay and nothing else
  'identity-required': { profile: '1.13', targets: ['pulluri.examples.spec-1.13-uri-request'] },
  // a warning: the example cites the SHOULD of trimmed values
  'pretty-printed-refused': { profile: '1.13', targets: ['pulluri.examples.pension-uri-request'] },
  'ts-ist-only': { profile: '1.0', targets: ['pulluri.examples.sample-dllog-uri-request'] },
  'txn-digits-only': { targets: ['pulldoc.examples.sample-uidai-pulldoc-request'] },
  // a capacity fault: answers are right, only delayed past saturateRps; dlconform load finds the knee
  'saturate-at': { targets: [] },
  // a pause fault: answers are right, only held stallMs when they arrive in a pause; dlconform load sees the tail
  'periodic-stall': { targets: [] },
};

/**
 * The push checks (conformance/checks/push.ts) run against the mock DigiLocker: which checks each
 * of its fault switches makes fail. The transport faults (slow, http-500, malformed-ack) are for
 * issuers' retry behaviour; against the push checks they fail everything that needs an answer.
 * conformance/checks/push.test.ts runs the push checks with each conformance fault.
 */
export const PUSH_EXPECTED: Partial<Record<MockFaultName, Expectation>> = {
  'accept-bad-keyhash': { targets: ['pushcsv.invalid.bad-keyhash', 'pushuri.invalid.bad-keyhash'] },
  'accept-wrong-orgid': { targets: ['pushcsv.invalid.wrong-orgid'] },
  'accept-bad-base64': { targets: ['pushcsv.invalid.bad-base64'] },
  'accept-malformed-csv': { targets: ['pushcsv.invalid.malformed-csv'] },
  'accept-bad-aadhaar': { targets: ['pushuri.invalid.bad-aadhaar'] },
  'no-echo': { targets: ['pushcsv.valid.echo', 'pushuri.valid.echo'] },
  'reject-valid': { targets: ['pushcsv.valid.status-1', 'pushuri.valid.status-1'] },
};

/**
 * The Push URI to Account checks (conformance/checks/push-account.ts) run against the mock
 * DigiLocker's /account/1/pushuri: which check each of its account faults makes fail
 * (conformance/checks/push-account.test.ts).
 */
export const PUSH_ACCOUNT_EXPECTED: Partial<Record<MockFaultName, Expectation>> = {
  'acct-reject-valid': { targets: ['pushuriacct.valid.success'] },
  'acct-accept-bad-hmac': { targets: ['pushuriacct.invalid.bad-hmac'] },
  'acct-accept-unknown-client': { targets: ['pushuriacct.invalid.unknown-client'] },
  'acct-accept-stale-ts': { targets: ['pushuriacct.invalid.stale-ts'] },
  'acct-accept-unknown-account': { targets: ['pushuriacct.invalid.unknown-account'] },
  'acct-accept-bad-date': { targets: ['pushuriacct.invalid.bad-date'] },
};

/**
 * The consistency check against the reference issuer whose push client runs with a fault and
 * pushes to the mock DigiLocker (conformance/checks/consistency.test.ts); the other push-client
 * faults break CSV rules that `dlconform csv lint` and the mock's findings report, not this check.
 */
export const CONSISTENCY_EXPECTED: Partial<Record<PushFaultName, Expectation>> = {
  'push-unpullable-uri': { targets: ['consistency.pushed.pullable'] },
};

/**
 * Profile apisetu: which apisetu.* check each fault of the reference issuer's publisher form
 * (fixtures/issuer/apisetu.ts) makes fail or warn (conformance/checks/apisetu.test.ts).
 */
export const APISETU_EXPECTED: Record<ApiSetuFaultName, Expectation> = {
  'apisetu-pdf-base64': { targets: ['apisetu.valid.pdf'] },
  'apisetu-xml-pulldoc-envelope': { targets: ['apisetu.valid.xml'] },
  'apisetu-content-type-octet': { targets: ['apisetu.valid.content-type'] },
  'apisetu-error-snake-case': { targets: ['apisetu.error.shape'] },
  'apisetu-parameters-optional': { targets: ['apisetu.invalid.missing-parameter'] },
  'apisetu-format-default-pdf': { targets: ['apisetu.invalid.format'] },
  'apisetu-txnid-not-validated': { targets: ['apisetu.invalid.txn-id'] },
  'apisetu-consentid-not-validated': { targets: ['apisetu.invalid.consent-id'] },
  'apisetu-api-key-not-verified': { targets: ['apisetu.auth.api-key'] },
  'apisetu-client-id-not-verified': { targets: ['apisetu.auth.client-id'] },
  'apisetu-not-found-200': { targets: ['apisetu.not-found.record'] },
  'apisetu-malformed-500': { targets: ['apisetu.robustness.no-5xx'] },
  'apisetu-txnid-not-echoed': { targets: ['apisetu.echo.txn-id'] },
  'apisetu-wrong-holder': { targets: ['apisetu.owner.match'] },
};
