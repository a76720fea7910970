/**
 * Full conformance during load: alongside vegeta's stream, dlconform's own client sends a sampled
 * stream of the same requests (load.sampleRate of the rate, at least one a second) and judges
 * each answer with the conformance suite's own checks of a served request: status, ts/txn echo,
 * the content for the requested format (base64, PDF, certificate XML) and, for Pull URI, the URI
 * and IssuedTo. A sample's request is the baseline those checks read, so they send nothing more.
 * Failures count against the `checks` threshold and are reported with the suite's evidence.
 */
import { PROFILES, type Format, type FormatKey } from '../protocol/profiles.js';
import { seededRandom } from '../protocol/time.js';
import { ALL_CHECKS, RunContext, runOne, type Check } from '../conformance/index.js';
import { TargetClient } from '../core/client.js';
import type { Config, DocumentSpec } from '../core/config/index.js';
import { Evidence, UNRECORDED } from '../core/evidence.js';
import type { Redactor } from '../core/redact.js';
import type { CheckResult, PullApi } from '../core/types.js';
import type { ScenarioName } from './plan.js';

/** The checks of one served request, judged from that request alone. */
function sampledCheckIds(api: PullApi, format: FormatKey): string[] {
  const ids = [
    `${api}.transport.http-200`,
    `${api}.transport.content-type`,
    `${api}.transport.utf8-xml`,
    `${api}.transport.root-element`,
    `${api}.success.status-1`,
    `${api}.echo.ts`,
    `${api}.echo.txn`,
    `${api}.echo.status-text`,
    `${api}.content.format-${format}`,
    `${api}.content.doccontent-base64`,
    `${api}.content.datacontent-base64`,
    `${api}.content.doccontent-pdf`,
    `${api}.content.datacontent-xml`,
    `${api}.content.certificate-root`,
    `${api}.content.base64-clean`,
  ];
  if (api === 'pulluri')
    ids.push(
      'pulluri.success.uri-format',
      'pulluri.success.uri-expected',
      'pulluri.success.issued-to',
      'pulluri.success.person-present',
      'pulluri.success.person-attributes',
      'pulluri.success.search-echo',
    );
  return ids;
}

/** Stands in for the redactor where the text made is counted and dropped, never written. */
function sampledChecks(api: PullApi, format: FormatKey): Check[] {
  const ids = new Set(sampledCheckIds(api, format));
  return ALL_CHECKS.filter((c) => ids.has(c.id));
}

export interface SampledTally {
  /** samples sent */
  samples: number;
  /**
   * check results that passed (or warned: a SHOULD) / failed at MUST or SECURITY level, errored or
   * were inconclusive (counted as failures, fail closed; none of the sampled checks judges a
   * refusal, so the runner's refusal gate leaves them alone)
   */
  pass: number;
  fail: number;
  /** per check id: pass and fail counts */
  byCheck: Record<string, { pass: number; fail: number; warn: number; skip: number }>;
  /** the first failing result of each check, with its redacted evidence (at most `keepFailures`) */
  failures: CheckResult[];
}

export interface SampledOptions {
  config: Config;
  apiKey: string;
  redactor: Redactor;
  scenario: ScenarioName;
  /** the format the load requests carry (undefined: the profile sends none) */
  format?: Format;
  /** the documents the load cycles through */
  documents: readonly DocumentSpec[];
  timeoutMs: number;
  /** where in the documents this stream starts (segments start at different places) */
  offset?: number;
  keepFailures?: number;
}

export class SampledConformance {
  readonly tally: SampledTally = { samples: 0, pass: 0, fail: 0, byCheck: {}, failures: [] };
  private readonly api: PullApi;
  private readonly checks: Check[];
  private readonly client: TargetClient;
  private readonly formatKey: FormatKey;
  private next: number;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private stopped = true;

  constructor(private readonly o: SampledOptions) {
    this.api = o.scenario === 'pull-doc' ? 'pulldoc' : 'pulluri';
    this.formatKey = o.format ?? 'absent';
    this.checks = sampledChecks(this.api, this.formatKey);
    this.next = o.offset ?? 0;
    // a throttled sample is marked (its checks inconclusive) but not retried: the load sets the pace
    this.client = new TargetClient({ timeoutMs: o.timeoutMs, concurrency: 1, maxResponseBytes: o.config.client.maxResponseBytes, retryThrottled: false });
  }

  /** Sends one sample every 1/rate seconds (a sample still in flight makes the next one wait). */
  start(ratePerSecond: number): void {
    this.stopped = false;
    const intervalMs = Math.max(10, 1000 / ratePerSecond);
    const tick = () => {
      if (this.stopped) return;
      if (!this.running) this.running = this.sampleOnce().finally(() => (this.running = undefined));
      this.timer = setTimeout(tick, intervalMs);
    };
    this.timer = setTimeout(tick, Math.min(intervalMs, 250));
  }

  /** Stops sending; waits for the sample in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  async close(): Promise<void> {
    await this.stop();
    await this.client.close();
  }

  /** Sends one sample and judges it. */
  async sampleOnce(): Promise<void> {
    const o = this.o;
    const doc = o.documents[this.next++ % o.documents.length]!;
    const config: Config = { ...o.config, documents: [doc] };
    const profile = PROFILES[config.profile];
    // this sample's keyhash and HMAC join the redactor only if its evidence is kept: over a long
    // run, one secret a request would make every redaction slower
    const secrets: Array<[string, string]> = [];
    const ctx = new RunContext(config, profile, o.apiKey, this.client, seededRandom(this.tally.samples + 1), (value, label) => secrets.push([value, label]));
    const variant = { format: this.formatKey, ...(this.api === 'pulluri' ? { target: doc } : { uri: doc.uri }) };
    const exchange = ctx.send(this.api, 'sampled load request', variant);
    // the checks read this exchange as their baseline and as the request for its format
    void ctx.shared(`baseline:${this.api}`, () => exchange);
    void ctx.shared(`format:${this.api}:${this.formatKey}`, () => exchange);
    await exchange;
    this.tally.samples++;
    for (const check of this.checks) {
      // a passing result is only counted: judged without evidence or redaction (costly with a large
      // dataset's names and dates); a failure kept for the report is judged again with both (the
      // check reads the same exchange and sends nothing)
      let result = await runOne(check, ctx, UNRECORDED, Number.POSITIVE_INFINITY);
      const counts = this.tally.byCheck[result.id] ?? { pass: 0, fail: 0, warn: 0, skip: 0 };
      this.tally.byCheck[result.id] = counts;
      if (result.verdict === 'skip') counts.skip++;
      else if (result.verdict === 'pass' || result.verdict === 'warn') {
        this.tally.pass++;
        result.verdict === 'pass' ? counts.pass++ : counts.warn++;
      } else {
        this.tally.fail++;
        counts.fail++;
        if (this.tally.failures.length < (o.keepFailures ?? 10) && !this.tally.failures.some((f) => f.id === result.id)) {
          for (const [value, label] of secrets) o.redactor.addSecret(value, label);
          result = await runOne(check, ctx, new Evidence(o.redactor, config, o.apiKey), Number.POSITIVE_INFINITY);
          this.tally.failures.push(result);
        }
      }
    }
    // evidence was made above; the client's own log would only grow over a long run
    this.client.exchanges.length = 0;
  }
}
