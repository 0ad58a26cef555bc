/**
 * createVerifier behaviour: options validation, principal mapping, token cache, customCheck, resolver,
 * overrides, HS secrets and the Cognito preset (with @auth/testing's Cognito-shaped tokens).
 */
import { createHmac } from 'node:crypto';
import { createClock, generateKeyPair, jwksFetch, mintCognitoToken } from '@auth/testing';
import { describe, expect, it, vi } from 'vitest';
import { ForbiddenError, isAuthError } from '../../src/errors.ts';
import { cognito } from '../../src/verify/cognito.ts';
import { createVerifier, isVerifier } from '../../src/verify/create-verifier.ts';
import type { IssuerConfig, VerifierOptions } from '../../src/verify/options.ts';
import { BACKENDS, withBackend } from '../fixtures/verify-backends.ts';
import { json64, signToken, T0 } from '../fixtures/jws.ts';

const ISS = 'https://issuer.verify.test';
const AUD = 'api://test';
const rs = await generateKeyPair('RS256', { kid: 'rs' });
const keysFetch = (keys: Record<string, unknown>[] = [rs.publicJwk]) =>
  vi.fn(async (_url: string, _init?: RequestInit) => Response.json({ keys }));

function baseOptions(
  issuer: Partial<IssuerConfig> = {},
  extra: Partial<VerifierOptions> = {},
): VerifierOptions {
  return {
    issuers: [{ issuer: ISS, audience: AUD, jwksUri: `${ISS}/jwks`, ...issuer }],
    fetch: keysFetch(),
    ...extra,
  };
}

const claimsAt = (now: number, extra: Record<string, unknown> = {}) => ({
  iss: ISS,
  sub: 'user-1',
  aud: AUD,
  iat: now,
  exp: now + 600,
  ...extra,
});

describe('options validation (TypeError at creation)', () => {
  const bad: [string, unknown, RegExp][] = [
    ['no options', undefined, /options/],
    ['no issuers', { issuers: [] }, /issuers/],
    ['missing audience', { issuers: [{ issuer: ISS }] }, /audience/],
    ['empty audience array', { issuers: [{ issuer: ISS, audience: [] }] }, /audience/],
    ['empty issuer', { issuers: [{ issuer: '', audience: AUD }] }, /issuer/],
    [
      'HS256 without a secret',
      { issuers: [{ issuer: ISS, audience: AUD, algorithms: ['HS256'] }] },
      /secret/,
    ],
    ['alg none', { issuers: [{ issuer: ISS, audience: AUD, algorithms: ['none'] }] }, /algorithm/],
    ['short secret', { issuers: [{ issuer: ISS, audience: AUD, secret: 'short' }] }, /secret/],
    ['bad tokenUse', { issuers: [{ issuer: ISS, audience: AUD, tokenUse: 'refresh' }] }, /tokenUse/],
    [
      'negative clockToleranceSeconds',
      { issuers: [{ issuer: ISS, audience: AUD, clockToleranceSeconds: -1 }] },
      /clockToleranceSeconds/,
    ],
    ['bad jwksUri', { issuers: [{ issuer: ISS, audience: AUD, jwksUri: 'file:///etc/passwd' }] }, /jwksUri/],
    ['bad jwks ttl', { issuers: [{ issuer: ISS, audience: AUD }], jwks: { ttlMs: -5 } }, /ttlMs/],
    ['bad cacheSize', { issuers: [{ issuer: ISS, audience: AUD }], cacheSize: -1 }, /cacheSize/],
    ['bad maxTokenBytes', { issuers: [{ issuer: ISS, audience: AUD }], maxTokenBytes: 1.5 }, /maxTokenBytes/],
  ];
  it.each(bad)('%s', (_name, options, message) => {
    expect(() => createVerifier(options as VerifierOptions)).toThrow(TypeError);
    expect(() => createVerifier(options as VerifierOptions)).toThrow(message);
  });

  it('accepts audience: null as an explicit opt-out', () => {
    expect(isVerifier(createVerifier({ issuers: [{ issuer: ISS, audience: null }] }))).toBe(true);
    expect(isVerifier({})).toBe(false);
  });
});

