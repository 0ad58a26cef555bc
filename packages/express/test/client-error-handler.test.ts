/**
 * A failure of one of the app's own outgoing calls (a token request, a refresh) is not the caller's
 * 401: authErrorHandler passes client errors on, so the app's own error handler (or Express's) answers.
 */
import { RefreshError, TokenEndpointError } from '@auth/core/client';
import express, { type ErrorRequestHandler } from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { authErrorHandler } from '../src/index.ts';
import { get, listen } from './helpers.ts';

const closers: (() => unknown)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

async function serve(app: express.Express) {
  const server = await listen(app);
  closers.push(server.close);
  return server.url;
}

const upstreamRejected = () =>
  new TokenEndpointError('The authorization server rejected the request (invalid_client)', {
    oauthError: 'invalid_client',
    httpStatus: 401,
  });
const grantGone = () =>
  new RefreshError(undefined, { cause: new TokenEndpointError('x', { oauthError: 'invalid_grant' }) });

describe('client errors through authErrorHandler', () => {
  it("a TokenEndpointError thrown by a route reaches the app's own handler: 500, no contract body, no challenge", async () => {
    const seen: unknown[] = [];
    const app = express();
    app.get('/upstream', async (_req, _res, next) => {
      next(upstreamRejected());
    });
    app.use(authErrorHandler());
    app.use(((err, _req, res, _next) => {
      seen.push(err);
      res.status(500).json({ error: 'internal' });
    }) as ErrorRequestHandler);
    const res = await get(`${await serve(app)}/upstream`);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'internal' });
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(seen[0]).toBeInstanceOf(TokenEndpointError);
  });

  it("a RefreshError for a dead grant is not rendered as the caller's 401, even by Express's default handler", async () => {
    const app = express();
    app.get('/upstream', () => {
      throw grantGone();
    });
    app.use(authErrorHandler());
    const res = await get(`${await serve(app)}/upstream`);
    expect(res.status).toBe(500);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.body).not.toMatchObject({ code: 'ERR_AUTH_REFRESH_FAILED' });
  });
});
