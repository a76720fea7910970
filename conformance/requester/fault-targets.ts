/**
 * The requester check each reference upload-service fault (fixtures/requester/) must fail, and
 * only that one: conformance/requester/faults.test.ts runs every fault against its target. The
 * transport check judges the upload URL itself, which no fault of a service on loopback changes;
 * its failing case is a non-loopback http URL (protocol/requester.test.ts, run.test.ts).
 */
import type { RequesterFaultName } from '../../fixtures/requester/index.js';

export const REQUESTER_FAULT_TARGETS: Readonly<Record<RequesterFaultName, string>> = {
  'ignores-doc-url': 'requester.share.stored',
  'accepts-missing-user-ref': 'requester.params.user-ref',
  'accepts-missing-doc-id': 'requester.params.doc-id',
  'accepts-missing-doc-url': 'requester.params.doc-url',
  'success-on-unreachable': 'requester.doc-url.unreachable',
  '5xx-on-unreachable': 'requester.doc-url.unreachable',
  'accepts-any-content': 'requester.doc-url.not-a-document',
  'unbounded-size': 'requester.doc-url.oversized',
  'hangs-on-oversized': 'requester.doc-url.oversized',
  'refuses-repeat': 'requester.share.repeat',
};
