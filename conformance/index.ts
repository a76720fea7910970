/**
 * The conformance suite as the other tools use it: the checks, their selection, the suite runner
 * and the run context a check reads. The timing analysis adds its own checks to the same results,
 * the sampled load checks judge served requests with these, the CLI runs the suite.
 */
export type { Check, Outcome } from './check.js';
export { ALL_CHECKS } from './checks/index.js';
export { capturedReplayChecks } from './checks/replay.js';
export { checkConsistency, formatConsistency, pushedFromConfig } from './consistency.js';
export { RunContext, type SentExchange } from './context.js';
export { answerOf, diagnoseBaselines, otherEncoding, triageBaseline, type BaselineAnswer } from './diagnosis.js';
export { runOne, runSuite } from './runner.js';
export { selectChecks } from './select.js';
export { catalogueDigest } from './catalogue.js';
export { REQUESTER_CHECKS } from './requester/checks.js';
export { runRequesterChecks, selectRequesterChecks } from './requester/run.js';
