/**
 * Login sessions of a fleet (`createWebLogin({ store })`): the cookie holds an opaque random id, the
 * session lives on Redis with the idle and absolute lifetimes as its TTL, indexes per subject and per
 * `sid` end every session of a user ("log out everywhere") or of a back-channel logout.
 */
import { ConfigurationError } from '@auth/core';
import { randomBytes } from 'node:crypto';
import type {
  CookieSettings,
  SessionData,
  SessionLifetimes,
  SessionMatch,
  SessionStore,
  Sealer,
} from '@auth/core/login';
import { parseCookies, serializeCookie } from '@auth/core/login';
import { commander, type RedisStoreOptions, tag } from './connection.ts';
import { stateUnavailable } from './replay-store.ts';

/**
 * Options of `redisSessionStore`.
 *
 * @example
 * const store = redisSessionStore({ redis, settings, name: '__Host-session', sealer, idleLifetimeSeconds: 1800 } satisfies RedisSessionStoreOptions);
 */
export interface RedisSessionStoreOptions extends RedisStoreOptions, SessionLifetimes {
  /** Cookie settings (`cookieSettings(appUrl)`). */
  settings: CookieSettings;
  /** Full cookie name (prefix included). */
  name: string;
  /** Encrypts sessions at rest (they hold the user's tokens): `createSealer(keys)`. Recommended. */
  sealer?: Sealer;
}

const ID = /^[A-Za-z0-9_-]{43}$/;
const DEFAULT_ABSOLUTE = 7 * 86_400;
const DEFAULT_IDLE = 86_400;

/**
 * A `SessionStore` on Redis with `endSessions` (by `sub`, by `sid`). Redis unavailable: fails closed,
 * every method rejects with 503 `ERR_AUTH_STATE_UNAVAILABLE` (an AuthError with `Retry-After`).
 *
 * @example
 * const login = createWebLogin({ ...options, store: redisSessionStore({ redis, settings, name: 'session', sealer }) });
 * await store.endSessions({ sub: 'user-1' }); // log out everywhere
 */
