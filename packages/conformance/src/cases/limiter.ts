import { apiKeyPairAuth, memorySecretStore } from '@auth/core';
import { headerOf, limitFailures, redisFailureLimiter } from '@auth/redis';
import { createClient } from 'redis';
import { expect } from 'vitest';
import type { Environment } from '../environment.ts';
import { SERVICE_PRINCIPAL } from '../environment.ts';
import { expectFailure } from '../expectations.ts';
import { send } from '../http.ts';
import { startRedisServer } from '../redis-server.ts';

/**
 * The failed-credential limiter row (contract: "too many failed credentials"): the demo app's
 * `GET /service` API keys behind `limitFailures` of `@auth/redis` (a real redis-server, started on first
 * use), keyed by the presented `x-principal-id`. Every adapter must render its 429 the same way.
 */
export interface LimiterRow {
  name: string;
  run(env: Environment): Promise<void>;
}

const LIMIT = 3;
const apps = new WeakMap<Environment, Promise<string>>();

function limitedApp(env: Environment): Promise<string> {
  let app = apps.get(env);
  if (app === undefined) {
    app = (async () => {
      const server = await startRedisServer();
      env.defer(() => server.stop());
      const redis = createClient({ socket: { path: server.path, tls: false }, disableOfflineQueue: true });
      redis.on('error', () => {}); // the server is killed after the apps: no noise then
      await redis.connect();
      env.defer(() => redis.destroy());
      const limiter = redisFailureLimiter({ redis, limit: LIMIT, windowSeconds: 60 });
      const store = memorySecretStore({
        [SERVICE_PRINCIPAL.id]: { token: SERVICE_PRINCIPAL.token, scopes: [...SERVICE_PRINCIPAL.scopes] },
      });
      const apiKey = limitFailures(apiKeyPairAuth({ store }), limiter, (req) => {
        const id = headerOf(req, 'x-principal-id');
        return id === undefined ? [] : [`key:${id}`];
      });
      return env.start({ ...env.config(), apiKey });
    })();
    apps.set(env, app);
  }
  return app;
}

const keyHeaders = (id: string, token: string) =>
  [
    ['x-principal-id', id],
    ['x-principal-token', token],
  ] as const;

export const limiterRows: LimiterRow[] = [
  {
    name: `GET /service: ${LIMIT} wrong API keys for one id are 401, then 429 ERR_AUTH_RATE_LIMITED with Retry-After (also for the right key), other ids unaffected`,
    async run(env) {
      const base = await limitedApp(env);
      const wrong = keyHeaders(SERVICE_PRINCIPAL.id, 'wrong-service-token-000000000000');
      for (let i = 0; i < LIMIT; i++) {
        expectFailure(await send(base, '/service', { headers: wrong }), {
          status: 401,
          code: 'ERR_AUTH_INVALID_API_KEY',
          error: null,
        });
      }
      const limited = { status: 429, code: 'ERR_AUTH_RATE_LIMITED' } as const;
      const over = await send(base, '/service', { headers: wrong });
      expectFailure(over, limited);
      expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(over.json).toEqual({ status: 429, code: 'ERR_AUTH_RATE_LIMITED', message: expect.any(String) });
      // Checked before the credentials: the right key for that id waits too.
      const right = keyHeaders(SERVICE_PRINCIPAL.id, SERVICE_PRINCIPAL.token);
      expectFailure(await send(base, '/service', { headers: right }), limited);
      // Another id is counted on its own; a bearer token is not limited.
      expectFailure(
        await send(base, '/service', {
          headers: keyHeaders('svc-other', 'wrong-service-token-000000000000'),
        }),
        { status: 401, code: 'ERR_AUTH_INVALID_API_KEY', error: null },
      );
      const withToken = await send(base, '/service', {
        headers: [['Authorization', `Bearer ${env.tokens.reader}`]],
      });
      expect(withToken.status, withToken.text).toBe(200);
    },
  },
];
