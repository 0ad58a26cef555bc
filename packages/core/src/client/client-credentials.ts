/** `clientCredentials()`: a managed token source over the OAuth 2.0 client credentials grant (RFC 6749 §4.4). */
import { ConfigurationError } from '../configuration-error.ts';
import * as oauth from 'oauth4webapi';
import { type DpopOption, dpopManagerOptions, dpopTokenGrant, resolveDpop } from './dpop-source.ts';
import { createOAuthContext, type OAuthContextOptions } from './oauth-context.ts';
import { TokenManager, type TokenManagerOptions } from './token-manager.ts';
import type { ManagedTokenSource } from './types.ts';

/**
 * Options of `clientCredentials`: the server, the client, what to ask for, and token-source tuning.
 *
 * @example
 * const options: ClientCredentialsOptions = {
 *   issuer: 'https://idp.example',
 *   clientId: 'orders',
 *   clientSecret: 's3cret',
 *   scope: ['read:inventory'],
 * };
 * const tokens = clientCredentials(options);
 */
export interface ClientCredentialsOptions extends OAuthContextOptions, TokenManagerOptions {
  /** Space-separated string or a list. */
  scope?: string | readonly string[];
  /** RFC 8707 resource indicator(s). */
  resource?: string | readonly string[];
  /** `audience` parameter (Auth0 and others). */
  audience?: string;
  /** More form parameters for the token request. */
  extraParams?: Record<string, string>;
  /**
   * DPoP (RFC 9449): a key pair (`await generateDpopKeyPair()`) or a `createDpopProver` prover. Token
   * requests carry a proof, so tokens come DPoP-bound (a `token_type` other than DPoP is refused), and
   * `authFetch` / `authInterceptor` send them as `Authorization: DPoP …` with a proof per request.
   */
  dpop?: DpopOption;
}

/**
 * A managed token source over the client credentials grant (RFC 6749 §4.4).
 *
 * @example
 * const tokens = clientCredentials({ issuer: 'https://idp.example', clientId: 'orders', clientSecret: 's3cret' });
 * const token = await tokens.getToken(); // cached, refreshed ahead of expiry
 */
export function clientCredentials(options: ClientCredentialsOptions): ManagedTokenSource {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError('options are required');
  const ctx = createOAuthContext(options);
  const dpop = resolveDpop(options, 'clientCredentials()');
  const params = new URLSearchParams(options.extraParams);
  const scope = typeof options.scope === 'string' ? options.scope : options.scope?.join(' ');
  if (scope) params.set('scope', scope);
  const resources = typeof options.resource === 'string' ? [options.resource] : (options.resource ?? []);
  for (const r of resources) params.append('resource', r);
  if (options.audience) params.set('audience', options.audience);
  const key = `cc|${options.issuer ?? ''}|${options.tokenEndpoint ?? ''}|${options.clientId}|${params.toString()}`;

  return new TokenManager(key, dpopManagerOptions(options, dpop), {
    source: options.tokenEndpoint ?? options.issuer,
    dpop,
    grant: () =>
      dpopTokenGrant(
        ctx,
        dpop,
        (as, auth, http) => oauth.clientCredentialsGrantRequest(as, ctx.client, auth, params, http),
        (as, response) => oauth.processClientCredentialsResponse(as, ctx.client, response),
      ),
  });
}
