/**
 * Token-source events name the token endpoint without what may be a credential in its URL (userinfo,
 * a `?api_key=` query): `token.refresh_failed` and `token.refreshed`, formatted and raw.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { clientCredentials } from '../../src/client/index.ts';
import type { AuthEvent } from '../../src/observe/events.ts';
import { formatEvent } from '../../src/observe/format.ts';

const SECRET = 'qs-secret-77ab1c';

describe('token endpoint URL secrets stay out of token events', () => {
  it('refresh_failed (refused) and refreshed (a token endpoint that answers)', async () => {
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ access_token: 'at-0123456789', token_type: 'Bearer', expires_in: 300 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const events: AuthEvent[] = [];
      for (const endpoint of [
        `http://127.0.0.1:1/token?api_key=${SECRET}`,
        `http://127.0.0.1:${port}/token?api_key=${SECRET}`,
      ]) {
        const cc = clientCredentials({
          tokenEndpoint: endpoint,
          clientId: 'svc',
          clientSecret: 'client-secret-0123456789',
          allowInsecureRequests: true,
          retry: { attempts: 1 },
          onEvent: (e) => events.push(e),
        });
        await cc.getToken().catch(() => {});
      }
      expect(events.map((e) => e.type)).toEqual(['token.refresh_failed', 'token.refreshed']);
      const text = events.map((e) => `${JSON.stringify(e)}\n${formatEvent(e)}`).join('\n');
      expect(text).not.toContain(SECRET);
      expect(events[1]).toMatchObject({ source: `http://127.0.0.1:${port}/token` });
    } finally {
      server.close();
    }
  });
});
