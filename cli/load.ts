/** `dlconform load`: vegeta load profiles (smoke, ci, capacity, soak) against an issuer or the reference issuer, and `load merge`. */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config, type DocumentSpec } from '../core/config/index.js';
import { Redactor } from '../core/redact.js';
import { EXIT } from '../core/types.js';
import { TOOL_VERSION } from '../core/version.js';
import { parseFaults, type RunningIssuer } from '../fixtures/issuer/index.js';
import { profileById, type ProfileId } from '../protocol/profiles.js';
import { integer, outputFormats, parse, UsageError, usageOnError } from './args.js';
import { bundleAfterRun, bundleOptions, bundleRequest } from './bundle.js';
import { bundleOptionsHelp } from './help.js';
import { buildDataset, DatasetError, readDatasetFile } from '../load/dataset.js';
import { kubernetesManifests } from '../load/kubernetes.js';
import { MergeError, mergeSegments } from '../load/merge.js';
import { LOAD_PROFILES, SCENARIOS, type LoadProfileName, type ScenarioName } from '../load/plan.js';
import { plotLatency } from '../load/plot.js';
import { startReferenceTarget } from '../load/reference.js';
import { LATENCY_HTML, writeLoadReports } from '../load/report.js';
import { writeLoadGithub } from '../load/github.js';
import { buildPlan, runLoad } from '../load/runner.js';
import { assertLoadTarget, LoadTargetRefused } from '../load/safety.js';
import { readSegment, RESULTS_JSON, SegmentReadError, type SegmentFile } from '../load/segment.js';
import { applyOverrides, loadSettings, LoadSettingsError, plannedSeconds } from '../load/settings.js';
import { ensureVegeta, findVegeta } from '../load/vegeta-bin.js';
import { refuseApiSetuConfig } from './apisetu.js';

export const LOAD_HELP = `Usage: dlconform load [--config FILE] [--profile NAME] [options]
       dlconform load merge DIR… [--report-dir OUT] [--format github]

Load-tests the hot Pull Doc path (or Pull URI) with vegeta, an open-model load generator:
requests are sent at the profile's rate whatever the target does, each freshly signed by the
same protocol/ code the conformance suite uses; every response is checked cheaply (HTTP 200,
Status="1", the content marker) and a sampled stream alongside is judged by the suite's own
checks. Without --config it starts the reference issuer on loopback and loads it.

Profiles (rates, durations, thresholds and workers come from the config's "load" block):
  smoke     a few seconds at a low constant rate: a gate for every pull request
  ci        about a minute at a constant rate; thresholds: p95 latency, HTTP failures,
            checks rate, late starts (requests sent behind schedule)
  capacity  a staircase of rates, one vegeta attack per step; stops at the first step past
            the knee and reports the knee (achieved ≥ 99% of offered, late starts within
            budget, errors within budget, p99 under the SLO) with a latency plot
  soak      a long run at a steady rate

Options:
  -c, --config FILE      config file (JSON; schema: core/config/config.schema.json)
  -p, --profile NAME     smoke | ci | capacity | soak (default smoke)
      --scenario NAME    pull-doc | pull-uri (default: pull-doc when target.pullDoc is set)
      --rate N           requests/s of the profile (capacity: of its first step)
      --duration S       seconds of the profile (smoke, ci, soak)
      --step-rate N      capacity: requests/s added per step
      --steps N          capacity: the most steps
      --step-seconds S   capacity: seconds per step (the first 1/3, at most 5 s, settle)
      --dataset FILE     load with the documents in FILE (a JSON list shaped like "documents")
                         instead of the config's
      --segments N       run the test as N segments side by side here (each 1/N of the rate)
                         and merge them: the same path as a run over N hosts
      --segment I/N      run only segment I of N (1-based) and write it for \`load merge\`;
                         a capacity staircase then runs to its end
      --emit kubernetes  write a Kubernetes Indexed Job (N = --segments pods, each one segment)
                         and its merge Job into the report dir instead of running
      --image IMAGE      the container image of the Kubernetes pods (default dlconform:latest;
                         it must hold dlconform and vegeta)
      --report-dir DIR   where load.json, junit.xml, summary.md, report.html, latency.html go
                         (default: reports/load-<time>-<profile>)
      --keep-raw         keep each segment's results.json (vegeta's results, no bodies)
      --no-preflight     do not send the one check request from Node before vegeta starts
      --format github    also GitHub Actions annotations (failed thresholds, no knee, failed
                         sampled checks) and summary.md appended to $GITHUB_STEP_SUMMARY
${bundleOptionsHelp()}
  -q, --quiet            no progress lines
  -h, --help             this help
Without --config (the embedded reference issuer):
      --issuer-profile P 1.0 | 3.0 | 1.13 (default 3.0)
      --documents N      documents in its store (default 200)
      --fault NAME       switch on a fault; repeatable (slow-pdf, saturate-at, periodic-stall, …)
      --slow-ms N        delay of the slow-pdf fault (default 12000)
      --saturate-rps N   the rate the saturate-at fault serves at most (default 200)
      --stall-ms N       periodic-stall: how long each stall holds a request (default 1000)
      --stall-every-ms N periodic-stall: one stall every N ms (default 5000)

Safety: load goes only to loopback (127.0.0.0/8, ::1, localhost) or to a host the config
lists in "loadAllowedHosts"; DigiLocker's own hosts are always refused; redirects are never
followed; workers and connections are capped; every attack and the whole run are bounded in
time, after which vegeta is stopped.

vegeta (github.com/tsenart/vegeta/v12, MIT): $VEGETA_BIN, else a v12 vegeta on PATH, else
dlconform builds the pinned version with Go into ~/.cache/dlconform/ on first use.

Exit codes: ${EXIT.ok} thresholds met (capacity: a knee was found; --segment: the share ran);
${EXIT.conformanceFailure} thresholds failed, no capacity step sustained, or vegeta failed; ${EXIT.usage} usage, config, refused
target or vegeta not available; ${EXIT.unreachable} target unreachable.
`;

