import { expect } from 'vitest';
import { type Case, bearer } from '../case.ts';
import { expectPrincipal } from '../expectations.ts';

const MISSING = { status: 401, code: 'ERR_AUTH_MISSING_TOKEN', error: null } as const;

/** Every route of the demo API with the right, the wrong and no token (real dev-IdP tokens). */
export const routeCases: Case[] = [
  {
    name: 'GET /health is public',
    path: '/health',
    expect: { status: 200, check: (json) => expect(json).toEqual({ status: 'ok' }) },
  },
  {
    name: 'GET /health ignores a bad token',
    path: '/health',
    headers: () => bearer('not-a-jwt'),
    expect: { status: 200, check: (json) => expect(json).toEqual({ status: 'ok' }) },
  },
  { name: 'GET /me without credentials', path: '/me', expect: MISSING },
  {
    name: 'GET /me with a dev IdP token returns the principal',
    path: '/me',
    headers: (env) => bearer(env.tokens.reader),
    expect: {
      status: 200,
      check: (json, _text, env) =>
        expectPrincipal(json, {
          issuer: env.devIssuer,
          clientId: 'reader',
          scopes: ['read:items'],
          groups: [],
        }),
    },
  },
  {
    name: 'GET /items with read:items',
    path: '/items',
    headers: (env) => bearer(env.tokens.reader),
    expect: { status: 200, check: (json) => expect(Array.isArray(json)).toBe(true) },
  },
  {
    name: 'GET /items without read:items (insufficient scope)',
    path: '/items',
    headers: (env) => bearer(env.tokens.noscope),
    expect: { status: 403, code: 'ERR_AUTH_INSUFFICIENT_SCOPE', scope: 'read:items' },
  },
  { name: 'GET /items without credentials', path: '/items', expect: MISSING },
  {
    name: 'POST /items with write:items',
    method: 'POST',
    path: '/items',
    body: '{"name":"widget"}',
    headers: (env) => bearer(env.tokens.writer),
    expect: { status: 201 },
  },
  {
    name: 'POST /items with read:items only',
    method: 'POST',
    path: '/items',
    body: '{"name":"widget"}',
    headers: (env) => bearer(env.tokens.reader),
    expect: { status: 403, code: 'ERR_AUTH_INSUFFICIENT_SCOPE', scope: 'write:items' },
  },
  {
    name: 'GET /admin in group admin',
    path: '/admin',
    headers: (env) => bearer(env.tokens.admin),
    expect: { status: 200 },
  },
  {
    name: 'GET /admin without group admin (missing group)',
    path: '/admin',
    headers: (env) => bearer(env.tokens.reader),
    expect: {
      status: 403,
      code: ['ERR_AUTH_MISSING_GROUP', 'ERR_AUTH_FORBIDDEN'],
      error: 'insufficient_scope',
    },
  },
  {
    name: 'GET /optional without credentials',
    path: '/optional',
    expect: { status: 200, check: (json) => expect(json).toEqual({ authenticated: false }) },
  },
  {
    name: 'GET /optional with a valid token returns the principal',
    path: '/optional',
    headers: (env) => bearer(env.tokens.writer),
    expect: {
      status: 200,
      check: (json, _text, env) => expectPrincipal(json, { issuer: env.devIssuer, clientId: 'writer' }),
    },
  },
  {
    name: 'GET /optional with a bad token',
    path: '/optional',
    headers: (env) => env.mint({ exp: Math.floor(Date.now() / 1000) - 600 }).then(bearer),
    expect: { status: 401, code: 'ERR_AUTH_TOKEN_EXPIRED' },
  },
  {
    name: 'GET /optional with a malformed header',
    path: '/optional',
    headers: () => [['Authorization', 'Bearer']],
    expect: { status: 400, code: 'ERR_AUTH_INVALID_REQUEST' },
  },
  {
    name: 'GET /orgs/org_1/projects with projects:read in org_1 (org permission present)',
    path: '/orgs/org_1/projects',
    headers: (env) => bearer(env.tokens.orgMember),
    expect: { status: 200, check: (json) => expect(Array.isArray(json)).toBe(true) },
  },
  {
    name: 'GET /orgs/org_2/projects with a permission in org_1 only (org permission absent)',
    path: '/orgs/org_2/projects',
    headers: (env) => bearer(env.tokens.orgMember),
    expect: {
      status: 403,
      code: ['ERR_AUTH_MISSING_ORG_PERMISSION', 'ERR_AUTH_FORBIDDEN'],
      error: 'insufficient_scope',
    },
  },
  {
    name: 'GET /orgs/org_1/projects without any organization',
    path: '/orgs/org_1/projects',
    headers: (env) => bearer(env.tokens.reader),
    expect: {
      status: 403,
      code: ['ERR_AUTH_MISSING_ORG_PERMISSION', 'ERR_AUTH_FORBIDDEN'],
      error: 'insufficient_scope',
    },
  },
  {
    name: 'GET /service with a bearer token returns the principal',
    path: '/service',
    headers: (env) => bearer(env.tokens.reader),
    expect: {
      status: 200,
      check: (json, _text, env) => expectPrincipal(json, { issuer: env.devIssuer, clientId: 'reader' }),
    },
  },
  { name: 'GET /service without credentials', path: '/service', expect: MISSING },
];
