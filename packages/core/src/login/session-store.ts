/**
 * Where sessions live, behind one interface: sealed in the cookie itself (default, no server state)
 * or server-side with only an opaque id in the cookie (memory-session-store.ts). Both enforce an
 * absolute lifetime (from login) and an idle lifetime (from the last write).
 */
import { ConfigurationError } from '../configuration-error.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import { type CookieSettings, parseCookies, serializeCookie } from './cookies.ts';
import type { Sealer } from './seal.ts';
import type { SessionData } from './session.ts';
import { SessionTooLargeError } from './errors.ts';

/**
 * Who a back-channel logout (or "log out everywhere") ends.
 *
 * @example
 * const ended = await store.endSessions?.({ sub: 'user-1' } satisfies SessionMatch);
 */
export interface SessionMatch {
  sub?: string;
  sid?: string;
  issuer?: string;
}

/**
 * @example
 * const store: SessionStore = memorySessionStore({ settings, name: 'session', maxSessions: 10_000 });
 * const login = createWebLogin({ ...options, store });
 */
export interface SessionStore {
  /** The request's session, or undefined: none, expired, tampered, truncated, unknown key, ended. */
  read(cookieHeader: string | readonly string[] | null | undefined): Promise<SessionData | undefined>;
  /** `Set-Cookie` values that store `data` (and drop what the request held beyond it). Slides the idle lifetime. */
  write(data: SessionData, cookieHeader?: string | readonly string[] | null): Promise<string[]>;
  /** `Set-Cookie` values that remove the session (and its server-side entry). */
  destroy(cookieHeader: string | readonly string[] | null | undefined): Promise<string[]>;
  /** Server-side stores only: ends every session matching a `sid` and/or `sub`; resolves how many. */
  endSessions?(match: SessionMatch): Promise<number>;
}

/**
 * @example
 * const lifetimes: SessionLifetimes = { absoluteLifetimeSeconds: 7 * 86_400, idleLifetimeSeconds: 86_400 };
 * const login = createWebLogin({ ...options, ...lifetimes });
 */
export interface SessionLifetimes {
  /** Seconds from login after which the session ends whatever happens (default 7 days). */
  absoluteLifetimeSeconds?: number;
  /** Seconds without a write after which the session ends (default 1 day). */
  idleLifetimeSeconds?: number;
}

export interface ResolvedLifetimes {
  absoluteMs: number;
  idleMs: number;
}

export function resolveLifetimes(options: SessionLifetimes): ResolvedLifetimes {
  const seconds = (name: string, v: number | undefined, fallback: number) => {
    const s = v ?? fallback;
    if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0)
      throw new ConfigurationError(`${name} must be a number of seconds > 0`);
    return s * 1000;
  };
  return {
    absoluteMs: seconds('absoluteLifetimeSeconds', options.absoluteLifetimeSeconds, 7 * 86_400),
    idleMs: seconds('idleLifetimeSeconds', options.idleLifetimeSeconds, 86_400),
  };
}

/** The stored envelope: the session plus when it was last written (idle lifetime). */
interface Envelope {
  d: SessionData;
  /** last write, ms */
  t: number;
}

/** Browsers keep ~4096 bytes per cookie, name and attributes included. */
export const CHUNK_SIZE = 3800;
const MAX_CHUNKS = 10;

/** The (chunked) cookie value under `name`, or undefined. */
export function readChunked(cookies: Map<string, string>, name: string): string | undefined {
  const whole = cookies.get(name);
  if (whole !== undefined) return whole;
  let out = '';
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const part = cookies.get(`${name}.${i}`);
    if (part === undefined) return i === 0 ? undefined : out;
    out += part;
  }
  return out;
}

