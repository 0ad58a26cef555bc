import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedChallenge } from '../src/expectations.ts';
import { send } from '../src/http.ts';

let server: Server;
let baseUrl: string;
let last: IncomingMessage | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    last = req;
    res.setHeader('content-type', 'application/json');
    // /echo repeats the Authorization header: what the suite must catch.
    res.end(req.url === '/echo' ? JSON.stringify({ auth: req.headers.authorization }) : '{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('send', () => {
  it('sends repeated headers as separate lines (rawHeaders), with a Host header', async () => {
    await send(baseUrl, '/', {
      headers: [
        ['Authorization', 'Bearer a'],
        ['Authorization', 'Bearer b'],
      ],
    });
    const raw = last!.rawHeaders;
    const auth = raw.filter((_, i) => i % 2 === 1 && raw[i - 1]!.toLowerCase() === 'authorization');
    expect(auth).toEqual(['Bearer a', 'Bearer b']);
    expect(last!.headers.host).toBe(new URL(baseUrl).host);
  });

  it('fails when a response repeats a credential of the request', async () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.payload-payload.signature';
    await expect(send(baseUrl, '/echo', { headers: [['Authorization', `Bearer ${token}`]] })).rejects.toThrow(
      /repeats a credential/,
    );
    const ok = await send(baseUrl, '/', { headers: [['Authorization', `Bearer ${token}`]] });
    expect(ok.json).toEqual({ ok: true });
  });
});

describe('expectedChallenge', () => {
  it('builds the RFC 6750 challenge: escaped realm, description reduced to RFC 6750 characters', () => {
    expect(expectedChallenge({ status: 401, code: 'X', error: null }, 'ignored')).toBe('Bearer realm="api"');
    expect(
      expectedChallenge(
        { status: 403, code: 'X', error: 'insufficient_scope', scope: 'a b', realm: 'r"x' },
        'Say "no"',
      ),
    ).toBe('Bearer realm="r\\"x", error="insufficient_scope", error_description="Say no", scope="a b"');
    // RFC 6750 §3 characters only in error_description; nothing left: no attribute.
    expect(
      expectedChallenge(
        { status: 403, code: 'X', error: 'insufficient_scope' },
        'You don’t have 角色 access',
      ),
    ).toBe('Bearer realm="api", error="insufficient_scope", error_description="You dont have access"');
    expect(expectedChallenge({ status: 403, code: 'X', error: 'insufficient_scope' }, '角色')).toBe(
      'Bearer realm="api", error="insufficient_scope"',
    );
  });
});
