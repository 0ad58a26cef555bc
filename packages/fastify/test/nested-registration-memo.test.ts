/**
 * The per-request memo of each registration: a child scope with its own authenticator never inherits
 * the parent registration's principal (nor the reverse), whether the route uses `config.auth`, a
 * decorator hook (`authenticate`, `requireScopes`) or both.
 */
import { type Authenticator, InvalidTokenError, MissingTokenError, type Principal } from '@auth/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { fastifyAuth } from '../src/index.ts';
import { authOptions, bearer } from './tokens.ts';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** Accepts only `x-b: good`, in realm `inner`. */
const inner: Authenticator = {
  realm: 'inner',
  hasCredentials: (req) => (req.headers as Record<string, string | undefined>)['x-b'] !== undefined,
  async authenticate(req, options) {
    const value = (req.headers as Record<string, string | undefined>)['x-b'];
    if (value === undefined) {
      if (options?.optional) return undefined;
      throw new MissingTokenError();
    }
    if (value !== 'good') throw new InvalidTokenError();
    return { subject: 'inner-user', scopes: ['x'], claims: {} } as unknown as Principal;
  },
  close() {},
};

async function build() {
  const app = Fastify();
  apps.push(app);
  await app.register(fastifyAuth, { ...authOptions(), realm: 'outer' });
  // Parent-level decorator hook: runs for the child's routes too, in the route's scope.
  app.get('/parent', { onRequest: app.authenticate }, async (request) => ({ sub: request.auth?.subject }));
  await app.register(async (child) => {
    await child.register(fastifyAuth, { authenticator: inner });
    child.get(
      '/child',
      { config: { auth: { optional: true } }, preHandler: child.requireScopes('x') },
      async (request) => ({ sub: request.auth?.subject }),
    );
    child.get(
      '/child-decorators',
      { onRequest: child.optionalAuth, preHandler: child.authenticate },
      async (request) => ({
        sub: request.auth?.subject,
      }),
    );
  });
  return app;
}

describe('nested registrations: per-registration memo', () => {
  it("the parent's valid token does not satisfy a child route (401 in the child's realm)", async () => {
    const app = await build();
    for (const url of ['/child', '/child-decorators']) {
      const res = await app.inject({ method: 'GET', url, headers: bearer({ scope: 'x' }) });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate'], url).toBe('Bearer realm="inner"');
    }
  });

  it("the child's credentials do not satisfy the parent route", async () => {
    const app = await build();
    const res = await app.inject({ method: 'GET', url: '/parent', headers: { 'x-b': 'good' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="outer"');
  });

  it('each scope serves its own principal', async () => {
    const app = await build();
    const child = await app.inject({ method: 'GET', url: '/child', headers: { 'x-b': 'good' } });
    expect([child.statusCode, child.json()]).toEqual([200, { sub: 'inner-user' }]);
    const parent = await app.inject({ method: 'GET', url: '/parent', headers: bearer() });
    expect([parent.statusCode, parent.json()]).toEqual([200, { sub: 'user-1' }]);
  });
});
