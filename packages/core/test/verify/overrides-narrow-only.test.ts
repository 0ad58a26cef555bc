/**
 * Per-call `VerifyOverrides` may only narrow the issuer entry's rules. Anything that would widen them
 * (or is malformed, or unknown) rejects the call with a TypeError, not a 401 and not silently.
 */
import { describe, expect, it, vi } from 'vitest';
import { isAuthError } from '../../src/errors.ts';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import type { IssuerConfig, VerifyOverrides } from '../../src/verify/options.ts';
import { createClock, generateKeyPair } from '@auth/testing';
import { signToken, T0 } from '../fixtures/jws.ts';

const ISS = 'https://issuer.overrides.test';
const rs = await generateKeyPair('RS256', { kid: 'overrides' });

function setup(entry: Partial<IssuerConfig> = {}, entries?: Partial<IssuerConfig>[]) {
  const clock = createClock(T0);
  const now = clock.seconds();
  const issuers = (entries ?? [entry]).map(
    (e) => ({ issuer: ISS, audience: ['api://a', 'api://b'], jwksUri: `${ISS}/jwks`, ...e }) as IssuerConfig,
  );
  const verifier = createVerifier({
    issuers,
    fetch: vi.fn(async () => Response.json({ keys: [rs.publicJwk] })),
    clock,
  });
  const token = (extra: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
    signToken(rs, { iss: ISS, sub: 'u', aud: 'api://a', iat: now, exp: now + 600, ...extra }, header);
  return { verifier, token, clock };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => 'resolved',
    (e: unknown) => e,
  );
}

describe('verify overrides that would widen the rules are TypeErrors', () => {
  const cases: [string, unknown, Partial<IssuerConfig>?][] = [
    ['audience: null (drops the audience check)', { audience: null }],
    ['clientId: null', { clientId: null }, { clientId: 'app' }],
    ['requiredClaims: [] (drops nothing, adds nothing)', { requiredClaims: [] }],
    ["tokenUse: 'any' on an access-token issuer", { tokenUse: 'any' }],
    [
      'a larger maxTokenAgeSeconds than the issuer’s',
      { maxTokenAgeSeconds: 600 },
      { maxTokenAgeSeconds: 300 },
    ],
    ['a string where a number belongs', { maxTokenAgeSeconds: '60' }],
    ['a negative maxTokenAgeSeconds', { maxTokenAgeSeconds: -1 }],
    ['clockToleranceSeconds (not an override: it can only widen)', { clockToleranceSeconds: 3_600 }],
    ['an unknown key (typo)', { audiences: 'api://a' }],
    ['an empty audience list', { audience: [] }],
    ['a non-string typ', { typ: 1 }],
    ['requiredClaims with a non-string', { requiredClaims: ['sub', 1] }],
    ['overrides that are not an object', 'api://a'],
    ['overrides that are null', null],
  ];
  it.each(cases)('%s', async (_name, overrides, entry) => {
    const t = setup(entry);
    const e = await rejection(t.verifier.verify(t.token({ client_id: 'app' }), overrides as VerifyOverrides));
    expect(e).toBeInstanceOf(TypeError);
    expect(isAuthError(e)).toBe(false);
    expect((e as Error).message).toMatch(/overrides/);
  });

  it('names the unknown key', async () => {
    const t = setup();
    const e = await rejection(t.verifier.verify(t.token(), { scope: 'read' } as unknown as VerifyOverrides));
    expect((e as Error).message).toContain('"scope"');
  });
});

describe('verify overrides narrow, never replace, the issuer’s rules', () => {
  it('audience is intersected with the issuer’s: another audience never passes', async () => {
    const t = setup();
    await expect(
      t.verifier.verify(t.token({ aud: 'api://c' }), { audience: 'api://c' }),
    ).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_AUDIENCE',
    });
    await expect(t.verifier.verify(t.token(), { audience: 'api://a' })).resolves.toMatchObject({
      subject: 'u',
      audience: ['api://a'],
    });
    await expect(
      t.verifier.verify(t.token({ aud: 'api://b' }), { audience: 'api://a' }),
    ).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_AUDIENCE',
    });
  });

  it('clientId is intersected with the issuer’s', async () => {
    const t = setup({ clientId: 'app' });
    await expect(
      t.verifier.verify(t.token({ client_id: 'other' }), { clientId: 'other' }),
    ).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_CLIENT_ID',
    });
    await expect(
      t.verifier.verify(t.token({ client_id: 'app' }), { clientId: 'app' }),
    ).resolves.toMatchObject({ subject: 'u' });
  });

  it('tokenUse cannot switch an id-token entry to access tokens', async () => {
    const t = setup({ tokenUse: 'id', clientId: 'app' });
    const access = t.token({ token_use: 'access', client_id: 'app' });
    await expect(t.verifier.verify(access, { tokenUse: 'access' })).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_TOKEN_USE',
    });
  });

  it('tokenUse picks the matching entry of an issuer with several', async () => {
    const t = setup({}, [
      { tokenUse: 'access', audience: null, clientId: 'app' },
      { tokenUse: 'id', audience: 'app' },
    ]);
    const id = t.token({ token_use: 'id', aud: 'app' });
    await expect(t.verifier.verify(id, { tokenUse: 'id' })).resolves.toMatchObject({ tokenUse: 'id' });
    await expect(t.verifier.verify(id, { tokenUse: 'access' })).rejects.toMatchObject({ status: 401 });
  });

  it('typ cannot replace the issuer’s required typ', async () => {
    const t = setup({ typ: 'at+jwt' });
    await expect(t.verifier.verify(t.token({}, { typ: 'JWT' }), { typ: 'JWT' })).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_TYP',
    });
    await expect(t.verifier.verify(t.token({}, { typ: 'at+jwt' }), { typ: 'at+jwt' })).resolves.toMatchObject(
      { subject: 'u' },
    );
  });

  it('requiredClaims add to the issuer’s, they do not replace them', async () => {
    const t = setup({ requiredClaims: ['iss', 'sub', 'exp', 'tenant'] });
    const e = await rejection(t.verifier.verify(t.token({ email: 'x' }), { requiredClaims: ['email'] }));
    expect(e).toMatchObject({ code: 'ERR_AUTH_MISSING_CLAIM', detail: { claim: 'tenant' } });
    await expect(
      t.verifier.verify(t.token({ email: 'x', tenant: 't' }), { requiredClaims: ['email'] }),
    ).resolves.toMatchObject({ subject: 'u' });
  });

  it("tokenUse on an 'any' entry adds that kind's defaults without dropping the entry's claims", async () => {
    const t = setup({ tokenUse: 'any', requiredClaims: ['iss', 'sub', 'exp', 'tenant'] });
    await expect(t.verifier.verify(t.token(), { tokenUse: 'access' })).rejects.toMatchObject({
      code: 'ERR_AUTH_MISSING_CLAIM',
      detail: { claim: 'tenant' },
    });
  });

  it('a smaller maxTokenAgeSeconds narrows', async () => {
    const t = setup({ maxTokenAgeSeconds: 300 });
    const token = t.token();
    t.clock.advance(120_000);
    await expect(t.verifier.verify(token, { maxTokenAgeSeconds: 60 })).rejects.toMatchObject({
      code: 'ERR_AUTH_TOKEN_TOO_OLD',
    });
    await expect(t.verifier.verify(token, { maxTokenAgeSeconds: 300 })).resolves.toMatchObject({
      subject: 'u',
    });
  });
});
