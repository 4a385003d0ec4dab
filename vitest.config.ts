import { defineConfig } from 'vitest/config';

// Test layers (see README "Tests"):
//   test/unit        pure functions, no server
//   test/workflow    Temporal's Java time-skipping server (one environment per file, tests serial)
//   test/integration Temporal's dev server (temporal CLI), real node worker processes
//   test/replay      recorded histories replayed against today's workflow code
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Files run in parallel (2 cores); tests inside a file are serial, as time skipping is global.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
