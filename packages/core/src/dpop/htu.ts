/**
 * The URL a DPoP proof's `htu` must name (RFC 9449 §4.3): the request's URL without query and
 * fragment, compared after RFC 3986 §6.2.2 / §6.2.3 normalisation (case of scheme and host, default
 * port, dot segments, percent-encoding case, unreserved characters decoded).
 *
 * Behind a proxy the public URL comes from the `publicUrl` option; without it, the adapter's protocol
 * (which follows the framework's own trust-proxy setting) and the `Host` header. `X-Forwarded-*` is
 * never read here.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { readHeader } from '../extract/headers.ts';
import type { RequestLike } from '../types.ts';

const UNRESERVED = /[A-Za-z0-9\-._~]/;
// RFC 9110 §7.2 `Host = uri-host [ ":" port ]`: a name or an IP literal, nothing that a URL parser
// would read as userinfo, path, query or fragment (a `Host: api/payments?` made a proof for /payments
// match a request for any path).
const HOST = /^(?:[A-Za-z0-9\-._~]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

function normalizePercent(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => {
    const c = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(c) ? c : `%${hex.toUpperCase()}`;
  });
}

/**
 * `url` without query and fragment, normalised for comparison; undefined when it is not an absolute
 * http(s) URL without credentials.
 *
 * @example
 * normalizeHtu('HTTPS://Api.Example.com:443/a/../payments?x=1'); // 'https://api.example.com/payments'
 */
export function normalizeHtu(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  if (parsed.username !== '' || parsed.password !== '') return undefined;
  return `${parsed.protocol}//${parsed.host}${normalizePercent(parsed.pathname)}`;
}

/**
 * Checks a `publicUrl` option at setup: an absolute http(s) URL without query, fragment or
 * credentials. Returns it without a trailing slash.
 */
export function validatePublicUrl(value: unknown, name: string): string {
  if (typeof value !== 'string' || normalizeHtu(value) === undefined)
    throw new ConfigurationError(`${name} must be an absolute http(s) URL`);
  const url = new URL(value);
  if (url.search !== '' || url.hash !== '')
    throw new ConfigurationError(`${name} must not have a query or fragment`);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * True for a raw request path that the URL parser would turn into another path (dot segments, also
 * percent-encoded; backslashes; whitespace and control characters, which it drops) while a router
 * matches it as sent: `/admin/../payments` would name `/payments` in the htu yet reach an `/admin/*`
 * route. Clients never send these (their URL parser resolves them first).
 */
function rewritable(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x5c) return true; // whitespace, controls, backslash
  }
  return path.split('/').some((segment) => {
    if (segment.length > 6) return false;
    const s = segment.replace(/%2e/gi, '.');
    return s === '.' || s === '..';
  });
}

/**
 * The normalised URL of the request the proof must name, or undefined when it cannot be known (no
 * `Host` header and no `publicUrl`). `normalize` is `normalizeHtu` or a memo of it.
 *
 * @example
 * requestHtu({ headers: { host: 'api.example.com' }, url: '/payments?x=1', protocol: 'https' }); // 'https://api.example.com/payments'
 */
export function requestHtu(
  req: RequestLike,
  publicUrl: string | undefined,
  normalize: (url: string) => string | undefined = normalizeHtu,
): string | undefined {
  const target = typeof req.originalUrl === 'string' ? req.originalUrl : req.url;
  if (typeof target !== 'string' || target === '') return undefined;
  let path: string;
  let origin: string;
  if (/^https?:\/\//i.test(target)) {
    // Fetch-style requests (Hono) carry an absolute URL, built by the server from its Host header.
    let parsed: URL;
    try {
      parsed = new URL(target);
    } catch {
      return undefined;
    }
    path = parsed.pathname;
    origin = parsed.origin;
    const raw = target.replace(/^https?:\/\/[^/\\?#]*/i, '');
    const end = raw.search(/[?#]/);
    if (rewritable(end === -1 ? raw : raw.slice(0, end))) return undefined;
  } else {
    if (target[0] !== '/') return undefined;
    const end = target.search(/[?#]/);
    path = end === -1 ? target : target.slice(0, end);
    if (rewritable(path)) return undefined;
    const host = readHeader(req, 'host');
    if (publicUrl === undefined && (host.value === undefined || host.repeated || !HOST.test(host.value)))
      return undefined;
    const protocol = req.protocol === 'https' ? 'https' : 'http';
    origin = `${protocol}://${host.value}`;
  }
  return normalize(publicUrl === undefined ? `${origin}${path}` : `${publicUrl}${path}`);
}
