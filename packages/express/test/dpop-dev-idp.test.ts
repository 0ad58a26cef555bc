/**
 * DPoP end to end with real servers: the dev IdP (oidc-provider) issues a DPoP-bound token to core's
 * clientCredentials({ dpop }), and an Express app whose issuer has `dpop: 'required'` accepts it from
 * authFetch; the same token as Bearer, or with a proof by another key, is refused.
 */
import { createAuthenticator, dpopNonces } from '@auth/core';
import {
  authFetch,
  clientCredentials,
  createDpopProver,
  generateDpopKeyPair,
  type ManagedTokenSource,
} from '@auth/core/client';
import { type DevIdp, startDevIdp } from 'dev-idp';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { authErrorHandler, getAuth, requireAuth } from '../src/index.ts';
import { listen } from './helpers.ts';

let idp: DevIdp;
beforeAll(async () => {
  idp = await startDevIdp({ port: 0, dpopNonces: true });
});
afterAll(() => idp?.stop());

async function startApp({ nonces = false, mode = 'required' as 'required' | 'allowed' } = {}) {
  const bearer = createAuthenticator({
    issuers: [{ issuer: idp.issuer, audience: idp.audience, jwksUri: idp.jwksUri, dpop: mode }],
    dpop: { algorithms: ['ES256'], ...(nonces ? { nonces: dpopNonces() } : {}) },
  });
  const app = express();
  const hits = vi.fn();
  app.use((req, _res, next) => {
    hits(req.method, req.url);
    next();
  });
  app.post('/payments', requireAuth(bearer), (req, res) => {
    res.json({ subject: getAuth(req).subject, scopes: getAuth(req).scopes });
  });
  app.get('/payments', requireAuth(bearer), (req, res) => {
    res.json({ subject: getAuth(req).subject });
  });
  app.use(authErrorHandler());
  return { ...(await listen(app)), hits };
}

const dpopClient = (keyPair: CryptoKeyPair): ManagedTokenSource =>
  clientCredentials({
    issuer: idp.issuer,
    allowInsecureRequests: true,
    clientId: 'dpop',
    clientSecret: idp.clients.dpop?.clientSecret,
    scope: 'read:items',
    dpop: keyPair,
  });

describe('a DPoP-bound token from the dev IdP at an Express app with dpop: required', () => {
  it('authFetch with the bound token and a proof: 200', async () => {
    const app = await startApp();
    try {
      const tokens = dpopClient(await generateDpopKeyPair());
      const api = authFetch(tokens, { allowedOrigins: [app.url] });
      const res = await api(`${app.url}/payments`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ subject: 'dpop', scopes: ['read:items'] });
      expect((await tokens.getTokenSet()).tokenType).toBe('dpop');
    } finally {
      await app.close();
    }
  });

  it('the same token as Bearer: 401 (ERR_AUTH_DPOP_REQUIRED; ERR_AUTH_TOKEN_BOUND where Bearer is allowed)', async () => {
    const required = await startApp();
    const allowed = await startApp({ mode: 'allowed' });
    try {
      const token = await dpopClient(await generateDpopKeyPair()).getToken();
      const asBearer = { headers: { authorization: `Bearer ${token}` } };
      const res = await fetch(`${required.url}/payments`, asBearer);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'ERR_AUTH_DPOP_REQUIRED' });
      expect(res.headers.get('www-authenticate')).toMatch(/^DPoP /);
      const elsewhere = await fetch(`${allowed.url}/payments`, asBearer);
      expect(elsewhere.status).toBe(401);
      expect(await elsewhere.json()).toMatchObject({ code: 'ERR_AUTH_TOKEN_BOUND' });
    } finally {
      await required.close();
      await allowed.close();
    }
  });

  it('the token with a proof signed by another key: 401 ERR_AUTH_TOKEN_BOUND', async () => {
    const app = await startApp();
    try {
      const token = await dpopClient(await generateDpopKeyPair()).getToken();
      const other = createDpopProver(await generateDpopKeyPair());
      const url = `${app.url}/payments`;
      const res = await fetch(url, {
        headers: { authorization: `DPoP ${token}`, dpop: await other.proof('GET', url, token) },
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'ERR_AUTH_TOKEN_BOUND' });
    } finally {
      await app.close();
    }
  });

  it('a plain bearer token from the dev IdP: 401 ERR_AUTH_DPOP_REQUIRED on the DPoP challenge', async () => {
    const app = await startApp();
    try {
      const res = await fetch(`${app.url}/payments`, {
        headers: { authorization: `Bearer ${await idp.getToken('reader')}` },
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'ERR_AUTH_DPOP_REQUIRED' });
      expect(res.headers.get('www-authenticate')).toMatch(/^DPoP .*algs="ES256"/);
    } finally {
      await app.close();
    }
  });

  it('nonces on both servers: the token endpoint and the API each ask once, then the remembered nonce is used', async () => {
    const app = await startApp({ nonces: true });
    try {
      const tokens = dpopClient(await generateDpopKeyPair());
      const api = authFetch(tokens, { allowedOrigins: [app.url] });
      expect((await api(`${app.url}/payments`)).status).toBe(200);
      expect(app.hits).toHaveBeenCalledTimes(2); // use_dpop_nonce, then with the nonce
      expect((await api(`${app.url}/payments`)).status).toBe(200);
      expect(app.hits).toHaveBeenCalledTimes(3);
      expect(tokens.stats.failures).toBe(0);
    } finally {
      await app.close();
    }
  });
});
