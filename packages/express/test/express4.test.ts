// Express 4 compatibility: the same middleware on express@4 (installed as the `express4` alias).
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authErrorHandler, optionalAuth, requireAuth, requireScopes } from '../src/index.ts';
import { get, listen, startIssuer } from './helpers.ts';

const require = createRequire(import.meta.url);
const express4 = require('express4') as typeof import('express');

let issuer: Awaited<ReturnType<typeof startIssuer>>;
let server: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  issuer = await startIssuer();
  const app = express4();
  app.get('/optional', optionalAuth(issuer.options), (req, res) => {
    res.json({ subject: req.auth?.subject ?? null });
  });
  app.use(requireAuth(issuer.options));
  app.get('/items', requireScopes('read:items'), (req, res) => {
    res.json({ subject: req.auth?.subject });
  });
  app.use(authErrorHandler());
  server = await listen(app);
});
afterAll(async () => {
  await server.close();
  await issuer.close();
});

describe('Express 4', () => {
  it('reports its version', () => {
    expect(require('express4/package.json').version).toMatch(/^4\./);
  });

  it('authenticates, authorizes and renders errors', async () => {
    const ok = await get(`${server.url}/items`, {
      authorization: `Bearer ${await issuer.token({ scope: 'read:items' })}`,
    });
    expect(ok).toMatchObject({ status: 200, body: { subject: 'user-1' } });
    const missing = await get(`${server.url}/items`);
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="api"');
    const forbidden = await get(`${server.url}/items`, {
      authorization: `Bearer ${await issuer.token({ scope: '' })}`,
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('ERR_AUTH_INSUFFICIENT_SCOPE');
    const malformed = await get(`${server.url}/items`, { authorization: 'Bearer' });
    expect(malformed.status).toBe(400);
    const otherScheme = await get(`${server.url}/items`, { authorization: 'Basic abc' });
    expect(otherScheme.status).toBe(401);
    expect(otherScheme.body.code).toBe('ERR_AUTH_MISSING_TOKEN');
    // A header token beside a form access_token: 400 also on Express 4 (body read by requireAuth).
    const twice = await fetch(`${server.url}/items`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await issuer.token({ scope: 'read:items' })}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'access_token=abc.def.ghi',
    });
    expect(twice.status).toBe(400);
    expect((await get(`${server.url}/optional`)).body).toEqual({ subject: null });
  });
});
