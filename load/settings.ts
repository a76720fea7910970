/**
 * The `load` block of the config with every default applied, and the k6 options each load
 * profile becomes: smoke, ci and soak are constant-arrival-rate (an open model: requests arrive at
 * the rate whatever the target does, as DigiLocker's users do), capacity is a ramping-arrival-rate
 * staircase. Durations are bounded, redirects are never followed.
 */
import type { Config, LoadConfig } from '../conformance/config.js';
import type { Format } from '../spec/profiles.js';
import { PROFILES } from '../spec/profiles.js';
import type { LoadProfileName, ScenarioName, StepWindow } from './plan.js';

export interface ConstantProfile {
  rate: number;
  durationSeconds: number;
  /** unset: derived from the rate (vusFor) */
  preAllocatedVUs?: number;
  maxVUs?: number;
}

export interface CapacityProfile {
  startRate: number;
  stepRate: number;
  maxSteps: number;
  stepSeconds: number;
  settleSeconds: number;
  minAchievedRatio: number;
  /** unset: derived from the highest step's rate (vusFor) */
  preAllocatedVUs?: number;
  maxVUs?: number;
}

export interface Thresholds {
  p95Ms: number;
  p99Ms: number;
  errorRate: number;
  checksRate: number;
}

export interface LoadSettings {
  scenario: ScenarioName;
  format: Format;
  sampleRate: number;
  requestTimeoutMs: number;
  dataset?: string;
  thresholds: Thresholds;
  smoke: ConstantProfile;
  ci: ConstantProfile;
  soak: ConstantProfile;
  capacity: CapacityProfile;
}

export const LOAD_DEFAULTS = {
  format: 'pdf' as Format,
  sampleRate: 0.001,
  thresholds: { p95Ms: 1000, p99Ms: 2000, errorRate: 0.01, checksRate: 0.99 },
  smoke: { rate: 20, durationSeconds: 10 },
  ci: { rate: 50, durationSeconds: 60 },
  soak: { rate: 20, durationSeconds: 1800 },
  capacity: { startRate: 50, stepRate: 50, maxSteps: 20, stepSeconds: 15, settleSeconds: 5, minAchievedRatio: 0.99 },
} as const;

/**
 * VUs for an arrival rate when the config names none: enough started up front for 250 ms of
 * latency (a VU started mid-run takes time, and k6 drops the iterations that find no free VU),
 * and room for 2 s at most
 * (capped at 2000 VUs, about 1 MB each), beyond which requests pile up and k6 drops iterations,
 * which is what marks saturation.
 */
export function vusFor(rate: number, p: { preAllocatedVUs?: number; maxVUs?: number }): { preAllocatedVUs: number; maxVUs: number } {
  const preAllocatedVUs = p.preAllocatedVUs ?? Math.min(2000, Math.max(10, Math.ceil(rate / 4)));
  const maxVUs = p.maxVUs ?? Math.min(2000, Math.max(50, preAllocatedVUs, Math.ceil(rate * 2)));
  return { preAllocatedVUs, maxVUs };
}

/** Problems the schema cannot see; each names the field. */
export class LoadSettingsError extends Error {}

export function loadSettings(config: Config): LoadSettings {
  const raw: LoadConfig = config.load ?? {};
  const profile = PROFILES[config.profile];
  const canPullDoc = profile.pullDoc && config.target.pullDoc !== undefined;
  const scenario = raw.scenario ?? (canPullDoc ? 'pull-doc' : 'pull-uri');
  if (scenario === 'pull-doc' && !canPullDoc) {
    throw new LoadSettingsError(
      profile.pullDoc
        ? 'load.scenario: "pull-doc" needs target.pullDoc; set it or use "pull-uri"'
        : `load.scenario: "pull-doc" is not possible with profile "${config.profile}" (Pull Doc was removed in v1.13); use "pull-uri"`,
    );
  }
  const capacity = { ...LOAD_DEFAULTS.capacity, ...raw.capacity };
  if (capacity.settleSeconds >= capacity.stepSeconds) {
    throw new LoadSettingsError(`load.capacity.settleSeconds (${capacity.settleSeconds}) must be below load.capacity.stepSeconds (${capacity.stepSeconds})`);
  }
  const settings: LoadSettings = {
    scenario,
    format: raw.format ?? LOAD_DEFAULTS.format,
    sampleRate: raw.sampleRate ?? LOAD_DEFAULTS.sampleRate,
    requestTimeoutMs: raw.requestTimeoutMs ?? config.client.timeoutMs,
    ...(raw.dataset !== undefined && { dataset: raw.dataset }),
    thresholds: { ...LOAD_DEFAULTS.thresholds, ...raw.thresholds },
    smoke: { ...LOAD_DEFAULTS.smoke, ...raw.smoke },
    ci: { ...LOAD_DEFAULTS.ci, ...raw.ci },
    soak: { ...LOAD_DEFAULTS.soak, ...raw.soak },
    capacity,
  };
  for (const name of ['smoke', 'ci', 'soak'] as const) checkVus(settings[name], `load.${name}`);
  checkVus(capacity, 'load.capacity');
  return settings;
}

