import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../src/verify/index.ts';
import { generateKeyPair, startJwksServer } from '@auth/testing';
import { signToken } from '../fixtures/jws.ts';

describe('smoke', () => {
  it('verifies RS256, ES256, EdDSA through a local JWKS', async () => {
    const keys = [
      await generateKeyPair('RS256'),
      await generateKeyPair('ES256'),
      await generateKeyPair('EdDSA'),
    ];
    const srv = await startJwksServer({ keys: keys.map((k) => k.publicJwk) });
    const v = createVerifier({ issuers: [{ issuer: srv.issuer, audience: 'api', jwksUri: srv.jwksUri }] });
    const now = Math.floor(Date.now() / 1000);
    for (const k of keys) {
      const t = signToken(k, {
        iss: srv.issuer,
        sub: 'u1',
        aud: 'api',
        exp: now + 60,
        iat: now,
        scope: 'a b',
      });
      const p = await v.verify(t);
      expect(p.subject).toBe('u1');
      expect(p.scopes).toEqual(['a', 'b']);
      expect(await v.verify(t)).toBe(p);
    }
    expect(srv.counters.jwks).toBe(1);
    v.close();
    await srv.close();
  });
});
