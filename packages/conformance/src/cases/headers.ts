import { expect } from 'vitest';
import { type Case, bearer } from '../case.ts';

const INVALID_REQUEST = { status: 400, code: 'ERR_AUTH_INVALID_REQUEST', error: 'invalid_request' } as const;
/** No credentials (RFC 6750 §3.1): also what a header of another scheme amounts to. */
const MISSING = { status: 401, code: 'ERR_AUTH_MISSING_TOKEN', error: null } as const;
const ok = { status: 200 } as const;
const form = 'application/x-www-form-urlencoded';

/** RFC 6750 header parsing and token locations (contract rows 1-2), on `GET /me`. */
export const headerCases: Case[] = [
  {
    name: 'no credentials: 401 with a bare challenge',
    path: '/me',
    expect: { status: 401, code: 'ERR_AUTH_MISSING_TOKEN', error: null },
  },
  {
    name: 'lowercase scheme "bearer" is accepted',
    path: '/me',
    headers: (env) => [['Authorization', `bearer ${env.tokens.reader}`]],
    expect: ok,
  },
  {
    name: 'uppercase scheme "BEARER" is accepted',
    path: '/me',
    headers: (env) => [['Authorization', `BEARER ${env.tokens.reader}`]],
    expect: ok,
  },
  {
    name: 'two spaces after the scheme are valid ("Bearer" 1*SP b64token)',
    path: '/me',
    headers: (env) => [['Authorization', `Bearer  ${env.tokens.reader}`]],
    expect: ok,
  },
  {
    name: 'several spaces after the scheme are valid',
    path: '/items',
    headers: (env) => [['Authorization', `Bearer     ${env.tokens.reader}`]],
    expect: ok,
  },
  {
    name: 'a tab after the scheme is malformed (spaces only)',
    path: '/me',
    headers: (env) => [['Authorization', `Bearer\t${env.tokens.reader}`]],
    expect: INVALID_REQUEST,
  },
  {
    name: 'unsupported scheme (Basic) is no credentials: 401 without error',
    path: '/me',
    headers: () => [['Authorization', 'Basic dXNlcjpwYXNzd29yZA==']],
    expect: MISSING,
  },
  {
    name: 'unsupported scheme (DPoP while DPoP is off) is no credentials',
    path: '/me',
    headers: (env) => [['Authorization', `DPoP ${env.tokens.reader}`]],
    expect: MISSING,
  },
  {
    name: 'unsupported scheme carrying a valid token (Token <jwt>) is no credentials',
    path: '/items',
    headers: (env) => [['Authorization', `Token ${env.tokens.reader}`]],
    expect: MISSING,
  },
  {
    name: 'unsupported scheme on an optional route: treated as anonymous',
    path: '/optional',
    headers: () => [['Authorization', 'Basic dXNlcjpwYXNzd29yZA==']],
    expect: { status: 200, check: (json) => expect(json).toEqual({ authenticated: false }) },
  },
  {
    name: 'scheme only',
    path: '/me',
    headers: () => [['Authorization', 'Bearer']],
    expect: INVALID_REQUEST,
  },
  {
    name: 'empty Authorization header',
    path: '/me',
    headers: () => [['Authorization', '']],
    expect: INVALID_REQUEST,
  },
  {
    name: 'extra parts after the token',
    path: '/me',
    headers: (env) => [['Authorization', `Bearer ${env.tokens.reader} extra`]],
    expect: INVALID_REQUEST,
  },
  {
    name: 'illegal characters in the token',
    path: '/me',
    headers: () => [['Authorization', 'Bearer abc$def"ghi']],
    expect: INVALID_REQUEST,
  },
  {
    name: 'two Authorization headers (both valid)',
    path: '/me',
    headers: (env) => [
      ['Authorization', `Bearer ${env.tokens.reader}`],
      ['Authorization', `Bearer ${env.tokens.writer}`],
    ],
    expect: INVALID_REQUEST,
  },
  {
    name: 'two Authorization headers (bearer and basic)',
    path: '/me',
    headers: (env) => [
      ['Authorization', 'Basic dXNlcjpwYXNzd29yZA=='],
      ['authorization', `Bearer ${env.tokens.reader}`],
    ],
    expect: INVALID_REQUEST,
  },
  {
    name: 'comma-joined Authorization values',
    path: '/me',
    headers: (env) => [['Authorization', `Bearer ${env.tokens.reader}, Bearer ${env.tokens.writer}`]],
    expect: INVALID_REQUEST,
  },
  {
    name: 'a token in the query string is ignored when query tokens are off',
    path: (env) => `/me?access_token=${env.tokens.reader}`,
    expect: { status: 401, code: 'ERR_AUTH_MISSING_TOKEN', error: null },
  },
  {
    name: 'a header token and an access_token in the query: 400 even with query tokens off',
    path: (env) => `/me?access_token=${env.tokens.writer}`,
    headers: (env) => bearer(env.tokens.reader),
    expect: INVALID_REQUEST,
  },
  {
    name: 'a header token and an empty access_token query parameter: 400',
    path: '/items?access_token=',
    headers: (env) => bearer(env.tokens.reader),
    expect: INVALID_REQUEST,
  },
  {
    name: 'a header token and an access_token in a form body: 400 even with body tokens off',
    method: 'POST',
    path: '/items',
    contentType: form,
    body: 'name=widget&access_token=eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJlLXNlY29uZC10b2tlbg',
    headers: (env) => bearer(env.tokens.writer),
    expect: INVALID_REQUEST,
  },
  {
    name: 'a header token and other query parameters are fine',
    path: '/items?page=2&token_hint=x',
    headers: (env) => bearer(env.tokens.reader),
    expect: ok,
  },
  {
    name: 'query tokens on: a token in the query string is accepted',
    app: 'query',
    path: (env) => `/me?access_token=${env.tokens.reader}`,
    expect: ok,
  },
  {
    name: 'query tokens on: header and query together',
    app: 'query',
    path: (env) => `/me?access_token=${env.tokens.reader}`,
    headers: (env) => bearer(env.tokens.reader),
    expect: INVALID_REQUEST,
  },
  {
    name: 'query tokens on: two access_token parameters',
    app: 'query',
    path: (env) => `/me?access_token=${env.tokens.reader}&access_token=${env.tokens.writer}`,
    expect: INVALID_REQUEST,
  },
  {
    name: 'custom token header: a bare token in X-Auth-Token is accepted',
    app: 'header',
    path: '/me',
    headers: (env) => [['X-Auth-Token', env.tokens.reader]],
    expect: ok,
  },
  {
    name: 'custom token header: Authorization is not read then (no credentials)',
    app: 'header',
    path: '/me',
    headers: (env) => bearer(env.tokens.reader),
    expect: MISSING,
  },
  {
    name: 'custom token header: sent twice',
    app: 'header',
    path: '/me',
    headers: (env) => [
      ['X-Auth-Token', env.tokens.reader],
      ['x-auth-token', env.tokens.writer],
    ],
    expect: INVALID_REQUEST,
  },
  {
    name: 'custom token header: comma-joined values',
    app: 'header',
    path: '/me',
    headers: (env) => [['X-Auth-Token', `${env.tokens.reader}, ${env.tokens.writer}`]],
    expect: INVALID_REQUEST,
  },
  {
    name: 'custom token header: two tokens',
    app: 'header',
    path: '/me',
    headers: (env) => [['X-Auth-Token', `${env.tokens.reader} extra`]],
    expect: INVALID_REQUEST,
  },
  {
    name: 'custom token header: characters outside token68',
    app: 'header',
    path: '/me',
    headers: () => [['X-Auth-Token', 'abc$def"ghi']],
    expect: INVALID_REQUEST,
  },
  {
    name: 'custom token header: a token there and in the query',
    app: 'header',
    path: (env) => `/me?access_token=${env.tokens.reader}`,
    headers: (env) => [['X-Auth-Token', env.tokens.reader]],
    expect: INVALID_REQUEST,
  },
  {
    name: 'custom realm: the challenge names it (quotes escaped)',
    app: 'realm',
    path: '/me',
    expect: { status: 401, code: 'ERR_AUTH_MISSING_TOKEN', error: null, realm: 'demo "realm"' },
  },
  {
    name: 'custom realm: malformed header',
    app: 'realm',
    path: '/me',
    headers: () => [['Authorization', 'Bearer']],
    expect: { ...INVALID_REQUEST, realm: 'demo "realm"' },
  },
  {
    name: 'custom realm: insufficient scope',
    app: 'realm',
    path: '/items',
    headers: (env) => bearer(env.tokens.noscope),
    expect: { status: 403, code: 'ERR_AUTH_INSUFFICIENT_SCOPE', scope: 'read:items', realm: 'demo "realm"' },
  },
];
