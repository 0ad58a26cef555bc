/**
 * The principal carries `email`, `name` and `role` as typed fields when the verified claims hold
 * them as strings (Cognito's `custom:role` too), without augmenting `Register`; absent otherwise.
 */
import { generateKeyPair, startJwksServer } from '@auth/testing';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../src/index.ts';
import { createVerifier } from '../../src/verify/index.ts';
import { signToken } from '../fixtures/jws.ts';

describe('principal identity fields', () => {
  it('email, name and role come from the claims when present, typed as strings', async () => {
    const key = await generateKeyPair('RS256');
    const srv = await startJwksServer({ keys: [key.publicJwk] });
    const v = createVerifier({ issuers: [{ issuer: srv.issuer, audience: 'api', jwksUri: srv.jwksUri }] });
    const now = Math.floor(Date.now() / 1000);
    const base = { iss: srv.issuer, aud: 'api', exp: now + 60, iat: now };
    try {
      const full: Principal = await v.verify(
        signToken(key, { ...base, sub: 'u1', email: 'ada@example.com', name: 'Ada', role: 'CLIENT_ADMIN' }),
      );
      const email: string | undefined = full.email;
      expect([email, full.name, full.role]).toEqual(['ada@example.com', 'Ada', 'CLIENT_ADMIN']);
      expect(Object.isFrozen(full)).toBe(true);

      const cognito = await v.verify(signToken(key, { ...base, sub: 'u2', 'custom:role': 'INTERNAL_USER' }));
      expect(cognito.role).toBe('INTERNAL_USER');
      expect(cognito).not.toHaveProperty('email');

      const none = await v.verify(signToken(key, { ...base, sub: 'u3', email: 42, name: '', role: ['x'] }));
      expect(none).not.toHaveProperty('email');
      expect(none).not.toHaveProperty('name');
      expect(none).not.toHaveProperty('role');
    } finally {
      v.close();
      await srv.close();
    }
  });
});
