/**
 * Auth events reach Nest's Logger (context `Auth`) by default, from `info` up: a wrong audience is one
 * line naming the audiences seen and configured; a `logger` option takes a pino-style logger.
 */
import { hs256 } from '@auth/conformance';
import { Controller, Get, Logger, UseGuards } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuthEvent } from '@auth/core';
import { AuthGuard, AuthModule } from '../src/index.ts';
import { type Running, serve } from './support/platforms.ts';
import { ScopedController } from './support/scoped-controller.ts';

@Controller()
@UseGuards(AuthGuard)
class ItemsController {
  @Get('items')
  items() {
    return [];
  }
}

const opened: Running[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of opened.splice(0)) await s.close();
});

describe('auth events in the log', () => {
  it('by default: one Logger line for a wrong audience, naming the audiences seen and configured', async () => {
    const log = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => {});
    const server = await serve('express', [AuthModule.forRoot(hs256.authOptions())], [ItemsController]);
    opened.push(server);
    const jwt = hs256.token({ aud: 'api://someone-else' });
    expect((await fetch(`${server.url}/items`, { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(
      401,
    );
    const lines = log.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('auth '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('ERR_AUTH_INVALID_AUDIENCE');
    expect(lines[0]).toContain('detail.audience=["api://someone-else"]');
    expect(lines[0]).not.toContain(jwt);
  });

  it('a pino-style logger option gets the structured events', async () => {
    const records: [string, Record<string, unknown>][] = [];
    const logger = Object.fromEntries(
      (['debug', 'info', 'warn', 'error'] as const).map((level) => [
        level,
        (obj: Record<string, unknown>) => records.push([level, obj]),
      ]),
    ) as never;
    const server = await serve(
      'express',
      [AuthModule.forRoot({ ...hs256.authOptions(), logger })],
      [ItemsController],
    );
    opened.push(server);
    await fetch(`${server.url}/items`, { headers: hs256.bearer({ aud: 'x' }) });
    expect(records).toEqual([
      ['info', expect.objectContaining({ type: 'auth.failure', code: 'ERR_AUTH_INVALID_AUDIENCE' })],
    ]);
  });

  for (const platform of ['express', 'fastify'] as const) {
    it(`${platform}: ScopeGuard decisions are events (auth.authorized, auth.failure naming the policy) and one Logger line per denial`, async () => {
      const log = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => {});
      vi.spyOn(Logger.prototype, 'debug').mockImplementation(() => {});
      const events: AuthEvent[] = [];
      const server = await serve(
        platform,
        [AuthModule.forRoot({ ...hs256.authOptions(), onEvent: (e: AuthEvent) => events.push(e) })],
        [ScopedController],
      );
      opened.push(server);
      const headers = hs256.bearer({ scope: 'read' });
      expect((await fetch(`${server.url}/read`, { headers })).status).toBe(200);
      expect(events.at(-1)).toMatchObject({
        type: 'auth.authorized',
        policy: 'requireScopes',
        subject: 'user-1',
      });
      expect((await fetch(`${server.url}/write`, { headers })).status).toBe(403);
      expect(events.at(-1)).toMatchObject({
        type: 'auth.failure',
        stage: 'authorize',
        policy: 'requireScopes',
        required: ['write'],
      });
      expect((await fetch(`${server.url}/custom`, { headers })).status).toBe(403);
      expect(events.at(-1)).toMatchObject({ type: 'auth.failure', stage: 'authorize', policy: 'weekdays' });
      const lines = log.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('auth '));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toContain('denied 403 ERR_AUTH_INSUFFICIENT_SCOPE');
      expect(lines[0]).toContain('(policy requireScopes)');
      expect(lines[1]).toContain('(policy weekdays)');
    });
  }
});
