import { defineConfig } from 'vitest/config';

// The packed-package tests (test/pack): one file, run after the main suite by `npm test`. They
// build the addon twice (the prebuild, then a source install), so they stay out of the main
// suite's parallel run and out of the sanitizer runs (scripts/memcheck.sh).
export default defineConfig({
  test: {
    root: __dirname,
    include: ['*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 900_000,
  },
});
