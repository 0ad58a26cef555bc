// pnpm bench:apikey — API-key verifications/s with a warm cache (sources loaded through tsx, no build).
// Rows: the floor (one SHA-256 + a 32-byte compare, i.e. the work a request cannot avoid), apiKeyPairAuth
// (two headers), apiKeyHeaderAuth (x-api-key), the unknown-id path (negative cache) and the WebCrypto
// backend for comparison; each as ops/s and a ratio to the floor. Then a cold burst: 1,000 concurrent
// first requests for one id → store calls (target 1). Median of 5 rounds; `--ms=<n>` per round (200).
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

// bench/tsconfig.json maps @auth/core to its sources; the digest primitives (the floor) are internal.
const tsconfig = fileURLToPath(new URL('./tsconfig.json', import.meta.url));
const core = await tsImport('@auth/core', { parentURL: import.meta.url, tsconfig });
const coreDir = dirname(fileURLToPath(import.meta.resolve('@auth/core/package.json')));
const { primitives, DIGEST_BACKEND } = await tsImport(
  pathToFileURL(join(coreDir, 'src/apikey/digest.ts')).href,
  { parentURL: import.meta.url, tsconfig },
);
const { apiKeyPairAuth, apiKeyHeaderAuth, generateApiKey, memorySecretStore } = core;

const MS = Number(process.argv.find((a) => a.startsWith('--ms='))?.slice(5) ?? 200);
const ROUNDS = 5;
const TOKEN = 'tok_0123456789abcdefghijklmnopqrstuvwxyz012345';

async function rate(fn) {
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < MS) {
    for (let i = 0; i < 256; i++) await fn(ops + i);
    ops += 256;
    now = performance.now();
  }
  return (ops / (now - start)) * 1000;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Rounds interleave the rows (the machine is shared): each ratio is taken against the floor of its round. */
async function run(rows) {
  for (const [, fn] of rows) for (let i = 0; i < 2000; i++) await fn(i); // warm-up: JIT and caches
  const ops = rows.map(() => []);
  const ratios = rows.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    const round = [];
    for (const [, fn] of rows) round.push(await rate(fn));
    round.forEach((v, i) => {
      ops[i].push(v);
      ratios[i].push(v / round[0]);
    });
  }
  return rows.map(([name], i) => [name, median(ops[i]), median(ratios[i])]);
}

let storeCalls = 0;
const generated = await generateApiKey({ prefix: 'sk_', scopes: ['read:items'] });
const inner = memorySecretStore({
  svc1: { id: 'svc:one', token: TOKEN, scopes: ['read:items'], groups: ['services'] },
  [generated.id]: generated.record,
});
const store = {
  get: (id) => {
    storeCalls++;
    return inner.get(id);
  },
};

const twoHeaders = apiKeyPairAuth({ store });
const oneHeader = apiKeyHeaderAuth({ store });
const req2 = { headers: { 'x-principal-id': 'svc1', 'x-principal-token': TOKEN } };
const req1 = { headers: { 'x-api-key': generated.key } };
const unknown = { headers: { 'x-principal-id': 'nobody', 'x-principal-token': TOKEN } };
const dummy = new Uint8Array(32);

const wrong = { headers: { 'x-principal-id': 'svc1', 'x-principal-token': `${TOKEN}x` } };
const results = await run([
  ['floor: sha256 + compare', () => primitives.timingSafeEqual(primitives.sha256(TOKEN), dummy)],
  ['apiKeyPairAuth (x-principal-id/token)', () => twoHeaders.authenticate(req2)],
  ['apiKeyHeaderAuth (x-api-key)', () => oneHeader.authenticate(req1)],
  ['wrong token → 401', () => twoHeaders.authenticate(wrong).catch(() => 0)],
  ['unknown id (negative cache) → 401', () => twoHeaders.authenticate(unknown).catch(() => 0)],
  [
    'floor on WebCrypto subtle.digest',
    async () => primitives.timingSafeEqual(await primitives.webSha256(TOKEN), dummy),
  ],
]);

console.log(
  `API keys, warm cache (digest backend: ${DIGEST_BACKEND}; median of ${ROUNDS} interleaved rounds × ${MS} ms)`,
);
for (const [name, ops, ratio] of results) {
  console.log(
    `  ${name.padEnd(40)} ${Math.round(ops).toLocaleString('en-US').padStart(12)} ops/s   ${ratio.toFixed(2)}× floor`,
  );
}

// Cold burst: 1,000 concurrent first requests for one id → one store call (single-flight).
storeCalls = 0;
const slowStore = {
  get: (id) => {
    storeCalls++;
    return new Promise((resolve) => setTimeout(() => resolve(inner.get(id)), 5));
  },
};
const cold = apiKeyPairAuth({ store: slowStore });
await Promise.all(Array.from({ length: 1000 }, () => cold.authenticate(req2)));
console.log(`  cold burst: 1,000 concurrent requests → ${storeCalls} store call(s) (target 1)`);
