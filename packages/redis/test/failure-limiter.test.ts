/**
 * `limitFailures` counts exactly what the authenticator answers: the id it limits is read the way the
 * authenticator reads it (header names are case-insensitive, whatever the record's spelling), and a
 * 401 from any copy of @auth/core counts (a branded AuthError, not only this copy's class).
 */
import { type AuthError, apiKeyPairAuth, envSecretStore, isAuthError, memorySecretStore } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { type FailureLimiter, headerOf, limitFailures, redisFailureLimiter } from '../src/index.ts';
import { connectSingle, freshPrefix } from './support/connect.ts';

/** A limiter that records what it was asked and blocks after `limit` failures per key. */
function recordingLimiter(limit: number) {
  const failures = new Map<string, number>();
  const limiter: FailureLimiter = {
    async check(keys) {
      if (keys.some((k) => (failures.get(k) ?? 0) >= limit))
        throw Object.assign(new Error('limited'), { status: 429, code: 'ERR_AUTH_RATE_LIMITED' });
    },
    async fail(keys) {
      for (const k of keys) failures.set(k, (failures.get(k) ?? 0) + 1);
    },
    async guard(keys, run) {
      await limiter.check(keys);
      try {
        return await run();
      } catch (e) {
        if ((e as AuthError).status === 401) await limiter.fail(keys);
        throw e;
      }
    },
  };
  return { limiter, failures };
}

const apiKeys = () =>
  apiKeyPairAuth({ store: memorySecretStore({ svc: { token: 'right-token-0123456789', scopes: [] } }) });
const byId = (req: Parameters<typeof headerOf>[0]) => {
  const id = headerOf(req, 'x-principal-id');
  return id ? [`key:${id}`] : [];
};

describe('limitFailures and headerOf', () => {
  it('a header record spelled in any case (API Gateway, hand-built requests) is limited like a lowercase one', async () => {
    const { limiter, failures } = recordingLimiter(2);
    const auth = limitFailures(apiKeys(), limiter, byId);
    const guess = (n: number) => ({
      headers: { 'X-Principal-Id': 'svc', 'X-Principal-Token': `wrong-token-${n}-000000000` },
    });
    // The authenticator reads these headers (a 401 for a wrong token, not "no credentials")...
    for (const n of [1, 2])
      await expect(auth.authenticate(guess(n))).rejects.toMatchObject({
        status: 401,
        code: 'ERR_AUTH_INVALID_API_KEY',
      });
    // ...so the limiter must have seen them too, and the third guess is refused before the credentials.
    expect(failures.get('key:svc')).toBe(2);
    await expect(auth.authenticate(guess(3))).rejects.toMatchObject({ status: 429 });
    expect(headerOf({ headers: { 'X-Principal-Id': 'svc' } }, 'x-principal-id')).toBe('svc');
    expect(headerOf({ headers: { 'x-principal-id': 'svc' } }, 'X-Principal-Id')).toBe('svc');
  });

  it('a header sent twice names no key (the authenticator refuses it too)', () => {
    expect(headerOf({ headers: { 'x-principal-id': ['a', 'svc'] } }, 'x-principal-id')).toBeUndefined();
    expect(
      headerOf({ headers: { 'x-principal-id': 'a', 'X-Principal-Id': 'svc' } }, 'x-principal-id'),
    ).toBeUndefined();
  });

  it('redisFailureLimiter.guard counts a 401 from another copy of @auth/core (a branded AuthError)', async () => {
    const limiter = redisFailureLimiter({ redis: await connectSingle(), prefix: freshPrefix(), limit: 1 });
    // An AuthError of another module instance (a second copy of @auth/core): branded, another class.
    const clone = Object.defineProperty(
      Object.assign(new Error('Invalid API key'), { status: 401, code: 'ERR_AUTH_INVALID_API_KEY' }),
      Symbol.for('@auth/core.AuthError'),
      { value: true },
    );
    expect(isAuthError(clone)).toBe(true);
    await expect(
      limiter.guard(['key:svc'], () => {
        throw clone;
      }),
    ).rejects.toBe(clone);
    await expect(limiter.guard(['key:svc'], async () => 'ok')).rejects.toMatchObject({ status: 429 });
  });

  it('case variants of one id share one counter (a store that matches ids case-insensitively)', async () => {
    const store = envSecretStore(
      { AUTH_SECRET__SVC: JSON.stringify({ token: 'right-token-0123456789', scopes: [] }) },
      { normalize: true },
    );
    const limiter = redisFailureLimiter({ redis: await connectSingle(), prefix: freshPrefix(), limit: 2 });
    const auth = limitFailures(apiKeyPairAuth({ store }), limiter, byId);
    const request = (id: string, token: string) => ({
      headers: { 'x-principal-id': id, 'x-principal-token': token },
    });
    // Every spelling reaches the same record...
    await expect(auth.authenticate(request('sVc', 'right-token-0123456789'))).resolves.toBeDefined();
    // ...so every spelling's failure counts against it.
    for (const id of ['svc', 'SVC'])
      await expect(auth.authenticate(request(id, 'wrong-token-0000000000'))).rejects.toMatchObject({
        status: 401,
      });
    await expect(auth.authenticate(request('Svc', 'wrong-token-0000000000'))).rejects.toMatchObject({
      status: 429,
    });
  });
});
