/**
 * A RunResult with one check of every verdict and awkward text (pipes, newlines, markup,
 * control characters), for the report writers' tests and for anyone who needs a realistic
 * result without running a target.
 */
import { EXIT, type CheckResult, type Exchange, type RunResult } from '../types.js';

export function sampleExchange(overrides: Partial<Exchange> = {}): Exchange {
  return {
    request: {
      method: 'POST',
      url: 'http://127.0.0.1:8080/pulluri',
      headers: { 'content-type': 'application/xml', 'x-digilocker-hmac': '[REDACTED:x-digilocker-hmac]' },
      body: '<PullURIRequest ts="2016-01-11T14:44:48+05:30" txn="1452503688" keyhash="[REDACTED:keyhash]"/>',
    },
    response: {
      status: 200,
      headers: { 'content-type': 'application/xml' },
      body: '<PullURIResponse><ResponseStatus Status="1" ts="x" txn="1452503688">1</ResponseStatus></PullURIResponse>',
      truncated: false,
    },
    durationMs: 12.5,
    curl: "# dlconform: reproduces POST http://127.0.0.1:8080/pulluri\nprintf '%s' \"$DLCONFORM_BODY\" | curl -sS -i --max-time 10 -X 'POST' --data-binary @- 'http://127.0.0.1:8080/pulluri'",
    ...overrides,
  };
}

export function sampleCheck(overrides: Partial<CheckResult> = {}): CheckResult {
  return {
    id: 'pulluri.echo-ts',
    title: 'the response echoes ts',
    api: 'pulluri',
    section: '8.1.4',
    tags: ['echo'],
    level: 'MUST',
    clause: { id: 'echo-ts', document: 'SPEC-1.13', section: '8.1.4 #1', text: 'ts (M): A timestamp value as sent in the request.' },
    verdict: 'pass',
    message: 'ts echoed',
    evidence: [],
    durationMs: 13,
    ...overrides,
  };
}

export function sampleRun(overrides: Partial<RunResult> = {}): RunResult {
  const checks: CheckResult[] = [
    sampleCheck(),
    sampleCheck({
      id: 'pulluri.echo-txn',
      title: 'the response echoes txn',
      verdict: 'fail',
      message: 'txn differs | expected <1452503688> & got "x"\nsecond line\u0001\uFFFE',
      expected: '1452503688',
      actual: 'x|y',
      evidence: [sampleExchange()],
    }),
    sampleCheck({
      id: 'pulluri.status-text',
      title: 'ResponseStatus text equals Status',
      level: 'SHOULD',
      verdict: 'warn',
      message: 'text "0" differs from Status="1" *not bold* `tick`',
      evidence: [sampleExchange({ curl: 'curl ```fenced``` x' })],
    }),
    sampleCheck({ id: 'pulluri.pending', title: 'pending search gets Status 9', level: 'MUST', verdict: 'skip', message: 'no "pending" search in the config' }),
    sampleCheck({
      id: 'pulldoc.echo-ts',
      api: 'pulldoc',
      title: 'Pull Doc echoes ts',
      level: 'SECURITY',
      verdict: 'error',
      message: 'timeout after 10000 ms',
      evidence: [sampleExchange({ response: undefined, error: 'timeout' })],
    }),
  ];
  return {
    schemaVersion: 3,
    tool: { name: 'dlconform', version: '0.1.0' },
    runId: '20240101T000000Z-abcd',
    profile: '3.0',
    policy: 'conformance',
    target: { pullUri: 'http://127.0.0.1:8080/pulluri', pullDoc: 'http://127.0.0.1:8080/pulldoc' },
    startedAt: '2024-01-01T00:00:00.000Z',
    endedAt: '2024-01-01T00:00:01.500Z',
    seed: 42,
    summary: { total: 5, pass: 1, fail: 1, warn: 1, skip: 1, error: 1, inconclusive: 0, waived: 0, blocking: 1 },
    exitCode: EXIT.conformanceFailure,
    checks,
    ...overrides,
  };
}
