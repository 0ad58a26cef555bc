/**
 * The redirect back from the provider: `state` (checked first, so a forged error response is a CSRF
 * failure, not a login error), `iss` (RFC 9207) and error responses through oauth4webapi's
 * validateAuthResponse, then the code exchange with the client's authentication and the ID token
 * validation (oauth4webapi: iss, aud, azp, exp, iat, nonce, auth_time/max_age; signature through
 * validateApplicationLevelSignature; at_hash/c_hash here when present).
 */
import * as oauth from 'oauth4webapi';
import { isAuthError } from '../errors.ts';
import { TokenEndpointError } from '../client/errors.ts';
import { jwtExpiry } from '../client/jwt.ts';
import type { TokenSet } from '../client/types.ts';
import {
  AcrNotSatisfiedError,
  CallbackError,
  IdTokenError,
  NonceMismatchError,
  StateMismatchError,
  authorizationResponseError,
} from './errors.ts';
import { jwsAlg, oidcHashMatches } from './id-token-hashes.ts';
import type { LoginContext } from './login-context.ts';
import type { SessionData } from './session.ts';

/**
 * What was kept from `createAuthorizationUrl` for this login attempt.
 *
 * @example
 * const saved: SavedAuthorization = { state, nonce, codeVerifier };
 * const session = await login.handleCallback(req.url, saved);
 */
export interface SavedAuthorization {
  state: string;
  nonce: string;
  codeVerifier: string;
  maxAge?: number;
  /** The `acr_values` sent: the ID token's `acr` must be one of them. */
  acrValues?: readonly string[];
}

// A failure inside oauth4webapi's response processing, carried out of OAuthContext.call (which
// would otherwise turn every processing error into a TokenEndpointError).
class Carried {
  constructor(readonly error: unknown) {}
}

export async function handleCallback(
  ctx: LoginContext,
  currentUrl: string | URL,
  saved: SavedAuthorization | undefined,
): Promise<SessionData> {
  let url: URL;
  try {
    url = new URL(currentUrl);
  } catch (cause) {
    throw new CallbackError('The login response URL is invalid', cause);
  }
  if (!saved || typeof saved.state !== 'string' || typeof saved.nonce !== 'string' || !saved.codeVerifier) {
    throw new StateMismatchError('No login attempt is pending for this response');
  }
  const params = url.searchParams;
  if (params.getAll('state').length !== 1 || params.get('state') !== saved.state)
    throw new StateMismatchError();

  const as = await ctx.server();
  let callbackParams: URLSearchParams;
  try {
    callbackParams = oauth.validateAuthResponse(as, ctx.client, params, saved.state);
  } catch (cause) {
    if (cause instanceof oauth.AuthorizationResponseError) {
      throw authorizationResponseError(cause.error, cause.error_description);
    }
    throw new CallbackError('The login response is invalid', cause);
  }
  // Exactly one non-empty code, checked here: oauth4webapi refuses the rest inside the token call,
  // where it would read as "server unreachable, retry".
  const codes = callbackParams.getAll('code');
  if (codes.length !== 1 || codes[0] === '') {
    throw new CallbackError('The login response carries no single authorization code');
  }

  const maxAge = saved.maxAge ?? oauth.skipAuthTimeCheck;
  const outcome = await ctx.oauth.call(
    'token',
    (server, auth) =>
      oauth.authorizationCodeGrantRequest(
        server,
        ctx.client,
        auth,
        callbackParams,
        ctx.redirectUri,
        saved.codeVerifier,
        ctx.oauth.http(),
      ),
    async (server, response) => {
      let result: oauth.TokenEndpointResponse;
      try {
        result = await oauth.processAuthorizationCodeResponse(server, ctx.client, response, {
          expectedNonce: saved.nonce,
          maxAge,
          requireIdToken: true,
        });
      } catch (error) {
        if (error instanceof oauth.OperationProcessingError) return new Carried(error);
        throw error; // ResponseBodyError & co.: OAuthContext turns them into TokenEndpointError
      }
      try {
        // The ID token came over TLS from the token endpoint, but its signature is checked too.
        await oauth.validateApplicationLevelSignature(server, response, {
          ...ctx.oauth.http(),
          [oauth.jwksCache]: ctx.jwksCache,
        });
      } catch (error) {
        return new Carried(new IdTokenError('The ID token signature is invalid', undefined, error));
      }
      return result;
    },
  );
  if (outcome instanceof Carried) throw classify(outcome.error);
  const claims = oauth.getValidatedIdTokenClaims(outcome) as Record<string, unknown> | undefined;
  const idToken = outcome.id_token;
  if (!claims || !idToken) throw new IdTokenError('The token response has no ID token');
  await checkHashes(idToken, claims, outcome.access_token, params.get('code') ?? '');
  checkKinds(idToken, outcome.access_token);
  // A step-up login: the provider may answer at a lower level than asked (acr_values is voluntary
  // in OpenID Connect); such a login must not pass as the stronger one.
  const asked = saved.acrValues;
  if (
    Array.isArray(asked) &&
    asked.length > 0 &&
    !(typeof claims.acr === 'string' && asked.includes(claims.acr))
  )
    throw new AcrNotSatisfiedError(asked, claims.acr);

  const now = (ctx.options.clock ?? Date.now)();
  const tokens: TokenSet = {
    accessToken: outcome.access_token,
    tokenType: outcome.token_type,
    expiresAtMs: expiry(outcome.access_token, outcome.expires_in, now),
    obtainedAtMs: now,
    idToken,
    subject: claims.sub as string,
  };
  if (outcome.refresh_token) tokens.refreshToken = outcome.refresh_token;
  if (outcome.scope) tokens.scope = outcome.scope;
  return {
    v: 1,
    issuer: as.issuer,
    clientId: ctx.client.client_id,
    claims: { ...claims },
    tokens,
    createdAt: now,
  };
}

