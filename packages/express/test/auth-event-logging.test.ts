/**
 * Auth events reach a log by default: one console line per rejected token (from `info` up), naming
 * the mismatch; a `logger` option takes a pino-style logger; `logger: false` silences it.
 */
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authErrorHandler, requireAuth } from '../src/index.ts';
import { get, listen, startIssuer } from './helpers.ts';

let issuer: Awaited<ReturnType<typeof startIssuer>>;
const closers: (() => unknown)[] = [];
beforeAll(async () => {
  issuer = await startIssuer();
  closers.push(() => issuer.close());
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});
afterEach(() => vi.restoreAllMocks());

async function serve(options: Parameters<typeof requireAuth>[0]) {
  const app = express();
  app.get('/items', requireAuth(options), (_req, res) => {
    res.json([]);
  });
  app.use(authErrorHandler());
  const server = await listen(app);
  closers.push(server.close);
  return server.url;
}

describe('auth events in the log', () => {
  it('by default: one console line for a wrong audience, naming the audiences seen and configured', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    const url = await serve(issuer.options);
    const token = await issuer.token({ aud: 'api://someone-else' });
    expect((await get(`${url}/items`, { authorization: `Bearer ${token}` })).status).toBe(401);
    const lines = info.mock.calls.map((c) => String(c[0]));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('ERR_AUTH_INVALID_AUDIENCE');
    expect(lines[0]).toContain('detail.audience=["api://someone-else"]');
    expect(lines[0]).toContain('detail.configuredAudiences=["api://express-test"]');
    expect(lines[0]).not.toContain(token);
    // Missing tokens and successes are debug: not printed by default.
    await get(`${url}/items`);
    await get(`${url}/items`, { authorization: `Bearer ${await issuer.token()}` });
    expect(info).toHaveBeenCalledTimes(1);
    expect(debug).not.toHaveBeenCalled();
  });

  it('a pino-style logger option gets structured records at their levels; logger: false, none', async () => {
    const records: [string, Record<string, unknown>, string][] = [];
    const logger = Object.fromEntries(
      (['debug', 'info', 'warn', 'error'] as const).map((level) => [
        level,
        (obj: Record<string, unknown>, msg: string) => records.push([level, obj, msg]),
      ]),
    ) as never;
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const url = await serve({ ...issuer.options, logger });
    await get(`${url}/items`, { authorization: `Bearer ${await issuer.token()}` });
    await get(`${url}/items`, { authorization: `Bearer ${await issuer.token({ aud: 'x' })}` });
    expect(records.map(([level, obj]) => [level, obj.type])).toEqual([
      ['debug', 'keys.refreshed'],
      ['debug', 'auth.success'],
      ['info', 'auth.failure'],
    ]);
    expect(records[2]![1]).toMatchObject({ code: 'ERR_AUTH_INVALID_AUDIENCE', detail: { claim: 'aud' } });
    const quiet = await serve({ ...issuer.options, logger: false });
    await get(`${quiet}/items`, { authorization: `Bearer ${await issuer.token({ aud: 'x' })}` });
    expect(info).not.toHaveBeenCalled();
  });

  it('a logger without the level methods, or an unknown logLevel, is a TypeError at setup', () => {
    expect(() => requireAuth({ ...issuer.options, logger: {} as never })).toThrow(TypeError);
    expect(() => requireAuth({ ...issuer.options, logLevel: 'loud' as never })).toThrow(/logLevel/);
  });
});
