import { decoratorMetadata, sourceProject } from '../../vitest.shared.ts';

// Vitest project named after this package (see vitest.shared.ts), found by the root config's glob.
// globalSetup starts cognito-local on a free 127.0.0.1 port and seeds pool, app clients and groups.
// SWC (decorator metadata) for the Nest mount of the admin routes.
export default sourceProject({
  plugins: [decoratorMetadata()],
  test: { globalSetup: ['test/support/global-setup.ts'] },
});
