/**
 * Shared types: the normalized Principal, the user-augmentable Register, the request shape adapters
 * hand to core, and the policy/decision values of the authorization layer.
 */
import type { AuthErrorCode } from './errors.ts';

/**
 * Augment to type your claims everywhere the principal appears (`req.auth`, `request.auth`,
 * `c.var.auth`, Nest's `@Principal()`):
 *
 * ```ts
 * declare module '@auth/core' {
 *   interface Register { claims: { email: string; tenant_id: string } }
 * }
 * ```
 *
 * @example
 * declare module '@auth/core' {
 *   interface Register {
 *     claims: { tenant_id: string };
 *   }
 * }
 * // principal.claims.tenant_id is now typed as a string
 */
// biome-ignore lint/suspicious/noEmptyInterface: augmented by users
export interface Register {}

/**
 * Registered JWT claims plus anything else the token carries.
 *
 * @example
 * const { exp, iat }: JwtClaims = principal.claims;
 */
export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  [claim: string]: unknown;
}

/**
 * The verified claims of a principal: the JWT claims plus what `Register` declares.
 *
 * @example
 * const claims: Claims = principal.claims;
 * const tenant = claims.tenant_id; // typed once `Register` declares it
 */
export type Claims = Register extends { claims: infer C } ? C & JwtClaims : JwtClaims;

/**
 * What kind of credential a principal came from.
 *
 * @example
 * if (principal.tokenUse === ('api_key' satisfies TokenUse)) logger.info('service call');
 */
export type TokenUse = 'access' | 'id' | 'api_key';

/**
 * An organization the principal belongs to, with its scopes there.
 *
 * @example
 * const org: Organization | undefined = principal.organizations.find((o) => o.id === 'org_1');
 */
export interface Organization {
  id: string;
  scopes: readonly string[];
  title?: string;
}

/**
 * Who made the request, as every policy and adapter sees it. Frozen.
 *
 * @example
 * const principal: Principal = await verifier.verify(token);
 * console.log(principal.subject, principal.scopes, principal.expiresAtSeconds);
 */
export interface Principal {
  /** The user id (`sub` by default, or the configured `userIdClaim`). */
  subject: string;
  issuer: string;
  audience: readonly string[];
  clientId: string | null;
  tokenUse: TokenUse | null;
  scopes: readonly string[];
  groups: readonly string[];
  organizations: readonly Organization[];
  /** Seconds since the epoch (`exp`), null when the credential does not expire. */
  expiresAtSeconds: number | null;
  /** Seconds since the epoch (`iat`), null when unknown. */
  issuedAtSeconds: number | null;
  /** A null-prototype copy of the verified claims. */
  claims: Claims;
  /** The `email` claim, when the token carries one (a string). */
  email?: string;
  /** The `name` claim, when the token carries one. */
  name?: string;
  /** The `role` claim (or Cognito's `custom:role`), when the token carries one. */
  role?: string;
}

/**
 * The identity fields of a principal, typed without augmenting `Register`.
 *
 * @example
 * const { email, name, role }: PrincipalIdentity = principal;
 */
export type PrincipalIdentity = Pick<Principal, 'email' | 'name' | 'role'>;

/**
 * Header values as Node (`IncomingHttpHeaders`) or the Fetch API (`Headers`) hold them.
 *
 * @example
 * const principal = await auth.authenticate({ headers: new Headers({ authorization: `Bearer ${token}` }) satisfies HeadersLike });
 */
export type HeadersLike =
  | Record<string, string | string[] | undefined>
  | { get(name: string): string | null; has?(name: string): boolean };

/**
 * What an adapter hands to core: enough of a request to find credentials.
 *
 * @example
 * const principal = await auth.authenticate({ headers: req.headers, rawHeaders: req.rawHeaders, url: req.url } satisfies RequestLike);
 */
export interface RequestLike {
  headers: HeadersLike;
  /** Node's `rawHeaders` (name, value, name, value…): the only way to see a repeated Authorization header. */
  rawHeaders?: readonly string[];
  /** Path and query (`/items?access_token=…`), read only when query tokens are enabled. */
  url?: string;
  /** A parsed form body, read only when body tokens are enabled. */
  body?: unknown;
  /** The request method (DPoP's `htm`). */
  method?: string;
  /**
   * The full path and query when `url` is relative to a mount point (Express' `req.originalUrl`);
   * read for DPoP's `htu`.
   */
  originalUrl?: string;
  /** `http` or `https` as the framework reports it (its trust-proxy setting applies); DPoP's `htu`. */
  protocol?: string;
}

/**
 * Request data a policy may need.
 *
 * @example
 * await assertAllowed(requireOrgRole('admin', orgParam()), principal, { params: { orgId: 'org_1' }, method: 'GET' } satisfies PolicyContext);
 */
export interface PolicyContext {
  /** Route parameters, e.g. `{ orgId: 'org_1' }`. */
  params?: Readonly<Record<string, string | undefined>>;
  method?: string;
  path?: string;
  [key: string]: unknown;
}

/**
 * What a policy answers: allowed, or a denial with a stable code and a safe reason.
 *
 * @example
 * const decision: Decision = await evaluatePolicy(requireScopes('read:items'), principal);
 * if (!decision.allowed) console.log(decision.code, decision.reason);
 */
export type Decision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** Stable error code for the denial (ERR_AUTH_INSUFFICIENT_SCOPE, ERR_AUTH_MISSING_GROUP, …). */
      readonly code: AuthErrorCode;
      /** Human reason, safe to show (never contains claim values). */
      readonly reason: string;
      /** Scopes for the `scope="…"` challenge attribute, when scopes were the reason. */
      readonly requiredScopes?: readonly string[];
      /**
       * 403 by default; 503 when a decision point failed (fail closed); 401 when the user must
       * authenticate again (step-up, RFC 9470) or present the token another way (DPoP).
       */
      readonly status?: 401 | 403 | 503;
      /** Step-up (401): the `acr` values that would satisfy the policy (`acr_values` in the challenge). */
      readonly acrValues?: readonly string[];
      /** Step-up (401): the maximum authentication age in seconds (`max_age` in the challenge). */
      readonly maxAge?: number;
    };

/**
 * A policy is a value: a function from principal (and request context) to a decision.
 *
 * @example
 * const ownsItem: Policy = (p, ctx) => (p.subject === ctx?.params?.ownerId ? ALLOW : deny('ERR_AUTH_FORBIDDEN', 'Not the owner'));
 */
export type Policy = (principal: Principal, context?: PolicyContext) => Decision | Promise<Decision>;

/**
 * Injectable clock: milliseconds since the epoch.
 *
 * @example
 * const verifier = createVerifier({ issuers, clock: () => Date.now() });
 */
export type Clock = () => number;
