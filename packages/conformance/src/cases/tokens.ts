import { type Case, bearer } from '../case.ts';

const now = () => Math.floor(Date.now() / 1000);
const invalid = (code: string | readonly string[] | RegExp) =>
  ({ status: 401, code, error: 'invalid_token' }) as const;

/** Tokens that fail verification (contract row 3) and keys that cannot be had (row 6). */
export const tokenCases: Case[] = [
  {
    name: 'a valid token of a second issuer (local JWKS) is accepted',
    path: '/items',
    headers: (env) => env.mint().then(bearer),
    expect: { status: 200 },
  },
  {
    name: 'not a JWT',
    path: '/me',
    headers: () => bearer('abcdefghijklmnopqrstuvwxyz'),
    expect: invalid(['ERR_AUTH_MALFORMED_TOKEN', 'ERR_AUTH_INVALID_TOKEN']),
  },
  {
    name: 'expired',
    path: '/me',
    headers: (env) => env.mint({ iat: now() - 7200, exp: now() - 3600 }).then(bearer),
    expect: invalid('ERR_AUTH_TOKEN_EXPIRED'),
  },
  {
    name: 'not yet valid',
    path: '/me',
    headers: (env) => env.mint({ nbf: now() + 3600 }).then(bearer),
    expect: invalid('ERR_AUTH_TOKEN_NOT_YET_VALID'),
  },
  {
    name: 'bad signature (another key under the same kid)',
    path: '/me',
    headers: (env) => env.badSignature().then(bearer),
    expect: invalid('ERR_AUTH_INVALID_SIGNATURE'),
  },
  {
    name: 'wrong audience',
    path: '/me',
    headers: (env) => env.mint({ aud: 'api://other' }).then(bearer),
    expect: invalid('ERR_AUTH_INVALID_AUDIENCE'),
  },
  {
    name: 'unknown issuer',
    path: '/me',
    headers: (env) => env.mint({ iss: 'https://evil.example' }).then(bearer),
    expect: invalid('ERR_AUTH_UNTRUSTED_ISSUER'),
  },
  {
    name: 'unknown kid',
    path: '/me',
    headers: (env) => env.mint({}, { kid: 'no-such-kid' }).then(bearer),
    expect: invalid('ERR_AUTH_KEY_NOT_FOUND'),
  },
  {
    name: 'alg none',
    path: '/me',
    headers: (env) =>
      env.mint().then((token) => {
        const [, payload] = token.split('.');
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
        return bearer(`${header}.${payload}.`);
      }),
    expect: invalid(['ERR_AUTH_ALG_NOT_ALLOWED', 'ERR_AUTH_MALFORMED_TOKEN', 'ERR_AUTH_INVALID_TOKEN']),
  },
  {
    name: 'JWKS down and nothing cached: 503 with Retry-After',
    path: '/me',
    headers: (env) => env.keysDown().then(bearer),
    expect: { status: 503, code: 'ERR_AUTH_KEYS_UNAVAILABLE' },
  },
  {
    name: 'JWKS down with keys cached: a token of a key not cached yet is 503 with Retry-After, not 401',
    path: '/me',
    headers: (env) => env.keysCachedThenDown().then(({ rotated }) => bearer(rotated)),
    expect: { status: 503, code: 'ERR_AUTH_KEYS_UNAVAILABLE' },
  },
  {
    name: 'JWKS down with keys cached: a token of a cached key still verifies (stale-if-error)',
    path: '/me',
    headers: (env) => env.keysCachedThenDown().then(({ cached }) => bearer(cached)),
    expect: { status: 200 },
  },
  {
    name: 'a malformed key in the JWKS: 401, not 500',
    path: '/me',
    headers: (env) => env.brokenKey().then(bearer),
    expect: invalid(['ERR_AUTH_INVALID_KEY', 'ERR_AUTH_KEY_NOT_FOUND']),
  },
  {
    name: 'a 1024-bit RSA key in the JWKS: 401, not 500',
    path: '/me',
    headers: (env) => env.weakKey().then(bearer),
    expect: invalid(['ERR_AUTH_INVALID_KEY', 'ERR_AUTH_KEY_NOT_FOUND']),
  },
  {
    name: 'a failing token on an authorized route is 401, not 403',
    path: '/items',
    headers: (env) => env.mint({ aud: 'api://other', scope: '' }).then(bearer),
    expect: invalid('ERR_AUTH_INVALID_AUDIENCE'),
  },
  {
    // RFC 9449 §7.1, RFC 8705 §3: a key-bound token proves nothing without the proof of possession.
    name: 'a DPoP-bound token (cnf.jkt) sent as a plain Bearer token',
    path: '/me',
    headers: (env) => env.mint({ cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } }).then(bearer),
    expect: invalid(/^ERR_AUTH_/),
  },
  {
    name: 'a certificate-bound token (cnf.x5t#S256) sent as a plain Bearer token',
    path: '/me',
    headers: (env) =>
      env.mint({ cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' } }).then(bearer),
    expect: invalid(/^ERR_AUTH_/),
  },
  {
    name: 'an oversized token',
    path: '/me',
    headers: () => bearer(`${'a'.repeat(6000)}.${'b'.repeat(6000)}.c`),
    expect: invalid(['ERR_AUTH_TOKEN_TOO_LARGE', 'ERR_AUTH_MALFORMED_TOKEN']),
  },
];
