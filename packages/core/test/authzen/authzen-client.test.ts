import { afterEach, describe, expect, it } from 'vitest';
import { authzen, createAuthZenClient, discoverPdp } from '../../src/authzen/index.ts';
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
const UNAVAILABLE = { status: 503, code: 'ERR_AUTH_POLICY_UNAVAILABLE' };
const doc = (id: string) => ({ resource: { type: 'document', id } });

describe('authorizeMany: the Access Evaluations API', () => {
  it('sends one boxcarred request with the subject as a top-level default and the semantic in options', async () => {
    const server = await pdp((req, res) =>
      json(req, res, 200, { evaluations: [{ decision: true }, { decision: false }, { decision: true }] }),
    );
    const policy = authzen({
      pdp: server.url,
      action: 'can_read',
      subject: (p) => ({ type: 'user', id: p.subject }),
    });
    const decisions = await policy.authorizeMany(principal(), [
      doc('1'),
      doc('2'),
      { ...doc('3'), action: 'can_edit' },
    ]);
    expect(decisions.map((d) => d.allowed)).toEqual([true, false, true]);
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0]?.url).toBe('/access/v1/evaluations');
    expect(server.seen[0]?.body).toEqual({
      subject: { type: 'user', id: 'alice' },
      evaluations: [
        { action: { name: 'can_read' }, resource: { type: 'document', id: '1' } },
        { action: { name: 'can_read' }, resource: { type: 'document', id: '2' } },
        { action: { name: 'can_edit' }, resource: { type: 'document', id: '3' } },
      ],
      options: { evaluations_semantic: 'execute_all' },
    });
  });

  it('deny_on_first_deny: a prefix ending at the first deny; the rest are denials', async () => {
    const server = await pdp((req, res) =>
      json(req, res, 200, {
        evaluations: [{ decision: true }, { decision: false, context: { reason: 'deny_on_first_deny' } }],
      }),
    );
    const policy = authzen({ pdp: server.url, action: 'can_read' });
    const decisions = await policy.authorizeMany(principal(), [doc('1'), doc('2'), doc('3')], {
      semantic: 'deny_on_first_deny',
    });
    expect(decisions.map((d) => d.allowed)).toEqual([true, false, false]);
    expect(server.seen[0]?.body).toMatchObject({ options: { evaluations_semantic: 'deny_on_first_deny' } });
  });

  it('permit_on_first_permit: one permit ends the list', async () => {
    const server = await pdp((req, res) =>
      json(req, res, 200, { evaluations: [{ decision: false }, { decision: true }] }),
    );
    const policy = authzen({ pdp: server.url, action: 'can_read' });
    const decisions = await policy.authorizeMany(principal(), [doc('1'), doc('2'), doc('3')], {
      semantic: 'permit_on_first_permit',
    });
    expect(decisions.map((d) => d.allowed)).toEqual([false, true, false]);
  });

  it.each([
    ['fewer answers under execute_all', 'execute_all', [{ decision: true }]],
    [
      'more answers than questions',
      'execute_all',
      [{ decision: true }, { decision: true }, { decision: true }, { decision: true }],
    ],
    ['a short list that never denied (deny_on_first_deny)', 'deny_on_first_deny', [{ decision: true }]],
    ['answers after the first deny', 'deny_on_first_deny', [{ decision: false }, { decision: true }]],
    ['answers after the first permit', 'permit_on_first_permit', [{ decision: true }, { decision: false }]],
    ['a malformed entry', 'execute_all', [{ decision: true }, { decision: 'no' }, { decision: true }]],
    ['no evaluations array', 'execute_all', undefined],
  ] as const)('%s → rejects with 503', async (_name, semantic, evaluations) => {
    const server = await pdp((req, res) => json(req, res, 200, { evaluations }));
    const policy = authzen({ pdp: server.url, action: 'can_read', breaker: false });
    await expect(
      policy.authorizeMany(principal(), [doc('1'), doc('2'), doc('3')], { semantic }),
    ).rejects.toMatchObject(UNAVAILABLE);
  });

  it('a dead PDP rejects with 503 after the timeout', async () => {
    const server = await pdp(() => {});
    const policy = authzen({ pdp: server.url, action: 'can_read', timeoutMs: 80 });
    await expect(policy.authorizeMany(principal(), [doc('1')])).rejects.toMatchObject(UNAVAILABLE);
  });

  it('an empty list is a TypeError', async () => {
    const policy = authzen({ pdp: 'https://pdp.example.com', action: 'can_read' });
    await expect(policy.authorizeMany(principal(), [])).rejects.toThrow(TypeError);
  });
});

