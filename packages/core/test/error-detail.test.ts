/**
 * Errors carry server-side detail (which claim, issuer seen vs configured, kid, JWKS URL, HTTP status)
 * on a non-enumerable `detail`, while `message` stays a fixed text for clients; `cause` is kept on every
 * later failure of the same kind, not only the first; nothing carries the token itself.
 */
import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { type AuthError, InvalidTokenError } from '../src/errors.ts';
import { createVerifier } from '../src/verify/create-verifier.ts';
import type { VerifierOptions } from '../src/verify/options.ts';
import { createClock, generateKeyPair } from '@auth/testing';
import { signToken, T0 } from './fixtures/jws.ts';

const ISS = 'https://issuer.detail.test';
const AUD = 'api://detail';
const rs = await generateKeyPair('RS256', { kid: 'detail' });

async function failure(p: Promise<unknown>): Promise<AuthError> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: AuthError) => e,
  );
}

function setup(extra: Partial<VerifierOptions> = {}) {
  const clock = createClock(T0);
  const now = clock.seconds();
  const verifier = createVerifier({
    issuers: [
      { issuer: ISS, audience: AUD, jwksUri: `${ISS}/jwks` },
      { issuer: 'https://other.detail.test', audience: AUD, jwksUri: `${ISS}/jwks` },
    ],
    fetch: vi.fn(async () => Response.json({ keys: [rs.publicJwk] })),
    clock,
    ...extra,
  });
  const claims = { iss: ISS, sub: 'u', aud: AUD, iat: now, exp: now + 600 };
  return { verifier, claims, clock };
}

/** The detail is for logs: not in the message, the body, the challenge or the enumerable properties. */
function expectServerSideOnly(err: AuthError, token: string) {
  expect(Object.keys(err)).not.toContain('detail');
  expect(JSON.stringify(err)).not.toContain('detail');
  expect(JSON.stringify({ ...err })).not.toContain('detail');
  expect(JSON.stringify(err.toResponse())).not.toMatch(/detail|configuredIssuers|jwksUri/);
  expect(inspect(err, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(token);
  expect(inspect(err, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(
    token.split('.')[2],
  );
}

describe('AuthError detail is server-side context', () => {
  it('a missing claim names the claim; the message stays fixed', async () => {
    const t = setup();
    for (const claim of ['sub', 'exp', 'iat']) {
      const token = signToken(rs, { ...t.claims, [claim]: undefined });
      const err = await failure(t.verifier.verify(token));
      expect(err).toMatchObject({ code: 'ERR_AUTH_MISSING_CLAIM', detail: { claim } });
      expect(err.message).not.toContain(claim === 'exp' ? 'exp ' : claim);
      expectServerSideOnly(err, token);
    }
    const noIss = signToken(rs, { ...t.claims, iss: undefined });
    expect(await failure(t.verifier.verify(noIss))).toMatchObject({ detail: { claim: 'iss' } });
  });

  it('an untrusted issuer carries the issuer seen and the configured ones', async () => {
    const t = setup();
    const token = signToken(rs, { ...t.claims, iss: 'https://evil.example' });
    const err = await failure(t.verifier.verify(token));
    expect(err).toMatchObject({
      code: 'ERR_AUTH_UNTRUSTED_ISSUER',
      message: 'The token issuer is not trusted',
      detail: { issuer: 'https://evil.example', configuredIssuers: [ISS, 'https://other.detail.test'] },
    });
    expectServerSideOnly(err, token);
  });

  it('an issuer the resolver rejected says so, also when the answer comes from its cache', async () => {
    const t = setup({ issuers: () => undefined });
    const token = signToken(rs, { ...t.claims, iss: 'https://evil.example' });
    for (let i = 0; i < 2; i++) {
      expect(await failure(t.verifier.verify(token))).toMatchObject({
        code: 'ERR_AUTH_UNTRUSTED_ISSUER',
        detail: { issuer: 'https://evil.example', resolver: 'rejected' },
      });
    }
  });

  it('a failing resolver is a 503 naming the issuer, with the failure as cause', async () => {
    const t = setup({
      issuers: async () => {
        throw new Error('tenant db down');
      },
    });
    const token = signToken(rs, t.claims);
    for (let i = 0; i < 2; i++) {
      const err = await failure(t.verifier.verify(token));
      expect(err).toMatchObject({ status: 503, detail: { issuer: ISS, resolver: 'failed' } });
      expect((err.cause as Error).message).toBe('tenant db down');
    }
  });

  it('an unknown kid carries kid, alg, issuer and JWKS URL', async () => {
    const t = setup();
    const token = signToken({ ...rs, kid: 'nope' }, t.claims);
    const err = await failure(t.verifier.verify(token));
    expect(err).toMatchObject({
      code: 'ERR_AUTH_KEY_NOT_FOUND',
      detail: { kid: 'nope', alg: 'RS256', issuer: ISS, jwksUri: `${ISS}/jwks` },
    });
    expectServerSideOnly(err, token);
  });

  it('keys unavailable: every later 503 keeps the cause and the HTTP status, not only the first', async () => {
    const fetch = vi.fn(async () => new Response('down', { status: 503 }));
    const t = setup({ fetch });
    const token = signToken(rs, t.claims);
    const errors: AuthError[] = [];
    for (let i = 0; i < 3; i++) errors.push(await failure(t.verifier.verify(token)));
    expect(fetch).toHaveBeenCalledTimes(1); // the later ones fail fast during the backoff
    for (const err of errors) {
      expect(err).toMatchObject({
        code: 'ERR_AUTH_KEYS_UNAVAILABLE',
        status: 503,
        message: 'Signing keys are unavailable',
        detail: { jwksUri: `${ISS}/jwks`, url: `${ISS}/jwks`, httpStatus: 503, kid: rs.kid, issuer: ISS },
      });
      expect(err.cause).toBeInstanceOf(Error);
      expect(String((err.cause as Error).message)).toContain('503');
      expectServerSideOnly(err, token);
    }
    // After the backoff a new attempt fails again, still with its cause.
    t.clock.advance(2_000);
    const later = await failure(t.verifier.verify(token));
    expect(later.cause).toBeInstanceOf(Error);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('a bad signature keeps the crypto failure as cause when there is one, never the token', async () => {
    const t = setup();
    const token = signToken(rs, t.claims);
    const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}${'A'.repeat(342)}`;
    const err = await failure(t.verifier.verify(forged));
    expect(err.code).toBe('ERR_AUTH_INVALID_SIGNATURE');
    expectServerSideOnly(err, forged);
  });

  it('AuthError accepts detail through its options, frozen and not enumerable', () => {
    const err = new InvalidTokenError('ERR_AUTH_MISSING_CLAIM', 'The token lacks a required claim', {
      detail: { claim: 'tenant' },
    });
    expect(err.detail).toEqual({ claim: 'tenant' });
    expect(Object.isFrozen(err.detail)).toBe(true);
    expect(Object.getOwnPropertyDescriptor(err, 'detail')?.enumerable).toBe(false);
    expect(new InvalidTokenError().detail).toBeUndefined();
  });
});
