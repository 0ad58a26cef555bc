/**
 * Bounds of the web-login routes: `refreshAheadSeconds` must be finite (Infinity would refresh on
 * every request), and the memo of recent refreshes holds at most MAX_REFRESH_MEMO refresh tokens.
 */
import { describe, expect, it } from 'vitest';
import { createWebLoginRoutes, MAX_REFRESH_MEMO } from '../../src/binding/web-login-routes.ts';
import type { SessionData } from '../../src/login/index.ts';
import { KEY_1, REDIRECT } from '../login/login-fixtures.ts';

const login = {
  issuer: 'http://127.0.0.1:9/',
  clientId: 'web',
  clientSecret: 'web-secret',
  redirectUri: REDIRECT,
  allowInsecureRequests: true,
  cookieKeys: [KEY_1],
};

describe('web login routes: option and memo bounds', () => {
  it('refuses a refreshAheadSeconds that is not a finite number >= 0 at setup', () => {
    for (const refreshAheadSeconds of [Number.POSITIVE_INFINITY, Number.NaN, -1, '60']) {
      expect(() => createWebLoginRoutes({ login, refreshAheadSeconds } as never)).toThrow(
        /refreshAheadSeconds must be a finite number >= 0/,
      );
    }
    expect(() => createWebLoginRoutes({ login, refreshAheadSeconds: 3600 })).not.toThrow();
  });

  it('remembers at most MAX_REFRESH_MEMO refreshes: past the cap each new refresh token still refreshes once', async () => {
    let refreshes = 0;
    // A token endpoint that answers every refresh (discovery first), counting them.
    const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.endsWith('/.well-known/openid-configuration')) {
        return Response.json({
          issuer: login.issuer,
          authorization_endpoint: `${login.issuer}auth`,
          token_endpoint: `${login.issuer}token`,
          jwks_uri: `${login.issuer}jwks`,
        });
      }
      refreshes++;
      const body = new URLSearchParams(String(init?.body));
      return Response.json(
        { access_token: `at-${body.get('refresh_token')}`, token_type: 'bearer', expires_in: 3600 },
        { headers: { 'cache-control': 'no-store' } },
      );
    };
    const routes = createWebLoginRoutes({
      login: { ...login, fetch, store: 'memory', retry: { attempts: 1 } },
    });
    const due = (i: number): SessionData => ({
      v: 1,
      issuer: login.issuer,
      clientId: 'web',
      claims: { sub: 'alice' },
      tokens: {
        accessToken: 'old',
        tokenType: 'bearer',
        expiresAtMs: Date.now() - 1000,
        obtainedAtMs: Date.now() - 3_600_000,
        refreshToken: `rt-${i}`,
        subject: 'alice',
      },
      createdAt: Date.now(),
    });
    const total = MAX_REFRESH_MEMO + 5;
    for (let i = 0; i < total; i++) {
      const cookie = (await routes.login.store.write(due(i), undefined))[0]?.split(';', 1)[0];
      const loaded = await routes.loadSession({ method: 'GET', url: '/p', headers: { cookie } });
      expect(loaded.session?.tokens.accessToken).toBe(`at-rt-${i}`);
    }
    expect(refreshes).toBe(total);
    // The first token was dropped from the memo (the cap): presenting it again refreshes again,
    // the newest is still remembered and shared.
    const again = async (i: number) => {
      const cookie = (await routes.login.store.write(due(i), undefined))[0]?.split(';', 1)[0];
      return routes.loadSession({ method: 'GET', url: '/p', headers: { cookie } });
    };
    await again(total - 1);
    expect(refreshes).toBe(total);
    await again(0);
    expect(refreshes).toBe(total + 1);
  }, 30_000);
});
