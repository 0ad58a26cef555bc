import { expect } from 'vitest';
import { bearer } from '../case.ts';
import { AUDIENCE, type Environment } from '../environment.ts';
import { expectFailure } from '../expectations.ts';
import { send } from '../http.ts';
import type { StackedAppConfig } from '../types.ts';

/**
 * Optional authentication, then required authentication, on one request. The class of bug: a memo of
 * "already authenticated" kept per request rather than per authenticator and mode, so the optional
 * step's "no credentials, carry on" (or another authenticator's principal) lets the required step pass.
 */
interface StackedRow {
  name: string;
  run(env: Environment): Promise<void>;
}

const SECOND_AUDIENCE = 'api://second';

/**
 * The suite's issuers, with the hostile issuer's tokens expected for another audience. Same realm as
 * the first: Nest renders every error in its module's realm, so the realm cannot tell which one refused.
 */
function secondAuth(env: Environment): StackedAppConfig['optional'] {
  const { issuers } = env.auth() as { issuers: { issuer: string; audience?: unknown }[] };
  return {
    issuers: issuers.map((i) => (i.issuer === env.hostileIssuer ? { ...i, audience: SECOND_AUDIENCE } : i)),
  } as StackedAppConfig['optional'];
}

async function stacked(env: Environment, twoAuthenticators: boolean): Promise<string> {
  return env.startStacked({
    optional: env.auth(),
    ...(twoAuthenticators ? { required: secondAuth(env) } : {}),
  });
}

export const stackedRows: StackedRow[] = [
  {
    name: 'one authenticator, optional then required, no credentials: 401 (never 200 without a principal)',
    run: async (env) => {
      const reply = await send(await stacked(env, false), '/stacked');
      expectFailure(reply, { status: 401, code: 'ERR_AUTH_MISSING_TOKEN', error: null });
    },
  },
  {
    name: 'one authenticator, optional then required, a valid token: 200 with the principal',
    run: async (env) => {
      const reply = await send(await stacked(env, false), '/stacked', { headers: bearer(await env.mint()) });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.json).toEqual({ sub: 'user-1' });
    },
  },
  {
    name: 'two authenticators, optional then required, no credentials: 401',
    run: async (env) => {
      const reply = await send(await stacked(env, true), '/stacked');
      expectFailure(reply, { status: 401, code: 'ERR_AUTH_MISSING_TOKEN', error: null });
    },
  },
  {
    name: 'two authenticators, a token valid for the first only: 401 invalid_token from the second, never 200',
    run: async (env) => {
      const baseUrl = await stacked(env, true);
      const reply = await send(baseUrl, '/stacked', { headers: bearer(await env.mint({ aud: AUDIENCE })) });
      expectFailure(reply, {
        status: 401,
        code: 'ERR_AUTH_INVALID_AUDIENCE',
        error: 'invalid_token',
      });
    },
  },
  {
    name: 'two authenticators, a token valid for both: 200 with the principal',
    run: async (env) => {
      const baseUrl = await stacked(env, true);
      const token = await env.mint({ aud: [AUDIENCE, SECOND_AUDIENCE] });
      const reply = await send(baseUrl, '/stacked', { headers: bearer(token) });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.json).toEqual({ sub: 'user-1' });
    },
  },
];
