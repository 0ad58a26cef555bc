/**
 * Auth events reach a log by default: one console line per rejected token (from `info` up), naming
 * the mismatch; a `logger` option takes a pino-style logger.
 */
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { requireAuth } from '../src/index.ts';
import { authOptions, token } from './tokens.ts';

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
});
