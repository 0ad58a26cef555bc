import { fileURLToPath } from 'node:url';
import tsconfigPaths from 'vite-tsconfig-paths';
import { defineConfig } from 'vitest/config';

// Vitest config used only by Stryker (stryker.config.mjs): the @auth/core tests alone, so a
// mutant run does not start the other projects. Paths resolve inside Stryker's sandbox copy.
const repoRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  plugins: [tsconfigPaths({ root: repoRoot, projects: ['tsconfig.base.json'] })],
  test: {
    name: '@auth/core',
    root: fileURLToPath(new URL('packages/core/', import.meta.url)),
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Stryker switches mutants at run time, so modules can stay loaded between mutant runs: re-importing
    // every test file (and regenerating its keys) per mutant was most of the run time.
    isolate: false,
  },
});
