import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import tsconfigPaths from 'vite-tsconfig-paths';
import { defineProject, mergeConfig, type UserWorkspaceConfig } from 'vitest/config';

/**
 * What every Vitest project of the repo shares; each package's (or app's) `vitest.config.ts` is
 * `sourceProject()` plus what that package needs. The root vitest.config.ts finds the projects by glob;
 * a project is named after its package.json `name` unless its config sets `test.name`.
 *
 * @example
 * // packages/<pkg>/vitest.config.ts
 * export default sourceProject();
 * // a package with decorators
 * export default sourceProject({ plugins: [decoratorMetadata()] });
 */
const repoRoot = fileURLToPath(new URL('.', import.meta.url));

export function sourceProject(extra: UserWorkspaceConfig = {}): UserWorkspaceConfig {
  return mergeConfig(
    defineProject({
      // Tests run on sources: tsconfig.base.json `paths` map every @auth/* package to its src/ (no build needed).
      plugins: [tsconfigPaths({ root: repoRoot, projects: ['tsconfig.base.json'] })],
      test: {
        include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
        testTimeout: 20_000,
        hookTimeout: 30_000,
        pool: 'forks',
      },
    }),
    extra,
  );
}

/**
 * Nest needs decorator metadata, which esbuild does not emit: transform with SWC.
 *
 * @example
 * export default sourceProject({ plugins: [decoratorMetadata()] });
 */
export function decoratorMetadata() {
  return swc.vite({
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
  });
}
