/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): the provider's
 * `end_session_endpoint` with `id_token_hint`, `client_id`, `post_logout_redirect_uri` and `state`.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { CallbackError } from './errors.ts';
import type { LoginContext } from './login-context.ts';
import type { LoginSession } from './session.ts';

/**
 * @example
 * const { url, setCookie } = await login.logout(req.headers.cookie, { postLogoutRedirectUri: 'https://app.example.com/' } satisfies LogoutUrlOptions);
 */
export interface LogoutUrlOptions {
  /** Where the provider sends the browser afterwards (must be registered with the provider). */
  postLogoutRedirectUri?: string;
  /** Echoed back on the post-logout redirect. */
  state?: string;
  /** e.g. `ui_locales`. */
  extraParams?: Record<string, string>;
}

export async function createLogoutUrl(
  ctx: LoginContext,
  session: LoginSession | undefined,
  options: LogoutUrlOptions = {},
): Promise<URL> {
  if (options.postLogoutRedirectUri !== undefined && !URL.canParse(options.postLogoutRedirectUri)) {
    throw new ConfigurationError('postLogoutRedirectUri must be an absolute URL');
  }
  const as = await ctx.server();
  if (!as.end_session_endpoint) throw new CallbackError('The provider does not support RP-initiated logout');
  const url = new URL(as.end_session_endpoint);
  for (const [k, v] of Object.entries(options.extraParams ?? {})) url.searchParams.set(k, String(v));
  url.searchParams.set('client_id', ctx.client.client_id);
  const hint = session?.tokens.idToken;
  if (hint) url.searchParams.set('id_token_hint', hint);
  if (options.postLogoutRedirectUri)
    url.searchParams.set('post_logout_redirect_uri', options.postLogoutRedirectUri);
  if (options.state) url.searchParams.set('state', options.state);
  return url;
}
