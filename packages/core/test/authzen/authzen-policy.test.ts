import { afterEach, describe, expect, it } from 'vitest';
import { authzen } from '../../src/authzen/index.ts';
import { assertAllowed, decisionToError } from '../../src/authorize/decision.ts';
import type { Decision } from '../../src/types.ts';
import { type Loopback, json, principal, startLoopback } from './loopback.ts';

const servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function pdp(handler: Parameters<typeof startLoopback>[0]): Promise<Loopback> {
  const server = await startLoopback(handler);
  servers.push(server);
  return server;
}

const route = { params: { id: 'doc_1' }, method: 'GET', path: '/documents/doc_1' };
const UNAVAILABLE = { allowed: false, code: 'ERR_AUTH_POLICY_UNAVAILABLE', status: 503 };

describe('authzen(): the Access Evaluation wire format', () => {
  it('posts subject, action and resource as AuthZEN JSON with a bearer key and an X-Request-ID', async () => {
    const server = await pdp((req, res) => json(req, res, 200, { decision: true }));
    const policy = authzen({
      pdp: server.url,
      credentials: 'pdp-key',
      resourceType: 'document',
      requestId: () => 'req-1',
    });
    await expect(policy(principal(), route)).resolves.toEqual({ allowed: true });
    const [call] = server.seen;
    expect(call?.method).toBe('POST');
    expect(call?.url).toBe('/access/v1/evaluation');
    expect(call?.headers['content-type']).toBe('application/json');
    expect(call?.headers.authorization).toBe('Bearer pdp-key');
    expect(call?.headers['x-request-id']).toBe('req-1');
    expect(call?.body).toEqual({
      subject: {
        type: 'user',
        id: 'alice',
        properties: {
          issuer: 'https://idp.example',
          scopes: ['read:items'],
          groups: [],
          organizations: [{ id: 'org_1', scopes: ['member'] }],
        },
      },
      action: { name: 'can_read' },
      resource: { type: 'document', id: 'doc_1', properties: { id: 'doc_1' } },
    });
  });

  it('maps the method to the action and takes a token source for credentials', async () => {
    const server = await pdp((req, res) => json(req, res, 200, { decision: true }));
    const policy = authzen({ pdp: server.url, credentials: { getToken: async () => 'minted' } });
    await policy(principal(), { ...route, method: 'DELETE' });
    expect(server.seen[0]?.body).toMatchObject({
      action: { name: 'can_delete' },
      resource: { type: 'documents' },
    });
    expect(server.seen[0]?.headers.authorization).toBe('Bearer minted');
  });

  it('denies with 403 and shows reason_user; reason_admin goes only to onEvent', async () => {
    const server = await pdp((req, res) =>
      json(req, res, 200, {
        decision: false,
        context: {
          reason_admin: { '403': 'Request failed policy C076E82F' },
          reason_user: { '403': 'Not your document' },
        },
      }),
    );
    const events: unknown[] = [];
    const policy = authzen({ pdp: server.url, resourceType: 'document', onEvent: (e) => events.push(e) });
    const decision = await policy(principal(), route);
    expect(decision).toEqual({ allowed: false, code: 'ERR_AUTH_FORBIDDEN', reason: 'Not your document' });
    const body = JSON.stringify(decisionToError(decision).toResponse('api').body);
    expect(body).toContain('Not your document');
    expect(body).not.toContain('C076E82F');
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'decision',
        allowed: false,
        reasonAdmin: { '403': 'Request failed policy C076E82F' },
      }),
    );
  });

  it('cleans and caps a hostile reason_user', async () => {
    const server = await pdp((req, res) =>
      json(req, res, 200, {
        decision: false,
        context: { reason_user: `\u0000evil\u202e${'x'.repeat(5000)}` },
      }),
    );
    const decision = (await authzen({ pdp: server.url, resourceType: 'document' })(principal(), route)) as {
      reason: string;
    };
    expect(decision.reason.startsWith('evilx')).toBe(true);
    expect(decision.reason.length).toBeLessThanOrEqual(200);
  });
});

