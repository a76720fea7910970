/** `dlconform run` and the shared part of `demo`: run the suite, print, write reports, exit code. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config, PartnerCredentials } from '../core/config/index.js';
import { Redactor } from '../core/redact.js';
import { diagnosisText, progressLine, summaryTable } from '../core/report/console.js';
import { writeGithub } from '../core/report/github.js';
import { writeReports } from '../core/report/index.js';
import { ALL_CHECKS, capturedReplayChecks, runSuite, selectChecks, selectRequesterChecks, type Check } from '../conformance/index.js';
import { PROFILES } from '../protocol/profiles.js';
import { EXIT } from '../core/types.js';
import { integer, list, outputFormats } from './args.js';
import { applyGate, gateOptions, prepareGate, waivedOne } from './gate.js';
import { bundleAfterRun, type BundleRequest } from './bundle.js';

/** The options of every command that runs the suite (run, demo, replay): selection, reports, the gate. */
export const suiteOptions = {
  only: { type: 'string', multiple: true },
  skip: { type: 'string', multiple: true },
  'report-dir': { type: 'string' },
  seed: { type: 'string' },
  policy: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  format: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  ...gateOptions,
} as const;

/** What those options say, as runAndReport takes it (the policy is applied to the config by withPolicy). */
export function suiteRunOptions(values: {
  only?: string[];
  skip?: string[];
  'report-dir'?: string;
  seed?: string;
  quiet?: boolean;
  format?: string[];
  baseline?: string;
  'fail-on'?: string;
}): SuiteOptions {
  return {
    only: list(values.only),
    skip: list(values.skip),
    reportDir: values['report-dir'],
    seed: integer(values.seed, 'seed'),
    quiet: !!values.quiet,
    github: outputFormats(values.format).github,
    baseline: values.baseline,
    failOn: values['fail-on'],
  };
}

export interface SuiteOptions {
  only: string[];
  skip: string[];
  reportDir?: string;
  seed?: number;
  quiet: boolean;
  list?: boolean;
  /** `--format github`: workflow commands on `out` and the step summary */
  github?: boolean;
  /** a previous run's result.json (or its report directory) to compare with */
  baseline?: string;
  /** `new`: only failures the baseline did not have block */
  failOn?: string;
  /** --bundle: the evidence bundle to write once the reports are */
  bundle?: BundleRequest;
  /** target.pushUriAccount's partner credentials, from the environment */
  partner?: PartnerCredentials;
  /** the checks to run instead of the suite (`dlconform replay`: the captured requests only) */
  checks?: readonly Check[];
}

export async function runAndReport(config: Config, apiKey: string, opts: SuiteOptions, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const redactor = new Redactor({ apiKey, config });
  const tty = (out as { isTTY?: boolean }).isTTY === true;
  if (opts.list) {
    const profile = PROFILES[config.profile];
    // profile apisetu lists its own checks only, as it runs them (conformance/runner.ts)
    const ofForm = (opts.checks ?? [...ALL_CHECKS, ...capturedReplayChecks(config)]).filter((c) => (config.apiSetu ? c.api === 'apisetu' : c.api !== 'apisetu'));
    const selected = selectChecks(ofForm, profile, opts.only, opts.skip);
    // a Requester's upload service named in the config: its checks run after the suite's (conformance/runner.ts)
    const requester = config.target.requester !== undefined && !opts.checks ? selectRequesterChecks(opts.only, opts.skip) : [];
    for (const c of [...selected, ...requester]) out.write(`${c.id}\t${c.title}\n`);
    return selected.length + requester.length === 0 ? EXIT.nothingExecuted : EXIT.ok;
  }
  const gate = await prepareGate(config, { baseline: opts.baseline, 'fail-on': opts.failOn });
  // the one clock waivers expire by, read here and passed down
  const now = new Date();
  const { result: judged, transcript } = await runSuite({
    config,
    apiKey,
    redactor,
    ...(opts.partner && { partner: opts.partner }),
    ...(opts.checks && { checks: opts.checks }),
    only: opts.only,
    skip: opts.skip,
    seed: opts.seed,
    onDiagnosis: opts.quiet ? undefined : (d) => out.write(`${diagnosisText(d, { color: tty })}\n\n`),
    onResult: opts.quiet ? undefined : (r) => out.write(`${progressLine(waivedOne(r, gate, now), { color: tty })}\n`),
  });
  const { result, warnings } = applyGate(judged, gate, now);
  for (const w of warnings) out.write(`${w}\n`);
  const dir = opts.reportDir ?? join('reports', result.runId);
  // the result and the transcript were redacted where their evidence was recorded
  await writeReports(result, dir);
  await writeFile(join(dir, 'transcript.jsonl'), `${transcript.map((t) => JSON.stringify(t)).join('\n')}\n`);
  out.write(`${summaryTable(result, { color: tty, reportDir: dir })}\n`);
  if (opts.github) await writeGithub(result, { out, err: process.stderr });
  if (opts.bundle) return bundleAfterRun(opts.bundle, dir, result.exitCode, out);
  return result.exitCode;
}
