/**
 * Auth events reach a log by default: one console line per rejected token (from `info` up), naming
 * the mismatch; a `logger` option takes a pino-style logger; `logger: false` silences it.
 */
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuthEvent } from '@auth/core';
import { authErrorHandler, authorize, requireAuth, requireScopes } from '../src/index.ts';
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

  it('separate authorization middleware: auth.authorized on allow, auth.failure naming the policy on deny', async () => {
    const events: AuthEvent[] = [];
    const app = express();
    const auth = requireAuth({ ...issuer.options, logger: false, onEvent: (e) => events.push(e) });
    function weekdaysPolicy() {
      return { allowed: false as const, code: 'ERR_AUTH_FORBIDDEN' as const, reason: 'Not today' };
    }
    app.get('/read', auth, requireScopes('read'), (_req, res) => res.json([]));
    app.get('/write', auth, requireScopes('write'), (_req, res) => res.json([]));
    app.get('/custom', auth, authorize(weekdaysPolicy), (_req, res) => res.json([]));
    app.use(authErrorHandler());
    const server = await listen(app);
    closers.push(server.close);
    const bearer = { authorization: `Bearer ${await issuer.token({ scope: 'read' })}` };
    expect((await get(`${server.url}/read`, bearer)).status).toBe(200);
    expect(events.at(-1)).toMatchObject({
      type: 'auth.authorized',
      policy: 'requireScopes',
      subject: 'user-1',
      issuer: issuer.issuer,
    });
    expect((await get(`${server.url}/write`, bearer)).status).toBe(403);
    expect(events.at(-1)).toMatchObject({
      type: 'auth.failure',
      stage: 'authorize',
      code: 'ERR_AUTH_INSUFFICIENT_SCOPE',
      status: 403,
      policy: 'requireScopes',
      required: ['write'],
    });
    expect((await get(`${server.url}/custom`, bearer)).status).toBe(403);
    expect(events.at(-1)).toMatchObject({ type: 'auth.failure', stage: 'authorize', policy: 'weekdays' });
    expect(events.filter((e) => e.type === 'auth.success')).toHaveLength(3);
  });

  it('by default a denial by requireScopes is one console line naming the policy and the scope', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    vi.spyOn(console, 'debug').mockImplementation(() => {});
    const app = express();
    app.get('/write', requireAuth(issuer.options), requireScopes('write'), (_req, res) => res.json([]));
    app.use(authErrorHandler());
    const server = await listen(app);
    closers.push(server.close);
    const token = await issuer.token({ scope: 'read' });
    expect((await get(`${server.url}/write`, { authorization: `Bearer ${token}` })).status).toBe(403);
    const lines = info.mock.calls.map((c) => String(c[0]));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('denied 403 ERR_AUTH_INSUFFICIENT_SCOPE');
    expect(lines[0]).toContain('(policy requireScopes)');
    expect(lines[0]).toContain('required=["write"]');
    expect(lines[0]).not.toContain(token);
  });

  it('a logger without the level methods, or an unknown logLevel, is a TypeError at setup', () => {
    expect(() => requireAuth({ ...issuer.options, logger: {} as never })).toThrow(TypeError);
    expect(() => requireAuth({ ...issuer.options, logLevel: 'loud' as never })).toThrow(/logLevel/);
  });
});
