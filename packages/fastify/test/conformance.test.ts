import { runConformance } from '@auth/conformance';
import { fastifyHarness } from './harness.ts';

runConformance(fastifyHarness);
