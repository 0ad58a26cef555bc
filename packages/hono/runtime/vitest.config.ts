import { fileURLToPath } from 'node:url';
import tsconfigPaths from 'vite-tsconfig-paths';
import { defineConfig } from 'vitest/config';

// Opt-in run of the conformance suite on another runtime (see conformance.test.ts).
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

export default defineConfig({
  plugins: [tsconfigPaths({ root: repoRoot, projects: ['tsconfig.base.json'] })],
  // The workspace's cache, not a node_modules/ inside this folder.
  cacheDir: `${repoRoot}node_modules/.vite`,
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['conformance.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
