/**
 * Nest glue of web login, on both platforms: module setup errors, `LoginGuard` (302 / 401 / the user
 * through `@WebUser()`), the logout form read without the app's own parser. The contract's rows
 * themselves run in web-login-conformance.test.ts (with the dev IdP).
 */
import type { SessionData } from '@auth/core/login';
import { Controller, Get, UseGuards } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import {
  LoginGuard,
  StepUpLogin,
  WEB_LOGIN_ROUTES,
  WebLoginModule,
  type WebLoginState,
  WebUser,
} from '../src/index.ts';
import { platforms, serve } from './support/platforms.ts';

const login = {
  issuer: 'http://127.0.0.1:9',
  clientId: 'web',
  clientSecret: 'web-secret',
  redirectUri: 'http://127.0.0.1:3003/callback',
  cookieKeys: [{ id: 'k1', secret: 'nest-web-login-test-secret-0123456789abc' }],
  allowInsecureRequests: true,
};

function sessionData(): SessionData {
  const now = Date.now();
  return {
    v: 1,
    issuer: login.issuer,
    clientId: login.clientId,
    claims: { iss: login.issuer, sub: 'alice', aud: login.clientId, name: 'Alice Admin' },
    tokens: {
      accessToken: 'opaque-access',
      tokenType: 'bearer',
      expiresAtMs: now + 3_600_000,
      obtainedAtMs: now,
    },
    createdAt: now,
  };
}

@Controller()
class PagesController {
  @Get('profile')
  @UseGuards(LoginGuard)
  profile(@WebUser() user: WebLoginState, @WebUser('identity') identity: WebLoginState['identity']) {
    return { sub: user.principal.subject, name: identity.name };
  }
}

// A controller demanding MFA, and one of its routes adding a recent login: both apply.
@Controller('stepped')
@StepUpLogin({ acr: 'urn:test:mfa' })
class SteppedController {
  @Get('recent')
  @UseGuards(LoginGuard)
  @StepUpLogin({ maxAgeSeconds: 600 })
  recent() {
    return { ok: true };
  }
}

describe('WebLoginModule setup', () => {
  it('forRoot refuses option mistakes when the module is defined, naming it', () => {
    expect(() => WebLoginModule.forRoot({ login, pahts: {} } as never)).toThrow(
      /@auth\/nest WebLoginModule.forRoot: unknown option "pahts"/,
    );
    expect(() => WebLoginModule.forRoot({ login: { ...login, redirectUri: 'nope' } })).toThrow(TypeError);
    expect(() =>
      WebLoginModule.forRootAsync({ useFactory: () => ({ login }), useClass: class {} } as never),
    ).toThrow(/exactly one of useFactory, useClass or useExisting/);
  });

  it('@StepUpLogin on a controller and a route with no acr value in common: a ConfigurationError when the class is defined', () => {
    expect(() => {
      @StepUpLogin({ acr: 'urn:test:mfa' })
      class Disjoint {
        @StepUpLogin({ acr: 'urn:test:pwd' })
        page() {}
      }
      return Disjoint;
    }).toThrow(/@auth\/nest @StepUpLogin\(\) on Disjoint\.page: the acr values .* have none in common/);
  });

  it("forRootAsync: the factory's paths must be the ones the controller was declared with", async () => {
    await expect(
      serve('express', [
        WebLoginModule.forRootAsync({
          useFactory: () => ({ login: { ...login, redirectUri: 'http://127.0.0.1:3003/auth/callback' } }),
        }),
      ]),
    ).rejects.toThrow(/paths.callback is \/auth\/callback but the controller was declared at \/callback/);
  });
});

