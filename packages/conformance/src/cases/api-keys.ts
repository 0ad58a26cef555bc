import { expect } from 'vitest';
import { type Case, bearer } from '../case.ts';
import { SERVICE_PRINCIPAL } from '../environment.ts';

const INVALID_KEY = { status: 401, code: 'ERR_AUTH_INVALID_API_KEY', error: null } as const;
const keyHeaders = (id: string, token: string) =>
  [
    ['x-principal-id', id],
    ['x-principal-token', token],
  ] as const;

/** Service-principal credentials (contract row 7) on `GET /service`, which also takes a bearer token. */
export const apiKeyCases: Case[] = [
  {
    name: 'GET /service with valid API key headers returns the service principal',
    path: '/service',
    headers: () => keyHeaders(SERVICE_PRINCIPAL.id, SERVICE_PRINCIPAL.token),
    expect: {
      status: 200,
      check: (json) => {
        expect(json).toMatchObject({
          subject: SERVICE_PRINCIPAL.id,
          tokenUse: 'api_key',
          scopes: ['read:items'],
        });
        expect(Array.isArray(json.groups)).toBe(true);
      },
    },
  },
  {
    name: 'GET /service with a wrong API key token',
    path: '/service',
    headers: () => keyHeaders(SERVICE_PRINCIPAL.id, 'wrong-service-token-000000000000'),
    expect: INVALID_KEY,
  },
  {
    name: 'GET /service with an unknown principal id',
    path: '/service',
    headers: () => keyHeaders('svc-unknown', SERVICE_PRINCIPAL.token),
    expect: INVALID_KEY,
  },
  {
    name: 'GET /service with only the id header',
    path: '/service',
    headers: () => [['x-principal-id', SERVICE_PRINCIPAL.id]],
    expect: { status: 400, code: 'ERR_AUTH_INVALID_REQUEST' },
  },
  {
    name: 'GET /service with two x-principal-token headers',
    path: '/service',
    headers: () => [...keyHeaders(SERVICE_PRINCIPAL.id, SERVICE_PRINCIPAL.token), ['x-principal-token', 'x']],
    expect: { status: 400, code: 'ERR_AUTH_INVALID_REQUEST' },
  },
  {
    name: 'GET /service with a bearer token and API key headers together',
    path: '/service',
    headers: (env) => [
      ...bearer(env.tokens.reader),
      ...keyHeaders(SERVICE_PRINCIPAL.id, SERVICE_PRINCIPAL.token),
    ],
    expect: { status: 400, code: 'ERR_AUTH_INVALID_REQUEST' },
  },
  {
    name: 'API key headers are not accepted where only bearer tokens are (GET /me)',
    path: '/me',
    headers: () => keyHeaders(SERVICE_PRINCIPAL.id, SERVICE_PRINCIPAL.token),
    expect: { status: 401, code: 'ERR_AUTH_MISSING_TOKEN', error: null },
  },
];
