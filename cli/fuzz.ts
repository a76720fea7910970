/** `dlconform fuzz`: property-based fuzzing of the configured target (properties/fuzz). */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../core/config/index.js';
import { Redactor } from '../core/redact.js';
import { diagnosisText, oneLine, summaryTable, useColor } from '../core/report/console.js';
import { writeGithub } from '../core/report/github.js';
import { writeReports } from '../core/report/index.js';
import { EXIT } from '../core/types.js';
import { DEFAULT_RATE, DEFAULT_RUNS, effectiveRate, parseReplay, runFuzz, type Counterexample } from '../properties/fuzz/engine.js';
import { integer, outputFormats, parse, UsageError, withPolicy } from './args.js';
import { applyGate, gateOptions, prepareGate } from './gate.js';
import { bundleAfterRun, bundleOptions, bundleRequest } from './bundle.js';
import { bundleOptionsHelp } from './help.js';
import { refuseApiSetuConfig } from './apisetu.js';

export const FUZZ_JSON = 'fuzz.json';

export const FUZZ_HELP = `Usage: dlconform fuzz --config FILE [options]

Sends generated requests to the Pull URI (and Pull Doc) endpoints in FILE and checks what every
conformant issuer does, whatever it is sent:
  answers        every request is answered within client.timeoutMs
  no-5xx         no request, valid or not, gets an HTTP 5xx
  well-formed    every 2xx answer is UTF-8 XML with the right root and a ResponseStatus
  no-stack-trace / no-secret-echo
                 no stack trace; no API key, keyhash or HMAC, and no UID/FullName/DOB in errors
  echo           every ResponseStatus carries the request ts and txn byte for byte
  auth-enforced  no valid credential (wrong keyhash and no HMAC, another orgId) never gets Status 1
  keyhash-verified / hmac-verified
                 one credential wrong, the other right: never Status 1 (the level of clause keyhash / hmac)
  unknown-no-document
                 a search or URI the config does not name never returns a document
  malformed-refused
                 not XML, not well-formed, nothing to look up: a 4xx or Status 0
  dtd-refused    an internal DTD entity or a bounded entity bomb: refused, not expanded
                 (SHOULD: a warning)
  legal-variation
                 attribute order, whitespace, namespace form, unknown elements (every opted-in
                 field and the search always sent): the document is still returned (MUST)
  tolerant-variation
                 padded values, fractional ts, single quotes, CDATA, a BOM… (SHOULD: a warning)
Each check is reported per API as fuzz.pulluri.<invariant> / fuzz.pulldoc.<invariant>.

A failure is shrunk to the smallest request that still breaks the same invariant the same way
(same class of case, same failure), re-signed at every step, and printed with the SEED:PATH that
replays it and a curl line (secrets redacted).
Requests go only to the configured target, at most --rate per second, within --time-budget.

Options:
  -c, --config FILE        config file (JSON; schema: core/config/config.schema.json); the API key
                           is read from the environment variable named by "apiKeyEnv"
      --runs N             generated cases (default ${DEFAULT_RUNS}); shrinking steps come on top
      --time-budget S      stop after S seconds (default: client.timeBudgetMs of the config)
      --rate R             requests per second (default ${DEFAULT_RATE}; never above
                           client.maxRequestsPerSecond when the config sets it)
      --seed N             seed of the generated cases (default: time-based; printed)
      --policy P           conformance | strict (as for run; overrides "policy" of the config)
      --baseline FILE      compare with a previous run's result.json (as for run)
      --fail-on W          any | new: only failures the baseline did not have block (as for run)
      --replay SEED:PATH   send only the counterexample a previous run printed, and judge it
      --open-search        the issuer answers searches the config does not list: do not judge
                           unknown-no-document
      --report-dir DIR     where result.json, junit.xml, summary.md, report.html and fuzz.json go
                           (default: reports/<run-id>)
      --format github      also GitHub Actions annotations for findings and the summary appended
                           to $GITHUB_STEP_SUMMARY
${bundleOptionsHelp(27)}
  -q, --quiet              no progress lines, only the summary
  -h, --help               this help

Exit codes: ${EXIT.ok} no MUST/SECURITY invariant broken; ${EXIT.conformanceFailure} an invariant broken (or the run could not
complete); ${EXIT.usage} usage or config error; ${EXIT.unreachable} target unreachable; ${EXIT.nothingExecuted} nothing was executed.
`;

function positiveNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(n > 0)) throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(value)}`);
  return n;
}

export async function fuzzCommand(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values } = parse(
    argv,
    {
      config: { type: 'string', short: 'c' },
      runs: { type: 'string' },
      'time-budget': { type: 'string' },
      rate: { type: 'string' },
      seed: { type: 'string' },
      policy: { type: 'string' },
      replay: { type: 'string' },
      'open-search': { type: 'boolean' },
      'report-dir': { type: 'string' },
      format: { type: 'string', multiple: true },
      ...bundleOptions,
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
      ...gateOptions,
    },
    'fuzz',
  );
  if (values.help) {
    out.write(FUZZ_HELP);
    return EXIT.ok;
  }
  if (!values.config) throw new UsageError('fuzz needs --config FILE (see dlconform fuzz --help)');
  const { github } = outputFormats(values.format);
  const runs = integer(values.runs, 'runs');
  if (runs === 0) throw new UsageError('--runs must be at least 1');
  const budgetSeconds = positiveNumber(values['time-budget'], 'time-budget');
  const rate = positiveNumber(values.rate, 'rate');
  const seed = integer(values.seed, 'seed');
  if (seed !== undefined && seed >= 2 ** 31) throw new UsageError(`--seed must be below ${2 ** 31}`);
  let replay: { seed: number; path: string } | undefined;
  if (values.replay !== undefined) {
    replay = parseReplay(values.replay);
    if (!replay) throw new UsageError(`--replay takes SEED:PATH as a fuzz run prints it (e.g. 7:2:1:0), got ${JSON.stringify(values.replay)}`);
  }
  const loaded = await loadConfig(values.config, process.env);
  refuseApiSetuConfig(loaded.config, 'fuzz');
  const { apiKey } = loaded;
  const config = withPolicy(loaded.config, values.policy);
  const gate = await prepareGate(config, values);
  const bundle = bundleRequest(values, { kind: 'fuzz', config, configPath: values.config, apiKey });
  const redactor = new Redactor({ apiKey, config });
  const color = useColor({ color: (out as { isTTY?: boolean }).isTTY === true });
  const quiet = !!values.quiet;
  const say = (text: string) => {
    if (!quiet) out.write(`${text}\n`);
  };

  const effective = effectiveRate(rate, config);
  if (rate !== undefined && effective !== undefined && effective < rate) say(`--rate ${rate} is above client.maxRequestsPerSecond of the config: using ${effective} per second`);
  const targets = [config.target.pullUri, config.target.pullDoc].filter(Boolean).join(' and ');
  say(
    replay
      ? `dlconform fuzz: replaying ${replay.seed}:${replay.path} against ${targets}`
      : `dlconform fuzz: ${runs ?? DEFAULT_RUNS} cases against ${targets} (profile ${config.profile}), at most ${effective ?? 'unlimited'} requests/s, within ${Math.round((budgetSeconds ?? config.client.timeBudgetMs / 1000) * 10) / 10} s`,
  );
  const {
    result: judged,
    details,
    counterexamples,
  } = await runFuzz({
    config,
    apiKey,
    redactor,
    runs,
    timeBudgetMs: budgetSeconds === undefined ? undefined : Math.round(budgetSeconds * 1000),
    rate,
    seed,
    replay,
    openSearch: !!values['open-search'],
    onDiagnosis: (d) => say(`${diagnosisText(d, { color })}\n`),
    onFinding: (c: Counterexample) => say(`${color ? '\x1b[1;31mFOUND\x1b[0m' : 'FOUND'}  ${c.id}  ${oneLine(c.violation.message, 100)} — ${oneLine(c.description, 160)}`),
  });
  const { result, warnings } = applyGate(judged, gate, new Date());
  for (const w of warnings) out.write(`${w}\n`);
  const dir = values['report-dir'] ?? join('reports', result.runId);
  await writeReports(result, dir);
  // results, details and findings were redacted where they were recorded (properties/fuzz/engine.ts)
  await writeFile(join(dir, FUZZ_JSON), `${JSON.stringify(details, null, 2)}\n`);
  out.write(`${summaryTable(result, { color, reportDir: dir })}\n`);
  out.write(
    `${details.casesRun} cases, ${details.requestsSent} requests in ${(details.durationMs / 1000).toFixed(1)} s (${details.requestsPerSecond}/s), seed ${details.seed}${details.stopped ? `; stopped: ${details.stopped}` : ''}\n`,
  );
  if (counterexamples.length > 0) out.write('Replay a counterexample (the same request, signed afresh):\n');
  for (const c of counterexamples) out.write(`  ${c.id}: dlconform fuzz --config ${values.config} --replay ${c.replay}\n`);
  if (github) await writeGithub(result, { out, err: process.stderr });
  if (bundle) return bundleAfterRun(bundle, dir, result.exitCode, out);
  return result.exitCode;
}
