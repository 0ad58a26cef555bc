// Part 4 of `pnpm bench:redis`: memory per entry on a real redis-server, the figures of the sizing table in
// packages/redis/README.md. For each kind, N entries written through the package's own stores under a
// fresh prefix, then two views: the sum of `MEMORY USAGE key SAMPLES 0` over the kind's keys / N (the
// values and their keys), and the growth of INFO `used_memory` / N (what the server really spends,
// keyspace overhead included). The revocation list's local copy in each replica is measured as heap
// growth of a fresh list loading N entries (needs node --expose-gc; skipped without it).
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

const redisSrc = await import('../packages/redis/src/index.ts');
const { generateApiKey } = await import('../packages/core/src/index.ts');
const { cookieSettings, createSealer } = await import('../packages/core/src/login/index.ts');
const { createClient } = await import(
  createRequire(new URL('../packages/redis/package.json', import.meta.url)).resolve('redis')
);

const b64 = (bytes) => randomBytes(bytes).toString('base64url');
/** A JWT-sized string: header.payload.signature of RS256 (≈ `bytes` characters). */
const jwtLike = (bytes) => `${b64(27)}.${b64(Math.round(((bytes - 380) * 3) / 4))}.${b64(256)}`;

/** Runs every sizing measurement against `url`; returns rows { kind, n, usage, used, note }. */
export async function measureSizing(url, n = 1000) {
  const connect = () => createClient({ url, disableOfflineQueue: true }).connect();
  const redis = await connect();
  const subscriber = await connect();
  const rows = [];
  const usedMemory = async () =>
    Number(/used_memory:(\d+)/.exec(await redis.sendCommand(['INFO', 'memory']))[1]);
  const keys = async (prefix) => {
    const found = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.sendCommand(['SCAN', cursor, 'MATCH', `${prefix}*`, 'COUNT', '1000']);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
    return found;
  };
  const usageOf = async (prefix) => {
    let total = 0;
    for (const k of await keys(prefix))
      total += Number(await redis.sendCommand(['MEMORY', 'USAGE', k, 'SAMPLES', '0']));
    return total;
  };
  /** `fill(prefix)` writes n entries; the row divides both views by `per` (default n). */
  const measure = async (kind, fill, { per = n, note = '' } = {}) => {
    const prefix = `size-${rows.length}:`;
    await redis.sendCommand(['MEMORY', 'PURGE']).catch(() => {});
    const before = await usedMemory();
    await fill(prefix);
    const after = await usedMemory();
    rows.push({ kind, n: per, usage: (await usageOf(prefix)) / per, used: (after - before) / per, note });
  };
  const batches = async (count, one) => {
    for (let i = 0; i < count; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, j) => one(i + j)));
    }
  };

  // A login session: a sealed session with an ~850-byte access token, a ~950-byte ID token's claims
  // and a refresh token; its key plus its entries in the subject and sid indexes.
  const settings = cookieSettings('https://app.example.com');
  const sealer = createSealer([{ id: 'k1', secret: 's'.repeat(32) }]);
  await measure('login session (sealed; access + refresh token, ID-token claims)', async (prefix) => {
    const store = redisSessionStore({ prefix });
    await batches(n, (i) =>
      store.write(
        {
          v: 1,
          issuer: 'https://idp.example.com',
          clientId: 'web',
          claims: {
            sub: `user-${i}`,
            sid: randomUUID(),
            name: 'Alice Example',
            email: `alice${i}@example.com`,
            groups: ['admin'],
          },
          tokens: {
            accessToken: jwtLike(850),
            refreshToken: b64(32),
            idToken: jwtLike(950),
            tokenType: 'bearer',
            expiresAtMs: Date.now() + 3_600_000,
            obtainedAtMs: Date.now(),
            subject: `user-${i}`,
          },
          createdAt: Date.now(),
        },
        undefined,
      ),
    );
  });
  function redisSessionStore({ prefix }) {
    return redisSrc.redisSessionStore({ redis, prefix, settings, name: '__Host-session', sealer });
  }

  for (const [kind, revoke] of [
    [
      'revoked jti (a UUID, until its exp)',
      (list, i) => list.revokeToken(randomUUID(), Date.now() / 1000 + 3600 + i),
    ],
    ['revoked subject (`user-<uuid>`, cut-off)', (list) => list.revokeSubject(`user-${randomUUID()}`)],
    ['revoked login session (sid, a UUID)', (list) => list.revokeSession(randomUUID())],
  ]) {
    await measure(kind, async (prefix) => {
      const list = await redisSrc.redisRevocationList({ redis, subscriber, prefix });
      await batches(n, (i) => revoke(list, i));
      await list.close();
    });
  }
  // The local copy: heap growth of a fresh list loading `local` revoked jti (many, to rise above GC noise).
  if (typeof globalThis.gc === 'function') {
    const local = 20_000;
    const prefix = 'size-local:';
    const writer = await redisSrc.redisRevocationList({ redis, subscriber, prefix });
    await batches(local, (i) => writer.revokeToken(randomUUID(), Date.now() / 1000 + 3600 + i));
    await writer.close();
    const settle = () => {
      for (let i = 0; i < 3; i++) globalThis.gc();
      return process.memoryUsage().heapUsed;
    };
    const before = settle();
    const list = await redisSrc.redisRevocationList({ redis, subscriber, prefix });
    const after = settle();
    rows.push({
      kind: 'revoked jti, local copy in each replica (V8 heap)',
      n: local,
      usage: Number.NaN,
      used: (after - before) / local,
    });
    await list.close();
  }

  await measure('API-key record (hashed, with owner)', async (prefix) => {
    const store = redisSrc.redisSecretStore({ redis, prefix });
    const made = [];
    for (let i = 0; i < n; i++) made.push(await generateApiKey({ scopes: ['read:items'] }));
    await batches(n, (i) => store.create(made[i].id, made[i].record, { owner: `team-${i % 20}` }));
  });
  await measure('limiter: one key with one failure', async (prefix) => {
    const limiter = redisSrc.redisFailureLimiter({ redis, prefix, limit: 10, windowSeconds: 300 });
    await batches(n, (i) => limiter.fail([`ip:203.0.${i >> 8}.${i & 255}`]));
  });
  const kept = 20;
  await measure(
    `limiter: each further failure kept (one key, ${kept} failures)`,
    async (prefix) => {
      const limiter = redisSrc.redisFailureLimiter({ redis, prefix, limit: kept, windowSeconds: 300 });
      for (let i = 0; i < kept; i++) await limiter.fail(['key:k1']);
    },
    { per: kept },
  );
  await measure('DPoP / jti replay id (a UUID)', async (prefix) => {
    const replay = redisSrc.redisReplayStore({ redis, prefix });
    await batches(n, () => replay.claim(randomUUID(), 300));
  });
  redis.destroy();
  subscriber.destroy();
  return rows;
}

/** Prints the rows as the README's table. */
export function printSizing(rows, version) {
  console.log(`memory per entry on redis-server ${version} (N entries through the stores; bytes per entry):`);
  console.log('| entry | N | MEMORY USAGE / N | used_memory growth / N |');
  console.log('| --- | --- | --- | --- |');
  for (const r of rows) {
    const usage = Number.isNaN(r.usage) ? '—' : `${Math.round(r.usage)} B`;
    console.log(`| ${r.kind} | ${r.n} | ${usage} | ${Math.round(r.used)} B |`);
  }
}
