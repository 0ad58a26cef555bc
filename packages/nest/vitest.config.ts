import { decoratorMetadata, sourceProject } from '../../vitest.shared.ts';

// Vitest project `@auth/nest`: the tests on this package's Nest (12). apps/nest11-compat's project runs
// them again on Nest 11; test/nest-version.test.ts checks each loads the major it names.
export default sourceProject({
  plugins: [decoratorMetadata()],
  test: { env: { EXPECTED_NEST_MAJOR: '12' } },
});
