/** The suite: every check, in report order, for both APIs. */
import type { Check } from '../check.js';
import type { Api } from '../types.js';
import { authChecks } from './auth.js';
import { contentChecks } from './content.js';
import { echoChecks } from './echo.js';
import { negativeChecks } from './negative.js';
import { robustnessChecks } from './robustness.js';
import { securityChecks } from './security.js';
import { successChecks } from './success.js';
import { transportChecks } from './transport.js';

function checksFor(api: Api): Check[] {
  return [
    ...transportChecks(api),
    ...echoChecks(api),
    ...authChecks(api),
    ...successChecks(api),
    ...contentChecks(api),
    ...negativeChecks(api),
    ...robustnessChecks(api),
    ...securityChecks(api),
  ];
}

export const ALL_CHECKS: readonly Check[] = [...checksFor('pulluri'), ...checksFor('pulldoc')];
