import type { Authenticator, AuthenticatorOptions } from '@auth/core';

/** What a demo app needs to be built: `createApp(config)` in every `apps/<x>-demo/src/app.ts`. */
export interface DemoConfig {
  /** Bearer-token authentication: trusted issuers, realm, token locations. */
  auth: AuthenticatorOptions;
  /** Service-principal credentials accepted by `GET /service` besides a bearer token. */
  apiKey?: Authenticator;
}

/** A running demo app. */
export interface DemoServer {
  /** `http://127.0.0.1:<port>` without a trailing slash. */
  baseUrl: string;
  close(): Promise<void> | void;
}

/** How the suite starts one adapter's demo app. */
export interface ConformanceHarness {
  /** Shown in the test names (`express`, `fastify`, …). */
  name: string;
  start(config: DemoConfig): Promise<DemoServer>;
}
