import { webLoginConformance } from '@auth/conformance';
import { expressHarness } from './harness.ts';

webLoginConformance(expressHarness);