describe('discovery: /.well-known/authzen-configuration', () => {
  it('reads the endpoints from the metadata and uses them', async () => {
    let base = '';
    const server = await pdp((req, res) => {
      if (req.url === '/.well-known/authzen-configuration') {
        return json(req, res, 200, {
          policy_decision_point: base,
          access_evaluation_endpoint: `${base}/v2/check`,
          access_evaluations_endpoint: `${base}/v2/checks`,
          unknown_parameter: 'ignored',
        });
      }
      json(
        req,
        res,
        200,
        req.url === '/v2/check' ? { decision: true } : { evaluations: [{ decision: true }] },
      );
    });
    base = server.url;
    const policy = authzen({ pdp: base, discovery: true, resourceType: 'document' });
    await expect(policy(principal(), { params: { id: '1' }, method: 'GET' })).resolves.toEqual({
      allowed: true,
    });
    await policy.authorizeMany(principal(), [{ ...doc('1'), action: 'can_read' }]);
    expect(server.seen.map((s) => s.url)).toEqual([
      '/.well-known/authzen-configuration',
      '/v2/check',
      '/v2/checks',
    ]);
    await expect(
      policy.client.searchSubjects({
        subject: { type: 'user' },
        action: { name: 'x' },
        resource: { type: 'd', id: '1' },
      }),
    ).rejects.toMatchObject(UNAVAILABLE);
  });

  it('inserts the well-known segment before a tenant path', async () => {
    let base = '';
    const server = await pdp((req, res) =>
      json(req, res, 200, {
        policy_decision_point: base,
        access_evaluation_endpoint: `${base}/access/v1/evaluation`,
      }),
    );
    base = `${server.url}/tenant1`;
    await discoverPdp(base);
    expect(server.seen[0]?.url).toBe('/.well-known/authzen-configuration/tenant1');
  });

  it.each([
    [
      'another policy_decision_point (mix-up)',
      (b: string) => ({
        policy_decision_point: 'https://evil.example',
        access_evaluation_endpoint: `${b}/e`,
      }),
    ],
    ['no access_evaluation_endpoint', (b: string) => ({ policy_decision_point: b })],
    [
      'an endpoint that is not a URL',
      (b: string) => ({ policy_decision_point: b, access_evaluation_endpoint: 'nope' }),
    ],
    [
      'a plain-http endpoint off loopback',
      (b: string) => ({ policy_decision_point: b, access_evaluation_endpoint: 'http://pdp.example.com/e' }),
    ],
  ])('%s → 503, and the policy fails closed', async (_name, doc) => {
    let base = '';
    const server = await pdp((req, res) => json(req, res, 200, doc(base)));
    base = server.url;
    await expect(discoverPdp(base)).rejects.toMatchObject(UNAVAILABLE);
    const policy = authzen({ pdp: base, discovery: true, resourceType: 'document', breaker: false });
    await expect(policy(principal(), { params: { id: '1' }, method: 'GET' })).resolves.toMatchObject({
      allowed: false,
      status: 503,
    });
  });

  it('a failed discovery is retried on the next call', async () => {
    let base = '';
    let up = false;
    const server = await pdp((req, res) => {
      if (!up) return json(req, res, 500, {});
      if (req.url?.startsWith('/.well-known')) {
        return json(req, res, 200, {
          policy_decision_point: base,
          access_evaluation_endpoint: `${base}/access/v1/evaluation`,
        });
      }
      json(req, res, 200, { decision: true });
    });
    base = server.url;
    const policy = authzen({ pdp: base, discovery: true, resourceType: 'document', breaker: false });
    const ctx = { params: { id: '1' }, method: 'GET' };
    await expect(policy(principal(), ctx)).resolves.toMatchObject({ status: 503 });
    up = true;
    await expect(policy(principal(), ctx)).resolves.toEqual({ allowed: true });
  });
});

describe('search APIs', () => {
  it('subject, resource and action searches post the spec JSON to their endpoints and return results and page', async () => {
    const server = await pdp((req, res) => {
      if (req.url === '/access/v1/search/subject') {
        return json(req, res, 200, { results: [{ type: 'user', id: 'alice' }], page: { next_token: 'p2' } });
      }
      if (req.url === '/access/v1/search/resource') {
        return json(req, res, 200, { results: [{ type: 'account', id: '123' }], page: { next_token: '' } });
      }
      json(req, res, 200, { results: [{ name: 'can_read' }, { name: 'can_write' }] });
    });
    const client = createAuthZenClient({ pdp: server.url, credentials: 'k' });
    const subjects = await client.searchSubjects({
      subject: { type: 'user' },
      action: { name: 'can_read' },
      resource: { type: 'account', id: '123' },
      page: { next_token: 'p1' },
    });
    expect(subjects).toEqual({ results: [{ type: 'user', id: 'alice' }], page: { next_token: 'p2' } });
    const resources = await client.searchResources({
      subject: { type: 'user', id: 'alice' },
      action: { name: 'can_read' },
      resource: { type: 'account' },
    });
    expect(resources.results).toEqual([{ type: 'account', id: '123' }]);
    const { searchActions } = client; // a plain function, detached
    const actions = await searchActions({
      subject: { type: 'user', id: 'alice' },
      resource: { type: 'account', id: '123' },
    });
    expect(actions.results.map((a) => a.name)).toEqual(['can_read', 'can_write']);
    expect(server.seen[0]?.body).toEqual({
      subject: { type: 'user' },
      action: { name: 'can_read' },
      resource: { type: 'account', id: '123' },
      page: { next_token: 'p1' },
    });
    expect(
      server.seen.every(
        (s) => s.headers.authorization === 'Bearer k' && typeof s.headers['x-request-id'] === 'string',
      ),
    ).toBe(true);
  });

  it.each([
    ['results that are not an array', { results: { type: 'user', id: 'a' } }],
    ['a result without an id', { results: [{ type: 'user' }] }],
    ['a numeric next_token', { results: [], page: { next_token: 7 } }],
  ])('%s → 503', async (_name, answer) => {
    const server = await pdp((req, res) => json(req, res, 200, answer));
    const client = createAuthZenClient({ pdp: server.url });
    await expect(
      client.searchSubjects({
        subject: { type: 'user' },
        action: { name: 'r' },
        resource: { type: 'a', id: '1' },
      }),
    ).rejects.toMatchObject(UNAVAILABLE);
  });
});
