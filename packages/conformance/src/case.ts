import type { Environment } from './environment.ts';
import type { Failure } from './expectations.ts';

export type Headers = readonly (readonly [string, string])[];

export interface Success {
  /** A 2xx, or a non-auth client error checked by `check` (not by the auth-failure rules). */
  status: 200 | 201 | 204 | 400;
  check?: (json: any, text: string, env: Environment) => void;
}

/** One row of the suite: a request against a demo app and what the contract says about the reply. */
export interface Case {
  name: string;
  /** Which demo app (default `main`). */
  app?: keyof Environment['app'];
  method?: string;
  /** Path and query; a function to put a token in the query string. */
  path: string | ((env: Environment) => Promise<string> | string);
  headers?: (env: Environment) => Promise<Headers> | Headers;
  body?: string;
  /** Content type of `body` (default `application/json`). */
  contentType?: string;
  expect: Failure | Success;
}

export const bearer = (token: string): Headers => [['Authorization', `Bearer ${token}`]];
