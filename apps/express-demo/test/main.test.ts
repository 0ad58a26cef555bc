// main.ts as a user runs it: a separate process configured only through the environment.
import { fileURLToPath } from 'node:url';
import { describeDemoMain } from '@auth/conformance';

describeDemoMain('express-demo', fileURLToPath(new URL('..', import.meta.url)));
