import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { renderChecksDoc } from './checks-doc.js';

it('conformance/CHECKS.md is up to date (run `npm run docs`)', () => {
  expect(readFileSync(new URL('./CHECKS.md', import.meta.url), 'utf8')).toBe(renderChecksDoc());
});
