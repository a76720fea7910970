/**
 * The reference upload service in each conformant-but-unusual variant (REQUESTER_VARIANTS: forms
 * SEED-001 allows, not the reference's own) passes every requester check clean; a variant does not
 * hide a fault: with one, the fault's check still fails. Real HTTP over loopback.
 */
import { describe, expect, it } from 'vitest';
import { REQUESTER_VARIANT_NAMES, startRequesterService, type RequesterFaultName, type RequesterVariantName } from '../../fixtures/requester/index.js';
import { REQUESTER_CHECKS } from './checks.js';
import { REQUESTER_FAULT_TARGETS } from './fault-targets.js';
import { runRequesterChecks } from './run.js';

async function runAgainst(variants: RequesterVariantName[], faults: RequesterFaultName[] = []) {
  const service = await startRequesterService({ variants, faults, fetchTimeoutMs: 2000 });
  try {
    return { ...(await runRequesterChecks(service.url, { timeoutMs: 3000 })), stored: service.stored };
  } finally {
    await service.close();
  }
}

describe('conformant-but-unusual forms of the upload service', () => {
  for (const variant of REQUESTER_VARIANT_NAMES) {
    it(`variant ${variant} passes every requester check clean`, async () => {
      const { result, stored } = await runAgainst([variant]);
      expect(result.checks.map((c) => [c.id, c.verdict])).toEqual(REQUESTER_CHECKS.map((c) => [c.id, 'pass']));
      expect(result.exitCode).toBe(0);
      // the repeated share retrieves doc_url again, but where the service keeps its first copy
      expect(stored.map((s) => s.kind)).toEqual(variant === 'cached-repeat' ? ['pdf'] : ['pdf', 'pdf']);
    });
  }

  for (const [variant, fault] of [
    ['lowercase-answer', 'success-on-unreachable'],
    ['failure-400', 'refuses-repeat'],
    ['json-answer', 'accepts-any-content'],
    ['cached-repeat', 'ignores-doc-url'],
  ] as const) {
    it(`variant ${variant} with fault ${fault} still fails ${REQUESTER_FAULT_TARGETS[fault]}`, async () => {
      const { result } = await runAgainst([variant], [fault]);
      expect(result.checks.filter((c) => c.verdict !== 'pass' && c.verdict !== 'skip').map((c) => c.id)).toEqual([REQUESTER_FAULT_TARGETS[fault]]);
      const judged = result.checks.find((c) => c.id === REQUESTER_FAULT_TARGETS[fault])!;
      // a SHOULD check warns (exit 0 under policy conformance); a MUST one fails and blocks
      expect(judged.verdict).toBe(judged.level === 'SHOULD' ? 'warn' : 'fail');
      expect(result.exitCode === 0).toBe(judged.level === 'SHOULD');
    });
  }
});
