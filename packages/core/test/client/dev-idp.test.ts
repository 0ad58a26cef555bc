/** The client against the real dev IdP (oidc-provider on 127.0.0.1): grants, rotation, revocation, introspection. */
import { type DevIdp, startDevIdp } from 'dev-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DiscoveryCache,
  RefreshError,
  TokenEndpointError,
  type TokenSet,
  clientCredentials,
  introspectToken,
  refreshTokens,
  revokeToken,
} from '../../src/client/index.ts';
import { decodeJwtPayload } from '../../src/client/jwt.ts';

let idp: DevIdp;
beforeAll(async () => {
  idp = await startDevIdp({ port: 0 });
});
afterAll(() => idp?.stop());

const common = () => ({ issuer: idp.issuer, allowInsecureRequests: true });

describe('client credentials against the dev IdP', () => {
  it('client_secret_basic', async () => {
    const c = idp.clients.reader!;
    const source = clientCredentials({
      ...common(),
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      scope: 'read:items',
    });
    const claims = decodeJwtPayload(await source.getToken());
    expect(claims).toMatchObject({
      iss: idp.issuer,
      aud: 'api://demo',
      client_id: 'reader',
      scope: 'read:items',
    });
  });

  it('client_secret_post', async () => {
    const c = idp.clients['secret-post']!;
    const source = clientCredentials({
      ...common(),
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      clientAuth: 'client_secret_post',
      scope: 'read:items',
    });
    expect(decodeJwtPayload(await source.getToken())).toMatchObject({ client_id: 'secret-post' });
  });

  it('private_key_jwt with a private JWK', async () => {
    const c = idp.clients['private-key-jwt']!;
    const source = clientCredentials({
      ...common(),
      clientId: c.clientId,
      clientAuth: 'private_key_jwt',
      privateKey: c.privateJwk as JsonWebKey,
      scope: 'read:items',
    });
    expect(decodeJwtPayload(await source.getToken())).toMatchObject({ client_id: 'private-key-jwt' });
  });

  it('a wrong secret is invalid_client, not retried', async () => {
    let requests = 0;
    const source = clientCredentials({
      ...common(),
      clientId: 'reader',
      clientSecret: 'wrong',
      fetch: (input, init) => {
        if (String(input).endsWith('/token')) requests++;
        return fetch(input, init);
      },
    });
    const error = (await source.getToken().catch((e: unknown) => e)) as TokenEndpointError;
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error.oauthError).toBe('invalid_client');
    expect(error.httpStatus).toBe(401);
    expect(requests).toBe(1);
  });

  it('discovery metadata is fetched once per TTL and shared by sources', async () => {
    const cache = new DiscoveryCache({ ttlSeconds: 300 });
    const c = idp.clients.reader!;
    const opts = { ...common(), clientId: c.clientId, clientSecret: c.clientSecret, discoveryCache: cache };
    await Promise.all([
      clientCredentials(opts).getToken(),
      clientCredentials({ ...opts, scope: 'read:items' }).getToken(),
    ]);
    expect(cache.requests).toBe(1);
  });
});

describe('refresh tokens against the dev IdP', () => {
  it('rotates refresh tokens; reusing an old one revokes the grant', async () => {
    const login = await idp.loginAs('alice');
    const web = idp.clients.web!;
    const seen: TokenSet[] = [];
    const errors: Error[] = [];
    const source = refreshTokens({
      ...common(),
      clientId: web.clientId,
      clientSecret: web.clientSecret,
      tokens: login,
      onRefresh: (t) => void seen.push(t),
      onRefreshError: (e) => errors.push(e),
    });
    expect(await source.getToken()).toBe(login.access_token); // still fresh: no request
    const first = await source.getToken({ forceRefresh: true });
    expect(first).not.toBe(login.access_token);
    // the refreshed set carries the new access token and a rotated refresh token
    expect(seen[0]).toMatchObject({ accessToken: first, refreshToken: expect.any(String) });
    expect(seen[0]?.refreshToken).not.toBe(login.refresh_token);
    expect(seen[0]?.subject).toBe('alice');

    // A stolen, already-used refresh token is replayed: the IdP revokes the whole grant.
    await expect(idp.refresh(login.refresh_token)).rejects.toMatchObject({ status: 400 });
    const error = await source.getToken({ forceRefresh: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefreshError);
    expect(error).toMatchObject({ code: 'ERR_AUTH_REFRESH_FAILED', oauthError: 'invalid_grant' });
    expect(errors).toHaveLength(1);
  });
});

describe('revocation and introspection', () => {
  it('introspects a refresh token, revokes it, and then sees it inactive', async () => {
    const login = await idp.loginAs('bob');
    const web = idp.clients.web!;
    const opts = { ...common(), clientId: web.clientId, clientSecret: web.clientSecret };
    const before = await introspectToken({
      ...opts,
      token: login.refresh_token,
      tokenTypeHint: 'refresh_token',
    });
    expect(before).toMatchObject({ active: true, client_id: 'web', sub: 'bob' });
    await revokeToken({ ...opts, token: login.refresh_token, tokenTypeHint: 'refresh_token' });
    const after = await introspectToken({ ...opts, token: login.refresh_token });
    expect(after.active).toBe(false);
    await expect(idp.refresh(login.refresh_token)).rejects.toMatchObject({ status: 400 });
  });

  it('introspection with bad client credentials is a TokenEndpointError', async () => {
    const error = await introspectToken({
      ...common(),
      clientId: 'web',
      clientSecret: 'nope',
      token: 'x',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({ endpoint: 'introspection', oauthError: 'invalid_client' });
  });
});
