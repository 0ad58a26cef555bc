import { webLoginConformance } from '@auth/conformance';
import { fastifyHarness } from './harness.ts';

webLoginConformance(fastifyHarness);
