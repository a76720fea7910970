/**
 * The owner checks and the DocType checks against the reference issuer: the clean issuer passes
 * them where they apply, each fault fails its own; a failure names the field that differs and no
 * owner value; a check that cannot be judged with this config says why.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/index.js';
import { Redactor } from '../../core/redact.js';
import type { CheckResult } from '../../core/types.js';
import { startIssuer, type FaultName } from '../../fixtures/issuer/index.js';
import type { ProfileId } from '../../protocol/profiles.js';
import { runSuite } from '../runner.js';

const API_KEY = 'owner-test-key-3c9e1a7b';
const ONLY = ['pulluri.success.issued-to-owner', 'pulluri.negative.doctype-unknown', 'pulluri.negative.doctype-other', 'pulluri.negative.uid-mismatch'];

interface Run {
  checks: Record<string, CheckResult>;
  ownerValues: string[];
}

/** Runs the four checks; `redactOwners: false` keeps owner values out of the redactor, so a message shows what the check wrote. */
async function run(profile: ProfileId, faults: FaultName[], patch: (json: Record<string, any>) => void = () => {}, redactOwners = true): Promise<Run> {
  const issuer = await startIssuer({ profile, apiKey: API_KEY, faults, documents: 8 });
  try {
    const json: Record<string, any> = structuredClone(issuer.config('OWNER_TEST_KEY'));
    patch(json);
    const { config, apiKey } = parseConfig(json, { OWNER_TEST_KEY: API_KEY }, 'owner test');
    const redactor = new Redactor(redactOwners ? { apiKey, config } : { apiKey });
    const { result } = await runSuite({ config, apiKey, redactor, seed: 11, only: ONLY });
    const ownerValues = issuer.store.documents.flatMap((d) => [d.owner.fullName, d.owner.dob, d.owner.phone, d.owner.aadhaar]);
    return { checks: Object.fromEntries(result.checks.map((c) => [c.id, c])), ownerValues };
  } finally {
    await issuer.close();
  }
}

const verdicts = (r: Run) => Object.fromEntries(Object.entries(r.checks).map(([id, c]) => [id, c.verdict]));

describe('the clean issuer', () => {
  it('1.13: IssuedTo names the owner, DocType and UID (its MD5) are honoured', async () => {
    const r = await run('1.13', []);
    expect(verdicts(r)).toEqual(Object.fromEntries(ONLY.map((id) => [id, 'pass'])));
    expect(r.checks['pulluri.success.issued-to-owner']!.message).toBe('3 document(s): a Person matches the owner on name, dob, gender, phone');
  });

  it('3.0: no IssuedTo to compare (not required there), the plain UID is honoured', async () => {
    const r = await run('3.0', []);
    expect(verdicts(r)).toMatchObject({ 'pulluri.success.issued-to-owner': 'skip', 'pulluri.negative.uid-mismatch': 'pass', 'pulluri.negative.doctype-other': 'pass' });
    expect(r.checks['pulluri.success.issued-to-owner']!.message).toMatch(/profile 3\.0 does not require IssuedTo/);
  });
});

describe('pulluri.success.issued-to-owner', () => {
  it("another document's owner in IssuedTo fails, naming the fields that differ and no owner value", async () => {
    const r = await run('1.13', ['issued-to-other-person'], () => {}, false);
    const c = r.checks['pulluri.success.issued-to-owner']!;
    expect([c.level, c.verdict]).toEqual(['MUST', 'fail']);
    expect(c.message).toMatch(/^documents\[0\]: no Person matches documents\[0\]\.owner on name, dob, gender, phone \(Person\[0\] differs in name, dob/);
    for (const value of r.ownerValues) {
      expect(c.message).not.toContain(value);
      expect(c.expected ?? '').not.toContain(value);
      expect(c.actual ?? '').not.toContain(value);
    }
  });

  it('compares only the fields ownerMatch lists', async () => {
    const r = await run('1.13', ['person-no-phone'], (json) => {
      json.ownerMatch = ['name', 'dob'];
    });
    expect(r.checks['pulluri.success.issued-to-owner']!.verdict).toBe('pass');
  });
});

describe('pulluri.negative.doctype-*', () => {
  it('an issuer looking up by search values alone fails both', async () => {
    const r = await run('3.0', ['doctype-ignored']);
    expect(verdicts(r)).toMatchObject({ 'pulluri.negative.doctype-unknown': 'fail', 'pulluri.negative.doctype-other': 'fail' });
    expect(r.checks['pulluri.negative.doctype-unknown']!.message).toMatch(/^a document was returned for DocType ZZQX[A-Z], not the type of the document searched/);
  });

  it('with one DocType configured, doctype-other says it cannot be judged; doctype-unknown still runs', async () => {
    const r = await run('3.0', ['doctype-ignored'], (json) => {
      json.documents = json.documents.filter((d: { docType: string }) => d.docType === json.documents[0].docType);
    });
    const other = r.checks['pulluri.negative.doctype-other']!;
    expect(other.verdict).toBe('skip');
    expect(other.message).toMatch(/^every configured document has DocType [A-Z]+: configure a document of another type to judge it$/);
    expect(r.checks['pulluri.negative.doctype-unknown']!.verdict).toBe('fail');
  });

  it('profile 1.0 sends no DocType: not applicable', async () => {
    const r = await run('1.0', []);
    expect(r.checks['pulluri.negative.doctype-unknown']!.message).toBe('profile 1.0 sends no DocType in the request');
  });
});

describe('pulluri.negative.uid-mismatch', () => {
  for (const profile of ['3.0', '1.13'] as const) {
    it(`${profile}: an issuer that does not compare UID gets a warning (SHOULD)`, async () => {
      const c = (await run(profile, ['uid-not-checked'])).checks['pulluri.negative.uid-mismatch']!;
      expect([c.level, c.verdict]).toEqual(['SHOULD', 'warn']);
      expect(c.evidence[0]!.request.body).toContain('<UID>');
    });
  }

  it('without the UID opt-in or an Aadhaar number it does not apply', async () => {
    const noOptIn = await run('3.0', [], (json) => {
      json.optIn.uid = false;
    });
    expect(noOptIn.checks['pulluri.negative.uid-mismatch']!.message).toBe('UID is not opted in');
    const noAadhaar = await run('3.0', [], (json) => {
      delete json.documents[0].owner.aadhaar;
    });
    expect(noAadhaar.checks['pulluri.negative.uid-mismatch']!.message).toBe('documents[0].owner.aadhaar is not configured');
  });
});