/** Set-Cookie values writing `value` under `name` (chunked past CHUNK_SIZE), deleting stale chunks. */
export function writeChunked(
  name: string,
  value: string,
  settings: CookieSettings,
  maxAge: number,
  previous: Map<string, string>,
): string[] {
  const out: string[] = [];
  const written = new Set<string>();
  if (value.length <= CHUNK_SIZE) {
    out.push(serializeCookie(name, value, settings, maxAge));
    written.add(name);
  } else {
    const count = Math.ceil(value.length / CHUNK_SIZE);
    if (count > MAX_CHUNKS) throw new SessionTooLargeError();
    for (let i = 0; i < count; i++) {
      const chunkName = `${name}.${i}`;
      out.push(
        serializeCookie(chunkName, value.slice(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE), settings, maxAge),
      );
      written.add(chunkName);
    }
  }
  out.push(...clearChunked(name, settings, previous, written));
  return out;
}

export function clearChunked(
  name: string,
  settings: CookieSettings,
  previous: Map<string, string>,
  keep: ReadonlySet<string> = new Set(),
): string[] {
  const out: string[] = [];
  // Only the names this store ever writes: the request chooses how many cookies it sends, and one
  // deletion per name it invents would let anyone grow the response without bound.
  for (const existing of [name, ...Array.from({ length: MAX_CHUNKS }, (_, i) => `${name}.${i}`)]) {
    if (previous.has(existing) && !keep.has(existing)) out.push(serializeCookie(existing, '', settings, 0));
  }
  return out;
}

/**
 * @example
 * const store = cookieSessionStore({ sealer, settings, name: 'session', idleLifetimeSeconds: 3600 } satisfies CookieSessionStoreOptions);
 */
export interface CookieSessionStoreOptions extends SessionLifetimes {
  sealer: Sealer;
  settings: CookieSettings;
  /** Full cookie name (prefix included). */
  name: string;
  clock?: () => number;
}

const COOKIE_STORE_KEYS = [
  'sealer',
  'settings',
  'name',
  'clock',
  'absoluteLifetimeSeconds',
  'idleLifetimeSeconds',
];

/**
 * Sessions sealed into the cookie (AES-256-GCM, key id for rotation, chunked past ~4 KB).
 *
 * @example
 * const login = createWebLogin({ ...options, store: cookieSessionStore({ sealer, settings, name: 'session', absoluteLifetimeSeconds: 8 * 3600 }) });
 */
export function cookieSessionStore(options: CookieSessionStoreOptions): SessionStore {
  // A misspelt lifetime (`absoluteSeconds`) would silently keep the 7-day default.
  assertKnownKeys(options, COOKIE_STORE_KEYS, 'cookieSessionStore()');
  const { sealer, settings, name } = options;
  const life = resolveLifetimes(options);
  const clock = options.clock ?? Date.now;
  return {
    async read(cookieHeader) {
      const sealed = readChunked(parseCookies(cookieHeader), name);
      if (!sealed) return undefined;
      const plain = await sealer.unseal('session', sealed);
      if (plain === undefined) return undefined;
      let envelope: Envelope;
      try {
        envelope = JSON.parse(plain) as Envelope;
      } catch {
        return undefined;
      }
      return alive(envelope, life, clock()) ? envelope.d : undefined;
    },
    async write(data, cookieHeader) {
      const now = clock();
      const remaining = data.createdAt + life.absoluteMs - now;
      const previous = parseCookies(cookieHeader);
      if (remaining <= 0) return clearChunked(name, settings, previous);
      const sealed = await sealer.seal('session', JSON.stringify({ d: data, t: now } satisfies Envelope));
      return writeChunked(name, sealed, settings, remaining / 1000, previous);
    },
    async destroy(cookieHeader) {
      return clearChunked(name, settings, parseCookies(cookieHeader));
    },
  };
}

export function alive(envelope: Envelope | undefined, life: ResolvedLifetimes, now: number): boolean {
  if (typeof envelope !== 'object' || envelope === null) return false;
  const { d, t } = envelope;
  if (
    typeof d !== 'object' ||
    d === null ||
    d.v !== 1 ||
    typeof d.createdAt !== 'number' ||
    typeof t !== 'number'
  )
    return false;
  return now < d.createdAt + life.absoluteMs && now < t + life.idleMs;
}
