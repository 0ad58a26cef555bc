/** The Express demo's GET /items/upstream: demo B calls demo A's /items through authFetch + clientCredentials. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DevIdp, startDevIdp } from 'dev-idp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from 'express-demo/app';
import { authFetch, clientCredentials } from '../../src/client/index.ts';

let idp: DevIdp;
const servers: Server[] = [];
const closers: (() => void)[] = [];

async function serve(app: ReturnType<typeof createApp>): Promise<string> {
  closers.push(app.close);
  const server = app.app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  idp = await startDevIdp({ port: 0 });
});
afterAll(async () => {
  for (const c of closers) c();
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  await idp?.stop();
});

it('GET /items/upstream calls another demo API with a client-credentials token', async () => {
  const auth = { issuers: [{ issuer: idp.issuer, audience: idp.audience, jwksUri: idp.jwksUri }] };
  const upstreamUrl = await serve(createApp({ auth }));
  const tokens = clientCredentials({
    issuer: idp.issuer,
    clientId: 'reader',
    clientSecret: 'reader-secret',
    scope: 'read:items',
    allowInsecureRequests: true,
  });
  const url = await serve(
    createApp({
      auth,
      upstream: { url: upstreamUrl, fetch: authFetch(tokens, { allowedOrigins: [upstreamUrl] }) },
    }),
  );
  const caller = await idp.getToken('reader', { scope: 'read:items' });
  const res = await fetch(`${url}/items/upstream`, { headers: { authorization: `Bearer ${caller}` } });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { upstream: string; items: unknown[] };
  expect(body.upstream).toBe(upstreamUrl);
  expect(body.items.length).toBeGreaterThan(0);
  expect((await fetch(`${url}/items/upstream`)).status).toBe(401);
});
