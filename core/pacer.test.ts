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

it('halving a cap doubles the spacing', () => {
  const p = new Pacer(4);
  expect(p.halve(0)).toBe(2);
  expect(p.nextDelay(1000)).toBe(0);
  expect(p.nextDelay(1000)).toBe(500);
  expect(p.halve(0)).toBe(1);
});

it('without a cap, halving starts from the rate observed so far (over at least a second)', () => {
  const p = new Pacer(undefined);
  for (let i = 0; i < 40; i++) expect(p.nextDelay(10_000 + i * 50)).toBe(0);
  // 40 starts in 2 s: 20 a second observed, 10 after halving
  expect(p.halve(12_000)).toBe(10);
  expect(p.ratePerSecond).toBe(10);
  // a burst of 6 starts within a few ms counts as 6 a second, not thousands
  const burst = new Pacer(undefined);
  for (let i = 0; i < 6; i++) burst.nextDelay(5);
  expect(burst.halve(8)).toBe(3);
});

it('halving stops at one request every 5 s, and never raises a lower cap', () => {
  const p = new Pacer(0.3);
  expect(p.halve(0)).toBe(0.2);
  expect(p.halve(0)).toBe(0.2);
  expect(new Pacer(0.1).halve(0)).toBe(0.1);
});

it('a pause holds every start until it ends, with or without a cap', () => {
  const p = new Pacer(undefined);
  p.pauseUntil(3000);
  expect(p.nextDelay(1000)).toBe(2000);
  expect(p.nextDelay(1000)).toBe(2000);
  expect(p.nextDelay(4000)).toBe(0);
  const capped = new Pacer(2);
  capped.pauseUntil(2000);
  expect(capped.nextDelay(1000)).toBe(1000);
  expect(capped.nextDelay(1000)).toBe(1500);
});
