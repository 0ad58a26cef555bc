/**
 * Revocation for a fleet: by `jti`, by subject with a cut-off ("log out everywhere": tokens issued
 * before it), by login session (`sid`, from back-channel logout). Each replica keeps a local copy of
 * the list, kept current by pub/sub (each change is published) and a version poll (a missed message
 * triggers a full reload), so the per-request check is a few Map lookups, never a Redis round trip.
 *
 * When the copy cannot be confirmed current (Redis or the subscription down for longer than the poll
 * bound), checks fail closed with 503 `ERR_AUTH_STATE_UNAVAILABLE`, unless `graceSeconds` allows
 * using the last known list for a bounded time.
 */
import { ConfigurationError } from '@auth/core';
import { AuthError, type Principal } from '@auth/core';
import { commander, type RedisStoreOptions, RedisUnavailableError } from './connection.ts';
import { stateUnavailable } from './replay-store.ts';

/**
 * A connected node-redis client (or cluster) used only for SUBSCRIBE (`client.duplicate().connect()`).
 *
 * @example
 * const subscriber: RedisSubscriberLike = await redis.duplicate().connect();
 */
export interface RedisSubscriberLike {
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
}

/**
 * Options of `redisRevocationList`.
 *
 * @example
 * const revocations = await redisRevocationList({ redis, subscriber, pollMs: 500, graceSeconds: 0 } satisfies RedisRevocationOptions);
 */
export interface RedisRevocationOptions extends RedisStoreOptions {
  /** A second connection, for pub/sub only (a subscribed connection cannot send commands). */
  subscriber: RedisSubscriberLike;
  /**
   * Interval of the version poll in ms (default 500): the bound on a missed message's delay. Checks fail
   * closed once the copy was not confirmed for 3 polls + 1 s (+ `graceSeconds`).
   */
  pollMs?: number;
  /** Seconds the last known list may be used while Redis is unreachable (default 0: fail closed). */
  graceSeconds?: number;
  /** Longest token lifetime in seconds (default 86 400): how long subject and session cut-offs are kept. */
  maxTokenLifetimeSeconds?: number;
}

/**
 * The revocation list of a fleet.
 *
 * @example
 * const verifier = createVerifier({ issuers, customCheck: revocations.check });
 * await revocations.revokeSubject('user-1'); // every token of user-1 issued until now
 */
export interface RedisRevocationList {
  /** For `createVerifier({ customCheck })`: throws 401 for a revoked token, 503 when the list is not current. Synchronous. */
  readonly check: (principal: Pick<Principal, 'claims' | 'subject'>) => void;
  /** Revokes one token until its `exp` (seconds since the epoch). Resolves once Redis acknowledged it. */
  revokeToken(jti: string, expiresAtSeconds: number): Promise<void>;
  /** Revokes every token of `sub` issued (`iat`) at or before `before` (default now, seconds). */
  revokeSubject(sub: string, before?: number): Promise<void>;
  /** Revokes every token carrying this login session id (`sid`). */
  revokeSession(sid: string): Promise<void>;
  /** Stops polling and unsubscribes (the connections stay open: they are the app's). */
  close(): Promise<void>;
  /** Entries held locally (jti, subjects, sessions). */
  readonly size: { tokens: number; subjects: number; sessions: number };
}

// KEYS: zset, version. ARGV: member, score, kind, channel. Adds and publishes in one step.
const REVOKE = `
redis.call('ZADD', KEYS[1], 'GT', ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
local v = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[4], cjson.encode({v, ARGV[3], ARGV[1], ARGV[2]}))
return v`;

// KEYS: jti, sub, sid zsets, version. ARGV: now ms. Drops what expired, returns everything.
const LOAD = `
for i = 1, 3 do redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', ARGV[1]) end
return {redis.call('GET', KEYS[4]) or '0',
  redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES'),
  redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES'),
  redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES')}`;

type Kind = 'jti' | 'sub' | 'sid';

/**
 * Starts a revocation list: loads the list, subscribes to changes, and resolves once it is current.
 *
 * @example
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const revocations = await redisRevocationList({ redis, subscriber: await redis.duplicate().connect() });
 * const auth = createAuthenticator({ issuers, customCheck: revocations.check });
 */
