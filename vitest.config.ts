import { defineConfig } from 'vitest/config';

// One project per package and app, found by glob: each directory's vitest.config.ts (vitest.shared.ts's
// `sourceProject()` plus what it needs) names the project after its package.json. The Nest 11 run of
// @auth/nest's tests is apps/nest11-compat's project. A directory without a config has no tests.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
