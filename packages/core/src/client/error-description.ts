/**
 * What an authorization server says about its error (`error`, `error_description`), made safe to keep
 * on a TokenEndpointError: a server may echo what it was sent (a refresh token, a client secret) or
 * send anything at all.
 */

/** RFC 6749 §5.2: `error` and `error_description` use %x20-21 / %x23-5B / %x5D-7E only. */
const OAUTH_TEXT_CHAR = /[^\x20-\x21\x23-\x5b\x5d-\x7e]/g;
const MAX_DESCRIPTION = 200;
/** Runs of token characters long enough to be a credential: 24+ chars, or 12+ with a digit in them. */
const TOKEN_RUN = /[A-Za-z0-9\-._~+/=]{12,}/g;

/**
 * The OAuth `error` code when it is one (RFC 6749 charset, at most 64 characters), else undefined.
 *
 * @example
 * safeOAuthError('invalid_grant'); // 'invalid_grant'
 * safeOAuthError('x'.repeat(65)); // undefined
 */
export function safeOAuthError(value: unknown): string | undefined {
  return typeof value === 'string' && /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/.test(value) ? value : undefined;
}

/**
 * `error_description` bounded and sanitized: characters outside RFC 6749's set become spaces, anything that
 * could be a credential (a run of 24+ token characters, or 12+ with a digit) replaced by `[redacted]`,
 * at most 200 characters; undefined when nothing is left.
 *
 * @example
 * safeErrorDescription('refresh token rt-51c9aa07e2 was revoked'); // 'refresh token [redacted] was revoked'
 */
export function safeErrorDescription(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Bound the input first: the patterns below then run over at most a few KB.
  const text = value
    .slice(0, 4 * MAX_DESCRIPTION)
    .replace(OAUTH_TEXT_CHAR, ' ')
    .replace(TOKEN_RUN, (run) => (run.length >= 24 || /\d/.test(run) ? '[redacted]' : run))
    .replace(/ {2,}/g, ' ')
    .trim();
  if (text.length === 0) return undefined;
  return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 3)}...` : text;
}
