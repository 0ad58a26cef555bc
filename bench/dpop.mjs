// pnpm bench:dpop — DPoP proof verification (ES256) against the floor: one bare node:crypto ES256
// verify of the same proof, prebuilt key (sources imported through tsx, no build needed). Rounds
// interleave floor and ours; the median ops/s per contender and the ratio ours / floor are printed.
// Env: ROUND_MS (default 250), ROUNDS (default 5).
import { createPublicKey, verify } from 'node:crypto';

const { createProofVerifier } = await import('../packages/core/src/dpop/proof.ts');
const { memoryReplayStore } = await import('../packages/core/src/dpop/replay-store.ts');
const { backend } = await import('../packages/core/src/verify/crypto/node.ts');
const { dpopProof, generateKeyPair } = await import('@auth/testing');

const ROUND_MS = Number(process.env.ROUND_MS ?? 250);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const key = await generateKeyPair('ES256', { kid: 'bench' });
const token = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9.c2ln';
const htu = 'https://api.bench.test/payments';
const now = Math.floor(Date.now() / 1000);
const POOL = 40_000;
const proofs = Array.from({ length: POOL }, () =>
  dpopProof({ key, htm: 'GET', htu, accessToken: token, iat: now }),
);
const settings = {
  mode: 'allowed',
  algorithms: new Set(['ES256']),
  algs: ['ES256'],
  publicUrl: 'https://api.bench.test',
  proofMaxAgeSeconds: 3600,
  clockToleranceSeconds: 5,
  replayStore: memoryReplayStore({ maxEntries: 10_000_000 }),
  nonces: undefined,
  clock: Date.now,
};
const verifyProof = createProofVerifier(settings, backend);
const publicKey = createPublicKey({ key: key.publicJwk, format: 'jwk' });
let next = 0;
const request = (proof) => ({
  headers: { authorization: `DPoP ${token}`, dpop: proof, host: 'api.bench.test' },
  method: 'GET',
  url: '/payments',
  protocol: 'https',
});

async function ours(deadline) {
  let n = 0;
  while (performance.now() < deadline && next < POOL) {
    await verifyProof(request(proofs[next++]), token);
    n++;
  }
  return n;
}
async function floor(deadline) {
  let n = 0;
  while (performance.now() < deadline) {
    const p = proofs[n % POOL];
    const dot = p.lastIndexOf('.');
    verify(
      'sha256',
      Buffer.from(p.slice(0, dot)),
      { key: publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(p.slice(dot + 1), 'base64url'),
    );
    n++;
  }
  return n;
}
const samples = { floor: [], ours: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of [
    ['floor', floor],
    ['ours', ours],
  ]) {
    const start = performance.now();
    const n = await fn(start + ROUND_MS);
    samples[name].push((n * 1000) / (performance.now() - start));
  }
}
const median = (list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
const f = median(samples.floor);
const o = median(samples.ours);
console.log(`ES256 floor (bare verify)     ${f.toFixed(0)} ops/s`);
console.log(`DPoP proof verification       ${o.toFixed(0)} ops/s  ratio ${(o / f).toFixed(2)}x of the floor`);
