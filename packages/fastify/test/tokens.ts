import { createHmac } from 'node:crypto';
import type { AuthenticatorOptions } from '@auth/core';

// HS256 tokens for the plugin's own tests (the conformance suite covers real IdP tokens and keys).
export const ISSUER = 'https://issuer.test';
export const AUDIENCE = 'api://plugin-tests';
const SECRET = 'plugin-tests-secret-0123456789abcdef';

export const authOptions = (
  overrides: Partial<AuthenticatorOptions> = {},
  audience: string = AUDIENCE,
): AuthenticatorOptions => ({
  issuers: [{ issuer: ISSUER, audience, algorithms: ['HS256'], secret: SECRET }],
  ...overrides,
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

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

export const bearer = (claims?: Record<string, unknown>) => ({ authorization: `Bearer ${token(claims)}` });