function classify(error: unknown): Error {
  if (isAuthError(error) || error instanceof TokenEndpointError) return error;
  if (error instanceof oauth.OperationProcessingError) {
    const cause = error.cause as { claim?: unknown; claims?: unknown } | undefined;
    // oauth4webapi names the claim in `cause.claim`, or only in the message for a missing one.
    const claim = cause?.claim ?? /^JWT "(\w+)" .* claim missing$/.exec(error.message)?.[1];
    if (claim === 'nonce') return new NonceMismatchError(error);
    if (typeof claim === 'string' || cause?.claims !== undefined || /ID Token/i.test(error.message)) {
      return new IdTokenError(
        claim === 'auth_time' ? 'The user authenticated too long ago for max_age' : 'The ID token is invalid',
        typeof claim === 'string' ? claim : undefined,
        error,
      );
    }
  }
  return new TokenEndpointError('The authorization server returned an invalid response', { cause: error });
}

async function checkHashes(
  idToken: string,
  claims: Record<string, unknown>,
  accessToken: string,
  code: string,
): Promise<void> {
  const alg = jwsAlg(idToken);
  if (claims.at_hash !== undefined && !(await oidcHashMatches(accessToken, claims.at_hash, alg))) {
    throw new IdTokenError('The access token does not match the ID token (at_hash)', 'at_hash');
  }
  if (claims.c_hash !== undefined && !(await oidcHashMatches(code, claims.c_hash, alg))) {
    throw new IdTokenError('The code does not match the ID token (c_hash)', 'c_hash');
  }
}

// One rule on both paths (core's verifier enforces it for bearer tokens): an ID token never stands
// in for an access token, nor an access token for an ID token.
function checkKinds(idToken: string, accessToken: string): void {
  if (idToken === accessToken) throw new IdTokenError('The access token is an ID token', 'access_token');
  const head = idToken.split('.', 1)[0] ?? '';
  let typ: unknown;
  try {
    typ = (JSON.parse(atob(head.replace(/-/g, '+').replace(/_/g, '/'))) as { typ?: unknown }).typ;
  } catch {
    typ = undefined;
  }
  if (typeof typ === 'string' && /^(application\/)?at\+jwt$/i.test(typ)) {
    throw new IdTokenError('The ID token is an access token', 'typ');
  }
}

function expiry(accessToken: string, expiresIn: number | undefined, now: number): number {
  const candidates: number[] = [];
  if (typeof expiresIn === 'number') candidates.push(now + expiresIn * 1000);
  const exp = jwtExpiry(accessToken);
  if (exp !== undefined) candidates.push(exp * 1000);
  // No lifetime at all: treat it as short-lived (refresh soon) rather than eternal.
  return candidates.length > 0 ? Math.min(...candidates) : now + 60_000;
}
