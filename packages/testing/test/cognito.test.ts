import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClock, generateKeyPair, mintCognitoToken, type TestKeyPair } from '../src/index.ts';

let key: TestKeyPair;
beforeAll(async () => {
  key = await generateKeyPair('RS256', { kid: 'cognito-1' });
});

describe('mintCognitoToken', () => {
  it('mints an access token: token_use, client_id, scope, cognito:groups and no aud', async () => {
    const clock = createClock(1_700_000_000_000);
    const token = await mintCognitoToken({
      key,
      region: 'eu-west-1',
      userPoolId: 'eu-west-1_AbC',
      tokenUse: 'access',
      clientId: 'app-client',
      scope: ['api/read', 'api/write'],
      groups: ['admin'],
      username: 'alice',
      now: clock,
      expiresIn: 600,
    });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC',
      token_use: 'access',
      client_id: 'app-client',
      scope: 'api/read api/write',
      'cognito:groups': ['admin'],
      username: 'alice',
      iat: 1_700_000_000,
      exp: 1_700_000_600,
      auth_time: 1_700_000_000,
      jti: expect.any(String),
    });
    expect(claims).not.toHaveProperty('aud');
    expect(claims.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: 'cognito-1' });
    await expect(
      jwtVerify(token, key.publicKey, { issuer: claims.iss, currentDate: new Date(1_700_000_001_000) }),
    ).resolves.toMatchObject({ payload: { token_use: 'access', username: 'alice' } });
  });

  it('mints an M2M-shaped access token by default (sub is the client, no username or groups)', async () => {
    const claims = decodeJwt(
      await mintCognitoToken({ key, tokenUse: 'access', clientId: 'svc', scope: 'api/read' }),
    );
    expect(claims).toMatchObject({
      sub: 'svc',
      client_id: 'svc',
      iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_testpool',
    });
    expect(claims).not.toHaveProperty('username');
    expect(claims).not.toHaveProperty('cognito:groups');
  });

  it('mints an id token with aud and token_use id, issuer overridable', async () => {
    const claims = decodeJwt(
      await mintCognitoToken({
        key,
        tokenUse: 'id',
        clientId: 'web-client',
        issuer: 'http://127.0.0.1:9999/pool',
        email: 'a@example.test',
        claims: { custom: 'x', auth_time: undefined },
      }),
    );
    expect(claims).toMatchObject({
      aud: 'web-client',
      token_use: 'id',
      iss: 'http://127.0.0.1:9999/pool',
      'cognito:username': 'test-user',
      email: 'a@example.test',
      email_verified: true,
      custom: 'x',
    });
    expect(claims).not.toHaveProperty('client_id');
    expect(claims).not.toHaveProperty('scope');
    expect(claims).not.toHaveProperty('auth_time');
  });

  it('rejects a bad tokenUse or a missing clientId', async () => {
    await expect(mintCognitoToken({ key, tokenUse: 'refresh' as never, clientId: 'c' })).rejects.toThrow(
      /tokenUse/,
    );
    await expect(mintCognitoToken({ key, tokenUse: 'access', clientId: '' })).rejects.toThrow(/clientId/);
  });
});
