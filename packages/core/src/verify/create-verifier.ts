/**
 * createVerifier: wiring only. The steps live in their own modules: option checks (verifier-settings),
 * issuer routing on the unverified `iss` with the resolver's bounded answers (issuer-registry), the
 * full verification (pipeline: parse, select-entry + claims, signing-key, signature), the
 * verified-token cache and its hit rules (token-cache), per-call overrides (overrides), and the
 * authenticator's fast path (internals). A cache hit is synchronous (LRU lookup + token equality +
 * window check); cold keys, signature checks on the thread pool (the Node default) or WebCrypto, and
 * `customCheck` add promise hops.
 */
import { InvalidTokenError, isAuthError, toAuthError } from '../errors.ts';
import type { Principal } from '../types.ts';
import { type VerifierInternals, registerInternals } from './internals.ts';
import type { IssuerContext } from './issuer-config.ts';
import { createIssuerRegistry } from './issuer-registry.ts';
import type { Verifier, VerifierOptions, VerifyOverrides } from './options.ts';
import { type Narrowing, OverrideError, parseOverrides } from './overrides.ts';
import { createPipeline } from './pipeline.ts';
import { TokenCache, type Verified } from './token-cache.ts';
import { malformed } from './token-errors.ts';
import { readSettings } from './verifier-settings.ts';
import { createEventHub, registerEventHub } from '../observe/event-hub.ts';

const VERIFIER = Symbol.for('@auth/core.Verifier');

/**
 * A verifier for bearer tokens of the given issuers (JWKS fetched, cached and refreshed).
 *
 * @example
 * const verifier = createVerifier({ issuers: [{ issuer: 'https://idp.example', audience: 'api://orders' }] });
 * const principal = await verifier.verify(token);
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const settings = readSettings(options);
  const { clock, maxTokenBytes, customCheck } = settings;
  const ctx: IssuerContext = {
    fetch: settings.fetch,
    clock,
    crypto: settings.crypto,
    jwks: options.jwks,
    sources: new Map(),
    events: createEventHub(options, 'createVerifier()'),
  };
  const registry = createIssuerRegistry(options.issuers, ctx);
  const cache = settings.cacheSize > 0 ? new TokenCache(settings.cacheSize, clock) : undefined;
  const verifyFull = createPipeline({ ...settings, registry, cache });

  function verifyToken(token: string, overrides: Narrowing | undefined): Verified | Promise<Verified> {
    if (typeof token !== 'string' || token === '') throw malformed();
    if (token.length > maxTokenBytes) {
      throw new InvalidTokenError('ERR_AUTH_TOKEN_TOO_LARGE', 'The access token is too large');
    }
    // Calls with overrides never read the cache: a hit was checked against the entry's rules only.
    if (cache !== undefined && overrides === undefined) {
      return cache.get(token) ?? verifyFull(token, undefined, token);
    }
    return verifyFull(token, overrides, undefined);
  }

  const rejected = (e: unknown): never => {
    throw isAuthError(e)
      ? e
      : new InvalidTokenError('ERR_AUTH_TOKEN_REJECTED', 'The token was rejected', { cause: e });
  };
  // `false` is a "no" (a check written as a predicate): it rejects like a throw, never reads as a pass.
  const answered = (v: Verified, answer: unknown): Principal => {
    if (answer === false) throw new InvalidTokenError('ERR_AUTH_TOKEN_REJECTED', 'The token was rejected');
    return v.principal;
  };
  const afterVerified = customCheck
    ? (v: Verified): Promise<Principal> =>
        new Promise<unknown>((resolve) => resolve(customCheck(v.principal, v.header))).then(
          (answer) => answered(v, answer),
          rejected,
        )
    : (v: Verified): Promise<Principal> => Promise.resolve(v.principal);
  // A cache hit with a customCheck: a synchronous check (e.g. a revocation list's local copy) that
  // returns without a promise keeps the hit synchronous; a promise, or a throw, takes the async path
  // (a rejected promise, as before).
  const checkHit = (v: Verified): Principal | Promise<Principal> => {
    let answer: unknown;
    try {
      answer = (customCheck as NonNullable<typeof customCheck>)(v.principal, v.header);
    } catch (e) {
      return Promise.reject(e).catch(rejected);
    }
    if (answer === undefined) return v.principal;
    return Promise.resolve(answer).then((a) => answered(v, a), rejected);
  };
  const fail = (e: unknown): never => {
    throw e instanceof OverrideError ? e : toAuthError(e);
  };

  const internals: VerifierInternals = {
    peek(token: string): Principal | Promise<Principal> | undefined {
      if (cache === undefined || token.length > maxTokenBytes) return undefined;
      const hit = cache.get(token);
      if (hit === undefined) return undefined;
      return customCheck ? checkHit(hit) : hit.principal;
    },
    stats: () => registry.stats(),
    crypto: settings.crypto,
    clock,
  };

  const verifier = {
    verify(token: string, overrides?: VerifyOverrides): Promise<Principal> {
      let r: Verified | Promise<Verified>;
      try {
        let narrowing: Narrowing | undefined;
        if (overrides !== undefined) {
          narrowing = parseOverrides(overrides);
          registry.checkOverrides(narrowing);
        }
        r = verifyToken(token, narrowing);
      } catch (e) {
        return Promise.reject(e instanceof OverrideError ? e : toAuthError(e));
      }
      return r instanceof Promise ? r.then(afterVerified, fail) : afterVerified(r);
    },
    hydrate: (): Promise<void> => registry.hydrate(),
    get ready(): boolean {
      return registry.ready;
    },
    close(): void {
      cache?.clear();
      registry.close();
    },
    [VERIFIER]: true,
  } as Verifier;
  registerInternals(verifier, internals);
  registerEventHub(verifier, ctx.events!);
  return verifier;
}

/**
 * Whether a value is a Verifier made by `createVerifier` (any copy of this library).
 *
 * @example
 * const auth = isVerifier(value) ? createAuthenticator(value) : createAuthenticator(verifierOptionsFromEnv());
 */
export function isVerifier(value: unknown): value is Verifier {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[VERIFIER] === true;
}