function checkVus(p: { preAllocatedVUs?: number; maxVUs?: number }, field: string): void {
  if (p.maxVUs !== undefined && p.preAllocatedVUs !== undefined && p.maxVUs < p.preAllocatedVUs) throw new LoadSettingsError(`${field}.maxVUs (${p.maxVUs}) must be at least ${field}.preAllocatedVUs (${p.preAllocatedVUs})`);
}

/** Command-line overrides of the chosen profile (`--rate`, `--duration`, `--scenario`). */
export interface Overrides {
  scenario?: ScenarioName;
  rate?: number;
  durationSeconds?: number;
  /** capacity only */
  stepRate?: number;
  steps?: number;
  /** capacity only; the settle part becomes a third of it, at most 5 s */
  stepSeconds?: number;
}

export function applyOverrides(settings: LoadSettings, profile: LoadProfileName, o: Overrides): LoadSettings {
  const out = structuredClone(settings);
  if (o.scenario) out.scenario = o.scenario;
  if (profile === 'capacity') {
    if (o.rate !== undefined) out.capacity.startRate = o.rate;
    if (o.stepRate !== undefined) out.capacity.stepRate = o.stepRate;
    if (o.steps !== undefined) out.capacity.maxSteps = o.steps;
    if (o.stepSeconds !== undefined) {
      out.capacity.stepSeconds = o.stepSeconds;
      out.capacity.settleSeconds = Math.min(5, Math.floor(o.stepSeconds / 3));
    }
    return out;
  }
  if (o.rate !== undefined) out[profile].rate = o.rate;
  if (o.durationSeconds !== undefined) out[profile].durationSeconds = o.durationSeconds;
  return out;
}

/** The steps of a profile: one window for the constant profiles, the staircase for capacity. */
export function stepsOf(settings: LoadSettings, profile: LoadProfileName): StepWindow[] {
  if (profile !== 'capacity') {
    const p = settings[profile];
    return [{ index: 0, rate: p.rate, start: 0, measureFrom: 0, end: p.durationSeconds * 1000 }];
  }
  const c = settings.capacity;
  const out: StepWindow[] = [];
  for (let i = 0; i < c.maxSteps; i++) {
    const start = i * c.stepSeconds * 1000;
    out.push({ index: i, rate: round3(c.startRate + i * c.stepRate), start, measureFrom: start + c.settleSeconds * 1000, end: start + c.stepSeconds * 1000 });
  }
  return out;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Planned length of the scenario in seconds (without graceful stop). */
export function plannedSeconds(settings: LoadSettings, profile: LoadProfileName): number {
  if (profile === 'capacity') return settings.capacity.maxSteps * settings.capacity.stepSeconds;
  return settings[profile].durationSeconds;
}

/** k6 lets iterations in flight finish for this long after the scenario ends. */
export function gracefulStopSeconds(settings: LoadSettings): number {
  return Math.ceil(settings.requestTimeoutMs / 1000) + 1;
}

/** The k6 options of a profile: the scenario, thresholds (not for capacity: the knee finder judges), safety settings. */
export function k6Options(settings: LoadSettings, profile: LoadProfileName): Record<string, unknown> {
  const gracefulStop = `${gracefulStopSeconds(settings)}s`;
  let scenario: Record<string, unknown>;
  if (profile === 'capacity') {
    const c = settings.capacity;
    // each step: the rate jumps (a 0 s stage) and is held for stepSeconds
    const stages = stepsOf(settings, profile).flatMap((s) => [
      { target: s.rate, duration: '0s' },
      { target: s.rate, duration: `${c.stepSeconds}s` },
    ]);
    scenario = {
      executor: 'ramping-arrival-rate',
      startRate: c.startRate,
      timeUnit: '1s',
      ...vusFor(c.startRate + (c.maxSteps - 1) * c.stepRate, c),
      stages,
      gracefulStop,
    };
  } else {
    const p = settings[profile];
    scenario = {
      executor: 'constant-arrival-rate',
      rate: p.rate,
      timeUnit: '1s',
      duration: `${p.durationSeconds}s`,
      ...vusFor(p.rate, p),
      gracefulStop,
    };
  }
  const t = settings.thresholds;
  const thresholds: Record<string, string[]> =
    profile === 'capacity'
      ? {}
      : {
          http_req_duration: [`p(95)<${t.p95Ms}`],
          http_req_failed: [`rate<${t.errorRate}`],
          checks: [`rate>${t.checksRate}`],
          dropped_iterations: ['count==0'],
        };
  return {
    scenarios: { [settings.scenario]: scenario },
    thresholds,
    // never follow a redirect: load goes only to the host that was allowed
    maxRedirects: 0,
    // only the tags the sample reader needs (the default set costs memory and output size)
    systemTags: ['status', 'check', 'error_code'],
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
    setupTimeout: '10s',
    teardownTimeout: '10s',
    noCookiesReset: true,
  };
}
