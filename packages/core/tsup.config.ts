import { packageBuild } from '../../tsup.base.ts';

export default packageBuild(
  {
    index: 'src/index.ts',
    errors: 'src/errors.ts',
    internal: 'src/internal.ts',
    'client/index': 'src/client/index.ts',
    'client/undici': 'src/client/undici.ts',
    'login/index': 'src/login/index.ts',
    'crypto/node': 'src/verify/crypto/node.ts',
    'crypto/web': 'src/verify/crypto/web.ts',
  },
  // The signature backend is chosen by the package "imports" map (#crypto), by export conditions.
  { external: ['#crypto', 'undici'] },
);
