import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decoratorMetadata, sourceProject } from '../../vitest.shared.ts';

const nest11 = fileURLToPath(new URL('node_modules/', import.meta.url));

// Vitest project `@auth/nest (nest 11)`: @auth/nest's tests again, on Nest 11 (the other major of the
// peer range). Every @nestjs/* import, from the tests, the sources and the demo they start, resolves to
// this app's copies.
export default sourceProject({
  plugins: [decoratorMetadata()],
  test: {
    name: '@auth/nest (nest 11)',
    // The project runs @auth/nest's tests (a workspace devDependency), from its directory as the
    // `@auth/nest` project does.
    root: dirname(fileURLToPath(import.meta.resolve('@auth/nest/package.json'))),
    env: { EXPECTED_NEST_MAJOR: '11' },
    alias: [
      {
        find: /^@nestjs\/(common|core|platform-express|platform-fastify|testing|graphql|apollo|terminus)(\/.*)?$/,
        replacement: `${nest11}@nestjs/$1$2`,
      },
    ],
  },
});
