/**
 * A DPoP proof names the request URL without what may be a credential: no userinfo (`user:pass@`),
 * no query, no fragment. A URL that cannot be parsed is a DpopProofError that does not quote it.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createDpopProver, DpopProofError, generateDpopKeyPair } from '../../src/client/index.ts';
import { decodeJwtPayload } from '../../src/client/jwt.ts';

const prover = createDpopProver(await generateDpopKeyPair());

describe('DpopProver.proof and the request URL', () => {
  it('htu has no userinfo, query or fragment', async () => {
    const proof = await prover.proof(
      'GET',
      'https://svc:pw-secret-1f2e@api.prover.test/items?token=qs-secret-9c#frag',
    );
    const payload = decodeJwtPayload(proof) as Record<string, unknown>;
    expect(payload.htu).toBe('https://api.prover.test/items');
    expect(proof).not.toContain('pw-secret-1f2e');
    const url = new URL('https://svc:pw-secret-1f2e@api.prover.test/items');
    expect((decodeJwtPayload(await prover.proof('GET', url)) as { htu: string }).htu).toBe(
      'https://api.prover.test/items',
    );
    // The caller's URL object is not changed.
    expect(url.password).toBe('pw-secret-1f2e');
  });

  it('a URL that cannot be parsed: DpopProofError, without the URL', async () => {
    const error = await prover
      .proof('GET', 'api.prover.test/items?token=qs-secret-9c')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DpopProofError);
    expect(inspect(error, { depth: Number.POSITIVE_INFINITY })).not.toContain('qs-secret-9c');
  });
});
