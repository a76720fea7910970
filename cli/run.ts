/** `dlconform run` and the shared part of `demo`: run the suite, print, write reports, exit code. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config, PartnerCredentials } from '../core/config/index.js';
import { Redactor } from '../core/redact.js';
import { diagnosisText, progressLine, summaryTable } from '../core/report/console.js';
import { writeReports } from '../core/report/index.js';
import { ALL_CHECKS, runSuite, selectChecks } from '../conformance/index.js';
import { PROFILES } from '../protocol/profiles.js';
import { EXIT } from '../core/types.js';

export interface SuiteOptions {
  only: string[];
  skip: string[];
  reportDir?: string;
  seed?: number;
  quiet: boolean;
  list?: boolean;
  /** target.pushUriAccount's partner credentials, from the environment */
  partner?: PartnerCredentials;
}

export async function runAndReport(config: Config, apiKey: string, opts: SuiteOptions, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const redactor = new Redactor({ apiKey, config });
  const tty = (out as { isTTY?: boolean }).isTTY === true;
  if (opts.list) {
    const profile = PROFILES[config.profile];
    const selected = selectChecks(ALL_CHECKS, profile, opts.only, opts.skip);
    for (const c of selected) out.write(`${c.id}\t${c.title}\n`);
    return selected.length === 0 ? EXIT.nothingExecuted : EXIT.ok;
  }
  const { result, transcript } = await runSuite({
    config,
    apiKey,
    redactor,
    ...(opts.partner && { partner: opts.partner }),
    only: opts.only,
    skip: opts.skip,
    seed: opts.seed,
    onDiagnosis: opts.quiet ? undefined : (d) => out.write(`${diagnosisText(d, { color: tty })}\n\n`),
    onResult: opts.quiet ? undefined : (r) => out.write(`${progressLine(r, { color: tty })}\n`),
  });
  const dir = opts.reportDir ?? join('reports', result.runId);
  // the result and the transcript were redacted where their evidence was recorded
  await writeReports(result, dir);
  await writeFile(join(dir, 'transcript.jsonl'), `${transcript.map((t) => JSON.stringify(t)).join('\n')}\n`);
  out.write(`${summaryTable(result, { color: tty, reportDir: dir })}\n`);
  return result.exitCode;
}
