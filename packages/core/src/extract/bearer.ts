/**
 * RFC 6750 §2.1 parsing of `Authorization: Bearer <token68>`: the case-insensitive scheme, one or more
 * spaces (`"Bearer" 1*SP b64token`), then a token68 (RFC 7235 §2.1). A header of another scheme
 * (`Basic …`, `DPoP …` while DPoP is off) is not ours: it counts as no credentials (RFC 6750 §3.1).
 * A malformed Bearer header is a malformed request (400).
 * Error descriptions are fixed texts: they never contain the header value.
 */
import { InvalidRequestError } from '../errors.ts';

/**
 * token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 *
 * @example
 * TOKEN68.test('mF_9.B5f-4.1JqM'); // true
 */
export const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

export const MESSAGES = Object.freeze({
  repeated: 'More than one Authorization header',
  empty: 'The Authorization header is empty',
  missing: 'The Bearer token is missing',
  spacing: 'The Authorization header must be "Bearer" followed by spaces and the token',
  charset: 'The Bearer token contains characters that are not allowed',
  locations: 'The access token was sent in more than one place',
  queryRepeated: 'The access token query parameter appears more than once',
  queryEmpty: 'The access token query parameter is empty',
  queryCharset: 'The access token query parameter contains characters that are not allowed',
  bodyInvalid: 'The access token body parameter is malformed',
});

const SCHEME = 'bearer';
const NOT_TOKEN68_CHAR = /[^A-Za-z0-9\-._~+/=]/;

const SHAPE = /^(\S+)(\s*)([\s\S]*)$/;
// Fetch joins repeated headers with ", ": another scheme's value followed by a Bearer one is a repeat.
const JOINED_BEARER = /,\s*bearer(?:\s|$)/i;

function isBearerScheme(scheme: string): boolean {
  return scheme.length === SCHEME.length && scheme.toLowerCase() === SCHEME;
}

/**
 * True when an Authorization header value is for this parser: the Bearer scheme (well-formed or not), an
 * empty or blank value, or another scheme joined with a Bearer value. False for another scheme alone
 * (`Basic …`, `Digest …`, `DPoP …`): that request carries no bearer credentials.
 *
 * @example
 * isBearerCredentials('Bearer abc'); // true
 * isBearerCredentials('Basic dXNlcjpwdw=='); // false
 */
export function isBearerCredentials(value: string): boolean {
  if (startsWithBearer(value)) return true;
  const m = SHAPE.exec(value);
  if (m === null || (m[1] as string).length === 0) return true; // blank or leading whitespace: malformed
  if (isBearerScheme(m[1] as string)) return true;
  return JOINED_BEARER.test(value);
}

/** True when `value` starts with `Bearer ` (scheme case-insensitive, one space), without allocating. */
export function startsWithBearer(value: string): boolean {
  return (
    value.length > 7 &&
    value.charCodeAt(6) === 0x20 &&
    (value.charCodeAt(0) | 0x20) === 0x62 && // b
    (value.charCodeAt(1) | 0x20) === 0x65 && // e
    (value.charCodeAt(2) | 0x20) === 0x61 && // a
    (value.charCodeAt(3) | 0x20) === 0x72 && // r
    (value.charCodeAt(4) | 0x20) === 0x65 && // e
    (value.charCodeAt(5) | 0x20) === 0x72 // r
  );
}

/**
 * Parses one Authorization header value; returns the token, undefined for another scheme (no bearer
 * credentials), or throws InvalidRequestError for a malformed Bearer header.
 *
 * @example
 * parseBearer('Bearer mF_9.B5f-4.1JqM'); // 'mF_9.B5f-4.1JqM'
 */
export function parseBearer(value: string): string | undefined {
  // Fast path for the well-formed case: a token68 contains no whitespace or comma, so every check of
  // the general path below would pass. Measured ~1.9 µs → ~0.1 µs per request for a 700-byte token.
  if (startsWithBearer(value)) {
    const token = value.slice(7);
    // Searching for one character outside token68 (no `=` either) takes half the time of TOKEN68.test;
    // a token with padding takes the full check.
    if (!NOT_TOKEN68_CHAR.test(token) && (token.indexOf('=') === -1 || TOKEN68.test(token))) return token;
  }
  return parseBearerChecked(value);
}

/** The general path: finds out which rule a header value breaks (fixed messages, never the value). */
function parseBearerChecked(value: string): string | undefined {
  if (value.trim().length === 0) throw new InvalidRequestError(MESSAGES.empty);
  const m = SHAPE.exec(value);
  if (m === null) throw new InvalidRequestError(MESSAGES.spacing); // leading whitespace
  const scheme = m[1] as string;
  const separator = m[2] as string;
  const token = m[3] as string;
  if (!isBearerScheme(scheme)) {
    if (JOINED_BEARER.test(value)) throw new InvalidRequestError(MESSAGES.repeated);
    return undefined;
  }
  // Fetch joins repeated headers with ", "; a comma never occurs in a token68.
  if (token.includes(',')) throw new InvalidRequestError(MESSAGES.repeated);
  if (token.length === 0) throw new InvalidRequestError(MESSAGES.missing);
  // 1*SP: spaces only (no tab or other whitespace), and none inside or after the token.
  if (!/^ +$/.test(separator) || /\s/.test(token)) throw new InvalidRequestError(MESSAGES.spacing);
  if (!TOKEN68.test(token)) throw new InvalidRequestError(MESSAGES.charset);
  return token;
}
