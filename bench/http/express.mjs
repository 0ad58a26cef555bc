// Express scenarios for bench/http.mjs: GET /items behind each kind of bearer authentication.
// Express and the libraries compared against are devDependencies of @auth/bench; the baselines load lazily,
// so each server process holds only its own scenario's code.
import express from 'express';
import { closing, revocationCheck } from './lib/revocation.mjs';
import { dpopAuthOptions } from './lib/dpop.mjs';

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

async function ours(ctx, cacheSize, extra = {}) {
  const { requireAuth } = await import('@auth/express');
  const auth = requireAuth({
    issuers: [{ issuer: ctx.issuer, audience: ctx.audience, jwksUri: ctx.jwksUri }],
    cacheSize,
    ...extra,
  });
  return appWith(ctx, auth);
}

/** Scenarios that need the redis-server bench/http.mjs starts (skipped without one). */
export const needsRedis = ['ours, cache on, revocation'];

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
  'express-oauth2-jwt-bearer': async (ctx) => {
    const { auth } = await import('express-oauth2-jwt-bearer');
    return appWith(
      ctx,
      auth({ issuer: ctx.issuer, jwksUri: ctx.jwksUri, audience: ctx.audience, tokenSigningAlg: 'RS256' }),
    );
  },
  'express-jwt + jwks-rsa': async (ctx) => {
    const { expressjwt } = await import('express-jwt');
    const { default: jwksRsa } = await import('jwks-rsa');
    const secret = jwksRsa.expressJwtSecret({ jwksUri: ctx.jwksUri, cache: true, rateLimit: true });
    return appWith(
      ctx,
      expressjwt({ secret, audience: ctx.audience, issuer: ctx.issuer, algorithms: ['RS256'] }),
    );
  },
  'ours, cache off': (ctx) => ours(ctx, 0),
  'ours, cache on': (ctx) => ours(ctx, 10_000),
  // The Redis revocation check (@auth/redis, 10,000 revoked ids) on every request, cache hits included.
  'ours, cache on, revocation': async (ctx) => {
    const { check, close } = await revocationCheck(ctx, 'bench-http:express:');
    return closing(await ours(ctx, 10_000, { customCheck: check }), { close });
  },
  // Authorization: DPoP + a fresh proof per request (http.mjs sends them; see lib/dpop.mjs).
  'ours, DPoP': async (ctx) => {
    const { requireAuth } = await import('@auth/express');
    return appWith(ctx, requireAuth(await dpopAuthOptions(ctx)));
  },
};
