/** @auth/hono setup mistakes are core ConfigurationErrors (still TypeErrors). */
import { ConfigurationError } from '@auth/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { authorize, requireLogin } from '../src/index.ts';

describe('@auth/hono: setup mistakes are ConfigurationErrors', () => {
  it('authorize without a policy', () => {
    let error: unknown;
    try {
      authorize('admin' as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as ConfigurationError).code).toBe('ERR_AUTH_CONFIGURATION');
    expect((error as Error).message).toBe('@auth/hono: authorize(policy) needs a policy');
  });

  it('requireLogin() without webAuth() reaches app.onError as a ConfigurationError', async () => {
    let seen: unknown;
    const app = new Hono();
    app.onError((e, c) => {
      seen = e;
      return c.text('setup', 500);
    });
    app.get('/profile', requireLogin() as never, (c) => c.text('ok'));
    const response = await app.request('/profile');
    expect(response.status).toBe(500);
    expect(seen).toBeInstanceOf(ConfigurationError);
    expect((seen as Error).message).toBe('@auth/hono requireLogin(): mount app.use(webAuth(...)) before it');
  });
});
