import { ConfigurationError } from '../configuration-error.ts';
/**
 * Framework-neutral cookies: `Set-Cookie` strings out, a `Cookie` header in. Defaults follow the
 * session-cookie advice of OWASP and RFC 6265bis: `HttpOnly`, `SameSite=Lax`, `Path=/`, `Secure`
 * (except for http:// on a loopback address, for local development), and the `__Host-` prefix
 * whenever it is allowed (Secure, Path=/, no Domain), which pins the cookie to this exact host.
 */

/**
 * @example
 * const settings: CookieSettings = cookieSettings('https://app.example.com');
 */
export interface CookieSettings {
  /** Secure cookies; default: true unless the app's origin is http:// on loopback. */
  secure: boolean;
  /** Share with subdomains (disables the `__Host-` prefix); default: host-only. */
  domain?: string;
  path: string;
  sameSite: 'Lax' | 'Strict' | 'None';
}

/**
 * @example
 * const login = createWebLogin({ ...options, cookie: { sameSite: 'Strict' } satisfies CookieOptions });
 */
export interface CookieOptions {
  secure?: boolean;
  domain?: string;
  path?: string;
  sameSite?: 'Lax' | 'Strict' | 'None';
}

const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * True for http://localhost, 127.0.0.1 and [::1] (browsers keep Secure-less cookies usable there).
 *
 * @example
 * isLoopbackHttp('http://localhost:3000'); // true: Secure cookies are not required there
 */
export function isLoopbackHttp(url: string): boolean {
  const u = new URL(url);
  return u.protocol === 'http:' && (LOOPBACK.has(u.hostname) || u.hostname.endsWith('.localhost'));
}

/**
 * Resolves cookie settings for an app served at `appUrl` (its redirect URI). TypeError on misuse.
 *
 * @example
 * const settings = cookieSettings('https://app.example.com', { sameSite: 'Lax' });
 */
export function cookieSettings(appUrl: string, options: CookieOptions = {}): CookieSettings {
  const loopback = isLoopbackHttp(appUrl);
  if (new URL(appUrl).protocol === 'http:' && !loopback && options.secure !== false) {
    throw new ConfigurationError('An http:// app outside loopback cannot keep Secure cookies: use https://');
  }
  const secure = options.secure ?? !loopback;
  const sameSite = options.sameSite ?? 'Lax';
  if (!['Lax', 'Strict', 'None'].includes(sameSite))
    throw new ConfigurationError('sameSite must be Lax, Strict or None');
  if (sameSite === 'None' && !secure) throw new ConfigurationError('SameSite=None requires Secure cookies');
  const path = options.path ?? '/';
  if (!path.startsWith('/') || /[;\s]/.test(path))
    throw new ConfigurationError('path must start with / and hold no ; or spaces');
  if (options.domain !== undefined && !/^[A-Za-z0-9.-]+$/.test(options.domain))
    throw new ConfigurationError('domain must be a host name');
  return { secure, path, sameSite, ...(options.domain ? { domain: options.domain } : {}) };
}

/**
 * `__Host-<name>` when the settings allow the prefix, `<name>` otherwise.
 *
 * @example
 * cookieName('session', cookieSettings('https://app.example.com')); // '__Host-session'
 */
export function cookieName(base: string, settings: CookieSettings): string {
  if (!NAME.test(base)) throw new ConfigurationError('cookie name must be a valid token');
  return settings.secure && !settings.domain && settings.path === '/' ? `__Host-${base}` : base;
}

/**
 * One `Set-Cookie` header value. `maxAge` 0 deletes the cookie.
 *
 * @example
 * res.setHeader('set-cookie', serializeCookie('__Host-session', sealed, settings, 3600));
 */
export function serializeCookie(
  name: string,
  value: string,
  settings: CookieSettings,
  maxAge?: number,
): string {
  if (!NAME.test(name)) throw new TypeError('cookie name must be a valid token');
  if (!VALUE.test(value)) throw new TypeError('cookie value holds characters a cookie cannot carry');
  let out = `${name}=${value}; Path=${settings.path}; HttpOnly; SameSite=${settings.sameSite}`;
  if (settings.secure) out += '; Secure';
  if (settings.domain) out += `; Domain=${settings.domain}`;
  if (maxAge !== undefined) {
    out += `; Max-Age=${Math.max(0, Math.floor(maxAge))}`;
    if (maxAge <= 0) out += '; Expires=Thu, 01 Jan 1970 00:00:00 GMT';
  }
  return out;
}

/**
 * The cookies of a `Cookie` request header (or of Node's header value list). The first of two
 * cookies with one name wins, as in browsers (the most specific path is sent first).
 *
 * @example
 * const session = parseCookies(req.headers.cookie).get('__Host-session');
 */
export function parseCookies(header: string | readonly string[] | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (header === null || header === undefined) return out;
  const text = typeof header === 'string' ? header : header.join('; ');
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name !== '' && !out.has(name)) out.set(name, value);
  }
  return out;
}