for (const platform of platforms) {
  describe(`LoginGuard and the routes (nest-${platform})`, () => {
    it('LoginGuard sends a browser without a session to /login and an API client a 401; a session reaches @WebUser()', async () => {
      const server = await serve(
        platform,
        [WebLoginModule.forRootAsync({ useFactory: async () => ({ login }) })],
        [PagesController],
      );
      try {
        const page = await fetch(`${server.url}/profile?tab=2`, {
          redirect: 'manual',
          headers: { accept: 'text/html' },
        });
        expect(page.status).toBe(302);
        expect(page.headers.get('location')).toBe('/login?returnTo=%2Fprofile%3Ftab%3D2');
        expect(page.headers.get('cache-control')).toBe('no-store');
        const api = await fetch(`${server.url}/profile`, { headers: { accept: 'application/json' } });
        expect(api.status).toBe(401);
        expect(await api.json()).toMatchObject({ code: 'ERR_AUTH_NO_SESSION' });
        const tampered = await fetch(`${server.url}/session`, { headers: { cookie: 'session=garbage' } });
        expect(tampered.status).toBe(401);

        const routes = server.app.get(WEB_LOGIN_ROUTES);
        const lines = await routes.login.saveSession(routes.login.restore(sessionData()));
        const cookie = lines.map((l: string) => l.split(';', 1)[0]).join('; ');
        const me = await fetch(`${server.url}/profile`, { headers: { cookie, accept: 'text/html' } });
        expect(me.status).toBe(200);
        expect(await me.json()).toEqual({ sub: 'alice', name: 'Alice Admin' });
      } finally {
        await server.close();
      }
    });

    it("@StepUpLogin on a route adds to its controller's, never replaces it (a password session is no MFA one)", async () => {
      const server = await serve(platform, [WebLoginModule.forRoot({ login })], [SteppedController]);
      try {
        const routes = server.app.get(WEB_LOGIN_ROUTES);
        const as = async (acr: string, ageSeconds: number) => {
          const data = sessionData();
          data.claims = { ...data.claims, acr, auth_time: Math.floor(Date.now() / 1000) - ageSeconds };
          const lines = await routes.login.saveSession(routes.login.restore(data));
          const cookie = lines.map((l: string) => l.split(';', 1)[0]).join('; ');
          return fetch(`${server.url}/stepped/recent`, { headers: { cookie, accept: 'application/json' } });
        };
        const password = await as('urn:test:pwd', 10);
        expect(password.status).toBe(401);
        expect(await password.json()).toMatchObject({ code: 'ERR_AUTH_INSUFFICIENT_USER_AUTHENTICATION' });
        const challenge = password.headers.get('www-authenticate');
        expect(challenge).toContain('acr_values="urn:test:mfa"');
        expect(challenge).toContain('max_age="600"');
        expect((await as('urn:test:mfa', 3600)).status).toBe(401);
        expect((await as('urn:test:mfa', 10)).status).toBe(200);
      } finally {
        await server.close();
      }
    });

    it("POST /logout reads the form itself when the app has no form parser; PUT is core's 405", async () => {
      const server = await serve(platform, [WebLoginModule.forRoot({ login, isGlobal: true })]);
      try {
        const confirm = await fetch(`${server.url}/logout`, { headers: { accept: 'text/html' } });
        const token = /name="csrf" value="([^"]+)"/.exec(await confirm.text())?.[1] as string;
        const cookie = (confirm.headers.getSetCookie()[0] ?? '').split(';', 1)[0] as string;
        const out = await fetch(`${server.url}/logout`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: `csrf=${encodeURIComponent(token)}`,
        });
        expect(out.status).toBe(302);
        expect(out.headers.get('location')).toBe('/');
        const forged = await fetch(`${server.url}/logout`, {
          method: 'POST',
          headers: {
            cookie,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: 'csrf=forged-token-forged-token-forged-token-forg',
        });
        expect(forged.status).toBe(403);
        expect(await forged.json()).toMatchObject({ code: 'ERR_AUTH_CSRF_REJECTED' });
        const put = await fetch(`${server.url}/session`, {
          method: 'PUT',
          headers: { accept: 'application/json' },
        });
        expect(put.status).toBe(405);
        expect(put.headers.get('allow')).toBe('GET, HEAD');
      } finally {
        await server.close();
      }
    });
  });
}
