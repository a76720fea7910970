/** `dlconform load`: k6 load profiles (smoke, ci, capacity, soak) against an issuer or the reference issuer. */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, loadConfig, type Config, type DocumentSpec } from '../conformance/config.js';
import { Redactor } from '../conformance/redact.js';
import { EXIT } from '../conformance/types.js';
import { TOOL_VERSION } from '../conformance/version.js';
import { parseFaults, type RunningIssuer } from '../fixtures/issuer/index.js';
import { profileById, type ProfileId } from '../spec/profiles.js';
import { integer, list, parse, UsageError } from './args.js';
import { bundleK6 } from '../load/bundle.js';
import { buildDataset, DatasetError, readDatasetFile } from '../load/dataset.js';
import { findK6, k6MissingMessage } from '../load/k6bin.js';
import { operatorManifest } from '../load/operator.js';
import { LOAD_PROFILES, SCENARIOS, type LoadProfileName, type ScenarioName } from '../load/plan.js';
import { startReferenceTarget } from '../load/reference.js';
import { buildPlan, runLoad } from '../load/runner.js';
import { assertLoadTarget, LoadTargetRefused } from '../load/safety.js';
import { applyOverrides, loadSettings, LoadSettingsError, plannedSeconds } from '../load/settings.js';

export const LOAD_HELP = `Usage: dlconform load [--config FILE] [--profile NAME] [options]

Load-tests the hot Pull Doc path (or Pull URI) with k6: every request freshly signed by the
same spec/ code the conformance suite uses, each response checked cheaply (HTTP 200,
Status="1", the %PDF- marker) and a sampled fraction validated in full. Without --config it
starts the reference issuer on loopback and loads it, its whole store as the dataset.

Profiles (rates, durations, thresholds and VUs come from the config's "load" block):
  smoke     a few seconds at a low constant arrival rate: a gate for every pull request
  ci        about a minute at a constant arrival rate; thresholds: p95 latency, error rate,
            checks rate, dropped_iterations == 0
  capacity  a staircase of arrival rates, each step held until stable; stops at the first step
            past the knee and reports the knee (achieved ≥ 99% of offered, nothing dropped,
            errors within budget, p99 under the SLO) with a latency plot
  soak      a long run at a steady rate

Options:
  -c, --config FILE      config file (JSON; schema: conformance/config.schema.json)
  -p, --profile NAME     smoke | ci | capacity | soak (default smoke)
      --scenario NAME    pull-doc | pull-uri (default: pull-doc when target.pullDoc is set)
      --rate N           requests/s of the profile (capacity: of its first step)
      --duration S       seconds of the profile (smoke, ci, soak)
      --step-rate N      capacity: requests/s added per step
      --steps N          capacity: the most steps
      --step-seconds S   capacity: seconds per step (the first 1/3, at most 5 s, settle)
      --segments N       split the test into N k6 instances (execution segments) and merge
                         their raw samples into one histogram (default 1)
      --emit k6-operator write a k6-operator TestRun manifest (parallelism = --segments) and
                         the bundled script into the report dir instead of running
      --report-dir DIR   where load.json, junit.xml, summary.md, dashboard.html go
                         (default: reports/load-<time>-<profile>)
      --keep-raw         keep k6's raw samples (DIR/raw/*.csv; large)
      --no-dashboard     skip the k6 web dashboard HTML export
      --no-preflight     do not send the one check request from Node before k6 starts
  -q, --quiet            no k6 progress lines
  -h, --help             this help
Without --config (the embedded reference issuer):
      --issuer-profile P 1.0 | 3.0 | 1.13 (default 3.0)
      --documents N      documents in its store (default 200)
      --fault NAME       switch on a fault; repeatable (slow-pdf, saturate-at, …)
      --slow-ms N        delay of the slow-pdf fault (default 12000)
      --saturate-rps N   the rate the saturate-at fault serves at most (default 200)

Safety: load goes only to loopback (127.0.0.0/8, ::1, localhost) or to a host the config
lists in "loadAllowedHosts"; DigiLocker's own hosts are always refused; redirects are never
followed; every run is bounded in time (its plan + graceful stop + 60 s).

k6: found in $K6_BIN, in the tools folder (.tools/k6-<version>/k6, built by
bash load/install-k6.sh with Go), or on PATH. The npm package "k6" is a placeholder.

Exit codes: 0 thresholds met (capacity: a knee was found); 1 thresholds failed, no capacity
step sustained, or k6 failed; 2 usage, config, refused target or k6 not found; 3 target
unreachable.
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
  segments: { type: 'string' },
  emit: { type: 'string' },
  'report-dir': { type: 'string' },
  'keep-raw': { type: 'boolean' },
  'no-dashboard': { type: 'boolean' },
  'no-preflight': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  'issuer-profile': { type: 'string' },
  documents: { type: 'string' },
  fault: { type: 'string', multiple: true },
  'slow-ms': { type: 'string' },
  'saturate-rps': { type: 'string' },
} as const;

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
  let faults;
  try {
    faults = parseFaults(list(values.fault as string[] | undefined));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return startReferenceTarget({
    profile: profile as ProfileId,
    faults,
    documents: integer(values.documents as string | undefined, 'documents', 200),
    ...(values['slow-ms'] !== undefined && { slowMs: integer(values['slow-ms'] as string, 'slow-ms') }),
    ...(values['saturate-rps'] !== undefined && { saturateRps: positive(values['saturate-rps'] as string, 'saturate-rps') }),
  });
}

/** `dlconform load …`; returns the exit code. */
export async function loadCommand(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let issuer: RunningIssuer | undefined;
  try {
    const { values } = parse(argv, options, 'load');
    if (values.help) {
      out.write(LOAD_HELP);
      return EXIT.ok;
    }
    const profile = oneOf(values.profile, LOAD_PROFILES, 'profile') ?? 'smoke';
    const scenario = oneOf<ScenarioName>(values.scenario, SCENARIOS, 'scenario');
    const emit = oneOf(values.emit, ['k6-operator'] as const, 'emit');
    const segments = integer(values.segments, 'segments', 1)!;
    if (segments < 1 || segments > 64) throw new UsageError(`--segments must be from 1 to 64, got ${segments}`);
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
    const embeddedOnly = ['issuer-profile', 'documents', 'fault', 'slow-ms', 'saturate-rps'].filter((k) => values[k as keyof typeof values] !== undefined);
    if (values.config && embeddedOnly.length > 0) throw new UsageError(`--${embeddedOnly[0]} applies only without --config (to the embedded reference issuer)`);

    let target: Target;
    let configDir = process.cwd();
    if (values.config) {
      const { config, apiKey } = await loadConfig(values.config, process.env);
      configDir = dirname(resolve(values.config));
      target = { config, apiKey, documents: config.documents };
    } else {
      target = await embeddedTarget(values);
      issuer = target.issuer;
      out.write(`dlconform ${TOOL_VERSION}: reference issuer (profile ${target.config.profile}${issuer!.faults.length ? `, faults: ${issuer!.faults.join(', ')}` : ''}) on ${issuer!.url}, ${target.documents.length} documents\n`);
    }
    const settings = applyOverrides(loadSettings(target.config), profile, { scenario, rate, durationSeconds, stepRate, steps, stepSeconds });
    if (scenario === 'pull-doc' && !target.config.target.pullDoc) throw new LoadSettingsError('--scenario pull-doc needs target.pullDoc (profile 1.13 has no Pull Doc)');
    const documents = settings.dataset ? [...target.documents, ...(await readDatasetFile(settings.dataset, configDir))] : target.documents;
    const dataset = buildDataset(target.config, settings.scenario, documents);
    const redactor = new Redactor({ apiKey: target.apiKey, config: { documents } });
    const reportDir = values['report-dir'] ?? join('reports', `load-${timestamp()}-${profile}`);

    if (emit === 'k6-operator') {
      const plan = buildPlan({ config: target.config, settings, profile }, randomBytes(8).toString('hex'));
      assertLoadTarget(plan.url, target.config.loadAllowedHosts);
      await mkdir(reportDir, { recursive: true });
      const scripts = await bundleK6(join(reportDir, 'k6'));
      const manifest = operatorManifest({ plan, script: await readFile(scripts.main, 'utf8'), dataset: JSON.stringify(dataset), parallelism: segments });
      const file = join(reportDir, 'k6-operator.yaml');
      await writeFile(file, manifest.yaml, { mode: 0o600 });
      out.write(`wrote ${file}: TestRun ${manifest.name}, parallelism ${segments}, ${plannedSeconds(settings, profile)} s planned\n`);
      out.write('It embeds the dataset (URIs, and owners\' names and dates of birth where the issuer opted into them) in a Secret: keep the file private.\n');
      return EXIT.ok;
    }

    const { found, looked } = await findK6();
    if (!found) {
      err.write(`dlconform load: ${k6MissingMessage(looked)}\n`);
      return EXIT.usage;
    }
    out.write(
      `dlconform load: ${profile} profile, ${settings.scenario} scenario, ${dataset.length} documents, k6 ${found.version} (${found.source})` +
        `${segments > 1 ? `, ${segments} segments` : ''}, up to ${plannedSeconds(settings, profile)} s\n`,
    );
    const outcome = await runLoad({
      config: target.config,
      apiKey: target.apiKey,
      settings,
      profile,
      dataset,
      k6: found,
      reportDir,
      segments,
      redactor,
      toolVersion: TOOL_VERSION,
      keepRaw: !!values['keep-raw'],
      quiet: !!values.quiet,
      preflight: !values['no-preflight'],
      dashboard: !values['no-dashboard'],
      out,
      err,
    });
    if (outcome.result) {
      out.write(redactor.redact(`\n${outcome.result.verdict.toUpperCase()}: ${outcome.message}\nreports: ${reportDir}/summary.md, load.json, junit.xml${outcome.result.files.some((f) => f.startsWith('dashboard')) ? ', dashboard' : ''}\n`));
    } else {
      err.write(redactor.redact(`dlconform load: ${outcome.message}\n`));
    }
    return outcome.exitCode;
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof LoadTargetRefused || e instanceof LoadSettingsError || e instanceof DatasetError) {
      err.write(`dlconform load: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  } finally {
    await issuer?.close();
  }
}
