/**
 * Back-channel logout tokens (OpenID Connect Back-Channel Logout 1.0 §2.4, §2.6): verified with
 * core's JWT verifier (signature against the provider's JWKS, `iss`, `aud` = this client, `iat`,
 * `exp`, `typ: logout+jwt`), then the logout-specific rules: the back-channel `events` member, `sid`
 * and/or `sub`, no `nonce`, and a `jti` not seen before (replays are refused).
 */
import { isAuthError } from '../errors.ts';
import type { Verifier, VerifierOptions } from '../verify/options.ts';
import { createVerifier } from '../verify/create-verifier.ts';
import { LogoutTokenError } from './errors.ts';
import type { LoginContext } from './login-context.ts';

/**
 * @example
 * const isLogout = BACKCHANNEL_LOGOUT_EVENT in (claims.events as object);
 */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * Who a verified logout token logs out: the provider session (`sid`), the user (`sub`), or both.
 *
 * @example
 * const { request, ended }: { request: LogoutRequest; ended: number } = await login.handleBackchannelLogout(body);
 * logger.info({ sid: request.sid, ended });
 */
export interface LogoutRequest {
  issuer: string;
  sub?: string;
  sid?: string;
  jti: string;
}

export interface LogoutTokenVerifier {
  verify(token: string): Promise<LogoutRequest>;
}

const SEEN_MAX = 10_000;

export function createLogoutTokenVerifier(
  ctx: LoginContext,
  extra: Partial<VerifierOptions> = {},
): LogoutTokenVerifier {
  let verifier: Verifier | undefined;
  // jti → exp (ms): enough to refuse a replay while the token could still be accepted.
  const seen = new Map<string, number>();
  const clock = ctx.options.clock ?? Date.now;

  const build = async (): Promise<Verifier> => {
    if (verifier) return verifier;
    const as = await ctx.server();
    if (!as.jwks_uri) throw new LogoutTokenError('The provider publishes no JWKS');
    verifier = createVerifier({
      issuers: [
        {
          issuer: as.issuer,
          audience: ctx.client.client_id,
          jwksUri: as.jwks_uri,
          tokenUse: 'any',
          typ: 'logout+jwt',
          requiredClaims: ['iss', 'aud', 'iat', 'exp', 'jti', 'events'],
          // A logout token may carry only `sid`: the principal's subject is read from `jti`.
          userIdClaim: 'jti',
        },
      ],
      cacheSize: 0,
      fetch: ctx.options.fetch,
      clock: ctx.options.clock,
      ...extra,
    });
    return verifier;
  };

  return {
    async verify(token) {
      if (typeof token !== 'string' || token === '')
        throw new LogoutTokenError('The logout token is missing');
      let claims: Record<string, unknown>;
      try {
        claims = (await (await build()).verify(token)).claims as Record<string, unknown>;
      } catch (cause) {
        if (cause instanceof LogoutTokenError) throw cause;
        throw new LogoutTokenError('The logout token is invalid', isAuthError(cause) ? cause : undefined);
      }
      const events = claims.events as Record<string, unknown> | undefined;
      const event = events && typeof events === 'object' ? events[BACKCHANNEL_LOGOUT_EVENT] : undefined;
      if (typeof event !== 'object' || event === null || Array.isArray(event)) {
        throw new LogoutTokenError('The logout token lacks the back-channel logout event');
      }
      if (claims.nonce !== undefined) throw new LogoutTokenError('A logout token must not carry a nonce');
      const sub = typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : undefined;
      const sid = typeof claims.sid === 'string' && claims.sid !== '' ? claims.sid : undefined;
      if (!sub && !sid) throw new LogoutTokenError('The logout token names neither a subject nor a session');
      const jti = claims.jti as string;
      const now = clock();
      for (const [k, exp] of seen) if (exp <= now || seen.size > SEEN_MAX) seen.delete(k);
      if (seen.has(jti)) throw new LogoutTokenError('The logout token was already used');
      seen.set(jti, (claims.exp as number) * 1000);
      const out: LogoutRequest = { issuer: claims.iss as string, jti };
      if (sub) out.sub = sub;
      if (sid) out.sid = sid;
      return out;
    },
  };
}
