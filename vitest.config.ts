import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    // Fuzz and conformance suites walk ~1000 real frames; keep them well under CI limits.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