describe.each(BACKENDS)('verifier (%s backend)', (_name, backend) => {
  const make = (issuer: Partial<IssuerConfig> = {}, extra: Partial<VerifierOptions> = {}) =>
    createVerifier(withBackend(baseOptions(issuer, extra), backend));

  it('maps claims to a frozen principal', async () => {
    const clock = createClock(T0);
    const v = make(
      { groupsClaims: ['groups', 'cognito:groups', 'realm_access.roles', 'https://x.example/roles'] },
      { clock },
    );
    const token = signToken(
      rs,
      claimsAt(clock.seconds(), {
        scope: 'read:items  write:items',
        client_id: 'app',
        groups: ['admin'],
        'cognito:groups': ['ops', 'admin'],
        realm_access: { roles: ['auditor'] },
        'https://x.example/roles': ['namespaced'],
        organizations: [{ id: 'org_1', scopes: ['read:projects'], title: 'One' }, { bad: true }],
      }),
      { typ: 'at+jwt' },
    );
    const p = await v.verify(token);
    expect(p).toMatchObject({
      subject: 'user-1',
      issuer: ISS,
      audience: [AUD],
      clientId: 'app',
      tokenUse: 'access',
      scopes: ['read:items', 'write:items'],
      groups: ['admin', 'ops', 'auditor', 'namespaced'],
      organizations: [{ id: 'org_1', scopes: ['read:projects'], title: 'One' }],
      expiresAtSeconds: clock.seconds() + 600,
      issuedAtSeconds: clock.seconds(),
    });
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.scopes)).toBe(true);
    expect(Object.getPrototypeOf(p.claims)).toBe(null);
  });

  it('reads scp arrays, organization maps and a custom user id claim', async () => {
    const clock = createClock(T0);
    const v = make({ userIdClaim: 'email', organizationsClaim: 'orgs' }, { clock });
    const p = await v.verify(
      signToken(
        rs,
        claimsAt(clock.seconds(), {
          email: 'a@example.com',
          scp: ['a', 'b'],
          orgs: { org_1: ['read:projects'], org_2: { scopes: 'write:projects', title: 'Two' } },
        }),
      ),
    );
    expect(p.subject).toBe('a@example.com');
    expect(p.scopes).toEqual(['a', 'b']);
    expect(p.organizations).toEqual([
      { id: 'org_1', scopes: ['read:projects'] },
      { id: 'org_2', scopes: ['write:projects'], title: 'Two' },
    ]);
  });

  it('caches verified tokens: same principal, no re-verification, expiry re-checked on a hit', async () => {
    const clock = createClock(T0);
    const v = make({}, { clock });
    const token = signToken(rs, claimsAt(clock.seconds(), { exp: clock.seconds() + 60 }));
    const a = await v.verify(token);
    expect(await v.verify(token)).toBe(a);
    clock.advance(66_000); // past exp + 5 s tolerance
    await expect(v.verify(token)).rejects.toMatchObject({ code: 'ERR_AUTH_TOKEN_EXPIRED' });
  });

  it('re-checks nbf on a cache hit too, and never caches failures', async () => {
    const clock = createClock(T0);
    const v = make({}, { clock });
    const now = clock.seconds();
    const early = signToken(rs, claimsAt(now, { nbf: now + 30 }));
    await expect(v.verify(early)).rejects.toMatchObject({ code: 'ERR_AUTH_TOKEN_NOT_YET_VALID' });
    clock.advance(30_000);
    await expect(v.verify(early)).resolves.toMatchObject({ subject: 'user-1' });
  });

  it('a key dropped from the JWKS stops passing cache hits after the next refresh', async () => {
    const clock = createClock(T0);
    let keys: Record<string, unknown>[] = [rs.publicJwk];
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => Response.json({ keys }));
    const v = make({}, { clock, fetch });
    const token = signToken(rs, claimsAt(clock.seconds(), { exp: clock.seconds() + 3_600 }));
    const first = await v.verify(token);
    expect(await v.verify(token)).toBe(first); // a cache hit
    keys = [(await generateKeyPair('ES256', { kid: 'replacement' })).publicJwk];
    clock.advance(9 * 60_000); // past the refresh point (80 % of the 10 min TTL), before expiry
    await v.verify(token).catch(() => undefined); // this hit starts the background refresh
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(v.verify(token)).rejects.toMatchObject({ status: 401 });
  });

  it('cacheSize 0 disables the cache', async () => {
    const clock = createClock(T0);
    const v = make({}, { clock, cacheSize: 0 });
    const token = signToken(rs, claimsAt(clock.seconds()));
    expect(await v.verify(token)).not.toBe(await v.verify(token));
  });

  it('runs customCheck on every request, cache hits included', async () => {
    const clock = createClock(T0);
    const revoked = new Set<string>();
    const customCheck = vi.fn(async (principal: { claims: { jti?: unknown } }, _header: unknown) => {
      if (revoked.has(String(principal.claims.jti)))
        throw new ForbiddenError('ERR_AUTH_FORBIDDEN', 'Revoked');
    });
    const v = make({}, { clock, customCheck });
    const token = signToken(rs, claimsAt(clock.seconds(), { jti: 'j1' }));
    await v.verify(token);
    await v.verify(token);
    expect(customCheck).toHaveBeenCalledTimes(2);
    expect(customCheck.mock.calls[0]![1]).toMatchObject({ alg: 'RS256', kid: 'rs' });
    revoked.add('j1');
    await expect(v.verify(token)).rejects.toMatchObject({ code: 'ERR_AUTH_FORBIDDEN', status: 403 });
  });

  it('turns a non-AuthError from customCheck into a 401 token rejection', async () => {
    const clock = createClock(T0);
    const v = make(
      {},
      {
        clock,
        customCheck: () => {
          throw new Error('db said no: secret detail');
        },
      },
    );
    const e = await v.verify(signToken(rs, claimsAt(clock.seconds()))).catch((x: unknown) => x);
    expect(isAuthError(e)).toBe(true);
    expect(e).toMatchObject({ code: 'ERR_AUTH_TOKEN_REJECTED', status: 401 });
    expect((e as Error).message).not.toContain('secret detail');
  });

  it('per-call overrides narrow the rules', async () => {
    const clock = createClock(T0);
    const v = make({}, { clock });
    const token = signToken(rs, claimsAt(clock.seconds(), { client_id: 'app' }));
    await expect(v.verify(token, { clientId: 'other' })).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_CLIENT_ID',
    });
    await expect(v.verify(token, { audience: 'api://else' })).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_AUDIENCE',
    });
    await expect(v.verify(token, { clientId: 'app' })).resolves.toMatchObject({ clientId: 'app' });
  });

  it('routes through a resolver for multi-tenant issuers, caching its answers', async () => {
    const clock = createClock(T0);
    const resolver = vi.fn((iss: string) =>
      iss.startsWith('https://tenant-') ? { issuer: iss, audience: AUD, jwksUri: `${iss}/jwks` } : undefined,
    );
    const fetchFn = keysFetch();
    const v = createVerifier(withBackend({ issuers: resolver, clock, fetch: fetchFn }, backend));
    const now = clock.seconds();
    await expect(
      v.verify(signToken(rs, claimsAt(now, { iss: 'https://tenant-a.example' }))),
    ).resolves.toMatchObject({
      issuer: 'https://tenant-a.example',
    });
    await v.verify(signToken(rs, claimsAt(now, { iss: 'https://tenant-a.example', jti: 'x' })));
    expect(resolver).toHaveBeenCalledTimes(1);
    await expect(
      v.verify(signToken(rs, claimsAt(now, { iss: 'https://evil.example' }))),
    ).rejects.toMatchObject({
      code: 'ERR_AUTH_UNTRUSTED_ISSUER',
    });
    expect(fetchFn.mock.calls.map((c) => c[0])).toEqual(['https://tenant-a.example/jwks']);
  });

  it('shares one async resolver call between concurrent first requests', async () => {
    const clock = createClock(T0);
    const resolver = vi.fn(async (iss: string) => ({ issuer: iss, audience: AUD, jwksUri: `${iss}/jwks` }));
    const v = createVerifier(withBackend({ issuers: resolver, clock, fetch: keysFetch() }, backend));
    const token = signToken(rs, claimsAt(clock.seconds(), { iss: 'https://tenant-b.example' }));
    await Promise.all(Array.from({ length: 20 }, () => v.verify(token)));
    expect(resolver).toHaveBeenCalledTimes(1);
  });

  it('a failing resolver is a 503, not a crash', async () => {
    const v = createVerifier(
      withBackend(
        {
          issuers: async () => {
            throw new Error('tenant db down');
          },
        },
        backend,
      ),
    );
    const now = Math.floor(Date.now() / 1000);
    await expect(v.verify(signToken(rs, claimsAt(now)))).rejects.toMatchObject({ status: 503 });
  });

  it('verifies HS256 only with the configured secret', async () => {
    const secret = 'a-very-long-shared-secret-for-hs256-tests';
    const clock = createClock(T0);
    const v = createVerifier(
      withBackend({ issuers: [{ issuer: ISS, audience: AUD, secret }], clock }, backend),
    );
    const hs = (key: string) => {
      const input = `${json64({ alg: 'HS256', typ: 'JWT' })}.${json64(claimsAt(clock.seconds()))}`;
      return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
    };
    await expect(v.verify(hs(secret))).resolves.toMatchObject({ subject: 'user-1' });
    await expect(v.verify(hs(`${secret}x`))).rejects.toMatchObject({ code: 'ERR_AUTH_INVALID_SIGNATURE' });
    await expect(v.verify(signToken(rs, claimsAt(clock.seconds())))).rejects.toMatchObject({
      code: 'ERR_AUTH_ALG_NOT_ALLOWED',
    });
  });

  it('accepts several entries for one issuer (access and id tokens of one pool)', async () => {
    const clock = createClock(T0);
    const v = createVerifier(
      withBackend(
        {
          issuers: [
            { issuer: ISS, audience: null, jwksUri: `${ISS}/jwks`, tokenUse: 'access', clientId: 'app' },
            { issuer: ISS, audience: 'app', jwksUri: `${ISS}/jwks`, tokenUse: 'id' },
          ],
          clock,
          fetch: keysFetch(),
        },
        backend,
      ),
    );
    const now = clock.seconds();
    const access = signToken(rs, { ...claimsAt(now), aud: undefined, token_use: 'access', client_id: 'app' });
    const id = signToken(rs, { ...claimsAt(now), aud: 'app', token_use: 'id' });
    await expect(v.verify(access)).resolves.toMatchObject({ tokenUse: 'access' });
    await expect(v.verify(id)).resolves.toMatchObject({ tokenUse: 'id', clientId: 'app' });
  });
});

