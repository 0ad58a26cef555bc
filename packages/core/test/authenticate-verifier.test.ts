// createAuthenticator with the real verifier: env configuration → authenticator → verify, against a
// loopback JWKS server, including a Cognito pool entry and API keys next to bearer tokens.
import { generateKeyPair, mintCognitoToken, mintToken, startJwksServer } from '@auth/testing';
import type { JwksServer, TestKeyPair } from '@auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyPairAuth, memorySecretStore } from '../src/apikey/index.ts';
import { createAuthenticator } from '../src/authenticate.ts';
import { verifierOptionsFromEnv } from '../src/config/index.ts';
import { createVerifier } from '../src/verify/index.ts';

let server: JwksServer;
let key: TestKeyPair;
const ISSUER = 'https://idp.test';

beforeAll(async () => {
  key = await generateKeyPair('ES256', { kid: 'k1' });
  server = await startJwksServer({ keys: [key.publicJwk] });
});

afterAll(async () => {
  await server.close();
});

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('createAuthenticator with the real verifier', () => {
  it('authenticates a token configured from environment variables', async () => {
    const options = verifierOptionsFromEnv({
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: 'api://demo',
      AUTH_JWKS_URI: server.jwksUri,
      AUTH_ALGORITHMS: 'ES256',
      AUTH_REALM: 'demo',
    });
    const auth = createAuthenticator(options);
    try {
      expect(auth.realm).toBe('demo');
      const token = await mintToken({
        key,
        issuer: ISSUER,
        audience: 'api://demo',
        subject: 'user-1',
        claims: { scope: 'read:items' },
      });
      await expect(auth.authenticate(bearer(token))).resolves.toMatchObject({
        subject: 'user-1',
        issuer: ISSUER,
        scopes: ['read:items'],
        tokenUse: 'access',
      });
      const wrongAud = await mintToken({ key, issuer: ISSUER, audience: 'api://other', subject: 'u' });
      await expect(auth.authenticate(bearer(wrongAud))).rejects.toMatchObject({ status: 401, realm: 'demo' });
      await expect(auth.authenticate(bearer('not-a-jwt'))).rejects.toMatchObject({ status: 401 });
      await expect(
        auth.authenticate({ headers: { authorization: `Bearer\t${token}` } }),
      ).rejects.toMatchObject({
        status: 400,
      });
      // "Bearer" 1*SP b64token: several spaces are valid.
      await expect(
        auth.authenticate({ headers: { authorization: `Bearer   ${token}` } }),
      ).resolves.toMatchObject({ subject: 'user-1' });
      await expect(auth.authenticate({ headers: {} })).rejects.toMatchObject({
        code: 'ERR_AUTH_MISSING_TOKEN',
      });
    } finally {
      auth.close();
    }
  });

  it('reads query tokens only when AUTH_TOKEN_QUERY enables them', async () => {
    const env = { AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: 'api://demo', AUTH_JWKS_URI: server.jwksUri };
    const token = await mintToken({ key, issuer: ISSUER, audience: 'api://demo', subject: 'q' });
    const req = { headers: {}, url: `/items?access_token=${token}` };
    const off = createAuthenticator(verifierOptionsFromEnv(env));
    const on = createAuthenticator(verifierOptionsFromEnv({ ...env, AUTH_TOKEN_QUERY: 'true' }));
    try {
      await expect(off.authenticate(req)).rejects.toMatchObject({ code: 'ERR_AUTH_MISSING_TOKEN' });
      await expect(on.authenticate(req)).resolves.toMatchObject({ subject: 'q' });
    } finally {
      off.close();
      on.close();
    }
  });

  it('verifies Cognito access tokens from an AUTH__ISSUERS__ entry', async () => {
    const options = verifierOptionsFromEnv({
      AUTH__ISSUERS__PRIMARY__COGNITO_REGION: 'us-east-1',
      AUTH__ISSUERS__PRIMARY__COGNITO_USER_POOL_ID: 'us-east-1_testpool',
      AUTH__ISSUERS__PRIMARY__CLIENT_ID: 'app-client',
      AUTH__ISSUERS__PRIMARY__JWKS_URI: server.jwksUri,
      AUTH__ISSUERS__PRIMARY__ALGORITHMS: 'ES256',
    });
    const auth = createAuthenticator(options);
    try {
      const access = await mintCognitoToken({
        key,
        tokenUse: 'access',
        clientId: 'app-client',
        groups: ['admin'],
      });
      await expect(auth.authenticate(bearer(access))).resolves.toMatchObject({
        tokenUse: 'access',
        groups: ['admin'],
      });
      const id = await mintCognitoToken({ key, tokenUse: 'id', clientId: 'app-client' });
      await expect(auth.authenticate(bearer(id))).rejects.toMatchObject({ status: 401 });
      const other = await mintCognitoToken({ key, tokenUse: 'access', clientId: 'other-client' });
      await expect(auth.authenticate(bearer(other))).rejects.toMatchObject({ status: 401 });
    } finally {
      auth.close();
    }
  });

  it('accepts a bearer token or API-key headers, never both', async () => {
    const verifier = createVerifier({
      issuers: [{ issuer: ISSUER, audience: 'api://demo', jwksUri: server.jwksUri, algorithms: ['ES256'] }],
    });
    const auth = createAuthenticator(verifier, {
      apiKey: apiKeyPairAuth({
        store: memorySecretStore({ svc: { token: 'svc-token-123', scopes: ['read:items'] } }),
      }),
    });
    try {
      const token = await mintToken({ key, issuer: ISSUER, audience: 'api://demo', subject: 'user-2' });
      await expect(auth.authenticate(bearer(token))).resolves.toMatchObject({ subject: 'user-2' });
      const svc = { 'x-principal-id': 'svc', 'x-principal-token': 'svc-token-123' };
      await expect(auth.authenticate({ headers: svc })).resolves.toMatchObject({
        subject: 'svc',
        tokenUse: 'api_key',
      });
      await expect(
        auth.authenticate({ headers: { ...svc, authorization: `Bearer ${token}` } }),
      ).rejects.toMatchObject({ status: 400, code: 'ERR_AUTH_INVALID_REQUEST' });
    } finally {
      auth.close();
      verifier.close();
    }
  });
});
