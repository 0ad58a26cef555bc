/** `introspectToken()`: OAuth 2.0 Token Introspection (RFC 7662) through oauth4webapi. */
import * as oauth from 'oauth4webapi';
import { createOAuthContext, type OAuthContextOptions } from './oauth-context.ts';

/**
 * The RFC 7662 answer of `introspectToken`; `active` comes first.
 *
 * @example
 * const info: IntrospectionResponse = await introspectToken({ issuer, clientId: 'orders', clientSecret: 's3cret', token });
 * if (!info.active) throw new InvalidTokenError();
 */
export type IntrospectionResponse = oauth.IntrospectionResponse;

/**
 * Options of `introspectToken`: the server, the client, and the token to ask about.
 *
 * @example
 * const info = await introspectToken({ issuer: 'https://idp.example', clientId: 'orders', clientSecret: 's3cret', token } satisfies IntrospectTokenOptions);
 */
export interface IntrospectTokenOptions extends OAuthContextOptions {
  token: string;
  tokenTypeHint?: 'access_token' | 'refresh_token';
}

/**
 * The server's view of a token; check `active` before anything else.
 *
 * @example
 * const info = await introspectToken({ issuer: 'https://idp.example', clientId: 'orders', clientSecret: 's3cret', token });
 * if (!info.active) throw new InvalidTokenError();
 */
export async function introspectToken(options: IntrospectTokenOptions): Promise<IntrospectionResponse> {
  if (typeof options?.token !== 'string' || options.token === '') throw new TypeError('token is required');
  const ctx = createOAuthContext(options);
  const additionalParameters = options.tokenTypeHint ? { token_type_hint: options.tokenTypeHint } : undefined;
  return ctx.call(
    'introspection',
    (as, auth) =>
      oauth.introspectionRequest(as, ctx.client, auth, options.token, {
        ...ctx.http(),
        additionalParameters,
      }),
    (as, response) => oauth.processIntrospectionResponse(as, ctx.client, response),
  );
}
