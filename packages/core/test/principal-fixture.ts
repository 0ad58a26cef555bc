import type { Principal } from '../src/types.ts';

/** A plain access-token principal for policy tests; override any field. */
export function principal(overrides: Partial<Principal> = {}): Principal {
  return {
    subject: 'user_1',
    issuer: 'https://issuer.test/',
    audience: ['api://demo'],
    clientId: 'client_1',
    tokenUse: 'access',
    scopes: [],
    groups: [],
    organizations: [],
    expiresAtSeconds: null,
    issuedAtSeconds: null,
    claims: Object.assign(Object.create(null), { sub: 'user_1' }),
    ...overrides,
  };
}
