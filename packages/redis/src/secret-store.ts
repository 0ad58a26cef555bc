/**
 * API-key records on Redis for `apiKeyPairAuth` / `apiKeyHeaderAuth`: hashed records (from
 * `generateApiKey()`), an index per owner, rotation with an overlap, revocation.
 */
import type { ApiKeyRecord, SecretStore } from '@auth/core';
import { commander, type RedisStoreOptions } from './connection.ts';

/**
 * A `SecretStore` plus the administration of the records.
 *
 * @example
 * const store: RedisSecretStore = redisSecretStore({ redis });
 * await store.create('k1', record, { owner: 'team-billing' });
 */
export interface RedisSecretStore extends SecretStore {
  /** Stores a new record; false when the id exists already (nothing changed). */
  create(id: string, record: ApiKeyRecord, options?: { owner?: string }): Promise<boolean>;
  /**
   * Replaces key `oldId` by `newId`: the new record is stored and the old one keeps working for
   * `overlapSeconds` more (its `expiresAtSeconds` and its Redis TTL), then disappears.
   */
  rotate(oldId: string, newId: string, record: ApiKeyRecord, overlapSeconds: number): Promise<void>;
  /** Deletes a record now; resolves whether it existed. Replicas' caches drop it within `cacheTtlMs`. */
  revoke(id: string): Promise<boolean>;
  /** Ids of the live records of an owner. */
  listByOwner(owner: string): Promise<string[]>;
}

// KEYS: record, owner index. ARGV: record JSON, id, owner ('' none). SET NX + index.
const CREATE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX') == false then return 0 end
if ARGV[3] ~= '' then redis.call('SET', KEYS[1] .. ':owner', ARGV[3]); redis.call('SADD', KEYS[2], ARGV[2]) end
return 1`;

/**
 * API-key records on Redis. Every record and the owner index live in one hash slot (`{keys}`), so a
 * cluster keeps them together; a Redis error makes `get` reject, which core answers with 503
 * `ERR_AUTH_SECRET_STORE_UNAVAILABLE` (fail closed).
 *
 * @example
 * const store = redisSecretStore({ redis });
 * const { key, id, record } = await generateApiKey({ prefix: 'sk_' });
 * await store.create(id, record, { owner: 'team-billing' });
 * const keys = apiKeyHeaderAuth({ store });
 */
export function redisSecretStore(options: RedisStoreOptions): RedisSecretStore {
  const where = 'redisSecretStore()';
  const redis = commander(options, where);
  const slot = `${redis.prefix}apikey:{keys}`;
  const recordKey = (id: string) => `${slot}:r:${id}`;
  const ownerKey = (owner: string) => `${slot}:o:${owner}`;
  const checkId = (id: unknown, name = 'id') => {
    if (typeof id !== 'string' || id === '' || id.length > 256)
      throw new TypeError(`${where}: ${name} must be a non-empty string`);
  };
  return {
    async get(id) {
      if (typeof id !== 'string' || id === '' || id.length > 256) return undefined;
      const raw = await redis.send(slot, ['GET', recordKey(id)]);
      return typeof raw === 'string' ? raw : undefined;
    },
    async create(id, record, { owner } = {}) {
      checkId(id);
      if (owner !== undefined) checkId(owner, 'owner');
      const reply = await redis.send(slot, [
        'EVAL',
        CREATE,
        '2',
        recordKey(id),
        ownerKey(owner ?? '-'),
        JSON.stringify(record),
        id,
        owner ?? '',
      ]);
      return reply === 1;
    },
    async rotate(oldId, newId, record, overlapSeconds) {
      checkId(oldId, 'oldId');
      checkId(newId, 'newId');
      if (typeof overlapSeconds !== 'number' || !Number.isFinite(overlapSeconds) || overlapSeconds < 0)
        throw new TypeError(`${where}: overlapSeconds must be a number >= 0`);
      const oldRaw = await redis.send(slot, ['GET', recordKey(oldId)]);
      if (typeof oldRaw !== 'string') throw new TypeError(`${where}: no key "${oldId}" to rotate`);
      const owner = await redis.send(slot, ['GET', `${recordKey(oldId)}:owner`]);
      const ownerArg = typeof owner === 'string' ? owner : undefined;
      if (!(await this.create(newId, record, ownerArg === undefined ? {} : { owner: ownerArg })))
        throw new TypeError(`${where}: key "${newId}" exists already`);
      const until = Math.floor(Date.now() / 1000) + Math.ceil(overlapSeconds);
      const old = JSON.parse(oldRaw) as ApiKeyRecord;
      old.expiresAtSeconds = Math.min(old.expiresAtSeconds ?? until, until);
      const ms = String(Math.max(1, Math.ceil(overlapSeconds * 1000)));
      await redis.send(slot, ['SET', recordKey(oldId), JSON.stringify(old), 'PX', ms]);
      await redis.send(slot, ['PEXPIRE', `${recordKey(oldId)}:owner`, ms]);
    },
    async revoke(id) {
      checkId(id);
      const owner = await redis.send(slot, ['GET', `${recordKey(id)}:owner`]);
      if (typeof owner === 'string') await redis.send(slot, ['SREM', ownerKey(owner), id]);
      const removed = await redis.send(slot, ['DEL', recordKey(id), `${recordKey(id)}:owner`]);
      return Number(removed) > 0;
    },
    async listByOwner(owner) {
      checkId(owner, 'owner');
      const ids = (await redis.send(slot, ['SMEMBERS', ownerKey(owner)])) as string[];
      // Drop ids whose record expired (rotation overlap ended) from the index as we go.
      const live: string[] = [];
      for (const id of [...ids].sort()) {
        if (Number(await redis.send(slot, ['EXISTS', recordKey(id)])) === 1) live.push(id);
        else await redis.send(slot, ['SREM', ownerKey(owner), id]);
      }
      return live;
    },
  };
}
