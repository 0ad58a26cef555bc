/**
 * `refreshTokens()`: keeps a user's access token fresh with the refresh token grant (RFC 6749 §6),
 * following refresh-token rotation and checking that a new ID token names the same subject.
 */
import * as oauth from 'oauth4webapi';
import { ConfigurationError } from '../configuration-error.ts';
import { isAuthClientError } from './client-error-brand.ts';
import { RefreshError, SubjectMismatchError, TokenEndpointError } from './errors.ts';
import { type DpopOption, dpopManagerOptions, dpopTokenGrant, resolveDpop } from './dpop-source.ts';
import { decodeJwtPayload, jwtExpiry } from './jwt.ts';
import { createOAuthContext, type OAuthContextOptions } from './oauth-context.ts';
import { type GrantResult, TokenManager, type TokenManagerOptions } from './token-manager.ts';
import type { ManagedTokenSource, TokenSet } from './types.ts';

/**
 * Tokens as a token endpoint returns them, or a TokenSet from `onRefresh` / a store.
 *
 * @example
 * const tokens = refreshTokens({ issuer, clientId: 'web', tokens: { refresh_token: session.refreshToken } satisfies InitialTokens });
 */
export type InitialTokens =
  | {
      access_token?: string;
      refresh_token: string;
      id_token?: string;
      expires_in?: number;
      token_type?: string;
      scope?: string;
    }
  | TokenSet;

/**
 * Options of `refreshTokens`: the server, the client, the tokens to start from, and token-source tuning.
 *
 * @example
 * const tokens = refreshTokens({ issuer, clientId: 'web', tokens: { refresh_token: rt }, onRefresh: saveSession } satisfies RefreshTokensOptions);
 */
export interface RefreshTokensOptions extends OAuthContextOptions, TokenManagerOptions {
  tokens: InitialTokens;
  /** Expected subject; defaults to the `sub` of the initial ID token. */
  subject?: string;
  /** Narrow the scope on refresh. */
  scope?: string | readonly string[];
  resource?: string | readonly string[];
  /**
   * DPoP (RFC 9449): the key pair the tokens are bound to (the one the login used). Refresh requests
   * carry a proof; a refreshed `token_type` other than DPoP is refused; `authFetch` sends DPoP proofs.
   */
  dpop?: DpopOption;
}

/**
 * Keeps a user's access token fresh with the refresh token grant, following rotation and checking the subject.
 *
 * @example
 * const tokens = refreshTokens({ issuer: 'https://idp.example', clientId: 'web', tokens: { refresh_token: rt }, onRefresh: saveSession });
 * const accessToken = await tokens.getToken();
 */
export function refreshTokens(options: RefreshTokensOptions): ManagedTokenSource {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError('options are required');
  if (!options.issuer) throw new ConfigurationError('issuer is required (ID tokens are checked against it)');
  const initial = toInitialSet(options.tokens, options.clock ?? Date.now, options.subject);
  const ctx = createOAuthContext(options);
  const dpop = resolveDpop(options, 'refreshTokens()');
  if (dpop && initial.accessToken !== '' && initial.tokenType.toLowerCase() !== 'dpop')
    throw new ConfigurationError(
      'refreshTokens(): with dpop, tokens.token_type must be DPoP (the login was not DPoP-bound)',
    );
  const extra = new URLSearchParams();
  const scope = typeof options.scope === 'string' ? options.scope : options.scope?.join(' ');
  if (scope) extra.set('scope', scope);
  const resources = typeof options.resource === 'string' ? [options.resource] : (options.resource ?? []);
  for (const r of resources) extra.append('resource', r);
  const expectedSubject = initial.subject;

  const key = `rt|${options.issuer}|${options.clientId}|${expectedSubject ?? ''}`;
  return new TokenManager(key, dpopManagerOptions(options, dpop), {
    initial,
    source: options.tokenEndpoint ?? options.issuer,
    dpop,
    async grant(current): Promise<GrantResult> {
      const refreshToken = current?.refreshToken;
      if (!refreshToken)
        throw new TokenEndpointError('No refresh token is available', { oauthError: 'invalid_grant' });
      const result = await dpopTokenGrant(
        ctx,
        dpop,
        (as, auth, http) =>
          oauth.refreshTokenGrantRequest(as, ctx.client, auth, refreshToken, {
            ...http,
            additionalParameters: extra,
          }),
        (as, response) => oauth.processRefreshTokenResponse(as, ctx.client, response),
      );
      const claims = oauth.getValidatedIdTokenClaims(result);
      return { ...result, subject: claims?.sub };
    },
    accept(result, next) {
      if (
        result.subject !== undefined &&
        expectedSubject !== undefined &&
        result.subject !== expectedSubject
      ) {
        throw new SubjectMismatchError(undefined, { expectedSubject, actualSubject: result.subject });
      }
      return next;
    },
    isFatal: (error) =>
      (error instanceof TokenEndpointError && error.oauthError === 'invalid_grant') ||
      error instanceof SubjectMismatchError,
    wrapError: (error) =>
      error instanceof SubjectMismatchError ||
      (isAuthClientError(error) && error.code === 'ERR_AUTH_REFRESH_FAILED')
        ? error
        : new RefreshError(undefined, { cause: error }),
  });
}

function toInitialSet(tokens: InitialTokens, clock: () => number, subject: string | undefined): TokenSet {
  if (typeof tokens !== 'object' || tokens === null) throw new ConfigurationError('tokens are required');
  if ('accessToken' in tokens) {
    if (!tokens.refreshToken) throw new ConfigurationError('tokens.refreshToken is required');
    return subject && !tokens.subject ? { ...tokens, subject } : tokens;
  }
  if (typeof tokens.refresh_token !== 'string' || tokens.refresh_token === '') {
    throw new ConfigurationError('tokens.refresh_token is required');
  }
  const now = clock();
  const sub = subject ?? idTokenSubject(tokens.id_token);
  const set: TokenSet = {
    accessToken: tokens.access_token ?? '',
    tokenType: (tokens.token_type ?? 'bearer').toLowerCase(),
    // Without an access token (or its lifetime) the first getToken refreshes straight away.
    expiresAtMs: initialExpiry(tokens.access_token, tokens.expires_in, now),
    obtainedAtMs: now,
    refreshToken: tokens.refresh_token,
  };
  if (tokens.id_token) set.idToken = tokens.id_token;
  if (sub) set.subject = sub;
  if (tokens.scope) set.scope = tokens.scope;
  return set;
}

function idTokenSubject(idToken: string | undefined): string | undefined {
  if (!idToken) return undefined;
  const sub = decodeJwtPayload(idToken)?.sub;
  return typeof sub === 'string' ? sub : undefined;
}

function initialExpiry(accessToken: string | undefined, expiresIn: number | undefined, now: number): number {
  if (!accessToken) return now;
  const candidates: number[] = [];
  if (typeof expiresIn === 'number' && Number.isFinite(expiresIn)) candidates.push(now + expiresIn * 1000);
  const exp = jwtExpiry(accessToken);
  if (exp !== undefined) candidates.push(exp * 1000);
  return candidates.length > 0 ? Math.min(...candidates) : now;
}
