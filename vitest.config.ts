import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'protocol/**/*.test.ts',
      'core/**/*.test.ts',
      'conformance/**/*.test.ts',
      'fixtures/**/*.test.ts',
      'cli/**/*.test.ts',
      'properties/**/*.test.ts',
      'load/**/*.test.ts',
      'push/**/*.test.ts',
      'examples/**/*.test.ts',
      'widget/**/*.test.ts',
    ],
    testTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['scripts/vitest-global-setup.ts'],
  },
});
