import swc from 'unplugin-swc';
import tsconfigPaths from 'vite-tsconfig-paths';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));
const nest11 = fileURLToPath(new URL('apps/nest11-compat/node_modules/', import.meta.url));

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
        ...project('@auth/nest', 'packages/nest', { env: { EXPECTED_NEST_MAJOR: '12' } }),
      },
      {
        // The same tests on Nest 11 (the other major of the peer range): every @nestjs/* import, from
        // the tests, the sources and the demo they start, resolves to apps/nest11-compat's copies.
        plugins: [
          swc.vite({
            jsc: {
              parser: { syntax: 'typescript', decorators: true },
              transform: { legacyDecorator: true, decoratorMetadata: true },
              target: 'es2022',
            },
          }),
        ],
        ...project('@auth/nest (nest 11)', 'packages/nest', {
          env: { EXPECTED_NEST_MAJOR: '11' },
          alias: [
            {
              find: /^@nestjs\/(common|core|platform-express|platform-fastify|testing|graphql|apollo)(\/.*)?$/,
              replacement: `${nest11}@nestjs/$1$2`,
            },
          ],
        }),
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
