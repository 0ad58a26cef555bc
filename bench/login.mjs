// pnpm bench:login — sealing the web login's session cookie (sources imported through tsx, no build).
// A 2 KB session (JSON) sealed and unsealed with the login's sealer (AES-256-GCM, key id, purpose-bound
// additional data) vs a bare WebCrypto AES-GCM decrypt of the same bytes with a ready CryptoKey.
// Reports µs per operation (median of 5 rounds) and the ratio unseal / bare decrypt (target: the
// sealer's unseal costs at most 1.25× the bare decrypt, i.e. runs at ≥ 0.8× its speed).
const { createSealer } = await import('../packages/core/src/login/seal.ts');

const ROUNDS = 5;
const OPS = Number(process.argv.find((a) => a.startsWith('--ops='))?.slice(6) ?? 5000);

const sealer = createSealer([{ id: 'bench', secret: 'bench-secret-0123456789abcdef0123456789' }]);
const session = JSON.stringify({ v: 1, blob: 'x'.repeat(2048 - 20) });
const sealed = await sealer.seal('session', session);

const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
const iv = crypto.getRandomValues(new Uint8Array(12));
const plainBytes = new TextEncoder().encode(session);
const bareCipher = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plainBytes);

// Rounds interleave the candidates, so a busy machine slows them alike; the median round counts.
async function timeAll(fns) {
  for (const fn of fns) for (let i = 0; i < 200; i++) await fn(); // warm-up
  const results = fns.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [j, fn] of fns.entries()) {
      const t = performance.now();
      for (let i = 0; i < OPS; i++) await fn();
      results[j].push(((performance.now() - t) * 1000) / OPS);
    }
  }
  return results.map((list) => list.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]);
}

const [bare, unseal, seal, both] = await timeAll([
  () => crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, bareCipher),
  () => sealer.unseal('session', sealed),
  () => sealer.seal('session', session),
  async () => sealer.unseal('session', await sealer.seal('session', session)),
]);

const rows = [
  ['bare WebCrypto AES-GCM decrypt (2 KB)', bare],
  ['unseal (2 KB session cookie)', unseal],
  ['seal (2 KB session cookie)', seal],
  ['seal + unseal', both],
];
console.log(`sealed cookie value: ${sealed.length} chars; ${OPS} ops × ${ROUNDS} rounds, median`);
for (const [name, us] of rows) console.log(`${name.padEnd(40)} ${us.toFixed(2).padStart(8)} µs/op`);
const speed = bare / unseal;
console.log(`unseal runs at ${speed.toFixed(2)}× the bare decrypt's speed (target ≥ 0.80)`);
