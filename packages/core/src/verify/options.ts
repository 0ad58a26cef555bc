/**
 * Options of `createVerifier`: the issuer allow-list (or a resolver), token limits, the verified-token
 * cache, JWKS tuning and injected I/O. Shared by `createAuthenticator` and `verifierOptionsFromEnv`.
 */
import type { FetchLike, JwksOptions } from '../jwks/types.ts';
import type { AuthEventListener } from '../observe/events.ts';
import type { Clock, Principal } from '../types.ts';

/**
 * A public-key JWS algorithm (keys from a JWKS).
 *
 * @example
 * const entry: IssuerConfig = { issuer, audience: 'api://orders', algorithms: ['EdDSA'] };
 */
export type AsymmetricAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';
/**
 * An HMAC JWS algorithm (a shared `secret`).
 *
 * @example
 * const entry: IssuerConfig = { issuer, audience: 'api://orders', secret, algorithms: ['HS256'] };
 */
export type SymmetricAlgorithm = 'HS256' | 'HS384' | 'HS512';
/**
 * Any JWS algorithm an issuer entry may allow.
 *
 * @example
 * const algorithms: Algorithm[] = ['RS256', 'ES256'];
 */
export type Algorithm = AsymmetricAlgorithm | SymmetricAlgorithm;

/**
 * Which kind of token an issuer entry accepts.
 *
 * @example
 * const entry: IssuerConfig = { issuer, audience: 'web', tokenUse: 'id' satisfies TokenUseOption };
 */
export type TokenUseOption = 'access' | 'id' | 'any';

/**
 * One trusted issuer.
 *
 * @example
 * const entry: IssuerConfig = { issuer: 'https://idp.example', audience: 'api://orders', clockToleranceSeconds: 10 };
 * const verifier = createVerifier({ issuers: [entry] });
 */
export interface IssuerConfig {
  /** Exact `iss` value (no normalisation: a trailing slash, case or scheme difference is a different issuer). */
  issuer: string;
  /**
   * Accepted `aud` value(s). Required; `null` is the explicit opt-out (e.g. Cognito access tokens,
   * which carry `client_id` instead of `aud`).
   */
  audience: string | readonly string[] | null;
  /** JWKS location. When absent, discovered from `<issuer>/.well-known/openid-configuration`. */
  jwksUri?: string;
  /** Allowed algorithms (default: RS256/384/512, PS256/384/512, ES256/384/512, EdDSA). `none` never. */
  algorithms?: readonly Algorithm[];
  /** Shared secret; required to allow HS256/384/512 (and only then are they allowed). */
  secret?: string | Uint8Array;
  /** `access` (default), `id` or `any`. */
  tokenUse?: TokenUseOption;
  /** Accepted `client_id` (access tokens) / `azp`; checked when set. */
  clientId?: string | readonly string[];
  /** Required `typ` header (e.g. `at+jwt`, RFC 9068): case-insensitive, `application/` prefix optional. */
  typ?: string;
  /** Seconds of leeway for exp/nbf/iat (default 5). */
  clockToleranceSeconds?: number;
  /** Maximum age in seconds since `iat` (makes `iat` required). */
  maxTokenAgeSeconds?: number;
  /** Maximum `exp - iat` in seconds (makes `iat` required). */
  maxLifetimeSeconds?: number;
  /** Claims that must be present (default for access tokens: iss, sub, exp, iat; id tokens: iss, sub, aud, exp, iat). */
  requiredClaims?: readonly string[];
  /** Claim that becomes `principal.subject` (default `sub`). */
  userIdClaim?: string;
  /** Claim paths read for groups/roles (dot paths allowed). Default: groups, cognito:groups, roles, realm_access.roles. */
  groupsClaims?: readonly string[];
  /** Claim holding organizations (default `organizations`). */
  organizationsClaim?: string;
  /** Per-issuer JWKS tuning (merged over `VerifierOptions.jwks`). */
  jwks?: JwksOptions;
  /** Cognito-style `token_use` claim checks (set by the `cognito()` preset). */
  cognito?: boolean;
  /**
   * DPoP (RFC 9449) for this issuer's tokens: `off` refuses the DPoP scheme, `required` refuses plain
   * Bearer requests, `allowed` takes both. Unset: the authenticator's `dpop.mode` decides. A token
   * bound with `cnf` always needs its proof.
   */
  dpop?: 'off' | 'allowed' | 'required';
}

/**
 * Multi-tenant routing: return the configuration for an (unverified) `iss`, or undefined to reject it.
 *
 * @example
 * const resolve: IssuerResolver = (iss) =>
 *   iss.startsWith('https://idp.example/tenants/') ? { issuer: iss, audience: 'api://orders' } : undefined;
 * const verifier = createVerifier({ issuers: resolve });
 */
