// @auth/conformance (private): the HTTP contract as one suite, run by each adapter's tests.
export { conformanceCases, runConformance } from './run.ts';
export type { Case, Headers, Success } from './case.ts';
export { AUDIENCE, SERVICE_PRINCIPAL, type Environment } from './environment.ts';
export {
  challengeDescription,
  expectFailure,
  expectedChallenge,
  expectPrincipal,
  type Failure,
} from './expectations.ts';
export { send, type Reply, type SendOptions } from './http.ts';
export type {
  ConformanceHarness,
  DemoConfig,
  DemoServer,
  GuardedAppConfig,
  StackedAppConfig,
  DeclaredAppConfig,
  WebLoginAppConfig,
} from './types.ts';
export { freePort, HeadlessBrowser, webLoginConformance } from './web-login.ts';
export type { WebLoginEnvironment } from './web-login.ts';
export { describeDemoMain } from './demo-main.ts';
export * as hs256 from './hs256.ts';
export { spanAncestors, type SpanLike } from './span-ancestors.ts';
