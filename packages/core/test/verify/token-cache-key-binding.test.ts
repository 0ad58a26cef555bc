/**
 * A token-cache hit must not be weaker than the verification it skips: the key that verified the
 * token must still be the key the issuer's JWKS selects for it (a key replaced under the same kid, or
 * the only key of a kid-less token replaced, stops passing after the refresh), and what depends on the
 * clock or on per-call overrides is checked again on every call.
 */
import { describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from '../../src/authenticate.ts';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import type { VerifierOptions } from '../../src/verify/options.ts';
import { BACKENDS, withBackend } from '../fixtures/verify-backends.ts';
import { createClock, generateKeyPair } from '@auth/testing';
import { signToken, T0 } from '../fixtures/jws.ts';

const ISS = 'https://issuer.cache-binding.test';
const AUD = 'api://cache-binding';
const first = await generateKeyPair('RS256', { kid: 'same-kid' });
const second = await generateKeyPair('RS256', { kid: 'same-kid-b' }); // another key pair; published below under first's kid
const noKid = (jwk: Record<string, unknown>) => {
  const { kid: _kid, ...rest } = jwk;
  return rest;
};

describe.each(BACKENDS)('token cache hits re-check the verifying key (%s backend)', (_name, backend) => {
  function setup(initial: Record<string, unknown>[], extra: Partial<VerifierOptions> = {}) {
    const clock = createClock(T0);
    let keys = initial;
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => Response.json({ keys }));
    const options = withBackend(
      {
        issuers: [
          { issuer: ISS, audience: AUD, jwksUri: `${ISS}/jwks`, requiredClaims: ['iss', 'sub', 'exp'] },
        ],
        fetch,
        clock,
        ...extra,
      },
      backend,
    );
    const verifier = createVerifier(options);
    const now = clock.seconds();
    const claims = { iss: ISS, sub: 'u', aud: AUD, iat: now, exp: now + 3_600 };
    return {
      clock,
      verifier,
      claims,
      fetch,
      setKeys: (k: Record<string, unknown>[]) => {
        keys = k;
      },
      /** Past the JWKS expiry (10 min), inside stale-if-error: hydrate() refetches and installs now. */
      refresh: async () => {
        clock.advance(11 * 60_000);
        await verifier.hydrate();
      },
    };
  }

  it('a key replaced under the same kid stops passing cached tokens after the refresh', async () => {
    const t = setup([first.publicJwk]);
    const token = signToken(first, t.claims); // header kid: same-kid
    const principal = await t.verifier.verify(token);
    expect(await t.verifier.verify(token)).toBe(principal); // a hit
    t.setKeys([{ ...second.publicJwk, kid: first.kid }]);
    await t.refresh();
    expect(t.fetch).toHaveBeenCalledTimes(2);
    await expect(t.verifier.verify(token)).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_SIGNATURE',
      status: 401,
    });
  });

  it('a kid-less token stops passing once its only key is replaced', async () => {
    const t = setup([noKid(first.publicJwk)]);
    const token = signToken(first, t.claims, { kid: undefined });
    const principal = await t.verifier.verify(token);
    expect(await t.verifier.verify(token)).toBe(principal);
    t.setKeys([noKid(second.publicJwk)]);
    await t.refresh();
    await expect(t.verifier.verify(token)).rejects.toMatchObject({ status: 401 });
  });

  it('a kid-less token stops passing when a second key makes the choice ambiguous', async () => {
    const t = setup([noKid(first.publicJwk)]);
    const token = signToken(first, t.claims, { kid: undefined });
    await t.verifier.verify(token);
    t.setKeys([noKid(first.publicJwk), noKid(second.publicJwk)]);
    await t.refresh();
    await expect(t.verifier.verify(token)).rejects.toMatchObject({ code: 'ERR_AUTH_KEY_NOT_FOUND' });
  });

  it('the same key material after a refresh keeps the cached entry (no re-verification)', async () => {
    const t = setup([first.publicJwk]);
    const token = signToken(first, t.claims);
    const principal = await t.verifier.verify(token);
    t.setKeys([{ ...first.publicJwk }, (await generateKeyPair('ES256', { kid: 'other' })).publicJwk]);
    await t.refresh();
    expect(await t.verifier.verify(token)).toBe(principal);
  });

  it('the authenticator fast path (peek) applies the same key check', async () => {
    const t = setup([first.publicJwk]);
    const auth = createAuthenticator(t.verifier);
    const token = signToken(first, t.claims);
    const req = { headers: { authorization: `Bearer ${token}` } };
    const principal = await auth.authenticate(req);
    expect(await auth.authenticate(req)).toBe(principal);
    t.setKeys([{ ...second.publicJwk, kid: first.kid }]);
    await t.refresh();
    await expect(auth.authenticate(req)).rejects.toMatchObject({ status: 401 });
  });

  it('a hit re-checks expiry and nbf against the current clock', async () => {
    const t = setup([first.publicJwk]);
    const now = t.clock.seconds();
    const token = signToken(first, { ...t.claims, exp: now + 30 });
    await t.verifier.verify(token);
    t.clock.advance(36_000); // past exp + 5 s tolerance
    await expect(t.verifier.verify(token)).rejects.toMatchObject({ code: 'ERR_AUTH_TOKEN_EXPIRED' });
  });

  it('per-call overrides still apply when the token is in the cache', async () => {
    const t = setup([first.publicJwk], {
      issuers: [{ issuer: ISS, audience: [AUD, 'api://b'], jwksUri: `${ISS}/jwks` }],
    });
    const token = signToken(first, { ...t.claims, client_id: 'app' });
    await t.verifier.verify(token);
    await t.verifier.verify(token); // cached now
    await expect(t.verifier.verify(token, { audience: 'api://b' })).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_AUDIENCE',
    });
    await expect(t.verifier.verify(token, { clientId: 'other' })).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_CLIENT_ID',
    });
    await expect(t.verifier.verify(token, { requiredClaims: ['tenant'] })).rejects.toMatchObject({
      code: 'ERR_AUTH_MISSING_CLAIM',
    });
    t.clock.advance(60_000);
    await expect(t.verifier.verify(token, { maxTokenAgeSeconds: 30 })).rejects.toMatchObject({
      code: 'ERR_AUTH_TOKEN_TOO_OLD',
    });
    await expect(t.verifier.verify(token)).resolves.toMatchObject({ subject: 'u' });
  });
});
