import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import schema from './result.schema.json' with { type: 'json' };
import { renderJson } from './json.js';
import { sampleGatedRun } from './sample-gated-run.js';
import { sampleCheck, sampleRun } from './sample-run.js';

const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

describe('result.json', () => {
  it('validates against result.schema.json', () => {
    const run = sampleRun({ aborted: { reason: 'time budget exhausted', exitCode: 1 } });
    const parsed = JSON.parse(renderJson(run));
    expect(validate(parsed), JSON.stringify(validate.errors)).toBe(true);
    expect(parsed).toEqual(run);
  });

  it('validates a run with waivers in every state, a baseline diff and --fail-on', () => {
    const parsed = JSON.parse(renderJson(sampleGatedRun()));
    expect(validate(parsed), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...parsed, failOn: 'some' })).toBe(false);
    expect(validate({ ...parsed, checks: [{ ...parsed.checks[0], waiver: { ...parsed.checks[0].waiver, state: 'gone' } }] })).toBe(false);
  });

  it('rejects what the schema excludes, so schema and types cannot drift silently', () => {
    expect(validate({ ...sampleRun(), extra: 1 })).toBe(false);
    expect(validate(sampleRun({ checks: [sampleCheck({ verdict: 'maybe' as never })] }))).toBe(false);
    expect(validate({ ...sampleRun(), schemaVersion: 1 })).toBe(false);
  });

  it('documents every property', () => {
    const missing: string[] = [];
    const visit = (node: unknown, path: string) => {
      if (!node || typeof node !== 'object') return;
      const props = (node as { properties?: Record<string, { description?: string }> }).properties;
      for (const [name, sub] of Object.entries(props ?? {})) {
        if (!sub.description) missing.push(`${path}.${name}`);
        visit(sub, `${path}.${name}`);
      }
      for (const [k, v] of Object.entries(node)) if (k !== 'properties') visit(v, `${path}/${k}`);
    };
    visit(schema, '');
    expect(missing).toEqual([]);
  });
});
