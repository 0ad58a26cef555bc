/**
 * Return-to URLs after login: same-origin paths only, so the login endpoint is never an open
 * redirect. Anything a browser could read as another host is refused: `//evil.test`,
 * `/\evil.test`, `https:evil.test`, `javascript:`, control characters, and the same after
 * percent-decoding (`/%2F%2Fevil.test`, `%2F%5Cevil.test`), since a later hop may decode once more.
 */

const MAX_LENGTH = 2048;

function looksForeign(path: string): boolean {
  // Browsers treat `\` as `/` in special URLs, and strip tabs and newlines anywhere.
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 0x5c || c < 0x20 || c === 0x7f) return true;
  }
  return !path.startsWith('/') || path.startsWith('//');
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
  let decoded = value;
  for (let i = 0; i < 3; i++) {
    if (looksForeign(decoded)) return fallback;
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return fallback;
    }
    if (next === decoded) break;
    decoded = next;
  }
  if (looksForeign(decoded)) return fallback;
  let url: URL;
  try {
    const base = new URL(origin);
    url = new URL(value, base);
    if (url.origin !== base.origin) return fallback;
  } catch {
    return fallback;
  }
  return `${url.pathname}${url.search}${url.hash}`;
}
