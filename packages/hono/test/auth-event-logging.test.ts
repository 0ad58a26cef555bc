/**
 * Auth events reach a log by default: one console line per rejected token (from `info` up), naming
 * the mismatch; a `logger` option takes a pino-style logger.
 */
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuthEvent } from '@auth/core';
import { authorize, requireAuth, requireScopes } from '../src/index.ts';
import { authOptions, ISSUER, token } from './tokens.ts';

afterEach(() => vi.restoreAllMocks());

describe('auth events in the log', () => {
  it('by default: one console line for a wrong audience, naming the audiences seen and configured', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const app = new Hono();
    app.get('/items', requireAuth(authOptions()), (c) => c.json([]));
    const jwt = token({ aud: 'api://someone-else' });
    expect((await app.request('/items', { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(401);
    expect(info).toHaveBeenCalledTimes(1);
    const line = String(info.mock.calls[0]![0]);
    expect(line).toContain('ERR_AUTH_INVALID_AUDIENCE');
    expect(line).toContain('detail.audience=["api://someone-else"]');
    expect(line).not.toContain(jwt);
    await app.request('/items');
    await app.request('/items', { headers: { authorization: `Bearer ${token()}` } });
    expect(info).toHaveBeenCalledTimes(1); // missing token and success are debug
  });

  it('a pino-style logger option gets the structured event', async () => {
    const records: [string, Record<string, unknown>][] = [];
    const logger = Object.fromEntries(
      (['debug', 'info', 'warn', 'error'] as const).map((level) => [
        level,
        (obj: Record<string, unknown>) => records.push([level, obj]),
      ]),
    ) as never;
    const app = new Hono();
    app.get('/items', requireAuth({ ...authOptions(), logger, logLevel: 'info' }), (c) => c.json([]));
    await app.request('/items', { headers: { authorization: `Bearer ${token()}` } });
    await app.request('/items', { headers: { authorization: `Bearer ${token({ aud: 'x' })}` } });
    expect(records).toEqual([
      ['info', expect.objectContaining({ type: 'auth.failure', code: 'ERR_AUTH_INVALID_AUDIENCE' })],
    ]);
  });

  it('separate authorization middleware: auth.authorized on allow, auth.failure naming the policy on deny', async () => {
    const events: AuthEvent[] = [];
    const auth = requireAuth({ ...authOptions(), logger: false, onEvent: (e) => events.push(e) });
    function weekdaysPolicy() {
      return { allowed: false as const, code: 'ERR_AUTH_FORBIDDEN' as const, reason: 'Not today' };
    }
    const app = new Hono();
    app.get('/read', auth, requireScopes('read'), (c) => c.json([]));
    app.get('/write', auth, requireScopes('write'), (c) => c.json([]));
    app.get('/custom', auth, authorize(weekdaysPolicy), (c) => c.json([]));
    const headers = { authorization: `Bearer ${token({ scope: 'read' })}` };
    expect((await app.request('/read', { headers })).status).toBe(200);
    expect(events.at(-1)).toMatchObject({
      type: 'auth.authorized',
      policy: 'requireScopes',
      subject: 'user-1',
      issuer: ISSUER,
    });
    expect((await app.request('/write', { headers })).status).toBe(403);
    expect(events.at(-1)).toMatchObject({
      type: 'auth.failure',
      stage: 'authorize',
      code: 'ERR_AUTH_INSUFFICIENT_SCOPE',
      status: 403,
      policy: 'requireScopes',
      required: ['write'],
    });
    expect((await app.request('/custom', { headers })).status).toBe(403);
    expect(events.at(-1)).toMatchObject({ type: 'auth.failure', stage: 'authorize', policy: 'weekdays' });
  });

  it('by default a denial by requireScopes is one console line naming the policy and the scope', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    vi.spyOn(console, 'debug').mockImplementation(() => {});
    const app = new Hono();
    app.get('/write', requireAuth(authOptions()), requireScopes('write'), (c) => c.json([]));
    const jwt = token({ scope: 'read' });
    expect((await app.request('/write', { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(403);
    expect(info).toHaveBeenCalledTimes(1);
    const line = String(info.mock.calls[0]![0]);
    expect(line).toContain('denied 403 ERR_AUTH_INSUFFICIENT_SCOPE');
    expect(line).toContain('(policy requireScopes)');
    expect(line).not.toContain(jwt);
  });
});
