// The DPoP scenario of bench/http.mjs: the server side (the authenticator options every framework's
// 'ours, DPoP' scenario uses) and the client side (one P-256 key, proofs signed with node:crypto in the
// load process, each single-use, made before a load starts).
import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';

/** Proofs name this URL in `htu` (the server's `publicUrl`), so they do not depend on its port. */
export const DPOP_PUBLIC_URL = 'https://api.bench.test';

/**
 * Authenticator options of the DPoP scenario: the 'ours, cache on' options plus `dpop` (required,
 * ES256). A DPoP-bound token is never put in the token cache (a hit would carry no proof), so every
 * request verifies the proof and the token. The replay store holds every proof id of a run (the
 * default 100,000 would fill up at these rates within the 65 s window and answer 503).
 */
export async function dpopAuthOptions(ctx) {
  const { memoryReplayStore } = await import('@auth/core');
  return {
    issuers: [{ issuer: ctx.issuer, audience: ctx.audience, jwksUri: ctx.jwksUri }],
    cacheSize: 10_000,
    dpop: {
      mode: 'required',
      algorithms: ['ES256'],
      publicUrl: DPOP_PUBLIC_URL,
      replayStore: memoryReplayStore({ maxEntries: 2_000_000 }),
    },
  };
}

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A DPoP client: its key's thumbprint and `proofs(n, token)`, n fresh proofs for GET /items. */
export function dpopClient() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { crv, kty, x, y } = publicKey.export({ format: 'jwk' });
  const jkt = createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
  const header = b64({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } });
  const signer = { key: privateKey, dsaEncoding: 'ieee-p1363' };
  return {
    jkt,
    proofs(n, token) {
      const ath = createHash('sha256').update(token).digest('base64url');
      const iat = Math.floor(Date.now() / 1000);
      const out = new Array(n);
      for (let i = 0; i < n; i++) {
        const input = `${header}.${b64({ jti: randomUUID(), htm: 'GET', htu: `${DPOP_PUBLIC_URL}/items`, iat, ath })}`;
        out[i] = `${input}.${sign('sha256', Buffer.from(input), signer).toString('base64url')}`;
      }
      return out;
    },
  };
}
