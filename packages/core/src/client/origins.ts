import { ConfigurationError } from '../configuration-error.ts';
/** The allow-list that keeps tokens from leaking to other hosts (SSRF, open redirects, typos). */

/** Normalizes `allowedOrigins` (required, non-empty) to a set of `scheme://host[:port]` origins. */
export function normalizeOrigins(allowedOrigins: unknown): ReadonlySet<string> {
  if (!Array.isArray(allowedOrigins) || allowedOrigins.length === 0) {
    throw new ConfigurationError('allowedOrigins must be a non-empty array of origins');
  }
  const set = new Set<string>();
  for (const value of allowedOrigins) {
    if (typeof value !== 'string' || !URL.canParse(value)) {
      throw new ConfigurationError(
        'allowedOrigins must contain absolute URLs such as https://api.example.com',
      );
    }
    const origin = new URL(value).origin;
    if (origin === 'null') throw new ConfigurationError('allowedOrigins must contain http(s) origins');
    set.add(origin);
  }
  return set;
}