describe('authzen(): a hostile or broken PDP fails closed with 503, never an allow or a 500', () => {
  const answers: [string, (req: Parameters<typeof json>[0], res: Parameters<typeof json>[1]) => void][] = [
    ['a 500', (req, res) => json(req, res, 500, { decision: true })],
    ['a 401 (our credentials refused)', (req, res) => json(req, res, 401, 'unauthorized')],
    ['a 400', (req, res) => json(req, res, 400, { decision: true })],
    ['a 204 without a body', (_req, res) => res.writeHead(204).end()],
    [
      'a redirect (never followed, credentials stay home)',
      (_req, res) => res.writeHead(302, { location: 'http://127.0.0.1:9/x' }).end(),
    ],
    ['an HTML page', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>ok</h1>')],
    ['truncated JSON', (_req, res) => res.writeHead(200).end('{"decision": tr')],
    ['an empty body', (_req, res) => res.writeHead(200).end('')],
    ['"decision": "true" (a string)', (req, res) => json(req, res, 200, { decision: 'true' })],
    ['"decision": 1', (req, res) => json(req, res, 200, { decision: 1 })],
    ['no decision at all', (req, res) => json(req, res, 200, { context: {} })],
    ['a JSON array', (req, res) => json(req, res, 200, [{ decision: true }])],
    ['JSON null', (req, res) => json(req, res, 200, null)],
    ['JSON true', (req, res) => json(req, res, 200, true)],
    ['a context that is not an object', (req, res) => json(req, res, 200, { decision: true, context: 'ok' })],
    ['an evaluations answer', (req, res) => json(req, res, 200, { evaluations: [{ decision: true }] })],
    [
      'a body over the size limit',
      (req, res) => json(req, res, 200, { decision: true, context: { pad: 'x'.repeat(100_000) } }),
    ],
    [
      'a mismatched X-Request-ID echo',
      (_req, res) => res.writeHead(200, { 'x-request-id': 'someone-else' }).end('{"decision":true}'),
    ],
    ['invalid UTF-8', (_req, res) => res.writeHead(200).end(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))],
    ['a dropped connection', (req) => req.socket.destroy()],
  ];

  it.each(answers)('%s → 503 ERR_AUTH_POLICY_UNAVAILABLE', async (_name, answer) => {
    const server = await pdp((req, res) => answer(req, res));
    const events: { type: string; kind?: string }[] = [];
    const policy = authzen({
      pdp: server.url,
      resourceType: 'document',
      breaker: false,
      onEvent: (e) => events.push(e),
    });
    const decision = await policy(principal(), route);
    expect(decision).toMatchObject(UNAVAILABLE);
    expect(events.at(-1)).toMatchObject({ type: 'unavailable' });
    await expect(assertAllowed(policy, principal(), route)).rejects.toMatchObject({
      status: 503,
      code: 'ERR_AUTH_POLICY_UNAVAILABLE',
    });
  });

  it('a PDP that never answers: 503 after timeoutMs, no hang', async () => {
    const server = await pdp(() => {});
    const policy = authzen({ pdp: server.url, resourceType: 'document', timeoutMs: 100, breaker: false });
    const started = Date.now();
    await expect(policy(principal(), route)).resolves.toMatchObject(UNAVAILABLE);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a PDP that sends headers then dribbles the body past the timeout: 503', async () => {
    const server = await pdp((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"decision":');
      setTimeout(() => res.end('true}'), 2000).unref();
    });
    const policy = authzen({ pdp: server.url, resourceType: 'document', timeoutMs: 150, breaker: false });
    await expect(policy(principal(), route)).resolves.toMatchObject(UNAVAILABLE);
  });

  it('a PDP that is not listening: 503', async () => {
    const server = await pdp(() => {});
    const url = server.url;
    await server.close();
    servers.length = 0;
    const policy = authzen({ pdp: url, resourceType: 'document', breaker: false });
    await expect(policy(principal(), route)).resolves.toMatchObject(UNAVAILABLE);
  });

  it('a token source that throws: 503, and the PDP is not called', async () => {
    const server = await pdp((req, res) => json(req, res, 200, { decision: true }));
    const policy = authzen({
      pdp: server.url,
      resourceType: 'document',
      credentials: { getToken: async () => Promise.reject(new Error('idp down: secret=abc')) },
    });
    await expect(policy(principal(), route)).resolves.toMatchObject(UNAVAILABLE);
    expect(server.seen).toHaveLength(0);
  });

  it('a mapping that throws or returns a malformed subject: 503, no call', async () => {
    const server = await pdp((req, res) => json(req, res, 200, { decision: true }));
    const throwing = authzen({
      pdp: server.url,
      resourceType: 'document',
      subject: () => {
        throw new Error('x');
      },
    });
    const malformed = authzen({
      pdp: server.url,
      resourceType: 'document',
      subject: () => ({ type: 'user' }) as never,
    });
    const noId = authzen({ pdp: server.url, resourceType: 'document' });
    await expect(throwing(principal(), route)).resolves.toMatchObject(UNAVAILABLE);
    await expect(malformed(principal(), route)).resolves.toMatchObject(UNAVAILABLE);
    await expect(noId(principal(), { method: 'GET', path: '/documents' })).resolves.toMatchObject(
      UNAVAILABLE,
    );
    expect(server.seen).toHaveLength(0);
  });
});

