/**
 * Return-to URLs after login: same-origin paths only, so the login endpoint is never an open
 * redirect. Anything a browser could read as another host is refused: `//evil.test`,
 * `/\evil.test`, `https:evil.test`, `javascript:`, control characters, and the same after
 * percent-decoding (`/%2F%2Fevil.test`, `%2F%5Cevil.test`), since a later hop may decode once more,
 * and dot segments that collapse into `//` (`/.//evil.test`).
 */

const MAX_LENGTH = 2048;

function looksForeign(path: string, base: URL): boolean {
  // Browsers treat `\` as `/` in special URLs, and strip tabs and newlines anywhere.
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 0x5c || c < 0x20 || c === 0x7f) return true;
  }
  if (!path.startsWith('/') || path.startsWith('//')) return true;
  // Dot segments collapse: `/.//evil.test` and `/a/..//evil.test` resolve to the path `//evil.test`,
  // which a Location header (or the next hop) reads as another host.
  try {
    const url = new URL(path, base);
    return url.origin !== base.origin || url.pathname.startsWith('//');
  } catch {
    return true;
  }
}

/**
 * `value` as a same-origin path + query + fragment, or `fallback` (default `/`) when it is absent,
 * not a string, too long, or could lead off `origin`.
 *
 * @example
 * ```ts
 * safeReturnTo('/projects?id=1', 'https://app.example') // '/projects?id=1'
 * safeReturnTo('//evil.test', 'https://app.example')    // '/'
 * ```
 */
export function safeReturnTo(value: unknown, origin: string, fallback = '/'): string {
  if (typeof value !== 'string' || value === '' || value.length > MAX_LENGTH) return fallback;
  let base: URL;
  try {
    base = new URL(origin);
  } catch {
    return fallback;
  }
  let decoded = value;
  let settled = false;
  for (let i = 0; i < 3; i++) {
    if (looksForeign(decoded, base)) return fallback;
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return fallback;
    }
    if (next === decoded) {
      settled = true;
      break;
    }
    decoded = next;
  }
  // Still encoded after three rounds: refused rather than handed to a hop that decodes once more.
  if (!settled || looksForeign(decoded, base)) return fallback;
  const url = new URL(value, base);
  return `${url.pathname}${url.search}${url.hash}`;
}
