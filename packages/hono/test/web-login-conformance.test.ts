import { webLoginConformance } from '@auth/conformance';
import { honoHarness } from './harness.ts';

webLoginConformance(honoHarness);
