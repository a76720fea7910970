/**
 * The `load` block of the config with every default applied, and what each load profile becomes
 * for vegeta: smoke, ci and soak are one constant-rate attack (an open model: requests are sent at
 * the rate whatever the target does, as DigiLocker's users do), capacity is a staircase of
 * constant-rate attacks, one per step. Durations, workers and connections are always bounded;
 * redirects are never followed.
 */
import type { Config, LoadConfig } from '../core/config/index.js';
import type { Format } from '../protocol/profiles.js';
import { PROFILES } from '../protocol/profiles.js';
import type { LoadProfileName, ScenarioName, StepWindow } from './plan.js';

export interface ConstantProfile {
  rate: number;
  durationSeconds: number;
  /** unset: derived from the rate (workersFor) */
  workers?: number;
  maxWorkers?: number;
}

export interface CapacityProfile {
  startRate: number;
  stepRate: number;
  maxSteps: number;
  stepSeconds: number;
  settleSeconds: number;
  minAchievedRatio: number;
  /** unset: derived from the highest step's rate (workersFor) */
  workers?: number;
  maxWorkers?: number;
}

export interface Thresholds {
  p95Ms: number;
  p99Ms: number;
  errorRate: number;
  checksRate: number;
  lateStartRate: number;
}

export interface LoadSettings {
  scenario: ScenarioName;
  format: Format;
  sampleRate: number;
  captureBytes: number;
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
  captureBytes: 1024,
  thresholds: { p95Ms: 1000, p99Ms: 2000, errorRate: 0.01, checksRate: 0.99, lateStartRate: 0.001 },
  smoke: { rate: 20, durationSeconds: 10 },
  ci: { rate: 50, durationSeconds: 60 },
  soak: { rate: 20, durationSeconds: 1800 },
  capacity: { startRate: 50, stepRate: 50, maxSteps: 20, stepSeconds: 15, settleSeconds: 5, minAchievedRatio: 0.99 },
} as const;

/**
 * vegeta's workers for a rate when the config names none: enough started up front for 250 ms of
 * latency, and at most three seconds' worth of requests in flight (from 50 to 10000). Past that
 * every worker is busy, requests start late, and the late starts mark saturation; the cap keeps a
 * stalled target from costing the generator unbounded goroutines and connections.
 */
export function workersFor(rate: number, p: { workers?: number; maxWorkers?: number }): { workers: number; maxWorkers: number } {
  const maxWorkers = p.maxWorkers ?? Math.min(10_000, Math.max(50, Math.ceil(rate * 3)));
  const workers = Math.min(maxWorkers, p.workers ?? Math.min(10_000, Math.max(10, Math.ceil(rate / 4))));
  return { workers, maxWorkers };
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
    captureBytes: raw.captureBytes ?? LOAD_DEFAULTS.captureBytes,
    requestTimeoutMs: raw.requestTimeoutMs ?? config.client.timeoutMs,
    ...(raw.dataset !== undefined && { dataset: raw.dataset }),
    thresholds: { ...LOAD_DEFAULTS.thresholds, ...raw.thresholds },
    smoke: { ...LOAD_DEFAULTS.smoke, ...raw.smoke },
    ci: { ...LOAD_DEFAULTS.ci, ...raw.ci },
    soak: { ...LOAD_DEFAULTS.soak, ...raw.soak },
    capacity,
  };
  for (const name of ['smoke', 'ci', 'soak'] as const) checkWorkers(settings[name], `load.${name}`);
  checkWorkers(capacity, 'load.capacity');
  return settings;
}

function checkWorkers(p: { workers?: number; maxWorkers?: number }, field: string): void {
  if (p.maxWorkers !== undefined && p.workers !== undefined && p.maxWorkers < p.workers)
    throw new LoadSettingsError(`${field}.maxWorkers (${p.maxWorkers}) must be at least ${field}.workers (${p.workers})`);
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

/** After an attack's duration, vegeta waits for the requests in flight: at most the request timeout. */
export function drainSeconds(settings: LoadSettings): number {
  return Math.ceil(settings.requestTimeoutMs / 1000) + 1;
}

/** Workers and connections of a profile's attacks: from the highest rate it offers. */
export function attackLimits(settings: LoadSettings, profile: LoadProfileName): { workers: number; maxWorkers: number; maxConnections: number } {
  const highest = profile === 'capacity' ? settings.capacity.startRate + (settings.capacity.maxSteps - 1) * settings.capacity.stepRate : settings[profile].rate;
  const w = workersFor(highest, profile === 'capacity' ? settings.capacity : settings[profile]);
  return { ...w, maxConnections: w.maxWorkers };
}
