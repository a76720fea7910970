/** The suite: every check, in report order, for both Pull APIs, then the Push endpoint checks. */
import type { Check } from '../check.js';
import type { PullApi } from '../../core/types.js';
import { authChecks } from './auth.js';
import { CONSISTENCY_CHECKS } from './consistency.js';
import { contentChecks } from './content.js';
import { DOC_ID_CHECKS } from './doc-ids.js';
import { DOC_TYPE_CHECKS } from './doc-type.js';
import { echoChecks } from './echo.js';
import { echoOn400Check } from './echo-on-400.js';
import { EXAMPLE_CHECKS } from './examples.js';
import { HMAC_ENCODINGS_CHECK } from './hmac-encodings.js';
import { negativeChecks } from './negative.js';
import { ISSUED_TO_OWNER, UID_MISMATCH } from './owner.js';
import { PENDING_PUSHED_CHECK } from './pending.js';
import { PERSON_PHOTO_CHECK } from './person-photo.js';
import { PUSH_CHECKS } from './push.js';
import { PUSH_ACCOUNT_CHECKS } from './push-account.js';
import { APISETU_CHECKS } from './apisetu.js';
import { robustnessChecks } from './robustness.js';
import { securityChecks } from './security.js';
import { signatureChecks } from './signature.js';
import { sizeChecks } from './size.js';
import { successChecks } from './success.js';
import { transportChecks } from './transport.js';

function checksFor(api: PullApi): Check[] {
  return [
    ...transportChecks(api),
    ...echoChecks(api),
    echoOn400Check(api),
    ...authChecks(api),
    ...(api === 'pulluri' ? [HMAC_ENCODINGS_CHECK] : []),
    ...successChecks(api),
    ...(api === 'pulluri' ? [PERSON_PHOTO_CHECK, ...DOC_ID_CHECKS, ISSUED_TO_OWNER] : []),
    ...contentChecks(api),
    ...signatureChecks(api),
    ...negativeChecks(api),
    ...(api === 'pulluri' ? [...DOC_TYPE_CHECKS, UID_MISMATCH, PENDING_PUSHED_CHECK] : []),
    ...robustnessChecks(api),
    ...sizeChecks(api),
    ...securityChecks(api),
  ];
}

/**
 * Push checks run only when target.pushCsv / target.pushUri is set (conformance/checks/push.ts),
 * Push URI to Account checks only when target.pushUriAccount is (conformance/checks/push-account.ts),
 * the consistency check only when pushed is (conformance/checks/consistency.ts); each spec example
 * only in its own profile (conformance/checks/examples.ts).
 * In profile apisetu only the API Setu publisher-form checks run (conformance/checks/apisetu.ts).
 */
export const ALL_CHECKS: readonly Check[] = [...checksFor('pulluri'), ...checksFor('pulldoc'), ...PUSH_CHECKS, ...PUSH_ACCOUNT_CHECKS, ...CONSISTENCY_CHECKS, ...EXAMPLE_CHECKS, ...APISETU_CHECKS];
