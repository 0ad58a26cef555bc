import swc from 'unplugin-swc';
import tsconfigPaths from 'vite-tsconfig-paths';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

// Tests run on sources: tsconfig.base.json `paths` map every @auth/* package to its src/ (no build needed).
const project = (name: string, root: string, extra: Record<string, unknown> = {}) => ({
  extends: true as const,
  test: {
    name,
    root: fileURLToPath(new URL(`${root}/`, import.meta.url)),
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    ...extra,
  },
});

export default defineConfig({
  plugins: [tsconfigPaths({ root: repoRoot, projects: ['tsconfig.base.json'] })],
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      project('@auth/core', 'packages/core'),
      project('@auth/testing', 'packages/testing'),
      project('@auth/conformance', 'packages/conformance'),
      project('@auth/express', 'packages/express'),
      project('@auth/fastify', 'packages/fastify'),
      project('@auth/hono', 'packages/hono'),
      project('@auth/aws', 'packages/aws'),
      {
        // Nest needs decorator metadata, which esbuild does not emit: transform with SWC.
        plugins: [
          swc.vite({
            jsc: {
              parser: { syntax: 'typescript', decorators: true },
              transform: { legacyDecorator: true, decoratorMetadata: true },
              target: 'es2022',
            },
          }),
        ],
        ...project('@auth/nest', 'packages/nest'),
      },
      project('dev-idp', 'apps/dev-idp'),
      project('express-demo', 'apps/express-demo'),
      project('fastify-demo', 'apps/fastify-demo'),
      project('hono-demo', 'apps/hono-demo'),
      {
        plugins: [
          swc.vite({
            jsc: {
              parser: { syntax: 'typescript', decorators: true },
              transform: { legacyDecorator: true, decoratorMetadata: true },
              target: 'es2022',
            },
          }),
        ],
        ...project('nest-demo', 'apps/nest-demo'),
      },
    ],
  },
});
