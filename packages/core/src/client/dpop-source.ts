/**
 * What a token source does differently with `dpop`: it signs its token requests with the key
 * (oauth4webapi's DPoP handle), retries once on the authorization server's `use_dpop_nonce`, accepts
 * only DPoP-bound tokens (`token_type: DPoP`: a bearer token would silently lose the binding), and
 * keys its store entry by the key's thumbprint (a token bound to another replica's key is useless here).
 */
import type * as oauth from 'oauth4webapi';
import { ConfigurationError } from '../configuration-error.ts';
import type { AuthorizationServerMetadata } from './discovery.ts';
import { assertDpopKeyPair, createDpopProver, type DpopProver } from './dpop.ts';
import { TokenEndpointError } from './errors.ts';
import type { OAuthContext } from './oauth-context.ts';
import type { TokenManagerOptions } from './token-manager.ts';
import type { TokenStore } from './types.ts';

/**
 * The `dpop` option of the token sources: a CryptoKeyPair (e.g. `await generateDpopKeyPair()`), or a
 * prover from `createDpopProver` to share its nonces.
 *
 * @example
 * const tokens = clientCredentials({ issuer, clientId: 'orders', clientSecret, dpop: await generateDpopKeyPair() satisfies DpopOption });
 */
export type DpopOption = CryptoKeyPair | DpopProver;

const isProver = (value: unknown): value is DpopProver =>
  typeof (value as DpopProver | null)?.proof === 'function' &&
  typeof (value as DpopProver).rememberNonce === 'function' &&
  typeof (value as DpopProver).thumbprint === 'function' &&
  typeof (value as DpopProver).handle === 'object';

/**
 * The prover for the `dpop` option of `options` (undefined without one); ConfigurationError for
 * anything else, and for a misspelt key (`DPoP`, `dPoP`…) that would silently leave tokens unbound.
 */
export function resolveDpop(options: object, where: string): DpopProver | undefined {
  for (const key of Object.keys(options)) {
    if (key !== 'dpop' && key.toLowerCase() === 'dpop')
      throw new ConfigurationError(`${where}: unknown option "${key}" (did you mean "dpop"?)`);
  }
  const value = (options as { dpop?: unknown }).dpop;
  if (value === undefined) return undefined;
  if (isProver(value)) return value;
  assertDpopKeyPair(value, where);
  return createDpopProver(value);
}

/** The token manager options with the store keyed by the DPoP key's thumbprint. */
export function dpopManagerOptions<T extends TokenManagerOptions>(
  options: T,
  prover: DpopProver | undefined,
): T {
  if (!prover || options.store === undefined) return options;
  return { ...options, store: keyedByThumbprint(options.store, prover) };
}

function keyedByThumbprint(store: TokenStore, prover: DpopProver): TokenStore {
  if (typeof store !== 'object' || store === null)
    throw new ConfigurationError('store must be a TokenStore ({ get, set, delete })');
  const key = async (k: string) => `${k}|dpop:${await prover.thumbprint()}`;
  const keyed: TokenStore = {
    get: async (k) => store.get(await key(k)),
    set: async (k, tokens) => store.set(await key(k), tokens),
    delete: async (k) => store.delete(await key(k)),
  };
  const acquire = store.acquire?.bind(store);
  if (acquire) keyed.acquire = async (k, usable) => acquire(await key(k), usable);
  return keyed;
}

/**
 * One grant at the token endpoint, with a DPoP proof when the source has a prover (`send` gets the
 * request options to pass oauth4webapi, the DPoP handle included): sent once more when the server
 * asked for its nonce (`use_dpop_nonce`: the handle kept the refusal's `DPoP-Nonce`), and with a
 * prover only a DPoP-bound token is accepted.
 */
export async function dpopTokenGrant<T extends { token_type: string }>(
  ctx: OAuthContext,
  prover: DpopProver | undefined,
  send: (
    as: AuthorizationServerMetadata,
    auth: oauth.ClientAuth,
    options: ReturnType<OAuthContext['http']> & oauth.DPoPRequestOptions,
  ) => Promise<Response>,
  process: (as: AuthorizationServerMetadata, response: Response) => Promise<T>,
): Promise<T> {
  const request = () =>
    ctx.call('token', (as, auth) => send(as, auth, { ...ctx.http(), DPoP: prover?.handle }), process);
  let result: T;
  try {
    result = await request();
  } catch (error) {
    if (!prover || !(error instanceof TokenEndpointError) || error.oauthError !== 'use_dpop_nonce')
      throw error;
    result = await request();
  }
  assertDpopBound(result.token_type, prover);
  return result;
}

/** A source with `dpop` accepts only DPoP-bound tokens. */
export function assertDpopBound(tokenType: string | undefined, prover: DpopProver | undefined): void {
  if (prover && tokenType?.toLowerCase() !== 'dpop') {
    throw new TokenEndpointError(
      'The authorization server issued a token that is not DPoP-bound (token_type is not DPoP)',
    );
  }
}
