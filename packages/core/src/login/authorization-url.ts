/**
 * The authorization request: PKCE S256 always, `state` and `nonce` from a CSPRNG (oauth4webapi),
 * optionally pushed first (RFC 9126) when the server requires it or offers it and the app asks.
 */
import { ConfigurationError } from '../configuration-error.ts';
import * as oauth from 'oauth4webapi';
import { CallbackError } from './errors.ts';
import { type LoginContext, scopeString } from './login-context.ts';

/**
 * @example
 * const { url } = await login.createAuthorizationUrl({ scope: 'openid email', maxAge: 300 } satisfies AuthorizationUrlOptions);
 */
export interface AuthorizationUrlOptions {
  /** Requested scope (default: the login's `scope`); `openid` is always included. */
  scope?: string | readonly string[];
  /** `none`, `login`, `consent`, `select_account` (space-separated for several). */
  prompt?: string;
  /** Seconds: the user must have authenticated at most this long ago (`auth_time` is then checked). */
  maxAge?: number;
  /**
   * Authentication levels asked for (any one is enough): the ID token's `acr` must then be one of
   * them, else the callback fails with AcrNotSatisfiedError (`ERR_AUTH_LOGIN_ACR_NOT_SATISFIED`).
   */
  acrValues?: string | readonly string[];
  loginHint?: string;
  /** RFC 8707 resource indicator(s) for the access token. */
  resource?: string | readonly string[];
  /** Any other authorization request parameters (cannot override the protocol ones). */
  extraParams?: Record<string, string>;
}

/**
 * What `createAuthorizationUrl` returns; everything but `url` must be kept for `handleCallback`.
 *
 * @example
 * const request: AuthorizationRequest = await login.createAuthorizationUrl();
 * res.redirect(request.url.href); // keep state, nonce and codeVerifier for handleCallback
 */
export interface AuthorizationRequest {
  /** Where to redirect the browser. */
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
  /** The `max_age` sent, if any (the callback checks `auth_time` against it). */
  maxAge?: number;
  /** The `acr_values` sent, if any (the callback checks the ID token's `acr` is one of them). */
  acrValues?: string[];
}

const RESERVED = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'request_uri',
  'request',
  'acr_values',
  'max_age',
]);

const list = (v: string | readonly string[]) => (typeof v === 'string' ? [v] : [...v]);
// An acr value: a token without spaces, quotes or backslashes (it goes into a challenge header too).
const ACR = /^[\x21\x23-\x5b\x5d-\x7e]{1,200}$/;
const MAX_ACR_VALUES = 10;

/** The acr values of `acrValues` (a space-separated string or a list), or a ConfigurationError (a TypeError). */
export function acrList(value: string | readonly string[], where = 'acrValues'): string[] {
  const values = typeof value === 'string' ? value.split(' ').filter((v) => v !== '') : value;
  if (!Array.isArray(values) && typeof value !== 'string')
    throw new ConfigurationError(`${where} must be a string or a list of strings`);
  const out = [...new Set(values)];
  if (
    out.length === 0 ||
    out.length > MAX_ACR_VALUES ||
    !out.every((v) => typeof v === 'string' && ACR.test(v))
  )
    throw new ConfigurationError(
      `${where} must hold 1 to ${MAX_ACR_VALUES} acr values (printable, no spaces, quotes or backslashes)`,
    );
  return out;
}

export async function createAuthorizationUrl(
  ctx: LoginContext,
  options: AuthorizationUrlOptions = {},
): Promise<AuthorizationRequest> {
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError('options must be an object');
  const { maxAge } = options;
  if (maxAge !== undefined && !(Number.isInteger(maxAge) && maxAge >= 0))
    throw new ConfigurationError('maxAge must be an integer number of seconds >= 0');
  const acrValues = options.acrValues === undefined ? undefined : acrList(options.acrValues);
  for (const key of Object.keys(options.extraParams ?? {})) {
    if (RESERVED.has(key)) throw new ConfigurationError(`extraParams cannot set "${key}"`);
  }
  const as = await ctx.server();
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const params = new URLSearchParams({
    client_id: ctx.client.client_id,
    redirect_uri: ctx.redirectUri,
    response_type: 'code',
    scope: options.scope === undefined ? ctx.defaultScope : scopeString(options.scope, ''),
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  if (options.prompt) params.set('prompt', options.prompt);
  if (maxAge !== undefined) params.set('max_age', String(maxAge));
  if (acrValues) params.set('acr_values', acrValues.join(' '));
  if (options.loginHint) params.set('login_hint', options.loginHint);
  for (const r of options.resource === undefined ? [] : list(options.resource)) params.append('resource', r);
  for (const [k, v] of Object.entries(options.extraParams ?? {})) params.set(k, String(v));

  if (!as.authorization_endpoint) throw new CallbackError('The provider has no authorization endpoint');
  const url = new URL(as.authorization_endpoint);
  const usePar =
    as.require_pushed_authorization_requests === true ||
    (ctx.options.pushedAuthorizationRequests === true && !!as.pushed_authorization_request_endpoint);
  if (usePar) {
    const pushed = await ctx.oauth.call(
      'token',
      (server, auth) => oauth.pushedAuthorizationRequest(server, ctx.client, auth, params, ctx.oauth.http()),
      (server, response) => oauth.processPushedAuthorizationResponse(server, ctx.client, response),
    );
    url.searchParams.set('client_id', ctx.client.client_id);
    url.searchParams.set('request_uri', pushed.request_uri);
  } else {
    for (const [k, v] of params) url.searchParams.append(k, v);
  }
  return {
    url,
    state,
    nonce,
    codeVerifier,
    ...(maxAge === undefined ? {} : { maxAge }),
    ...(acrValues === undefined ? {} : { acrValues }),
  };
}
