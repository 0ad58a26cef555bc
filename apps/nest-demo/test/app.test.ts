import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { startDevIdp, type DevIdp } from 'dev-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type Platform } from '../src/create-app.ts';

// A smoke test of the demo as a user runs it (the full contract runs in packages/nest/test/conformance).
let idp: DevIdp;
beforeAll(async () => {
  idp = await startDevIdp({ port: 0 });
});
afterAll(() => idp?.stop());

describe.each(['express', 'fastify'] satisfies Platform[])('nest-demo on platform-%s', (platform) => {
  let app: INestApplication;
  let url: string;
  beforeAll(async () => {
    app = await createApp(
      { auth: { issuers: [{ issuer: idp.issuer, audience: idp.audience, jwksUri: idp.jwksUri }] } },
      platform,
    );
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app?.close());

  const call = (path: string, token?: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, {
      ...init,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers ?? {}) },
    });

  it('GET /ready: 503 until the issuer keys are fetched, then 200', async () => {
    const before = await call('/ready');
    expect([before.status, await before.json()]).toEqual([503, { ready: false }]);
    await call('/me', await idp.getToken('reader'));
    const after = await call('/ready');
    expect([after.status, await after.json()]).toEqual([200, { ready: true }]);
  });

  it('serves /health publicly and protects /me', async () => {
    expect(await (await call('/health')).json()).toEqual({ status: 'ok' });
    const res = await call('/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });

  it('accepts dev IdP tokens and enforces scopes, groups and org permissions', async () => {
    const [reader, writer, admin, member] = await Promise.all(
      ['reader', 'writer', 'admin', 'org-member'].map((c) => idp.getToken(c)),
    );
    const me = await call('/me', reader);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ issuer: idp.issuer, tokenUse: 'access' });
    expect((await call('/items', reader)).status).toBe(200);
    const created = await call('/items', writer, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'saw' }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ name: 'saw' });
    expect((await call('/items', reader, { method: 'POST' })).status).toBe(403);
    expect((await call('/admin', admin)).status).toBe(200);
    expect((await call('/admin', reader)).status).toBe(403);
    expect((await call('/orgs/org_1/projects', member)).status).toBe(200);
    expect((await call('/orgs/org_2/projects', member)).status).toBe(403);
    expect(await (await call('/optional')).json()).toEqual({ authenticated: false });
    expect((await call('/optional', 'not-a-jwt')).status).toBe(401);
    expect((await call('/service', reader)).status).toBe(200);
  });
});