/** Serves the pool's JWKS URI (`<issuer>/.well-known/jwks.json`) from @auth/testing's in-memory fetch. */
function cognitoFetch(inner: ReturnType<typeof jwksFetch>, issuer: string) {
  return async (url: string, init?: RequestInit) => {
    if (url !== `${issuer}/.well-known/jwks.json`) return new Response('not found', { status: 404 });
    return inner(inner.jwksUri, init);
  };
}

describe.each(BACKENDS)('cognito() preset (%s backend)', (_name, backend) => {
  const region = 'eu-west-1';
  const userPoolId = 'eu-west-1_AbC123';
  const issuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;

  async function setup(tokenUse: 'access' | 'id') {
    const key = await generateKeyPair('RS256', { kid: 'cog-1' });
    const fetchFn = cognitoFetch(jwksFetch({ keys: [key] }), issuer);
    const v = createVerifier(
      withBackend(
        { issuers: [cognito({ region, userPoolId, clientId: ['web', 'cli'], tokenUse })], fetch: fetchFn },
        backend,
      ),
    );
    const mint = (o: Partial<Parameters<typeof mintCognitoToken>[0]>) =>
      mintCognitoToken({ key, region, userPoolId, tokenUse, clientId: 'web', ...o });
    return { v, mint, fetchFn };
  }

  it('builds issuer and JWKS URI from region and pool, and validates options', () => {
    const c = cognito({ region, userPoolId, clientId: 'web' });
    expect(c.issuer).toBe(issuer);
    expect(c.jwksUri).toBe(`${issuer}/.well-known/jwks.json`);
    expect(c.audience).toBeNull();
    expect(() => cognito({ region, userPoolId: 'us-east-1_X', clientId: 'web' })).toThrow(TypeError);
    expect(() => cognito({ region, userPoolId, clientId: [] })).toThrow(/clientId/);
  });

  it('accepts access tokens on client_id and token_use, with cognito:groups', async () => {
    const { v, mint } = await setup('access');
    const p = await v.verify(await mint({ scope: 'api/read', groups: ['admin'], username: 'alice' }));
    expect(p).toMatchObject({ tokenUse: 'access', clientId: 'web', scopes: ['api/read'], groups: ['admin'] });
    await expect(v.verify(await mint({ clientId: 'other' }))).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_CLIENT_ID',
    });
    await expect(v.verify(await mint({ tokenUse: 'id' }))).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_TOKEN_USE',
    });
    await expect(v.verify(await mint({ claims: { token_use: undefined } }))).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_TOKEN_USE',
    });
  });

  it('accepts id tokens on aud and token_use', async () => {
    const { v, mint } = await setup('id');
    await expect(v.verify(await mint({ clientId: 'cli', email: 'a@example.com' }))).resolves.toMatchObject({
      tokenUse: 'id',
      clientId: 'cli',
      audience: ['cli'],
    });
    await expect(v.verify(await mint({ tokenUse: 'access' }))).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_TOKEN_USE',
    });
    await expect(v.verify(await mint({ clientId: 'other' }))).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_AUDIENCE',
    });
  });

  it('a primary and a secondary pool are two entries', async () => {
    const key = await generateKeyPair('RS256', { kid: 'cog-2' });
    const secondaryPool = 'eu-west-1_Second9';
    const secondaryIssuer = `https://cognito-idp.${region}.amazonaws.com/${secondaryPool}`;
    const fetchFn = cognitoFetch(jwksFetch({ keys: [key] }), secondaryIssuer);
    const v = createVerifier(
      withBackend(
        {
          issuers: [
            cognito({ region, userPoolId, clientId: 'web' }),
            cognito({ region, userPoolId: secondaryPool, clientId: 'web' }),
          ],
          fetch: fetchFn,
        },
        backend,
      ),
    );
    const token = await mintCognitoToken({
      key,
      region,
      userPoolId: secondaryPool,
      tokenUse: 'access',
      clientId: 'web',
    });
    await expect(v.verify(token)).resolves.toMatchObject({ issuer: secondaryIssuer });
  });
});