const options = {
  config: { type: 'string', short: 'c' },
  profile: { type: 'string', short: 'p' },
  scenario: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  'step-rate': { type: 'string' },
  steps: { type: 'string' },
  'step-seconds': { type: 'string' },
  dataset: { type: 'string' },
  segments: { type: 'string' },
  segment: { type: 'string' },
  emit: { type: 'string' },
  image: { type: 'string' },
  'report-dir': { type: 'string' },
  'keep-raw': { type: 'boolean' },
  'no-preflight': { type: 'boolean' },
  format: { type: 'string', multiple: true },
  ...bundleOptions,
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  'issuer-profile': { type: 'string' },
  documents: { type: 'string' },
  fault: { type: 'string', multiple: true },
  'slow-ms': { type: 'string' },
  'saturate-rps': { type: 'string' },
  'stall-ms': { type: 'string' },
  'stall-every-ms': { type: 'string' },
} as const;

const EMBEDDED_ONLY = ['issuer-profile', 'documents', 'fault', 'slow-ms', 'saturate-rps', 'stall-ms', 'stall-every-ms'];

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(n > 0)) throw new UsageError(`--${name} must be a number above 0, got ${JSON.stringify(value)}`);
  return n;
}

/** `--segment I/N`: segment I (1-based) of N. */
export function parseSegment(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > 1000 || index < 1 || index > count) throw new UsageError(`--segment must be I/N with 1 ≤ I ≤ N ≤ 1000 (segment I of N, e.g. 2/4), got ${JSON.stringify(value)}`);
  return { index, count };
}

function timestamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

interface Target {
  config: Config;
  apiKey: string;
  documents: DocumentSpec[];
  issuer?: RunningIssuer;
}