export async function redisRevocationList(options: RedisRevocationOptions): Promise<RedisRevocationList> {
  const where = 'redisRevocationList()';
  const redis = commander(options, where);
  const { subscriber } = options;
  if (!subscriber || typeof subscriber.subscribe !== 'function')
    throw new ConfigurationError(`${where}: subscriber must be a second connected node-redis client`);
  const num = (name: string, v: number | undefined, fallback: number, min: number) => {
    const n = v ?? fallback;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min)
      throw new ConfigurationError(`${where}: ${name} must be a number >= ${min}`);
    return n;
  };
  const pollMs = num('pollMs', options.pollMs, 500, 10);
  const graceMs = num('graceSeconds', options.graceSeconds, 0, 0) * 1000;
  const maxLifetimeMs = num('maxTokenLifetimeSeconds', options.maxTokenLifetimeSeconds, 86_400, 1) * 1000;
  const base = `${redis.prefix}revocation:{revocation}`;
  const keys = { jti: `${base}:jti`, sub: `${base}:sub`, sid: `${base}:sid`, version: `${base}:version` };
  const channel = `${base}:changes`;
  const local: Record<Kind, Map<string, number>> = { jti: new Map(), sub: new Map(), sid: new Map() };
  let version = 0;
  let confirmedAt = 0;
  // Computed by the poll timer, so a check reads a boolean instead of the clock (the hot path).
  let stale = false;
  let subscribed = false;
  let closed = false;

  const apply = (kind: Kind, member: string, score: number) => {
    const map = local[kind];
    if ((map.get(member) ?? Number.NEGATIVE_INFINITY) < score) map.set(member, score);
  };

  async function loadAll(): Promise<void> {
    const now = Date.now();
    const [v, ...lists] = (await redis.send(base, [
      'EVAL',
      LOAD,
      '4',
      keys.jti,
      keys.sub,
      keys.sid,
      keys.version,
      String(now),
    ])) as [string, string[], string[], string[]];
    const kinds: Kind[] = ['jti', 'sub', 'sid'];
    if (Number(v) < version) {
      // The server lost data (restarted without persistence, flushed): write back what this replica
      // knows, so an acknowledged revocation survives as long as one replica remembers it.
      for (const kind of kinds) {
        for (const [member, score] of local[kind]) {
          if (score > now) await add(kind, member, score);
        }
      }
      version = 0;
      return loadAll();
    }
    kinds.forEach((kind, i) => {
      const map = new Map<string, number>();
      const flat = lists[i] ?? [];
      for (let j = 0; j + 1 < flat.length; j += 2) map.set(String(flat[j]), Number(flat[j + 1]));
      local[kind] = map;
    });
    version = Number(v);
    confirmedAt = Date.now();
    stale = false;
  }

  type Change = [number, Kind, string, string];
  // One reload at a time (a burst of out-of-order messages must not become a burst of full loads);
  // changes that arrive meanwhile are kept and applied on top of the snapshot.
  let reloading: Promise<void> | undefined;
  let again = false;
  let pending: Change[] = [];
  function reload(): Promise<void> {
    if (reloading) {
      again = true;
      return reloading;
    }
    reloading = (async () => {
      try {
        do {
          again = false;
          await loadAll();
          const changes = pending.sort((x, y) => x[0] - y[0]);
          pending = [];
          for (const change of changes) {
            if (change[0] <= version) continue;
            if (change[0] !== version + 1) {
              again = true; // a gap: load once more
              break;
            }
            applyChange(change);
          }
        } while (again);
      } finally {
        reloading = undefined;
      }
    })();
    return reloading;
  }
  const applyChange = ([v, kind, member, score]: Change) => {
    apply(kind, member, Number(score));
    version = v;
    confirmedAt = Date.now();
    stale = false;
  };

  const onMessage = (message: string) => {
    let change: Change;
    try {
      change = JSON.parse(message) as Change;
    } catch {
      reload().catch((e) => redis.onError(e as Error));
      return;
    }
    if (reloading) {
      pending.push(change);
      return;
    }
    if (change[0] <= version) return; // already in the snapshot
    if (change[0] !== version + 1) {
      pending.push(change);
      reload().catch((e) => redis.onError(e as Error));
      return;
    }
    applyChange(change);
  };

  async function poll(): Promise<void> {
    try {
      const v = Number((await redis.send(keys.version, ['GET', keys.version])) ?? 0);
      if (!subscribed) {
        await subscriber.subscribe(channel, onMessage);
        subscribed = true;
      }
      if (v !== version) await reload();
      else {
        confirmedAt = Date.now();
        stale = false;
      }
      // Drop what expired locally too.
      const now = Date.now();
      for (const map of Object.values(local)) for (const [m, score] of map) if (score <= now) map.delete(m);
    } catch (error) {
      redis.onError(error instanceof Error ? error : new RedisUnavailableError('poll', 'failed'));
    }
  }

  try {
    await subscriber.subscribe(channel, onMessage);
    subscribed = true;
    await reload();
  } catch (cause) {
    throw stateUnavailable('revocation list', cause);
  }
  const timer = setInterval(() => {
    stale = Date.now() - confirmedAt > staleAfterMs;
    if (!closed) void poll();
  }, pollMs);
  timer.unref?.();
  // A version poll (or a message) confirms the copy; three missed polls and a second of slack (a busy
  // event loop delays timers), plus the grace, and it is no longer trusted.
  const staleAfterMs = 3 * pollMs + 1_000 + graceMs;

  const revoked = () =>
    new AuthError('ERR_AUTH_TOKEN_REJECTED', 'The token has been revoked', {
      status: 401,
      error: 'invalid_token',
    });

  async function add(kind: Kind, member: string, scoreMs: number): Promise<void> {
    const args = [
      'EVAL',
      REVOKE,
      '2',
      keys[kind],
      keys.version,
      member,
      String(Math.round(scoreMs)),
      kind,
      channel,
    ];
    try {
      // One retry: a write dropped with a reconnect is safe to repeat (ZADD GT; a repeated message reloads).
      await redis.send(keys[kind], args).catch(() => redis.send(keys[kind], args));
    } catch (cause) {
      throw stateUnavailable('revocation list', cause);
    }
    apply(kind, member, scoreMs); // effective here at once, whatever the messages do
  }
  const nonEmpty = (name: string, v: unknown) => {
    if (typeof v !== 'string' || v === '' || v.length > 1024)
      throw new TypeError(`${name} must be a non-empty string`);
  };

  return {
    check(principal) {
      if (stale) {
        throw stateUnavailable(
          'revocation list',
          new RedisUnavailableError('revocation list', 'not confirmed current'),
        );
      }
      const { claims } = principal;
      const jti = claims.jti;
      if (typeof jti === 'string' && local.jti.has(jti)) throw revoked();
      const cutoff = local.sub.get(principal.subject);
      if (cutoff !== undefined) {
        // Score = cut-off + the longest lifetime (for expiry); a token issued at or before the cut-off is revoked.
        const iat = typeof claims.iat === 'number' ? claims.iat * 1000 : 0;
        if (iat <= cutoff - maxLifetimeMs) throw revoked();
      }
      const sid = claims.sid;
      if (typeof sid === 'string' && local.sid.has(sid)) throw revoked();
    },
    async revokeToken(jti, expiresAtSeconds) {
      nonEmpty('revokeToken(): jti', jti);
      if (typeof expiresAtSeconds !== 'number' || !Number.isFinite(expiresAtSeconds))
        throw new TypeError('revokeToken(): expiresAtSeconds must be a number');
      await add('jti', jti, expiresAtSeconds * 1000);
    },
    async revokeSubject(sub, before = Date.now() / 1000) {
      nonEmpty('revokeSubject(): sub', sub);
      await add('sub', sub, before * 1000 + maxLifetimeMs);
    },
    async revokeSession(sid) {
      nonEmpty('revokeSession(): sid', sid);
      await add('sid', sid, Date.now() + maxLifetimeMs);
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await subscriber.unsubscribe(channel).catch(() => undefined);
    },
    get size() {
      return { tokens: local.jti.size, subjects: local.sub.size, sessions: local.sid.size };
    },
  };
}
