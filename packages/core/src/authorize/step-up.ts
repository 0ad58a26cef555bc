/**
 * Step-up authentication (RFC 9470) and sender-constrained routes as policies: a valid token whose
 * user authenticated too weakly (`acr`) or too long ago (`auth_time`) gets a 401
 * `insufficient_user_authentication` naming `acr_values` / `max_age`, so the client sends the user
 * back through login; a route that needs a DPoP-bound token refuses a plain bearer one with a 401
 * on the DPoP challenge.
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { Clock, Policy } from '../types.ts';
import { ALLOW, deny } from './decision.ts';

const STEP_UP = 'ERR_AUTH_INSUFFICIENT_USER_AUTHENTICATION';

/**
 * Allows a principal whose `acr` claim is one of `values` (list every level that is strong enough);
 * otherwise 401 `insufficient_user_authentication` with `acr_values` listing them.
 *
 * @example
 * app.get('/payments', requireAuth(bearer), requireAcr(['urn:demo:mfa', 'urn:demo:hwk']), handler);
 */
export function requireAcr(...values: (string | readonly string[])[]): Policy {
  const accepted = values.flat();
  if (accepted.length === 0 || accepted.some((v) => typeof v !== 'string' || v === '' || /\s/.test(v)))
    throw new ConfigurationError('requireAcr(): give at least one acr value (non-empty, without spaces)');
  const set = new Set(accepted);
  const denial = deny(STEP_UP, 'A stronger authentication is required', { status: 401, acrValues: accepted });
  return (principal) => {
    const acr = principal.claims.acr;
    return typeof acr === 'string' && set.has(acr) ? ALLOW : denial;
  };
}

/**
 * Allows a principal that authenticated at most `maxAge` seconds ago (`auth_time`, plus
 * `clockToleranceSeconds`, default 5); otherwise 401 `insufficient_user_authentication` with `max_age`.
 * A token without `auth_time` is refused too.
 *
 * @example
 * app.post('/transfer', requireAuth(bearer), requireAuthTime({ maxAge: 300 }), handler);
 */
export function requireAuthTime(options: {
  maxAge: number;
  clockToleranceSeconds?: number;
  clock?: Clock;
}): Policy {
  const { maxAge, clockToleranceSeconds = 5, clock = Date.now } = options ?? ({} as never);
  if (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge < 0)
    throw new ConfigurationError('requireAuthTime(): maxAge must be a non-negative number of seconds');
  if (typeof clockToleranceSeconds !== 'number' || !(clockToleranceSeconds >= 0))
    throw new ConfigurationError('requireAuthTime(): clockToleranceSeconds must be a non-negative number');
  if (typeof clock !== 'function')
    throw new ConfigurationError('requireAuthTime(): clock must be a function');
  const denial = deny(STEP_UP, 'A more recent authentication is required', { status: 401, maxAge });
  return (principal) => {
    const authTime = principal.claims.auth_time;
    if (typeof authTime !== 'number' || !Number.isFinite(authTime)) return denial;
    return clock() / 1000 - authTime <= maxAge + clockToleranceSeconds ? ALLOW : denial;
  };
}

const DPOP_REQUIRED = deny('ERR_AUTH_DPOP_REQUIRED', 'This access token must be sent with a DPoP proof', {
  status: 401,
});

/**
 * Allows only a DPoP-bound token (`cnf.jkt`; core refuses such a token without its proof, so a
 * principal that has one proved possession). A plain bearer token gets 401 on the DPoP challenge.
 *
 * @example
 * app.get('/payments', requireAuth(bearer), requireDpopBound(), handler);
 */
export function requireDpopBound(): Policy {
  return (principal) => {
    const cnf = principal.claims.cnf as { jkt?: unknown } | undefined;
    return typeof cnf === 'object' && cnf !== null && typeof cnf.jkt === 'string' ? ALLOW : DPOP_REQUIRED;
  };
}