async function embeddedTarget(values: Record<string, unknown>): Promise<Target> {
  const profile = (values['issuer-profile'] as string | undefined) ?? '3.0';
  if (!profileById(profile)) throw new UsageError(`--issuer-profile must be 1.0, 3.0 or 1.13, got ${JSON.stringify(profile)}`);
  const faults = usageOnError(() => parseFaults(values.fault as string[] | undefined));
  try {
    return await startReferenceTarget({
      profile: profile as ProfileId,
      faults,
      documents: integer(values.documents as string | undefined, 'documents', 200),
      ...(values['slow-ms'] !== undefined && { slowMs: integer(values['slow-ms'] as string, 'slow-ms') }),
      ...(values['saturate-rps'] !== undefined && { saturateRps: positive(values['saturate-rps'] as string, 'saturate-rps') }),
      ...(values['stall-ms'] !== undefined && { stallMs: positive(values['stall-ms'] as string, 'stall-ms') }),
      ...(values['stall-every-ms'] !== undefined && { stallEveryMs: positive(values['stall-every-ms'] as string, 'stall-every-ms') }),
    });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if (/stallMs|stallEveryMs|saturateRps/.test((err as Error).message)) throw new UsageError((err as Error).message);
    throw err;
  }
}

/** `dlconform load merge DIR… [--report-dir OUT]`: one report from segments run anywhere. */
async function mergeCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseMergeArgs(argv);
  if (values.help) {
    out.write(LOAD_HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError('load merge needs the report folders of the segments: dlconform load merge DIR… [--report-dir OUT]');
  const segments: SegmentFile[] = [];
  const resultFiles: string[] = [];
  for (const dir of positionals) {
    segments.push(await readSegment(dir));
    resultFiles.push(join(dir, RESULTS_JSON));
  }
  const plan = segments[0]!.plan;
  const reportDir = values['report-dir'] ?? join('reports', `load-${timestamp()}-${plan.profile}-merged`);
  await mkdir(reportDir, { recursive: true });
  const found = (await findVegeta()).found;
  const files: string[] = [];
  if (found && (await plotLatency(found, resultFiles, join(reportDir, LATENCY_HTML), `dlconform load ${plan.profile} (${plan.scenario}), ${segments.length} segments`))) files.push(LATENCY_HTML);
  const settings = segments[0]!.settings;
  const result = mergeSegments({
    segments,
    thresholds: settings.thresholds,
    minAchievedRatio: settings.minAchievedRatio,
    toolVersion: TOOL_VERSION,
    datasetSize: settings.datasetSize,
    profileSettings: settings.profile,
    files,
  });
  // segments hold only redacted evidence; nothing secret is known here to redact again
  await writeLoadReports(result, reportDir);
  if (outputFormats(values.format).github) await writeLoadGithub(result, { out, err });
  out.write(`\n${result.verdict.toUpperCase()}: ${result.message}\nmerged ${segments.length} of ${plan.segment.count} segments; reports: ${reportDir}/report.html, summary.md, load.json, junit.xml\n`);
  return result.exitCode;
}

function parseMergeArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: { 'report-dir': { type: 'string' }, format: { type: 'string', multiple: true }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nSee: dlconform load --help`);
  }
}

/** `dlconform load …`; returns the exit code. */
export async function loadCommand(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let issuer: RunningIssuer | undefined;
  try {
    if (argv[0] === 'merge') return await mergeCommand(argv.slice(1), out, err);
    const { values } = parse(argv, options, 'load');
    if (values.help) {
      out.write(LOAD_HELP);
      return EXIT.ok;
    }
    const profile = oneOf<LoadProfileName>(values.profile, LOAD_PROFILES, 'profile') ?? 'smoke';
    const { github } = outputFormats(values.format);
    const scenario = oneOf<ScenarioName>(values.scenario, SCENARIOS, 'scenario');
    const emit = oneOf(values.emit, ['kubernetes'] as const, 'emit');
    const segments = integer(values.segments, 'segments', 1)!;
    if (segments < 1 || segments > 64) throw new UsageError(`--segments must be from 1 to 64, got ${segments}`);
    const segment = values.segment !== undefined ? parseSegment(values.segment) : undefined;
    if (segment && values.segments !== undefined) throw new UsageError('--segment I/N runs one segment; --segments N runs all N here: give one of them');
    if (segment && emit) throw new UsageError('--emit kubernetes writes the segments itself (its pods run --segment I/N); give --segments N instead');
    if (values.image !== undefined && !emit) throw new UsageError('--image applies to --emit kubernetes');
    const rate = positive(values.rate, 'rate');
    const durationSeconds = integer(values.duration, 'duration');
    if (durationSeconds === 0) throw new UsageError('--duration must be at least 1 second');
    if (durationSeconds !== undefined && profile === 'capacity') throw new UsageError('--duration applies to smoke, ci and soak; capacity steps come from load.capacity in the config');
    const capacityOnly = ['step-rate', 'steps', 'step-seconds'].filter((k) => values[k as keyof typeof values] !== undefined);
    if (capacityOnly.length > 0 && profile !== 'capacity') throw new UsageError(`--${capacityOnly[0]} applies to --profile capacity`);
    const stepRate = positive(values['step-rate'], 'step-rate');
    const steps = integer(values.steps, 'steps');
    if (steps !== undefined && (steps < 1 || steps > 200)) throw new UsageError(`--steps must be from 1 to 200, got ${steps}`);
    const stepSeconds = integer(values['step-seconds'], 'step-seconds');
    if (stepSeconds !== undefined && (stepSeconds < 2 || stepSeconds > 3600)) throw new UsageError(`--step-seconds must be from 2 to 3600, got ${stepSeconds}`);
    const embeddedOnly = EMBEDDED_ONLY.filter((k) => values[k as keyof typeof values] !== undefined);
    if (values.config && embeddedOnly.length > 0) throw new UsageError(`--${embeddedOnly[0]} applies only without --config (to the embedded reference issuer)`);
    if (!values.config && emit) throw new UsageError('--emit kubernetes needs --config: the embedded reference issuer runs inside this process');
    if (emit && values.bundle !== undefined) throw new UsageError('--emit kubernetes runs nothing here: bundle the merged report directory with dlconform bundle DIR');

    let target: Target;
    let configDir = process.cwd();
    if (values.config) {
      const { config, apiKey } = await loadConfig(values.config, process.env);
      refuseApiSetuConfig(config, 'load');
      configDir = dirname(resolve(values.config));
      target = { config, apiKey, documents: config.documents };
    } else {
      target = await embeddedTarget(values);
      issuer = target.issuer;
      out.write(
        `dlconform ${TOOL_VERSION}: reference issuer (profile ${target.config.profile}${issuer!.faults.length ? `, faults: ${issuer!.faults.join(', ')}` : ''}) on ${issuer!.url}, ${target.documents.length} documents\n`,
      );
    }
    const bundle = bundleRequest(values, { kind: 'load', config: target.config, configPath: values.config, apiKey: target.apiKey });
    const settings = applyOverrides(loadSettings(target.config), profile, { scenario, rate, durationSeconds, stepRate, steps, stepSeconds });
    if (scenario === 'pull-doc' && !target.config.target.pullDoc) throw new LoadSettingsError('--scenario pull-doc needs target.pullDoc (profile 1.13 has no Pull Doc)');
    // refused hosts are refused before anything else happens: no dataset read, no engine looked for
    const runId = randomBytes(8).toString('hex');
    const plan = buildPlan({ config: target.config, settings, profile }, runId);
    assertLoadTarget(plan.url, target.config.loadAllowedHosts);

    let documents: DocumentSpec[];
    if (values.dataset) documents = await readDatasetFile(values.dataset, process.cwd());
    else documents = settings.dataset ? [...target.documents, ...(await readDatasetFile(settings.dataset, configDir))] : target.documents;
    const dataset = buildDataset(target.config, settings.scenario, documents);
    const usedDocuments = documents.filter((d) => settings.scenario !== 'pull-doc' || !!d.uri);
    const redactor = new Redactor({ apiKey: target.apiKey, config: { documents } });
    const reportDir = values['report-dir'] ?? join('reports', `load-${timestamp()}-${profile}${segment ? `-segment-${segment.index}-of-${segment.count}` : ''}`);

    if (emit === 'kubernetes') {
      const raw = JSON.parse(await readFile(values.config!, 'utf8')) as Record<string, unknown> & { apiKeyEnv: string };
      const load = raw.load as Record<string, unknown> | undefined;
      if (load && 'dataset' in load) {
        const { dataset: _dataset, ...rest } = load;
        raw.load = rest;
      }
      const extraArgs: string[] = [];
      if (rate !== undefined) extraArgs.push('--rate', String(rate));
      if (durationSeconds !== undefined) extraArgs.push('--duration', String(durationSeconds));
      if (stepRate !== undefined) extraArgs.push('--step-rate', String(stepRate));
      if (steps !== undefined) extraArgs.push('--steps', String(steps));
      if (stepSeconds !== undefined) extraArgs.push('--step-seconds', String(stepSeconds));
      if (values['no-preflight']) extraArgs.push('--no-preflight');
      const manifests = kubernetesManifests({
        config: raw,
        dataset: documents as unknown as Array<Record<string, unknown>>,
        profile,
        scenario: settings.scenario,
        runId,
        segments,
        image: values.image ?? 'dlconform:latest',
        extraArgs,
        plannedSeconds: plannedSeconds(settings, profile),
        target: plan.url,
      });
      await mkdir(reportDir, { recursive: true });
      await writeFile(join(reportDir, 'job.yaml'), manifests.job, { mode: 0o600 });
      await writeFile(join(reportDir, 'merge.yaml'), manifests.merge, { mode: 0o600 });
      out.write(
        `wrote ${join(reportDir, 'job.yaml')} (Indexed Job ${manifests.name}, ${segments} pods, one segment each, ${plannedSeconds(settings, profile)} s planned) and ${join(reportDir, 'merge.yaml')}\n`,
      );
      out.write("job.yaml holds the dataset (URIs, and owners' names and dates of birth where the issuer opted into them) in a Secret: keep the file private.\n");
      return EXIT.ok;
    }

    const engine = await ensureVegeta({ progress: (line) => err.write(`${line}\n`) });
    if (!engine.found) {
      err.write(`dlconform load: ${engine.message}\n`);
      return EXIT.usage;
    }
    const found = engine.found;
    const shares = segment ? { count: segment.count, indices: [segment.index] } : { count: segments, indices: Array.from({ length: segments }, (_, i) => i + 1) };
    const lowest = Math.min(...plan.steps.map((s) => s.rate)) / shares.count;
    if (lowest < 0.001) throw new UsageError(`each of the ${shares.count} segments would send ${lowest} requests/s: fewer segments or a higher rate (at least 0.001 requests/s each)`);
    out.write(
      `dlconform load: ${profile} profile, ${settings.scenario} scenario, ${dataset.length} documents, vegeta ${found.version} (${found.source})` +
        `${segment ? `, segment ${segment.index}/${segment.count}` : segments > 1 ? `, ${segments} segments` : ''}, up to ${plannedSeconds(settings, profile)} s\n`,
    );
    const outcome = await runLoad({
      config: target.config,
      apiKey: target.apiKey,
      settings,
      profile,
      dataset,
      documents: usedDocuments,
      vegeta: found,
      reportDir,
      segments: shares,
      redactor,
      toolVersion: TOOL_VERSION,
      runId,
      keepRaw: !!values['keep-raw'],
      quiet: !!values.quiet,
      preflight: !values['no-preflight'],
      out,
      err,
    });
    if (outcome.result && github && !segment) await writeLoadGithub(outcome.result, { out, err });
    if (outcome.result) {
      const extra = outcome.result.files.includes(LATENCY_HTML) ? `, ${LATENCY_HTML}` : '';
      out.write(`\n${segment ? 'SEGMENT' : outcome.result.verdict.toUpperCase()}: ${outcome.message}\nreports: ${reportDir}/report.html, summary.md, load.json, junit.xml${extra}\n`);
    } else {
      err.write(`dlconform load: ${outcome.message}\n`);
    }
    if (bundle && outcome.result) return await bundleAfterRun(bundle, reportDir, outcome.exitCode, out);
    if (bundle) err.write('dlconform load: no evidence bundle: the run wrote no report\n');
    return outcome.exitCode;
  } catch (e) {
    if (
      e instanceof UsageError ||
      e instanceof ConfigError ||
      e instanceof LoadTargetRefused ||
      e instanceof LoadSettingsError ||
      e instanceof DatasetError ||
      e instanceof MergeError ||
      e instanceof SegmentReadError
    ) {
      err.write(`dlconform load: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  } finally {
    await issuer?.close();
  }
}
