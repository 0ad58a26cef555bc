import { fileURLToPath } from 'node:url';
import tsconfigPaths from 'vite-tsconfig-paths';
import { defineConfig } from 'vitest/config';

// Opt-in run of the conformance suite on another runtime (see conformance.test.ts).
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

export default defineConfig({
  plugins: [tsconfigPaths({ root: repoRoot, projects: ['tsconfig.base.json'] })],
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['conformance.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
