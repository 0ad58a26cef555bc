import { expect } from 'vitest';
import { bearer } from '../case.ts';
import type { Environment } from '../environment.ts';
import { expectFailure } from '../expectations.ts';
import { send } from '../http.ts';

/**
 * A route declared optional with a requirement. The class of bug: adapters disagreeing (a setup error in
 * one, a handler run without a principal in another). One rule everywhere: a requirement needs a
 * principal, so no credentials is a 401 and the handler never runs without one.
 */
interface DeclaredRow {
  name: string;
  run(env: Environment): Promise<void>;
}

const declared = (env: Environment) =>
  env.startDeclared({ auth: env.auth(), route: { optional: true, scopes: ['read:items'] } });

export const declaredRows: DeclaredRow[] = [
  {
    name: 'optional + scopes, no credentials: 401 without error attribute (never 200 without a principal)',
    run: async (env) => {
      const reply = await send(await declared(env), '/declared');
      expectFailure(reply, { status: 401, code: 'ERR_AUTH_MISSING_TOKEN', error: null });
    },
  },
  {
    name: 'optional + scopes, a valid token without the scope: 403 insufficient_scope',
    run: async (env) => {
      const token = await env.mint({ scope: 'write:items' });
      const reply = await send(await declared(env), '/declared', { headers: bearer(token) });
      expectFailure(reply, {
        status: 403,
        code: 'ERR_AUTH_INSUFFICIENT_SCOPE',
        error: 'insufficient_scope',
        scope: 'read:items',
      });
    },
  },
  {
    name: 'optional + scopes, a valid token with the scope: 200 with the principal',
    run: async (env) => {
      const reply = await send(await declared(env), '/declared', { headers: bearer(await env.mint()) });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.json).toEqual({ sub: 'user-1' });
    },
  },
  {
    name: 'optional + scopes, a bad token: 401 invalid_token',
    run: async (env) => {
      const reply = await send(await declared(env), '/declared', {
        headers: bearer(await env.badSignature()),
      });
      expectFailure(reply, { status: 401, code: /^ERR_AUTH_/, error: 'invalid_token' });
    },
  },
];
