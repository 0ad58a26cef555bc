import { runConformance } from '@auth/conformance';
import { honoHarness } from './harness.ts';

runConformance(honoHarness);