export type IssuerResolver = (
  issuer: string,
) => IssuerConfig | undefined | null | Promise<IssuerConfig | undefined | null>;

/**
 * Decoded JOSE header handed to `customCheck`.
 *
 * @example
 * const verifier = createVerifier({
 *   issuers,
 *   customCheck: (_principal, header: JoseHeader) => {
 *     if (header.kid === 'retired-key') throw new InvalidTokenError();
 *   },
 * });
 */
export interface JoseHeader {
  alg: string;
  kid?: string;
  typ?: string;
  [member: string]: unknown;
}

/**
 * Options of `createVerifier`: the trusted issuers and verifier-wide tuning.
 *
 * @example
 * const options: VerifierOptions = { issuers: [{ issuer: 'https://idp.example', audience: 'api://orders' }], cacheSize: 1_000 };
 * const verifier = createVerifier(options);
 */
export interface VerifierOptions {
  /** Trusted issuers, or a resolver function for multi-tenant apps. */
  issuers: readonly IssuerConfig[] | IssuerResolver;
  /** Largest accepted token in bytes (default 8 KiB). */
  maxTokenBytes?: number;
  /**
   * Runs on every request, also on token-cache hits (e.g. a revocation lookup). Throw to reject; an
   * answer of `false` rejects too (401 `ERR_AUTH_TOKEN_REJECTED`).
   */
  customCheck?: (principal: Principal, header: JoseHeader) => void | boolean | Promise<void | boolean>;
  /** Verified-token LRU size (default 10,000; 0 disables). */
  cacheSize?: number;
  /** Default JWKS tuning for every issuer. */
  jwks?: JwksOptions;
  /** Injected fetch (default `globalThis.fetch`). */
  fetch?: FetchLike;
  /** Injected clock in milliseconds (default `Date.now`). */
  clock?: Clock;
  /**
   * Where Node checks asymmetric signatures (cache misses only): `threadpool` (default) on libuv's
   * thread pool (`crypto.verify` with a callback), so an HTTP server uses another core while the event
   * loop serves other requests (measured +9–16% req/s on Express), or `sync` on the calling thread
   * (less CPU per check: for one process per core, or CPU-bound batch verification). Ignored on
   * WebCrypto (always async). HMAC is always synchronous.
   */
  signatureVerification?: 'sync' | 'threadpool';
  /** Receives this verifier's events (keys refreshed, rotated, unavailable): see Observability. */
  onEvent?: AuthEventListener;
  /** Print one line per event to stderr (default: `AUTH_DEBUG=1` in the environment). */
  debug?: boolean;
}

/**
 * Per-call narrowing of an issuer's rules: each one can only make the check stricter. Anything that
 * would widen it (`audience: null`, `tokenUse: 'any'`, `requiredClaims: []`, a `maxTokenAgeSeconds` larger
 * than the issuer's), a wrong type or an unknown key rejects the call with a `TypeError`.
 *
 * @example
 * await verifier.verify(token, { audience: 'api://orders', requiredClaims: ['tenant_id'] });
 */
export interface VerifyOverrides {
  /** Accepted audiences: intersected with the issuer's (when it has some). */
  audience?: string | readonly string[];
  /** Accepted client ids: intersected with the issuer's (when it has some). */
  clientId?: string | readonly string[];
  /** Only this kind; an entry set to the other kind does not match. */
  tokenUse?: 'access' | 'id';
  /** Required `typ`; an entry that requires another `typ` does not match. */
  typ?: string;
  /** Maximum age in seconds; at most the issuer's own `maxTokenAgeSeconds`. */
  maxTokenAgeSeconds?: number;
  /** Claims required in addition to the issuer's (non-empty). */
  requiredClaims?: readonly string[];
}

/**
 * Verifies bearer tokens (JWS) against the configured issuers.
 *
 * @example
 * const verifier: Verifier = createVerifier({ issuers: [{ issuer: 'https://idp.example', audience: 'api://orders' }] });
 * await verifier.hydrate();
 * const principal = await verifier.verify(token);
 */
export interface Verifier {
  /** Verifies a compact JWS; resolves a Principal or rejects with an AuthError. */
  verify(token: string, overrides?: VerifyOverrides): Promise<Principal>;
  /** Fetches every configured issuer's keys (and discovery documents) ahead of the first request. */
  hydrate(): Promise<void>;
  /** True once every configured issuer has usable keys. */
  readonly ready: boolean;
  /** Stops background refreshes and clears caches. */
  close(): void;
}
