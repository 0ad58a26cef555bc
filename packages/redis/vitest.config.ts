import { sourceProject } from '../../vitest.shared.ts';

// Real Redis: globalSetup starts a redis-server and a three-node cluster per run (test/support).
export default sourceProject({ test: { globalSetup: ['test/support/global-setup.ts'] } });