describe('authzen(): cache, single flight and circuit breaker', () => {
  it('concurrent identical questions share one call', async () => {
    const server = await pdp((req, res) => {
      setTimeout(() => json(req, res, 200, { decision: true }), 50);
    });
    const policy = authzen({ pdp: server.url, resourceType: 'document' });
    const results = await Promise.all(Array.from({ length: 10 }, () => policy(principal(), route)));
    expect(results.every((d: Decision) => d.allowed)).toBe(true);
    expect(server.seen).toHaveLength(1);
  });

  it('caches per (subject, action, resource) for ttlMs, never across subjects', async () => {
    let now = 1_000;
    const server = await pdp((req, res, body) =>
      json(req, res, 200, { decision: (body as { subject: { id: string } }).subject.id === 'alice' }),
    );
    const policy = authzen({
      pdp: server.url,
      resourceType: 'document',
      cache: { ttlMs: 1000 },
      clock: () => now,
    });
    expect((await policy(principal('alice'), route)).allowed).toBe(true);
    expect((await policy(principal('alice'), route)).allowed).toBe(true);
    expect(server.seen).toHaveLength(1);
    // Another subject with the same resource: its own question, its own (negative) answer.
    expect((await policy(principal('mallory'), route)).allowed).toBe(false);
    expect((await policy(principal('alice'), { ...route, method: 'DELETE' })).allowed).toBe(true);
    expect(server.seen).toHaveLength(3);
    now += 1001;
    await policy(principal('alice'), route);
    expect(server.seen).toHaveLength(4);
  });

  it('the cache is bounded (least recently used goes first) and never stores a failure', async () => {
    let fail = true;
    const server = await pdp((req, res) =>
      fail ? json(req, res, 500, {}) : json(req, res, 200, { decision: true }),
    );
    const policy = authzen({
      pdp: server.url,
      resourceType: 'document',
      cache: { ttlMs: 60_000, maxEntries: 2 },
      breaker: false,
    });
    await policy(principal(), route);
    fail = false;
    expect((await policy(principal(), route)).allowed).toBe(true);
    expect(server.seen).toHaveLength(2);
    await policy(principal(), { ...route, params: { id: 'b' } });
    await policy(principal(), { ...route, params: { id: 'c' } }); // evicts doc_1
    await policy(principal(), route);
    expect(server.seen).toHaveLength(5);
  });

  it('a dead PDP costs one timeout per cool-down, not one per request', async () => {
    let now = 0;
    const server = await pdp(() => {});
    const policy = authzen({
      pdp: server.url,
      resourceType: 'document',
      // 500 ms: long enough for the hung request to reach the server on a loaded machine (50 ms was not).
      timeoutMs: 500,
      breaker: { failureThreshold: 2, cooldownMs: 10_000 },
      clock: () => now,
    });
    await policy(principal(), route);
    await policy(principal(), { ...route, params: { id: 'b' } });
    expect(server.seen).toHaveLength(2);
    const started = Date.now();
    for (let i = 0; i < 20; i++) {
      await expect(policy(principal(), { ...route, params: { id: `d${i}` } })).resolves.toMatchObject(
        UNAVAILABLE,
      );
    }
    expect(Date.now() - started).toBeLessThan(200);
    expect(server.seen).toHaveLength(2);
    now += 10_000; // cool-down over: one probe goes through
    await policy(principal(), route);
    expect(server.seen).toHaveLength(3);
  });

  it('a recovered PDP closes the circuit after one successful probe', async () => {
    let now = 0;
    let up = false;
    const server = await pdp((req, res) =>
      up ? json(req, res, 200, { decision: true }) : json(req, res, 503, {}),
    );
    const policy = authzen({
      pdp: server.url,
      resourceType: 'document',
      breaker: { failureThreshold: 1, cooldownMs: 1000 },
      clock: () => now,
    });
    await expect(policy(principal(), route)).resolves.toMatchObject(UNAVAILABLE);
    up = true;
    await expect(policy(principal(), route)).resolves.toMatchObject(UNAVAILABLE); // still open
    now += 1000;
    await expect(policy(principal(), route)).resolves.toEqual({ allowed: true });
    await expect(policy(principal(), { ...route, params: { id: 'x' } })).resolves.toEqual({ allowed: true });
  });
});

