/**
 * Credentials are checked before they go into a header: Fetch's `Headers` rejects a value with a line
 * break, a NUL or a character above U+00FF with a TypeError that quotes the whole value, token included.
 */

/** Visible ASCII, space and tab: what a credential in a header may contain. */
const HEADER_SAFE = /^[\t\x20-\x7e]*$/;

/**
 * True when `value` can be sent as (part of) a header value without Fetch throwing.
 *
 * @example
 * if (!isHeaderSafe(token)) throw new TokenEndpointError('…'); // never echo `token`
 */
export function isHeaderSafe(value: string): boolean {
  return HEADER_SAFE.test(value);
}
