/**
 * The verifier against @auth/testing's JWKS server and token minting (the kit other packages use):
 * every fault it offers maps to a 503 without a crash, and rotation through setKeys works. Both backends.
 */
import { type JwksServer, faults, generateKeyPair, mintToken, startJwksServer } from '@auth/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import { BACKENDS, withBackend } from '../fixtures/verify-backends.ts';

const AUD = 'api://kit';
let server: JwksServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe.each(BACKENDS)('with @auth/testing (%s backend)', (_name, backend) => {
  it.each(faults.map((f) => [f]))('fault %s yields 503 ERR_AUTH_KEYS_UNAVAILABLE', async (fault) => {
    const key = await generateKeyPair('ES256', { kid: 'kit-1' });
    server = await startJwksServer({ keys: [key] });
    server.fail(fault, { delayMs: 1_000, bytes: 1024 * 1024 });
    const verifier = createVerifier(
      withBackend(
        {
          issuers: [
            { issuer: server.issuer, audience: AUD, jwksUri: server.jwksUri, jwks: { timeoutMs: 300 } },
          ],
        },
        backend,
      ),
    );
    const token = await mintToken({ key, issuer: server.issuer, audience: AUD, subject: 'u' });
    await expect(verifier.verify(token)).rejects.toMatchObject({
      code: 'ERR_AUTH_KEYS_UNAVAILABLE',
      status: 503,
    });
    // A redirect is not followed: exactly one request reached the JWKS endpoint.
    expect(server.counters.jwks).toBe(1);
  });

  it('discovers keys, follows a rotation and verifies every algorithm family', async () => {
    const keys = await Promise.all([
      generateKeyPair('RS256', { kid: 'r' }),
      generateKeyPair('ES256', { kid: 'e' }),
      generateKeyPair('EdDSA', { kid: 'd' }),
    ]);
    server = await startJwksServer({ keys: [keys[0]!] });
    const verifier = createVerifier(
      withBackend({ issuers: [{ issuer: server.issuer, audience: AUD }] }, backend),
    );
    const mint = (key: (typeof keys)[number]) =>
      mintToken({ key, issuer: server!.issuer, audience: AUD, subject: 'u' });
    await expect(verifier.verify(await mint(keys[0]!))).resolves.toMatchObject({ subject: 'u' });
    server.setKeys(keys);
    for (const key of keys)
      await expect(verifier.verify(await mint(key))).resolves.toMatchObject({ subject: 'u' });
    expect(server.counters).toEqual({ jwks: 2, discovery: 1 });
  });
});
