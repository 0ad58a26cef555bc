// Express scenarios for bench/http.mjs: GET /items behind each kind of bearer authentication.
import { createRequire } from 'node:module';

// Express and the peers are devDependencies of @auth/express: resolve them from there.
const require = createRequire(new URL('../../packages/express/package.json', import.meta.url));
const express = require('express');

export const framework = 'express';
export const baseline = 'no auth';
export const targets = [
  { scenario: 'ours, cache off', over: 'express-oauth2-jwt-bearer', min: 1.2 },
  { scenario: 'ours, cache on', over: 'no auth', min: 0.85 },
];

const items = [{ id: 1, name: 'hammer' }];

function appWith(ctx, ...middleware) {
  const app = express();
  app.disable('x-powered-by');
  app.get('/items', ...middleware, (_req, res) => res.json(items));
  // Any failure must show up as non-2xx in the run (and be counted), not hang.
  app.use((err, _req, res, _next) => res.status(err.status ?? 500).json({ code: err.code }));
  return ctx.listenNode(app);
}

async function ours(ctx, cacheSize) {
  const { requireAuth } = await import('@auth/express');
  const auth = requireAuth({
    issuers: [{ issuer: ctx.issuer, audience: ctx.audience, jwksUri: ctx.jwksUri }],
    cacheSize,
  });
  return appWith(ctx, auth);
}

/** Reject scenarios: GET /health (no auth) next to GET /items behind requireAuth and authErrorHandler. */
export async function rejectApp(ctx) {
  const { authErrorHandler, requireAuth } = await import('@auth/express');
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => res.json({ status: 'ok' }));
  app.get(
    '/items',
    requireAuth({ issuers: [{ issuer: ctx.issuer, audience: ctx.audience, jwksUri: ctx.jwksUri }] }),
    (_req, res) => res.json(items),
  );
  app.use(authErrorHandler());
  return ctx.listenNode(app);
}

export const scenarios = {
  'no auth': (ctx) => appWith(ctx),
  'express-oauth2-jwt-bearer': (ctx) => {
    const { auth } = require('express-oauth2-jwt-bearer');
    return appWith(
      ctx,
      auth({ issuer: ctx.issuer, jwksUri: ctx.jwksUri, audience: ctx.audience, tokenSigningAlg: 'RS256' }),
    );
  },
  'express-jwt + jwks-rsa': (ctx) => {
    const { expressjwt } = require('express-jwt');
    const jwksRsa = require('jwks-rsa');
    const secret = jwksRsa.expressJwtSecret({ jwksUri: ctx.jwksUri, cache: true, rateLimit: true });
    return appWith(
      ctx,
      expressjwt({ secret, audience: ctx.audience, issuer: ctx.issuer, algorithms: ['RS256'] }),
    );
  },
  'ours, cache off': (ctx) => ours(ctx, 0),
  'ours, cache on': (ctx) => ours(ctx, 10_000),
};
