// Mutation testing of the security core of @auth/core (see README "Scripts").
// Needs Node >= 22 (Stryker 10). `pnpm test:mutation` runs it incrementally: only mutants
// in changed code, or covered by changed tests, are re-run; the results file is committed.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // pnpm does not hoist the runner next to @stryker-mutator/core: name the plugin explicitly.
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants: message tables, regexes, lookup tables) would each run
  // the whole suite, which multiplies the run time; they are reported as ignored, not counted.
  ignoreStatic: true,
  mutate: [
    'packages/core/src/verify/**/*.ts',
    'packages/core/src/extract/**/*.ts',
    'packages/core/src/jwks/**/*.ts',
    'packages/core/src/authorize/**/*.ts',
    'packages/core/src/apikey/**/*.ts',
    'packages/core/src/binding/**/*.ts',
    'packages/core/src/refresh/**/*.ts',
    'packages/core/src/login/**/*.ts',
    // Re-exports and type-only modules hold no logic to mutate.
    '!packages/core/src/**/index.ts',
    '!packages/core/src/**/types.ts',
    '!packages/core/src/verify/bench-entry.ts',
  ],
  // The sandbox needs the workspace sources the core tests import (tsconfig paths), not the rest.
  ignorePatterns: ['/apps/*-demo', '/bench', '/test-packaging', '/**/dist', '/coverage'],
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  concurrency: 2,
  timeoutMS: 10_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
