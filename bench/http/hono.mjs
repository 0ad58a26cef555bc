// Hono scenarios for bench/http.mjs (served by @hono/node-server): GET /items behind each kind of
// bearer authentication.
// Hono and @hono/node-server are devDependencies of @auth/bench, at the versions @auth/hono resolves, so
// the app, the baselines and @auth/hono share one copy of Hono (one HTTPException class).
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { dpopAuthOptions } from './lib/dpop.mjs';

export const framework = 'hono';
export const baseline = 'no auth';
export const targets = [
  { scenario: 'ours, cache off', over: 'hono/jwk, jwks_uri', min: 1.2 },
  { scenario: 'ours, cache off', over: 'hono/jwk, static keys', min: 1.2 },
  { scenario: 'ours, cache on', over: 'no auth', min: 0.92 },
];

const items = [{ id: 1, name: 'hammer' }];

function serve(ctx, ...middleware) {
  const app = new Hono();
  app.get('/items', ...middleware, (c) => c.json(items));
  return ctx.listenNode(getRequestListener(app.fetch));
}

async function honoJwk(ctx, source) {
  const { jwk } = await import('hono/jwk');
  return serve(ctx, jwk({ ...source, alg: ['RS256'], verification: { iss: ctx.issuer, aud: ctx.audience } }));
}

async function ours(ctx, cacheSize) {
  const { requireAuth } = await import('@auth/hono');
  return serve(
    ctx,
    requireAuth({
      issuers: [{ issuer: ctx.issuer, audience: ctx.audience, jwksUri: ctx.jwksUri }],
      cacheSize,
    }),
  );
}

/** Reject scenarios: GET /health next to GET /items behind requireAuth (Hono's default error handler). */
export async function rejectApp(ctx, app = new Hono()) {
  const { requireAuth } = await import('@auth/hono');
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get(
    '/items',
    requireAuth({ issuers: [{ issuer: ctx.issuer, audience: ctx.audience, jwksUri: ctx.jwksUri }] }),
    (c) => c.json(items),
  );
  return ctx.listenNode(getRequestListener(app.fetch));
}

export const rejectApps = {
  // The README's app.onError: returns err.getResponse() as is (the default handler re-wraps its body).
  'app.onError': async (ctx) => {
    const { HTTPException } = await import('hono/http-exception');
    const app = new Hono();
    app.onError((err, c) => (err instanceof HTTPException ? err.getResponse() : c.text('error', 500)));
    return rejectApp(ctx, app);
  },
};

export const scenarios = {
  'no auth': (ctx) => serve(ctx),
  // hono/jwk fetches jwks_uri on every request (it has no key cache).
  'hono/jwk, jwks_uri': (ctx) => honoJwk(ctx, { jwks_uri: ctx.jwksUri }),
  'hono/jwk, static keys': async (ctx) => {
    const { keys } = await (await fetch(ctx.jwksUri)).json();
    return honoJwk(ctx, { keys });
  },
  'ours, cache off': (ctx) => ours(ctx, 0),
  'ours, cache on': (ctx) => ours(ctx, 10_000),
  // Authorization: DPoP + a fresh proof per request (http.mjs sends them; see lib/dpop.mjs).
  'ours, DPoP': async (ctx) => {
    const { requireAuth } = await import('@auth/hono');
    return serve(ctx, requireAuth(await dpopAuthOptions(ctx)));
  },
};
