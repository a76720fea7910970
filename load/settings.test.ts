import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../core/config/index.js';
import { attackArgs, rateFlag } from './attack.js';
import { applyOverrides, attackLimits, drainSeconds, LOAD_DEFAULTS, loadSettings, LoadSettingsError, plannedSeconds, stepsOf, workersFor } from './settings.js';

const ENV = { DLCONFORM_API_KEY: 'TESTAPIKEY123' };

function minimal(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    target: { pullUri: 'http://127.0.0.1:8080/pulluri', pullDoc: 'http://127.0.0.1:8080/pulldoc' },
    orgId: 'in.gov.example',
    apiKeyEnv: 'DLCONFORM_API_KEY',
    documents: [{ docType: 'INCER', search: { UDF1: '13333' }, uri: 'in.gov.example-INCER-AB12CD34EF' }],
    absent: { docType: 'INCER', search: { UDF1: '99999' } },
    ...extra,
  };
}

const config = (extra: Record<string, unknown> = {}) => parseConfig(minimal(extra), ENV, 'my.json').config;

function configError(extra: Record<string, unknown>): string {
  try {
    parseConfig(minimal(extra), ENV, 'my.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config: load and loadAllowedHosts (optional)', () => {
  it('default to no load block and no allowed hosts', () => {
    const c = config();
    expect(c.load).toBeUndefined();
    expect(c.loadAllowedHosts).toEqual([]);
    expect(config({ loadAllowedHosts: ['staging.example.gov.in', '10.1.2.3', '[2001:db8::1]'] }).loadAllowedHosts).toHaveLength(3);
  });

  it('wrong values name the field', () => {
    expect(configError({ loadAllowedHosts: ['https://staging.example.gov.in/'] })).toMatch(/loadAllowedHosts\[0\]: must match/);
    expect(configError({ loadAllowedHosts: 'localhost' })).toMatch(/loadAllowedHosts: must be a list/);
    expect(configError({ load: { scenario: 'pull-docs' } })).toMatch(/load\.scenario: must be one of "pull-doc", "pull-uri"/);
    expect(configError({ load: { smoke: { rate: 0 } } })).toMatch(/load\.smoke\.rate: must be > 0/);
    expect(configError({ load: { ci: { durationSecs: 5 } } })).toMatch(/load\.ci\.durationSecs: unknown field \(did you mean "durationSeconds"\?\)/);
    expect(configError({ load: { thresholds: { p95: 100 } } })).toMatch(/load\.thresholds\.p95: unknown field \(did you mean "p95Ms"\?\)/);
    expect(configError({ load: { capacity: { maxSteps: 0 } } })).toMatch(/load\.capacity\.maxSteps: must be >= 1/);
    expect(configError({ load: { sampleRate: 2 } })).toMatch(/load\.sampleRate: must be <= 1/);
    expect(configError({ load: { captureBytes: 10 } })).toMatch(/load\.captureBytes: must be >= 256/);
    expect(configError({ load: { thresholds: { lateStartRate: 2 } } })).toMatch(/load\.thresholds\.lateStartRate: must be <= 1/);
    expect(configError({ load: { smoke: { workers: 0 } } })).toMatch(/load\.smoke\.workers: must be >= 1/);
    // the k6-era names are gone, and the message lists what replaced them
    expect(configError({ load: { ci: { maxVUs: 5 } } })).toMatch(/load\.ci\.maxVUs: unknown field \(known fields here: .*workers, maxWorkers\)/);
    expect(configError({ load: { capacity: { preAllocatedVUs: 3 } } })).toMatch(/load\.capacity\.preAllocatedVUs: unknown field/);
  });
});

describe('load settings', () => {
  it('defaults: pull-doc when the config has Pull Doc, pdf, 0.1% sampled, 4 KiB captured, the client timeout', () => {
    const s = loadSettings(config());
    expect(s).toMatchObject({ scenario: 'pull-doc', format: 'pdf', sampleRate: 0.001, captureBytes: 1024, requestTimeoutMs: 10_000, thresholds: LOAD_DEFAULTS.thresholds });
    expect(s.thresholds).toEqual({ p95Ms: 1000, p99Ms: 2000, errorRate: 0.01, checksRate: 0.99, lateStartRate: 0.001 });
    expect(loadSettings(config({ client: { timeoutMs: 3000 }, load: { captureBytes: 65536 } }))).toMatchObject({ requestTimeoutMs: 3000, captureBytes: 65536 });
    expect(loadSettings(config({ load: { requestTimeoutMs: 1500 } })).requestTimeoutMs).toBe(1500);
    expect(s.smoke).toEqual({ rate: 20, durationSeconds: 10 });
    expect(loadSettings(config({ target: { pullUri: 'http://127.0.0.1/u' } })).scenario).toBe('pull-uri');
  });

  it('the config overrides field by field; the command line overrides the chosen profile', () => {
    const s = loadSettings(config({ load: { smoke: { rate: 5 }, thresholds: { p95Ms: 200 }, capacity: { stepRate: 25 } } }));
    expect(s.smoke).toEqual({ rate: 5, durationSeconds: 10 });
    expect(s.thresholds).toEqual({ ...LOAD_DEFAULTS.thresholds, p95Ms: 200 });
    expect(s.capacity.stepRate).toBe(25);
    const o = applyOverrides(s, 'smoke', { rate: 7, durationSeconds: 3, scenario: 'pull-uri' });
    expect([o.smoke.rate, o.smoke.durationSeconds, o.scenario, s.smoke.rate]).toEqual([7, 3, 'pull-uri', 5]);
    const c = applyOverrides(s, 'capacity', { rate: 10, stepRate: 10, steps: 3, stepSeconds: 6 });
    expect(c.capacity).toMatchObject({ startRate: 10, stepRate: 10, maxSteps: 3, stepSeconds: 6, settleSeconds: 2 });
  });

  it('problems the schema cannot see', () => {
    expect(() => loadSettings(config({ profile: '1.13', target: { pullUri: 'http://127.0.0.1/u' }, load: { scenario: 'pull-doc' } }))).toThrow(/Pull Doc was removed in v1.13/);
    expect(() => loadSettings(config({ target: { pullUri: 'http://127.0.0.1/u' }, load: { scenario: 'pull-doc' } }))).toThrow(/needs target.pullDoc/);
    expect(() => loadSettings(config({ load: { capacity: { stepSeconds: 5, settleSeconds: 5 } } }))).toThrow(LoadSettingsError);
    expect(() => loadSettings(config({ load: { ci: { workers: 10, maxWorkers: 5 } } }))).toThrow(/load\.ci\.maxWorkers \(5\) must be at least load\.ci\.workers \(10\)/);
    expect(() => loadSettings(config({ load: { capacity: { workers: 10, maxWorkers: 5 } } }))).toThrow(/load\.capacity\.maxWorkers \(5\) must be at least load\.capacity\.workers \(10\)/);
    expect(() => loadSettings(config({ load: { soak: { workers: 5, maxWorkers: 5 } } }))).not.toThrow();
  });

  it('workers follow the rate unless set: 250 ms of latency up front, at most 3 s of requests in flight (50 to 10000)', () => {
    expect(workersFor(20, {})).toEqual({ workers: 10, maxWorkers: 60 });
    expect(workersFor(5, {})).toEqual({ workers: 10, maxWorkers: 50 });
    expect(workersFor(1000, {})).toEqual({ workers: 250, maxWorkers: 3000 });
    expect(workersFor(100_000, {})).toEqual({ workers: 10_000, maxWorkers: 10_000 });
    expect(workersFor(1000, { workers: 3, maxWorkers: 7 })).toEqual({ workers: 3, maxWorkers: 7 });
    expect(workersFor(1000, { workers: 500 })).toEqual({ workers: 500, maxWorkers: 3000 });
    // the initial workers never exceed the cap
    expect(workersFor(1000, { maxWorkers: 40 })).toEqual({ workers: 40, maxWorkers: 40 });
    expect(workersFor(2.5, { maxWorkers: 5 })).toEqual({ workers: 5, maxWorkers: 5 });
  });

  it('constant profiles: one attack at the rate, bounded workers and connections, redirects never followed', () => {
    const s = loadSettings(config());
    const limits = attackLimits(s, 'ci');
    expect(limits).toEqual({ workers: 13, maxWorkers: 150, maxConnections: 150 });
    expect(attackLimits(loadSettings(config({ load: { ci: { workers: 4, maxWorkers: 9 } } })), 'ci')).toEqual({ workers: 4, maxWorkers: 9, maxConnections: 9 });
    expect(drainSeconds(s)).toBe(11);
    expect(plannedSeconds(s, 'ci')).toBe(60);
    expect(stepsOf(s, 'smoke')).toEqual([{ index: 0, rate: 20, start: 0, measureFrom: 0, end: 10_000 }]);
    const args = attackArgs({
      vegeta: { path: '/x/vegeta', version: 'v12.13.0', source: 'PATH' },
      rate: 50,
      durationSeconds: 60,
      ...limits,
      timeoutMs: s.requestTimeoutMs,
      captureBytes: s.captureBytes,
      name: 'step-0-segment-1',
    });
    expect(args).toEqual([
      'attack',
      '-format=json',
      '-lazy',
      '-targets=stdin',
      '-rate=50/1s',
      '-duration=60s',
      '-workers=13',
      '-max-workers=150',
      '-connections=150',
      '-max-connections=150',
      '-timeout=10000ms',
      '-max-body=1024',
      '-redirects=-1',
      '-name=step-0-segment-1',
    ]);
  });

  it("a fractional rate (a segment's share) is a whole count per duration for vegeta", () => {
    expect(rateFlag(20)).toBe('20/1s');
    expect(rateFlag(2.5)).toBe('2500000/1000000s');
    expect(rateFlag(100 / 3)).toBe('33333333/1000000s');
    expect(rateFlag(0.25)).toBe('250000/1000000s');
    // a share of 0.01 req/s over 64 segments is still paced, never 0 (vegeta's "unlimited")
    expect(rateFlag(0.01 / 64)).toBe('156/1000000s');
    expect(() => rateFlag(1e-9)).toThrow(/below what vegeta can pace/);
  });

  it('capacity is a staircase of attacks with settle windows; its bounds come from the highest step', () => {
    const s = applyOverrides(loadSettings(config()), 'capacity', { rate: 100, stepRate: 50, steps: 3, stepSeconds: 9 });
    const steps = stepsOf(s, 'capacity');
    expect(steps).toEqual([
      { index: 0, rate: 100, start: 0, measureFrom: 3000, end: 9000 },
      { index: 1, rate: 150, start: 9000, measureFrom: 12_000, end: 18_000 },
      { index: 2, rate: 200, start: 18_000, measureFrom: 21_000, end: 27_000 },
    ]);
    expect(attackLimits(s, 'capacity')).toEqual({ workers: 50, maxWorkers: 600, maxConnections: 600 });
    expect(plannedSeconds(s, 'capacity')).toBe(27);
    // --step-seconds: the settle part is a third of it, at most 5 s
    expect(applyOverrides(s, 'capacity', { stepSeconds: 30 }).capacity.settleSeconds).toBe(5);
    expect(applyOverrides(s, 'capacity', { stepSeconds: 2 }).capacity.settleSeconds).toBe(0);
    // fractional steps stay exact to the thousandth
    const frac = applyOverrides(s, 'capacity', { rate: 0.1, stepRate: 0.2, steps: 3 });
    expect(stepsOf(frac, 'capacity').map((w) => w.rate)).toEqual([0.1, 0.3, 0.5]);
  });
});
