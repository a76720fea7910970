import { expect, it } from 'vitest';
import { Pacer } from './pacer.js';

it('spaces starts at 1000/rate ms and books slots ahead', () => {
  const p = new Pacer(4);
  expect(p.nextDelay(1000)).toBe(0);
  expect(p.nextDelay(1000)).toBe(250);
  expect(p.nextDelay(1100)).toBe(400);
  expect(p.nextDelay(5000)).toBe(0);
  expect(new Pacer(undefined).nextDelay(1)).toBe(0);
});
