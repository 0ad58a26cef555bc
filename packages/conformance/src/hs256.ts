import { createHmac } from 'node:crypto';
import type { AuthenticatorOptions } from '@auth/core';

// HS256 tokens for the adapters' own plugin tests (the conformance suite covers real IdP tokens and keys).
// Exported as the `hs256` namespace: its names (AUDIENCE…) would clash with the suite's own.
export const ISSUER = 'https://issuer.test';
export const AUDIENCE = 'api://plugin-tests';
const SECRET = 'plugin-tests-secret-0123456789abcdef';

/** Authenticator options trusting the HS256 test issuer (for `audience`, default AUDIENCE). */
export const authOptions = (
  overrides: Partial<AuthenticatorOptions> = {},
  audience: string = AUDIENCE,
): AuthenticatorOptions => ({
  issuers: [{ issuer: ISSUER, audience, algorithms: ['HS256'], secret: SECRET }],
  ...overrides,
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token of the HS256 test issuer for `user-1`, valid 10 minutes; `claims` override or add. */
export function token(claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    iat: now,
    exp: now + 600,
    ...claims,
  })}`;
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
}

/** An Authorization header carrying `token(claims)`. */
export const bearer = (claims?: Record<string, unknown>) => ({
  authorization: `Bearer ${token(claims)}`,
});
