// Fastify scenarios for bench/http.mjs: GET /items behind each kind of bearer authentication.
import { createPublicKey } from 'node:crypto';
// Fastify and the libraries compared against are devDependencies of @auth/bench (baselines load lazily).
import Fastify from 'fastify';
import { closing, revocationCheck } from './lib/revocation.mjs';
import { dpopAuthOptions } from './lib/dpop.mjs';

export const framework = 'fastify';
export const baseline = 'no auth';
export const targets = [
  { scenario: 'ours, cache off', over: '@fastify/jwt + get-jwks', min: 1.2 },
  { scenario: 'ours, cache off', over: '@fastify/jwt, static key', min: 1.2 },
  { scenario: 'ours, cache on', over: 'no auth', min: 0.92 },
];

const items = [{ id: 1, name: 'hammer' }];

async function listen(app) {
  app.get('/items', async () => items);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { port: app.server.address().port, close: () => app.close() };
}

// @fastify/jwt, checking issuer and audience like ours; `key` picks the verification key.
async function fastifyJwt(ctx, key) {
  const app = Fastify();
  await app.register((await import('@fastify/jwt')).default, {
    decode: { complete: true },
    secret: key,
    verify: { allowedIss: ctx.issuer, allowedAud: ctx.audience, algorithms: ['RS256'] },
  });
  app.addHook('onRequest', async (request) => {
    await request.jwtVerify();
  });
  return listen(app);
}

async function ours(ctx, cacheSize, extra = {}) {
  const { fastifyAuth } = await import('@auth/fastify');
  const app = Fastify();
  await app.register(fastifyAuth, {
    issuers: [{ issuer: ctx.issuer, audience: ctx.audience, jwksUri: ctx.jwksUri }],
    cacheSize,
    defaultAuth: 'required',
    ...extra,
  });
  return listen(app);
}

/** Reject scenarios: GET /health (public) next to GET /items under `defaultAuth: 'required'`. */
export async function rejectApp(ctx) {
  const { fastifyAuth } = await import('@auth/fastify');
  const app = Fastify();
  await app.register(fastifyAuth, {
    issuers: [{ issuer: ctx.issuer, audience: ctx.audience, jwksUri: ctx.jwksUri }],
    defaultAuth: 'required',
  });
  app.get('/health', { config: { auth: { public: true } } }, async () => ({ status: 'ok' }));
  return listen(app);
}

export const scenarios = {
  'no auth': async () => listen(Fastify()),
  '@fastify/jwt + get-jwks': async (ctx) => {
    const getJwks = (await import('get-jwks')).default({ providerDiscovery: true });
    return fastifyJwt(ctx, (_request, token) =>
      getJwks.getPublicKey({ kid: token.header.kid, alg: token.header.alg, domain: token.payload.iss }),
    );
  },
  '@fastify/jwt, static key': async (ctx) => {
    const { keys } = await (await fetch(ctx.jwksUri)).json();
    const pem = createPublicKey({ key: keys[0], format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    return fastifyJwt(ctx, { public: pem });
  },
  'ours, cache off': (ctx) => ours(ctx, 0),
  'ours, cache on': (ctx) => ours(ctx, 10_000),
  // Authorization: DPoP + a fresh proof per request (http.mjs sends them; see lib/dpop.mjs).
  'ours, DPoP': async (ctx) => ours(ctx, 10_000, await dpopAuthOptions(ctx)),
  // Auth events: nobody listening (logger: false) vs an onEvent listener on every request.
  'ours, cache on, no listener': (ctx) => ours(ctx, 10_000, { logger: false }),
  'ours, cache on, onEvent': (ctx) => ours(ctx, 10_000, { logger: false, onEvent: () => {} }),
  // The Redis revocation check (@auth/redis, 10,000 revoked ids) on every request, cache hits included.
  'ours, cache on, revocation': async (ctx) => {
    const { check, close } = await revocationCheck(ctx, 'bench-http:fastify:');
    return closing(await ours(ctx, 10_000, { customCheck: check }), { close });
  },
};

/** Scenarios that need the redis-server bench/http.mjs starts (skipped without one). */
export const needsRedis = ['ours, cache on, revocation'];
