import { authzen } from '@auth/core';
import type { Principal } from '@auth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevPdp, demoPolicy, parsePolicy, startDevPdp } from '../src/index.ts';

let pdp: DevPdp;
beforeAll(async () => {
  pdp = await startDevPdp({ policy: demoPolicy(), port: 0, key: 'pdp-key' });
});
afterAll(() => pdp.stop());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${pdp.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer pdp-key', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const member = { type: 'user', id: 'bob', properties: { organizations: [{ id: 'org_1', scopes: [] }] } };
const adminOfOrg = {
  type: 'user',
  id: 'ann',
  properties: { organizations: [{ id: 'org_1', scopes: ['admin'] }] },
};
const outsider = { type: 'user', id: 'eve', properties: { organizations: [{ id: 'org_2', scopes: [] }] } };
const docOf = (ownerID: string) => ({ type: 'document', id: 'd1', properties: { orgID: 'org_1', ownerID } });

describe('dev-pdp: AuthZEN 1.0 over HTTP', () => {
  it('publishes its metadata with policy_decision_point equal to its URL', async () => {
    const res = await fetch(`${pdp.url}/.well-known/authzen-configuration`);
    expect(await res.json()).toEqual({
      policy_decision_point: pdp.url,
      access_evaluation_endpoint: `${pdp.url}/access/v1/evaluation`,
      access_evaluations_endpoint: `${pdp.url}/access/v1/evaluations`,
    });
  });

  it.each([
    ['an org member reads', member, 'can_read', docOf('alice'), true],
    ['an org member may not delete', member, 'can_delete', docOf('alice'), false],
    ['the owner deletes', member, 'can_delete', docOf('bob'), true],
    ['an org admin (role scope) deletes', adminOfOrg, 'can_delete', docOf('alice'), true],
    ['an outsider may not read', outsider, 'can_read', docOf('alice'), false],
    ['the owner reads even outside the org', outsider, 'can_read', docOf('eve'), true],
    [
      'another resource type is denied',
      member,
      'can_read',
      { type: 'invoice', id: '1', properties: { orgID: 'org_1' } },
      false,
    ],
  ])('%s', async (_name, subject, action, resource, allowed) => {
    const res = await post(
      '/access/v1/evaluation',
      { subject, action: { name: action }, resource },
      { 'x-request-id': 'r-42' },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('r-42');
    const body = (await res.json()) as { decision: boolean; context?: { reason_user?: unknown } };
    expect(body.decision).toBe(allowed);
    if (!allowed) expect(body.context?.reason_user).toEqual({ '403': expect.any(String) });
  });

  it('evaluations: defaults, overrides and the three semantics', async () => {
    const base = {
      subject: member,
      action: { name: 'can_read' },
      evaluations: [
        { resource: docOf('x') },
        { action: { name: 'can_delete' }, resource: docOf('x') },
        { resource: docOf('x') },
      ],
    };
    const all = await (await post('/access/v1/evaluations', base)).json();
    expect(all.evaluations.map((e: { decision: boolean }) => e.decision)).toEqual([true, false, true]);
    const denyFirst = await (
      await post('/access/v1/evaluations', {
        ...base,
        options: { evaluations_semantic: 'deny_on_first_deny' },
      })
    ).json();
    expect(denyFirst.evaluations.map((e: { decision: boolean }) => e.decision)).toEqual([true, false]);
    const permitFirst = await (
      await post('/access/v1/evaluations', {
        ...base,
        options: { evaluations_semantic: 'permit_on_first_permit' },
      })
    ).json();
    expect(permitFirst.evaluations.map((e: { decision: boolean }) => e.decision)).toEqual([true]);
  });

  it.each([
    ['not JSON', '{nope', 400],
    ['no subject', { action: { name: 'can_read' }, resource: docOf('a') }, 400],
    [
      'a numeric subject id',
      { subject: { type: 'user', id: 7 }, action: { name: 'can_read' }, resource: docOf('a') },
      400,
    ],
    [
      'properties that are not an object',
      { subject: { ...member, properties: [] }, action: { name: 'can_read' }, resource: docOf('a') },
      400,
    ],
  ])('%s → %i, never 500', async (_name, body, status) => {
    expect((await post('/access/v1/evaluation', body)).status).toBe(status);
  });

  it('a wrong or missing key is 401; an unknown semantic is 400; a huge body is refused', async () => {
    const ok = { subject: member, action: { name: 'can_read' }, resource: docOf('a') };
    expect((await post('/access/v1/evaluation', ok, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect(
      (
        await post('/access/v1/evaluations', {
          ...ok,
          evaluations: [{}],
          options: { evaluations_semantic: 'any' },
        })
      ).status,
    ).toBe(400);
    const huge = await post('/access/v1/evaluation', { ...ok, context: { pad: 'x'.repeat(100_000) } }).catch(
      () => undefined,
    );
    expect(huge === undefined || huge.status === 400).toBe(true);
  });

  it('rejects a policy with an unknown condition at start', () => {
    expect(() =>
      parsePolicy({ rules: [{ resourceType: 'document', actions: ['can_read'], when: { ownr: true } }] }),
    ).toThrow(TypeError);
  });
});

describe('the core authzen() policy against the dev PDP (client ↔ PDP interop)', () => {
  const principal = (subject: string, orgs: { id: string; scopes: string[] }[]): Principal => ({
    subject,
    issuer: 'https://idp.example',
    audience: ['api'],
    clientId: null,
    tokenUse: 'access',
    scopes: [],
    groups: [],
    organizations: orgs,
    expiresAtSeconds: null,
    issuedAtSeconds: null,
    claims: Object.create(null),
  });

  it('discovers the PDP, allows the member read, denies the member delete with the PDP reason', async () => {
    const policy = authzen({
      pdp: pdp.url,
      discovery: true,
      credentials: 'pdp-key',
      resource: (_p, ctx) => ({
        type: 'document',
        id: String(ctx?.params?.id),
        properties: { orgID: 'org_1', ownerID: 'alice' },
      }),
    });
    const bob = principal('bob', [{ id: 'org_1', scopes: [] }]);
    await expect(policy(bob, { method: 'GET', params: { id: 'd1' } })).resolves.toEqual({ allowed: true });
    await expect(policy(bob, { method: 'DELETE', params: { id: 'd1' } })).resolves.toEqual({
      allowed: false,
      code: 'ERR_AUTH_FORBIDDEN',
      reason: 'You may not do this with this resource',
    });
    const many = await policy.authorizeMany(bob, [
      { resource: docOf('alice'), action: 'can_read' },
      { resource: docOf('bob'), action: 'can_delete' },
      { resource: docOf('alice'), action: 'can_delete' },
    ]);
    expect(many.map((d) => d.allowed)).toEqual([true, true, false]);
  });
});