describe('authzen(): option misuse throws TypeError at setup', () => {
  it.each([
    ['no pdp', {}],
    ['a relative pdp', { pdp: '/pdp' }],
    ['plain http to a remote host', { pdp: 'http://pdp.example.com' }],
    ['credentials in the URL', { pdp: 'https://u:p@pdp.example.com' }],
    ['an unknown option', { pdp: 'https://pdp.example.com', timeout: 5 }],
    ['a zero timeout', { pdp: 'https://pdp.example.com', timeoutMs: 0 }],
    ['a bad cache', { pdp: 'https://pdp.example.com', cache: { ttlMs: -1 } }],
    ['a bad breaker', { pdp: 'https://pdp.example.com', breaker: { cooldownMs: 'x' } }],
    ['a key with a newline', { pdp: 'https://pdp.example.com', credentials: 'a\nb' }],
    ['a non-ERR_AUTH code', { pdp: 'https://pdp.example.com', code: 'NOPE' }],
    ['a non-function subject', { pdp: 'https://pdp.example.com', subject: 'alice' }],
  ])('%s', (_name, options) => {
    expect(() => authzen(options as never)).toThrow(TypeError);
  });

  it('never puts a key into the TypeError', () => {
    expect(() => authzen({ pdp: 'https://pdp.example.com', credentials: 'sek ret' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('sek') }),
    );
  });
});

describe('stableKey: the cache and single-flight key', () => {
  it('is the same for the same question whatever the key order, and differs for any other question', async () => {
    const { stableKey } = await import('../../src/authzen/remote-decisions.ts');
    const a = {
      subject: { type: 'user', id: 'alice', properties: { x: [1, { b: 2, a: 1 }] } },
      action: { name: 'r' },
    };
    const b = {
      action: { name: 'r' },
      subject: { properties: { x: [1, { a: 1, b: 2 }] }, id: 'alice', type: 'user' },
    };
    expect(stableKey(a)).toBe(stableKey(b));
    expect(stableKey(a)).not.toBe(stableKey({ ...a, subject: { ...a.subject, id: 'alicf' } }));
    expect(stableKey({ k: 'a"b' })).not.toBe(stableKey({ k: 'a', b: '' }));
    expect(stableKey(JSON.parse('{"__proto__":{"id":"x"}}'))).toBe('{"__proto__":{"id":"x"}}');
    expect(JSON.parse(stableKey(a))).toEqual(a);
  });
});
