/**
 * The Requester's upload service behind a page (its data-upload-url), judged as `dlconform
 * requester` judges it (conformance's runRequesterChecks), when `widget --check-upload` asks: the
 * page names the service DigiLocker's library posts every share to, so its checks join the widget's
 * run. Like every request the widget makes, the shares go only to loopback; a service elsewhere is
 * named with the command that checks it where it can be reached.
 */
import { runRequesterChecks } from '../conformance/index.js';
import type { Policy } from '../core/policy.js';
import type { CheckResult, Verdict } from '../core/types.js';
import { clause } from '../protocol/clauses.js';
import { isLocalUrl } from './browser.js';
import type { UploadServiceChecks } from './judge.js';

const UPLOAD_SERVICE_CHECK_ID = 'widget.upload-service';

export interface UploadServiceOptions {
  policy: Policy;
  /** per request to the service (default: runRequesterChecks's) */
  timeoutMs?: number;
}

/** A result of its own when the service's checks could not run: off loopback (skip) or no answer (error, never a pass). */
function unjudged(verdict: Extract<Verdict, 'skip' | 'error'>, message: string): CheckResult {
  const c = clause('requester-answer');
  return {
    id: UPLOAD_SERVICE_CHECK_ID,
    title: "the page's data-upload-url: the Requester upload service's checks",
    api: 'requester',
    section: 'requester',
    tags: ['widget', 'requester'],
    level: c.level,
    clause: { id: c.id, document: c.document, section: c.section, text: c.text },
    verdict,
    message,
    evidence: [],
    durationMs: 0,
  };
}

export function requesterUploadChecks(options: UploadServiceOptions): UploadServiceChecks {
  return async (uploadUrl, evidence) => {
    const shown = evidence.text(uploadUrl);
    if (!isLocalUrl(uploadUrl)) {
      return [unjudged('skip', `not sent: ${shown} is off loopback, where the widget sends nothing; judge it where it can be reached with dlconform requester --upload-url ${shown}`)];
    }
    const run = await runRequesterChecks(uploadUrl, { policy: options.policy, redactor: evidence.redactor, ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }) });
    const checks = [...run.result.checks];
    if (run.result.aborted) checks.push(unjudged('error', `the upload service was not judged: ${evidence.text(run.result.aborted.reason)}`));
    return checks;
  };
}
