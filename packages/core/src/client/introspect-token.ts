/** `introspectToken()`: OAuth 2.0 Token Introspection (RFC 7662) through oauth4webapi. */
import * as oauth from 'oauth4webapi';
import { createOAuthContext, type OAuthContextOptions } from './oauth-context.ts';

export type IntrospectionResponse = oauth.IntrospectionResponse;

export interface IntrospectTokenOptions extends OAuthContextOptions {
  token: string;
  tokenTypeHint?: 'access_token' | 'refresh_token';
}

/** The server's view of a token; check `active` before anything else. */
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
