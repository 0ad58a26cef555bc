/**
 * An optional step that finds no credentials of its kind leaves no principal behind. The class of bug:
 * `c.var.auth` set by an earlier middleware with another authenticator (API keys) surviving an
 * `optionalAuth()` of bearer tokens, so the handler believed a bearer token had been verified.
 */
import { apiKeyPairAuth, createAuthenticator, memorySecretStore } from '@auth/core';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { optionalAuth, requireAuth } from '../src/index.ts';
import { authOptions, bearer } from './tokens.ts';

const bearerAuth = createAuthenticator(authOptions());
const keys = apiKeyPairAuth({ store: memorySecretStore({ 'svc-1': { token: 'service-secret-token-123' } }) });
afterAll(() => {
  bearerAuth.close();
  keys.close();
});

function app() {
  const a = new Hono();
  a.get('/chain', requireAuth(keys), optionalAuth(bearerAuth), (c) =>
    c.json({ sub: c.get('auth')?.subject ?? null }),
  );
  return a;
}

describe('optionalAuth after another authenticator', () => {
  it('no bearer token: c.var.auth is undefined, not the API-key principal', async () => {
    const res = await app().request('/chain', {
      headers: { 'x-principal-id': 'svc-1', 'x-principal-token': 'service-secret-token-123' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sub: null });
  });

  it('a bearer token beside API-key headers still gets its own principal from optionalAuth', async () => {
    const res = await app().request('/chain', {
      headers: {
        'x-principal-id': 'svc-1',
        'x-principal-token': 'service-secret-token-123',
        ...bearer({ sub: 'user-7' }),
      },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sub: 'user-7' });
  });
});
