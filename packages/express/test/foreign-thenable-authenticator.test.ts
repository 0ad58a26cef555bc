/**
 * A custom authenticator built on another promise library (its `authenticate` returns a thenable whose
 * `then` is not native). Its rejection must be a 401, never a pending thenable taken for `req.auth`.
 */
import type { Authenticator } from '@auth/core';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { requireAuth } from '../src/index.ts';
import { get, listen } from './helpers.ts';

/** A settled thenable, Promises/A+ shaped, that is not a native promise. */
function foreign<T>(settle: () => T): PromiseLike<T> {
  let state: { ok: true; value: T } | { ok: false; reason: unknown };
  try {
    state = { ok: true, value: settle() };
  } catch (reason) {
    state = { ok: false, reason };
  }
  return {
    // biome-ignore lint/suspicious/noThenProperty: the point of the fixture is a foreign thenable
    then(onFulfilled, onRejected) {
      return foreign(() => {
        if (state.ok) return (onFulfilled ? onFulfilled(state.value) : state.value) as never;
        if (onRejected) return onRejected(state.reason) as never;
        throw state.reason;
      });
    },
  } as PromiseLike<T>;
}

describe('foreign thenable authenticator', () => {
  it('a rejecting foreign thenable is a 401; the handler never runs', async () => {
    const authenticator: Authenticator = {
      realm: 'api',
      hasCredentials: () => true,
      authenticate: () =>
        foreign(() => {
          throw new Error('bad token');
        }) as never,
      close() {},
    };
    let reached = false;
    const app = express();
    app.get('/private', requireAuth(authenticator), (_req, res) => {
      reached = true;
      res.json({ ok: true });
    });
    const server = await listen(app);
    try {
      const reply = await get(`${server.url}/private`, { authorization: 'Bearer whatever' });
      expect(reply.status).toBe(401);
      expect(reached).toBe(false);
    } finally {
      await server.close();
    }
  });
});
