/**
 * Server-side sessions in memory: the cookie holds only an opaque random id (256 bits), so a session
 * can be ended from the server: back-channel logout, "log out everywhere". One process only (a Redis
 * store implements the same SessionStore interface for several replicas).
 */
import { ConfigurationError } from '../configuration-error.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import { type CookieSettings, parseCookies, serializeCookie } from './cookies.ts';
import { toBase64url } from './seal.ts';
import type { SessionData } from './session.ts';
import {
  type SessionLifetimes,
  type SessionMatch,
  type SessionStore,
  resolveLifetimes,
} from './session-store.ts';

/**
 * @example
 * const store = memorySessionStore({ settings, name: 'session', maxSessions: 1_000, idleLifetimeSeconds: 1800 } satisfies MemorySessionStoreOptions);
 */
export interface MemorySessionStoreOptions extends SessionLifetimes {
  settings: CookieSettings;
  /** Full cookie name (prefix included). */
  name: string;
  /** Most sessions kept; the least recently written is dropped past it (default 100 000). */
  maxSessions?: number;
  clock?: () => number;
}

/**
 * @example
 * const store: MemorySessionStore = memorySessionStore({ settings, name: 'session' });
 * console.log(store.size); // live sessions
 */
export interface MemorySessionStore extends SessionStore {
  endSessions(match: SessionMatch): Promise<number>;
  /** Sessions held now (expired ones are dropped lazily). */
  readonly size: number;
}

const ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * @example
 * const login = createWebLogin({ ...options, store: memorySessionStore({ settings, name: 'session', maxSessions: 10_000 }) });
 */
export function memorySessionStore(options: MemorySessionStoreOptions): MemorySessionStore {
  assertKnownKeys(
    options,
    ['settings', 'name', 'maxSessions', 'clock', 'absoluteLifetimeSeconds', 'idleLifetimeSeconds'],
    'memorySessionStore()',
  );
  const { settings, name } = options;
  const life = resolveLifetimes(options);
  const clock = options.clock ?? Date.now;
  const max = options.maxSessions ?? 100_000;
  if (!Number.isInteger(max) || max < 1) throw new ConfigurationError('maxSessions must be an integer >= 1');
  // Map order = write order: the first entry is the least recently written.
  const sessions = new Map<string, { data: SessionData; lastWrite: number }>();
  // Logins that were ended (logout, back-channel logout, idle timeout), oldest first: a request
  // that loaded the session before it ended must not write it back to life.
  const ended = new Set<string>();
  // Who and when logged in: fields a refresh never changes (a refreshed ID token may drop `sid`).
  const loginOf = (data: SessionData) => JSON.stringify([data.issuer, data.tokens?.subject, data.createdAt]);
  const end = (id: string, data: SessionData) => {
    sessions.delete(id);
    // As many as sessions at most (each was a session); the oldest go first, in O(1).
    if (ended.size >= max) ended.delete(ended.values().next().value as string);
    ended.add(loginOf(data));
  };

  const idOf = (cookieHeader: string | readonly string[] | null | undefined) => {
    const id = parseCookies(cookieHeader).get(name);
    return id !== undefined && ID.test(id) ? id : undefined;
  };

  return {
    get size() {
      return sessions.size;
    },
    async read(cookieHeader) {
      const id = idOf(cookieHeader);
      const entry = id === undefined ? undefined : sessions.get(id);
      if (!entry || id === undefined) return undefined;
      const now = clock();
      if (now >= entry.data.createdAt + life.absoluteMs || now >= entry.lastWrite + life.idleMs) {
        end(id, entry.data);
        return undefined;
      }
      return entry.data;
    },
    async write(data, cookieHeader) {
      const now = clock();
      const remaining = data.createdAt + life.absoluteMs - now;
      let id = idOf(cookieHeader);
      if (remaining <= 0 || ended.has(loginOf(data))) {
        if (id !== undefined) sessions.delete(id);
        return [serializeCookie(name, '', settings, 0)];
      }
      // A new login gets a new id (no session fixation); a refresh keeps the id it has.
      if (
        id === undefined ||
        !sessions.has(id) ||
        sessions.get(id)?.data.tokens.subject !== data.tokens.subject
      ) {
        id = toBase64url(crypto.getRandomValues(new Uint8Array(32)));
      }
      sessions.delete(id);
      sessions.set(id, { data, lastWrite: now });
      while (sessions.size > max) sessions.delete(sessions.keys().next().value as string);
      return [serializeCookie(name, id, settings, remaining / 1000)];
    },
    async destroy(cookieHeader) {
      const id = idOf(cookieHeader);
      const entry = id === undefined ? undefined : sessions.get(id);
      if (id !== undefined && entry) end(id, entry.data);
      return [serializeCookie(name, '', settings, 0)];
    },
    async endSessions(match) {
      if (!match.sub && !match.sid) return 0;
      let ended = 0;
      for (const [id, { data }] of sessions) {
        if (match.issuer !== undefined && data.issuer !== match.issuer) continue;
        if (match.sub !== undefined && data.claims.sub !== match.sub) continue;
        if (match.sid !== undefined && data.claims.sid !== match.sid) continue;
        end(id, data);
        ended++;
      }
      return ended;
    },
  };
}
