/** `dlconform timing`: the ts window properties and the keyhash / HMAC timing side-channel tests. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../core/config/index.js';
import { Redactor } from '../core/redact.js';
import { diagnosisText, oneLine, progressLine, summaryTable } from '../core/report/console.js';
import { writeGithub } from '../core/report/github.js';
import { writeReports } from '../core/report/index.js';
import { EXIT } from '../core/types.js';
import { DEFAULT_ALPHA, DEFAULT_SAMPLES, MAX_SAMPLES, MIN_SAMPLES, runTiming, selectTimingChecks } from '../properties/timing/suite.js';
import { integer, list, outputFormats, parse, UsageError, withPolicy } from './args.js';
import { applyGate, gateOptions, prepareGate, waivedOne } from './gate.js';
import { bundleAfterRun, bundleOptions, bundleRequest } from './bundle.js';
import { bundleOptionsHelp } from './help.js';
import { refuseApiSetuConfig } from './apisetu.js';

export const TIMING_JSON = 'timing.json';

export const TIMING_HELP = `Usage: dlconform timing --config FILE [options]

Measures how the Pull URI endpoint in FILE treats the request timestamp and whether comparing
the keyhash or the x-digilocker-hmac leaks timing. Every request goes to target.pullUri only,
one at a time, under client.maxRequestsPerSecond and within client.timeBudgetMs.

Checks:
  timing.ts-window        correctly signed requests with ts -1 day … +1 day (±1 s, ±5 min, ±30 min):
                          reports the accepted window; judged only when the config declares
                          "tsWindow": { "pastSeconds": 1800, "futureSeconds": 300 }
  timing.ts-offsets       the current time written +00:00, +02:00, -05:00 and Z
  timing.keyhash-compare  keyhash right in 63 of 64 leading characters vs wrong in the first
  timing.hmac-compare     HMAC digest right but for its last digit vs wrong from the first
  timing.ts-path          wrongly signed requests, ts 1 day old vs current
The last three send N interleaved pairs (seeded random order) and apply a 20%-trimmed t test to
the paired differences, Bonferroni-corrected over the tests run; see properties/timing/README.md
for the leak sizes it resolves.

Options:
  -c, --config FILE      config file (JSON; schema: core/config/config.schema.json)
      --samples N        measured pairs per timing test (default ${DEFAULT_SAMPLES}; ${MIN_SAMPLES} to ${MAX_SAMPLES});
                         each test sends 2 × (N + warm-up) requests
      --alpha A          family-wise false-alarm rate over the timing tests (default ${DEFAULT_ALPHA})
      --seed N           seed of the request order and values (default: time-based; printed)
      --policy P         conformance | strict (as for run; overrides "policy" of the config)
      --baseline FILE    compare with a previous run's result.json (as for run)
      --fail-on W        any | new: only failures the baseline did not have block (as for run)
      --only SELECTOR    run only matching checks (id, id segment, tag: window, sidechannel); repeatable
      --skip SELECTOR    leave out matching checks; repeatable
      --report-dir DIR   where result.json, junit.xml, summary.md, report.html and timing.json
                         (raw samples and statistics) go (default: reports/<run-id>)
      --format github    also GitHub Actions annotations for findings and the summary appended
                         to $GITHUB_STEP_SUMMARY
${bundleOptionsHelp()}
  -q, --quiet            no progress lines, only the summary
  -h, --help             this help

Exit codes: ${EXIT.ok} no MUST/SECURITY failure; ${EXIT.conformanceFailure} a leak or a declared-window violation (or a check
could not run); ${EXIT.usage} usage or config error; ${EXIT.unreachable} target unreachable; ${EXIT.nothingExecuted} nothing was executed.
`;

function alphaArg(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const a = Number(value);
  if (!/^\d*\.?\d+(e-?\d+)?$/i.test(value) || !(a > 0 && a < 1)) throw new UsageError(`--alpha must be a number between 0 and 1 (exclusive), such as 0.001, got ${JSON.stringify(value)}`);
  return a;
}

function samplesArg(value: string | undefined): number | undefined {
  const n = integer(value, 'samples');
  if (n !== undefined && (n < MIN_SAMPLES || n > MAX_SAMPLES)) throw new UsageError(`--samples must be from ${MIN_SAMPLES} to ${MAX_SAMPLES}, got ${n}`);
  return n;
}

export async function timingCommand(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values } = parse(
    argv,
    {
      config: { type: 'string', short: 'c' },
      samples: { type: 'string' },
      alpha: { type: 'string' },
      seed: { type: 'string' },
      policy: { type: 'string' },
      only: { type: 'string', multiple: true },
      skip: { type: 'string', multiple: true },
      'report-dir': { type: 'string' },
      format: { type: 'string', multiple: true },
      ...bundleOptions,
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
      ...gateOptions,
    },
    'timing',
  );
  if (values.help) {
    out.write(TIMING_HELP);
    return EXIT.ok;
  }
  if (!values.config) throw new UsageError('timing needs --config FILE (see dlconform timing --help)');
  const { github } = outputFormats(values.format);
  const samples = samplesArg(values.samples);
  const alpha = alphaArg(values.alpha);
  const seed = integer(values.seed, 'seed');
  const loaded = await loadConfig(values.config, process.env);
  refuseApiSetuConfig(loaded.config, 'timing');
  const { apiKey } = loaded;
  const config = withPolicy(loaded.config, values.policy);
  const gate = await prepareGate(config, values);
  const bundle = bundleRequest(values, { kind: 'timing', config, configPath: values.config, apiKey });
  const redactor = new Redactor({ apiKey, config });
  const tty = (out as { isTTY?: boolean }).isTTY === true;
  const only = list(values.only);
  const skip = list(values.skip);
  if (selectTimingChecks(config, only, skip).length === 0) out.write('No timing check matches the selection.\n');
  const quiet = !!values.quiet;
  // one clock for the progress lines and the summary, so a waiver expiring mid-run reads the same in both
  const now = new Date();
  const { result: judged, details } = await runTiming({
    config,
    apiKey,
    redactor,
    samples,
    alpha,
    seed,
    only,
    skip,
    onProgress: quiet ? undefined : (text) => out.write(`      ${text}\n`),
    onDiagnosis: quiet ? undefined : (d) => out.write(`${diagnosisText(d, { color: tty })}\n\n`),
    onResult: quiet
      ? undefined
      : (r) => {
          out.write(`${progressLine(waivedOne(r, gate, now), { color: tty })}\n`);
          if (r.verdict === 'pass') out.write(`      ${oneLine(r.message, 400)}\n`);
        },
  });
  const { result, warnings } = applyGate(judged, gate, now);
  for (const w of warnings) out.write(`${w}\n`);
  const dir = values['report-dir'] ?? join('reports', result.runId);
  // results and details were redacted where they were recorded (properties/timing/suite.ts)
  await writeReports(result, dir);
  await writeFile(join(dir, TIMING_JSON), `${JSON.stringify(details)}\n`);
  out.write(`${summaryTable(result, { color: tty, reportDir: dir })}\n`);
  out.write(`Raw samples and statistics: ${join(dir, TIMING_JSON)}\n`);
  if (github) await writeGithub(result, { out, err: process.stderr });
  if (bundle) return bundleAfterRun(bundle, dir, result.exitCode, out);
  return result.exitCode;
}
