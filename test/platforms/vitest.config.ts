import { defineConfig } from 'vitest/config';

// The prebuilds proven on their own platforms (test/platforms): one file, run by
// `npm run test:platforms` (and .ci/run). It builds every prebuild, so it stays out of
// `npm test` and out of the sanitizer runs.
export default defineConfig({
  test: {
    root: __dirname,
    include: ['*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
  },
});
