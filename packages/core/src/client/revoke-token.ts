/** `revokeToken()`: OAuth 2.0 Token Revocation (RFC 7009) through oauth4webapi. */
import * as oauth from 'oauth4webapi';
import { createOAuthContext, type OAuthContextOptions } from './oauth-context.ts';

/**
 * Options of `revokeToken`: the server, the client, and the token to revoke.
 *
 * @example
 * await revokeToken({ issuer, clientId: 'web', token: refreshToken, tokenTypeHint: 'refresh_token' } satisfies RevokeTokenOptions);
 */
export interface RevokeTokenOptions extends OAuthContextOptions {
  token: string;
  tokenTypeHint?: 'access_token' | 'refresh_token';
}

/**
 * Resolves once the server accepted the revocation (200, also for an unknown token, per RFC 7009).
 *
 * @example
 * await revokeToken({ issuer: 'https://idp.example', clientId: 'web', token: refreshToken, tokenTypeHint: 'refresh_token' });
 */
export async function revokeToken(options: RevokeTokenOptions): Promise<void> {
  if (typeof options?.token !== 'string' || options.token === '') throw new TypeError('token is required');
  const ctx = createOAuthContext(options);
  const additionalParameters = options.tokenTypeHint ? { token_type_hint: options.tokenTypeHint } : undefined;
  await ctx.call(
    'revocation',
    (as, auth) =>
      oauth.revocationRequest(as, ctx.client, auth, options.token, { ...ctx.http(), additionalParameters }),
    (_as, response) => oauth.processRevocationResponse(response),
  );
}
