/**
 * The AuthZEN "Todo" interop scenario (1.0 payloads, reconstructed from the interop site's payload
 * document): five users, five actions, the policy as a dev-pdp policy file. Run against the PDP over
 * HTTP with the scenario's own request payloads, and through core's authzen() client.
 */
import { readFileSync } from 'node:fs';
import { authzen } from '@auth/core';
import type { Principal } from '@auth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevPdp, startDevPdp } from '../src/index.ts';

const policy = JSON.parse(readFileSync(new URL('./todo-policy.json', import.meta.url), 'utf8'));
const users = {
  rick: 'CiRmZDA2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs',
  morty: 'CiRmZDE2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs',
  summer: 'CiRmZDI2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs',
  beth: 'CiRmZDM2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs',
  jerry: 'CiRmZDQ2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs',
} as const;
type User = keyof typeof users;
const todoOfMorty = {
  type: 'todo',
  id: '7240d0db-8ff0-41ec-98b2-34a096273b9f',
  properties: { ownerID: 'morty@the-citadel.com' },
};

// [action, resource, users allowed]: the scenario's expected decisions.
const vectors: [string, Record<string, unknown>, User[]][] = [
  [
    'can_read_user',
    { type: 'user', id: 'morty@the-citadel.com' },
    ['rick', 'morty', 'summer', 'beth', 'jerry'],
  ],
  ['can_read_todos', { type: 'todo', id: 'todo-1' }, ['rick', 'morty', 'summer', 'beth', 'jerry']],
  ['can_create_todo', { type: 'todo', id: 'todo-1' }, ['rick', 'morty', 'summer']],
  ['can_update_todo', todoOfMorty, ['rick', 'morty']],
  ['can_delete_todo', todoOfMorty, ['rick', 'morty']],
];
const rows = vectors.flatMap(([action, resource, allowed]) =>
  (Object.keys(users) as User[]).map((user) => [action, user, resource, allowed.includes(user)] as const),
);

let pdp: DevPdp;
beforeAll(async () => {
  pdp = await startDevPdp({ policy, port: 0 });
});
afterAll(() => pdp.stop());

describe('Todo interop: the dev PDP answers the scenario payloads', () => {
  it.each(rows)('%s by %s', async (action, user, resource, allowed) => {
    const res = await fetch(`${pdp.url}/access/v1/evaluation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': `${action}-${user}` },
      body: JSON.stringify({
        subject: { type: 'user', id: users[user] },
        action: { name: action },
        resource,
        context: {},
      }),
    });
    expect(res.headers.get('x-request-id')).toBe(`${action}-${user}`);
    expect(((await res.json()) as { decision: boolean }).decision).toBe(allowed);
  });
});

describe('Todo interop: core authzen() as the PEP', () => {
  const principal = (sub: string): Principal => ({
    subject: sub,
    issuer: 'https://citadel.example',
    audience: [],
    clientId: null,
    tokenUse: 'access',
    scopes: [],
    groups: [],
    organizations: [],
    expiresAtSeconds: null,
    issuedAtSeconds: null,
    claims: Object.create(null),
  });

  it.each(rows)('%s by %s', async (action, user, resource, allowed) => {
    const pep = authzen({
      pdp: pdp.url,
      discovery: true,
      subject: (p) => ({ type: 'user', id: p.subject }),
      action,
      resource: () => resource as { type: string; id: string },
      context: () => ({}),
    });
    expect((await pep(principal(users[user]))).allowed).toBe(allowed);
  });

  it('the same vectors in one Evaluations call per user (execute_all)', async () => {
    const pep = authzen({ pdp: pdp.url, subject: (p) => ({ type: 'user', id: p.subject }) });
    for (const user of Object.keys(users) as User[]) {
      const decisions = await pep.authorizeMany(
        principal(users[user]),
        vectors.map(([action, resource]) => ({ action, resource: resource as { type: string; id: string } })),
      );
      expect(decisions.map((d) => d.allowed)).toEqual(vectors.map(([, , ok]) => ok.includes(user)));
    }
  });
});
