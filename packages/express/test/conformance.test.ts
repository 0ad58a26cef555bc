import { runConformance } from '@auth/conformance';
import { expressHarness } from './harness.ts';

runConformance(expressHarness);
