import { sourceProject } from '../../vitest.shared.ts';

// Vitest project named after this package (see vitest.shared.ts), found by the root config's glob.
export default sourceProject();
