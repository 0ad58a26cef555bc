/**
 * Step-up policies (RFC 9470) and RFC 9728 metadata: exact status, code and challenge; option misuse
 * is a TypeError at setup.
 */
import { describe, expect, it, vi } from 'vitest';
import { createClock, generateKeyPair } from '@auth/testing';
import { createAuthenticator } from '../../src/authenticate.ts';
import { decisionToError } from '../../src/authorize/decision.ts';
import { requireAcr, requireAuthTime, requireDpopBound } from '../../src/authorize/step-up.ts';
import { compileRouteRequirement, createAuthBinding, metadataRoute } from '../../src/binding/index.ts';
import { isAuthError } from '../../src/errors.ts';
import { principal } from '../fixtures/principal.ts';

const buildPrincipal = (claims: Record<string, unknown>) =>
  principal({ claims: Object.assign(Object.create(null), { sub: 'user_1' }, claims) });
import { signToken, T0 } from '../fixtures/jws.ts';

const clock = createClock(T0);
const NOW = clock.seconds();

describe('step-up policies', () => {
  it('requireAcr: 401 insufficient_user_authentication naming acr_values', async () => {
    const policy = requireAcr(['urn:loa:2', 'urn:loa:3']);
    expect(await policy(buildPrincipal({ acr: 'urn:loa:3' }))).toEqual({ allowed: true });
    const decision = await policy(buildPrincipal({ acr: 'urn:loa:1' }));
    const error = decisionToError(decision);
    expect(error).toMatchObject({
      status: 401,
      code: 'ERR_AUTH_INSUFFICIENT_USER_AUTHENTICATION',
      error: 'insufficient_user_authentication',
    });
    expect(error.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="insufficient_user_authentication", error_description="A stronger authentication is required", acr_values="urn:loa:2 urn:loa:3"',
    );
    expect(error.toBody()).toEqual({
      status: 401,
      code: 'ERR_AUTH_INSUFFICIENT_USER_AUTHENTICATION',
      message: 'A stronger authentication is required',
      error: 'insufficient_user_authentication',
    });
  });

  it('requireAuthTime: too old or no auth_time → 401 with max_age', async () => {
    const policy = requireAuthTime({ maxAge: 300, clock });
    expect(await policy(buildPrincipal({ auth_time: NOW - 100 }))).toEqual({ allowed: true });
    for (const claims of [{ auth_time: NOW - 400 }, {}]) {
      const error = decisionToError(await policy(buildPrincipal(claims)));
      expect(error.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="insufficient_user_authentication", error_description="A more recent authentication is required", max_age="300"',
      );
    }
  });

  it('requireDpopBound: a plain bearer principal → 401 on the DPoP challenge', async () => {
    const error = decisionToError(await requireDpopBound()(buildPrincipal({})));
    expect(error).toMatchObject({ status: 401, code: 'ERR_AUTH_DPOP_REQUIRED', error: 'invalid_token' });
    expect(error.headers['www-authenticate']).toBe(
      'DPoP realm="api", error="invalid_token", error_description="This access token must be sent with a DPoP proof"',
    );
    expect(await requireDpopBound()(buildPrincipal({ cnf: { jkt: 'x' } }))).toEqual({ allowed: true });
  });

  it('route specs take acr, authTime and dpop; misuse is a TypeError at declaration', () => {
    expect(
      compileRouteRequirement({ acr: ['a'], authTime: { maxAge: 5 }, dpop: true }, { where: 'r' }).mode,
    ).toBe('required');
    expect(() => compileRouteRequirement({ acr: 'a' as never }, { where: 'r' })).toThrow(TypeError);
    expect(() => compileRouteRequirement({ authTime: { maxAge: -1 } }, { where: 'r' })).toThrow(TypeError);
    expect(() => compileRouteRequirement({ authTime: { max: 1 } as never }, { where: 'r' })).toThrow(
      TypeError,
    );
    expect(() => requireAcr()).toThrow(TypeError);
    expect(() => requireAcr('two words')).toThrow(TypeError);
  });
});

const key = await generateKeyPair('ES256', { kid: 'k' });

describe('RFC 9728 protected-resource metadata', () => {
  const issuers = [
    {
      issuer: 'https://idp.meta.test',
      audience: 'https://api.meta.test/v1',
      jwksUri: 'https://idp.meta.test/jwks',
    },
  ];
  const fetch = vi.fn(async () => Response.json({ keys: [key.publicJwk] }));

  it('a resource with a path: the path-suffixed well-known URL, named in challenges', async () => {
    const auth = createAuthenticator({
      issuers,
      fetch,
      clock,
      tokenLocations: { query: true },
      resourceMetadata: { resource: 'https://api.meta.test/v1', resourceName: 'Orders' },
    });
    const route = metadataRoute(auth, 'test');
    expect(route.path).toBe('/.well-known/oauth-protected-resource/v1');
    const response = await route.respond();
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      resource: 'https://api.meta.test/v1',
      authorization_servers: ['https://idp.meta.test'],
      bearer_methods_supported: ['header', 'query'],
      resource_name: 'Orders',
    });
    const expired = signToken(key, {
      iss: 'https://idp.meta.test',
      sub: 'u',
      aud: 'https://api.meta.test/v1',
      iat: NOW - 900,
      exp: NOW - 600,
    });
    const err = await auth
      .authenticate({ headers: { authorization: `Bearer ${expired}` } })
      .catch((e: unknown) => e);
    expect(isAuthError(err) && err.headers['www-authenticate']).toMatch(
      /^Bearer realm="api", error="invalid_token", error_description="[^"]+", resource_metadata="https:\/\/api\.meta\.test\/\.well-known\/oauth-protected-resource\/v1"$/,
    );
    const binding = createAuthBinding(auth, {
      where: 't',
      requestOf: (r: object) => r as never,
      contextOf: () => ({}),
    });
    const missing = await binding.run({ headers: {} }, compileRouteRequirement(true, { where: 't' }));
    expect(isAuthError(missing) && binding.render(missing).headers['www-authenticate']).toBe(
      'Bearer realm="api", resource_metadata="https://api.meta.test/.well-known/oauth-protected-resource/v1"',
    );
  });

  it('signed_metadata from the sign option; a failing signer is a 503, retried next time', async () => {
    let fail = true;
    const auth = createAuthenticator({
      issuers,
      fetch,
      resourceMetadata: {
        resource: 'https://api.meta.test',
        sign: (m) => {
          if (fail) throw new Error('hsm down');
          return `signed.${String(m.resource).length}.jwt`;
        },
      },
    });
    const route = metadataRoute(auth, 'test');
    expect((await route.respond()).status).toBe(503);
    fail = false;
    const ok = await route.respond();
    expect(JSON.parse(ok.body).signed_metadata).toBe('signed.21.jwt');
  });

  it('misuse is a TypeError at setup', () => {
    expect(() => createAuthenticator({ issuers, resourceMetadata: { resource: 'not a url' } })).toThrow(
      TypeError,
    );
    expect(() =>
      createAuthenticator({ issuers, resourceMetadata: { resource: 'https://a.test/?q=1' } }),
    ).toThrow(/query/);
    expect(() =>
      createAuthenticator({ issuers: () => undefined, resourceMetadata: { resource: 'https://a.test' } }),
    ).toThrow(/authorizationServers/);
    expect(() =>
      createAuthenticator({ issuers, resourceMetadata: { resource: 'https://a.test', scopes: [] } as never }),
    ).toThrow(TypeError);
    expect(() => metadataRoute(createAuthenticator({ issuers }), 'where')).toThrow(/no resourceMetadata/);
  });
});
