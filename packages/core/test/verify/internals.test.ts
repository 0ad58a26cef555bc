/**
 * The authenticator reaches a verifier's token cache through an internal interface looked up by
 * verifier, not through a hidden member of the verifier: the object users hold carries only the public
 * members and the brand, only verifiers made by createVerifier have internals, and the package root
 * does not export them.
 */
import { describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from '../../src/authenticate.ts';
import * as root from '../../src/index.ts';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import { verifierInternals } from '../../src/verify/internals.ts';
import type { Verifier, VerifierOptions } from '../../src/verify/options.ts';
import { generateKeyPair } from '@auth/testing';
import { signToken } from '../fixtures/jws.ts';

const ISS = 'https://issuer.internals.test';
const AUD = 'api://internals';
const ed = await generateKeyPair('EdDSA', { kid: 'ed' });

const options = (): VerifierOptions => ({
  issuers: [{ issuer: ISS, audience: AUD, jwksUri: `${ISS}/jwks` }],
  fetch: vi.fn(async () => Response.json({ keys: [ed.publicJwk] })),
  signatureVerification: 'sync',
});
const token = () => {
  const now = Math.floor(Date.now() / 1000);
  return signToken(ed, { iss: ISS, sub: 'user-1', aud: AUD, iat: now, exp: now + 600 });
};

describe('verifier internals', () => {
  it('a verifier object carries only its public members and the brand, no hidden internals', () => {
    const verifier = createVerifier(options());
    expect(Object.keys(verifier).sort()).toEqual(['close', 'hydrate', 'ready', 'verify']);
    expect(Object.getOwnPropertySymbols(verifier).map(String)).toEqual(['Symbol(@auth/core.Verifier)']);
    verifier.close();
  });

  it('the fast path finds a token verified once, through the internals of that very verifier', async () => {
    const verifier = createVerifier(options());
    const t = token();
    expect(verifierInternals(verifier)!.peek(t)).toBeUndefined();
    const principal = await verifier.verify(t);
    expect(verifierInternals(verifier)!.peek(t)).toBe(principal);
    verifier.close();
  });

  it('a hand-made Verifier has no internals and still authenticates through verify()', async () => {
    const inner = createVerifier(options());
    const verify = vi.fn((t: string) => inner.verify(t));
    const wrapper: Verifier = {
      verify,
      hydrate: () => inner.hydrate(),
      get ready() {
        return inner.ready;
      },
      close: () => inner.close(),
    };
    expect(verifierInternals(wrapper)).toBeUndefined();
    const auth = createAuthenticator(wrapper);
    const req = { headers: { authorization: `Bearer ${token()}` } };
    expect((await auth.authenticate(req))?.subject).toBe('user-1');
    expect((await auth.authenticate(req))?.subject).toBe('user-1');
    expect(verify).toHaveBeenCalledTimes(2);
    inner.close();
  });

  it('the package root does not export them', () => {
    expect(Object.keys(root)).not.toContain('verifierInternals');
    expect(Object.keys(root)).not.toContain('registerInternals');
  });
});
