/**
 * With a cached token the middleware finishes in the same tick: no promise between authentication and
 * `next()`. The class of defect: glue cost per request (an await chain per cached request), which the
 * HTTP bench measures; here the observable part of it.
 */
import { hs256 } from '@auth/conformance';
import type { NextFunction, Request, Response } from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { optionalAuth, requireAuth, requireScopes } from '../src/index.ts';

const auth = requireAuth(hs256.authOptions());
const maybe = optionalAuth(hs256.authOptions());
afterAll(() => {
  auth.authenticator.close();
  maybe.authenticator.close();
});

const request = (token?: string) =>
  ({
    method: 'GET',
    url: '/items',
    path: '/items',
    params: {},
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    rawHeaders: token === undefined ? [] : ['Authorization', `Bearer ${token}`],
  }) as unknown as Request;

function run(middleware: (req: Request, res: Response, next: NextFunction) => void, req: Request) {
  let called: { error: unknown } | undefined;
  middleware(req, {} as Response, (error?: unknown) => {
    called = { error };
  });
  return called; // undefined: next() was not called synchronously
}

describe('the cached path finishes synchronously', () => {
  it('a second request with the same token calls next() before the middleware returns', async () => {
    const token = hs256.token({ scope: 'read:items' });
    const first = request(token);
    await new Promise<void>((resolve) => auth(first, {} as Response, () => resolve()));
    expect(first.auth?.subject).toBe('user-1');
    const second = request(token);
    expect(run(auth, second)).toEqual({ error: undefined });
    expect(second.auth?.subject).toBe('user-1');
    // and the authorization step after it, also without a promise
    expect(run(requireScopes('read:items'), second)).toEqual({ error: undefined });
    const denied = run(requireScopes('write:items'), second);
    expect((denied?.error as { status?: number } | undefined)?.status).toBe(403);
  });

  it('no credentials: next(err) with the 401; optional: next() with no principal', async () => {
    const outcome = (middleware: typeof auth, req: Request) =>
      new Promise<unknown>((resolve) => middleware(req, {} as Response, (error?: unknown) => resolve(error)));
    expect(((await outcome(auth, request())) as { code?: string }).code).toBe('ERR_AUTH_MISSING_TOKEN');
    const req = request();
    expect(await outcome(maybe, req)).toBeUndefined();
    expect(req.auth).toBeUndefined();
  });
});
