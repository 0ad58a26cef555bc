/**
 * A URL as it may appear in logs and errors: scheme, host, port and path only. Userinfo (`user:pass@`),
 * the query (`?api_key=…`) and the fragment can carry credentials, so they are dropped.
 */

/**
 * The origin and path of `value`, or undefined when it is not an absolute URL.
 *
 * @example
 * safeUrl('https://user:pw@idp.example/jwks?key=k'); // 'https://idp.example/jwks'
 */
export function safeUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.origin === 'null' ? undefined : `${url.origin}${url.pathname}`;
  } catch {
    return undefined;
  }
}
