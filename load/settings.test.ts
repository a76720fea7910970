import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../conformance/config.js';
import { applyOverrides, k6Options, LOAD_DEFAULTS, loadSettings, LoadSettingsError, plannedSeconds, stepsOf, vusFor } from './settings.js';
import { stepAt } from './plan.js';

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
  });
});

describe('load settings', () => {
  it('defaults: pull-doc when the config has Pull Doc, pdf, 0.1% sampled, the client timeout', () => {
    const s = loadSettings(config());
    expect(s).toMatchObject({ scenario: 'pull-doc', format: 'pdf', sampleRate: 0.001, requestTimeoutMs: 10_000, thresholds: LOAD_DEFAULTS.thresholds });
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
    expect(() => loadSettings(config({ load: { ci: { preAllocatedVUs: 10, maxVUs: 5 } } }))).toThrow(/load.ci.maxVUs \(5\) must be at least load.ci.preAllocatedVUs \(10\)/);
  });

  it('VUs follow the rate unless set', () => {
    expect(vusFor(20, {})).toEqual({ preAllocatedVUs: 10, maxVUs: 50 });
    expect(vusFor(1000, {})).toEqual({ preAllocatedVUs: 250, maxVUs: 2000 });
    expect(vusFor(100_000, {}).maxVUs).toBe(2000);
    expect(vusFor(1000, { preAllocatedVUs: 3, maxVUs: 7 })).toEqual({ preAllocatedVUs: 3, maxVUs: 7 });
  });

  it('constant profiles are constant-arrival-rate with the four thresholds; redirects are never followed', () => {
    const s = loadSettings(config());
    const o = k6Options(s, 'ci') as { scenarios: Record<string, Record<string, unknown>>; thresholds: Record<string, string[]>; maxRedirects: number };
    expect(o.scenarios['pull-doc']).toMatchObject({ executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '60s', preAllocatedVUs: 13, maxVUs: 100, gracefulStop: '11s' });
    expect(o.thresholds).toEqual({ http_req_duration: ['p(95)<1000'], http_req_failed: ['rate<0.01'], checks: ['rate>0.99'], dropped_iterations: ['count==0'] });
    expect(o.maxRedirects).toBe(0);
    expect(plannedSeconds(s, 'ci')).toBe(60);
    expect(stepsOf(s, 'smoke')).toEqual([{ index: 0, rate: 20, start: 0, measureFrom: 0, end: 10_000 }]);
  });

  it('capacity is a ramping-arrival-rate staircase with settle windows and no k6 thresholds', () => {
    const s = applyOverrides(loadSettings(config()), 'capacity', { rate: 100, stepRate: 50, steps: 3, stepSeconds: 9 });
    const steps = stepsOf(s, 'capacity');
    expect(steps).toEqual([
      { index: 0, rate: 100, start: 0, measureFrom: 3000, end: 9000 },
      { index: 1, rate: 150, start: 9000, measureFrom: 12_000, end: 18_000 },
      { index: 2, rate: 200, start: 18_000, measureFrom: 21_000, end: 27_000 },
    ]);
    const o = k6Options(s, 'capacity') as { scenarios: Record<string, Record<string, unknown>>; thresholds: object };
    expect(o.scenarios['pull-doc']).toMatchObject({ executor: 'ramping-arrival-rate', startRate: 100, preAllocatedVUs: 50, maxVUs: 400 });
    expect(o.scenarios['pull-doc']!.stages).toEqual([
      { target: 100, duration: '0s' }, { target: 100, duration: '9s' },
      { target: 150, duration: '0s' }, { target: 150, duration: '9s' },
      { target: 200, duration: '0s' }, { target: 200, duration: '9s' },
    ]);
    expect(o.thresholds).toEqual({});
    expect(plannedSeconds(s, 'capacity')).toBe(27);
    expect([stepAt(steps, 0), stepAt(steps, 2999), stepAt(steps, 3000), stepAt(steps, 12_500, 2), stepAt(steps, 26_999), stepAt(steps, 27_000)]).toEqual([-1, -1, 0, 1, 2, -1]);
  });
});
