/**
 * The two "your credentials are wrong" errors of the outgoing side, named as teams coming from
 * Python token SDKs look for them: the client (id/secret/key) or the user (name/password) was
 * refused. Neither is worth retrying: a token source stops asking until it is recreated.
 */
import { AuthClientError } from './auth-client-error.ts';
import { TokenEndpointError, type TokenEndpointErrorDetails } from './errors.ts';

/**
 * The token endpoint refused the client itself (`invalid_client`: unknown client id, wrong secret,
 * bad client assertion). A TokenEndpointError, so existing `oauthError` checks keep working.
 *
 * @example
 * try {
 *   await tokens.getToken();
 * } catch (err) {
 *   if (err instanceof InvalidClientError) console.error('check CLIENT_ID / CLIENT_SECRET');
 *   throw err;
 * }
 */
export class InvalidClientError extends TokenEndpointError {
  override name = 'InvalidClientError';
  constructor(
    message = 'The authorization server rejected the client credentials (invalid_client)',
    details: TokenEndpointErrorDetails = {},
  ) {
    super(message, { ...details, oauthError: 'invalid_client', retryable: false });
  }
}

/**
 * A user login was refused (wrong user name or password, a disabled user). Thrown by a custom
 * `fetchToken` of `createTokenSource` (a password or SRP login); the source treats it as final.
 * The message is fixed: never the user name or the password.
 *
 * @example
 * const tokens = createTokenSource({
 *   fetchToken: async () => {
 *     const res = await fetch('https://login.example/token', { method: 'POST' });
 *     if (res.status === 401) throw new InvalidCredentialsError();
 *     return (await res.json()) as { access_token: string; expires_in: number };
 *   },
 * });
 */
export class InvalidCredentialsError extends AuthClientError {
  override name = 'InvalidCredentialsError';
  constructor(message = 'The user credentials were rejected', options: { cause?: unknown } = {}) {
    super('ERR_AUTH_INVALID_CREDENTIALS', message, options);
  }
}