export function redisSessionStore(options: RedisSessionStoreOptions): SessionStore & {
  endSessions(match: SessionMatch): Promise<number>;
} {
  const where = 'redisSessionStore()';
  const redis = commander(options, where);
  const { settings, name, sealer } = options;
  if (typeof name !== 'string' || name === '')
    throw new ConfigurationError(`${where}: name must be a cookie name`);
  if (settings === null || typeof settings !== 'object')
    throw new ConfigurationError(`${where}: settings are required`);
  const seconds = (field: string, v: number | undefined, fallback: number) => {
    const s = v ?? fallback;
    if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0)
      throw new ConfigurationError(`${where}: ${field} must be a number of seconds > 0`);
    return s * 1000;
  };
  const absoluteMs = seconds('absoluteLifetimeSeconds', options.absoluteLifetimeSeconds, DEFAULT_ABSOLUTE);
  const idleMs = seconds('idleLifetimeSeconds', options.idleLifetimeSeconds, DEFAULT_IDLE);
  const p = redis.prefix;
  const sessionKey = (id: string) => `${p}session:{${id}}`;
  const subKey = (_issuer: string | undefined, sub: string) => `${p}session-sub:${tag(sub)}`;
  const sidKey = (_issuer: string | undefined, sid: string) => `${p}session-sid:${tag(sid)}`;
  // A login that ended must not be written back to life by a request that loaded it before.
  const endedKey = (data: SessionData) =>
    `${p}session-ended:${tag(JSON.stringify([data.issuer, data.tokens?.subject, data.createdAt]))}`;
  const idOf = (cookieHeader: string | readonly string[] | null | undefined) => {
    const id = parseCookies(cookieHeader).get(name);
    return id !== undefined && ID.test(id) ? id : undefined;
  };
  const send = async (key: string, args: string[]) => {
    try {
      return await redis.send(key, args);
    } catch (cause) {
      throw stateUnavailable('session store', cause);
    }
  };
  const encode = async (data: SessionData) => {
    const json = JSON.stringify(data);
    return sealer ? `s.${await sealer.seal('redis-session', json)}` : `p.${json}`;
  };
  const decode = async (raw: string): Promise<SessionData | undefined> => {
    try {
      if (raw.startsWith('s.')) {
        const plain = sealer ? await sealer.unseal('redis-session', raw.slice(2)) : undefined;
        return plain === undefined ? undefined : (JSON.parse(plain) as SessionData);
      }
      return raw.startsWith('p.') && !sealer ? (JSON.parse(raw.slice(2)) as SessionData) : undefined;
    } catch {
      return undefined;
    }
  };
  const subjectOf = (data: SessionData) =>
    typeof data.claims?.sub === 'string' ? data.claims.sub : undefined;
  const sidOf = (data: SessionData) => (typeof data.claims?.sid === 'string' ? data.claims.sid : undefined);
  const clearCookie = () => [serializeCookie(name, '', settings, 0)];

  async function end(id: string, data: SessionData | undefined): Promise<boolean> {
    const removed = Number(await send(sessionKey(id), ['DEL', sessionKey(id)])) > 0;
    if (data) {
      const ttl = String(Math.max(1, data.createdAt + absoluteMs - Date.now()));
      await send(endedKey(data), ['SET', endedKey(data), '1', 'PX', ttl]);
    }
    return removed;
  }

  return {
    async read(cookieHeader) {
      const id = idOf(cookieHeader);
      if (id === undefined) return undefined;
      const raw = await send(sessionKey(id), ['GET', sessionKey(id)]);
      if (typeof raw !== 'string') return undefined;
      const data = await decode(raw);
      if (data?.v !== 1 || typeof data.createdAt !== 'number') return undefined;
      return Date.now() < data.createdAt + absoluteMs ? data : undefined;
    },
    async write(data, cookieHeader) {
      const now = Date.now();
      const remaining = data.createdAt + absoluteMs - now;
      let id = idOf(cookieHeader);
      if (remaining <= 0 || Number(await send(endedKey(data), ['EXISTS', endedKey(data)])) === 1) {
        if (id !== undefined) await send(sessionKey(id), ['DEL', sessionKey(id)]);
        return clearCookie();
      }
      // A new login (or another user) gets a new id: no session fixation. A refresh keeps its id.
      const previous = id === undefined ? undefined : await send(sessionKey(id), ['GET', sessionKey(id)]);
      const before = typeof previous === 'string' ? await decode(previous) : undefined;
      if (id === undefined || !before || before.tokens?.subject !== data.tokens?.subject) {
        id = randomBytes(32).toString('base64url');
      }
      const ttl = Math.ceil(Math.min(idleMs, remaining));
      await send(sessionKey(id), ['SET', sessionKey(id), await encode(data), 'PX', String(ttl)]);
      const indexTtl = String(Math.ceil(remaining));
      const sub = subjectOf(data);
      if (sub !== undefined) {
        await send(subKey(data.issuer, sub), ['SADD', subKey(data.issuer, sub), id]);
        await send(subKey(data.issuer, sub), ['PEXPIRE', subKey(data.issuer, sub), indexTtl, 'GT']);
        await send(subKey(data.issuer, sub), ['PEXPIRE', subKey(data.issuer, sub), indexTtl, 'NX']);
      }
      const sid = sidOf(data);
      if (sid !== undefined) {
        await send(sidKey(data.issuer, sid), ['SADD', sidKey(data.issuer, sid), id]);
        await send(sidKey(data.issuer, sid), ['PEXPIRE', sidKey(data.issuer, sid), indexTtl]);
      }
      return [serializeCookie(name, id, settings, remaining / 1000)];
    },
    async destroy(cookieHeader) {
      const id = idOf(cookieHeader);
      if (id !== undefined) {
        const raw = await send(sessionKey(id), ['GET', sessionKey(id)]);
        await end(id, typeof raw === 'string' ? await decode(raw) : undefined);
      }
      return clearCookie();
    },
    async endSessions(match) {
      if (!match.sub && !match.sid) return 0;
      const ids = new Set<string>();
      const collect = async (key: string) => {
        for (const id of (await send(key, ['SMEMBERS', key])) as string[]) ids.add(id);
      };
      if (match.sub) await collect(subKey(match.issuer, match.sub));
      if (match.sid) await collect(sidKey(match.issuer, match.sid));
      let ended = 0;
      for (const id of ids) {
        const raw = await send(sessionKey(id), ['GET', sessionKey(id)]);
        const data = typeof raw === 'string' ? await decode(raw) : undefined;
        if (!data) continue;
        if (match.issuer !== undefined && data.issuer !== match.issuer) continue;
        if (match.sub !== undefined && subjectOf(data) !== match.sub) continue;
        if (match.sid !== undefined && sidOf(data) !== match.sid) continue;
        if (await end(id, data)) ended++;
      }
      if (match.sub) await send(subKey(match.issuer, match.sub), ['DEL', subKey(match.issuer, match.sub)]);
      if (match.sid) await send(sidKey(match.issuer, match.sid), ['DEL', sidKey(match.issuer, match.sid)]);
      return ended;
    },
  };
}
