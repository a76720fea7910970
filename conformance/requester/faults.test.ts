/**
 * Every requester check can fail: each fault of the reference upload service fails exactly its
 * target check (a SHOULD check warns), and the reference passes clean. Real HTTP over loopback:
 * the harness's document server, the reference service retrieving from it with undici.
 */
import { describe, expect, it } from 'vitest';
import { REQUESTER_FAULT_NAMES, startRequesterService, type RequesterFaultName } from '../../fixtures/requester/index.js';
import { REQUESTER_CHECKS } from './checks.js';
import { REQUESTER_FAULT_TARGETS } from './fault-targets.js';
import { runRequesterChecks } from './run.js';

async function runAgainst(faults: RequesterFaultName[]) {
  const service = await startRequesterService({ faults, fetchTimeoutMs: 2000 });
  try {
    // a hanging service is cut off by the harness's timeout; nothing here measures time
    return { ...(await runRequesterChecks(service.url, { timeoutMs: 3000 })), stored: service.stored };
  } finally {
    await service.close();
  }
}

describe('requester checks against the reference upload service', () => {
  it('the reference passes clean: every check passes, the PDF is stored twice, exit 0', async () => {
    const { result, stored } = await runAgainst([]);
    expect(result.checks.map((c) => [c.id, c.verdict])).toEqual(REQUESTER_CHECKS.map((c) => [c.id, 'pass']));
    expect(result.exitCode).toBe(0);
    expect(stored.map((s) => s.kind)).toEqual(['pdf', 'pdf']);
  });

  it("every check is some fault's target but the transport check, which judges the URL", () => {
    const targeted = new Set(Object.values(REQUESTER_FAULT_TARGETS));
    expect(REQUESTER_CHECKS.map((c) => c.id).filter((id) => !targeted.has(id))).toEqual(['requester.transport.https']);
  });

  for (const fault of REQUESTER_FAULT_NAMES) {
    it(`${fault} fails exactly ${REQUESTER_FAULT_TARGETS[fault]}`, async () => {
      const { result } = await runAgainst([fault]);
      const target = REQUESTER_FAULT_TARGETS[fault];
      const notPassed = result.checks.filter((c) => c.verdict !== 'pass' && c.verdict !== 'skip').map((c) => c.id);
      expect(notPassed).toEqual([target]);
      const judged = result.checks.find((c) => c.id === target)!;
      expect(judged.verdict).toBe(judged.level === 'SHOULD' ? 'warn' : 'fail');
      expect(judged.evidence.length).toBeGreaterThan(0);
    });
  }
});
