/**
 * The logged-in session ("agent"): token set, verified identity, core's access checks, and an access
 * token that refreshes itself through the client's `refreshTokens()` token manager (refresh ahead of
 * expiry with jitter, single flight, rotation, subject check), plus a `fetch` bound to it (`authFetch`).
 */
import { ConfigurationError } from '../configuration-error.ts';
import { type AuthFetch, authFetch } from '../client/auth-fetch.ts';
import { decodeJwtPayload } from '../client/jwt.ts';
import { refreshTokens } from '../client/refresh-tokens.ts';
import type { ManagedTokenSource, TokenSet } from '../client/types.ts';
import { findOrganization } from '../authorize/permissions.ts';
import type { OrgRole } from '../authorize/scope-grammar.ts';
import { hasAccess, hasRole } from '../authorize/scope-index.ts';
import type { Principal } from '../types.ts';
import { SessionExpiredError } from './errors.ts';
import { type Identity, identityOf, sessionPrincipal } from './identity.ts';
import type { LoginContext } from './login-context.ts';

/**
 * A session as stored (plain JSON): what a session store seals into a cookie or keeps server-side.
 *
 * @example
 * const data: SessionData = session.data; // e.g. kept in your own store
 * const again = login.restore(data);
 */
export interface SessionData {
  v: 1;
  issuer: string;
  clientId: string;
  /** The validated ID token claims (identity survives without re-validating a stored token). */
  claims: Record<string, unknown>;
  tokens: TokenSet;
  /** ms since the epoch: when the user logged in (the absolute lifetime counts from here). */
  createdAt: number;
}

/**
 * @example
 * const hooks: SessionHooks = { onRefreshError: (error, session) => logger.warn({ err: error.name, sub: session.identity.subject }) };
 */
export interface SessionHooks {
  /** Called with every new token set (rotated refresh token included): persist the session here. */
  onRefresh?: (tokens: TokenSet, session: LoginSession) => void | Promise<void>;
  /** Called when a refresh fails after its retries (`RefreshError`, a client error; `oauthError: 'invalid_grant'` when the refresh token is dead: log in again). */
  onRefreshError?: (error: Error, session: LoginSession) => void;
}

/**
 * A logged-in user. Build one with `login.handleCallback()` or restore one with `login.restore(data)`.
 *
 * @example
 * ```ts
 * if (!session.hasAccessIn('org_1', 'read', 'projects')) return res.status(403).end();
 * const r = await session.fetch('https://api.example.com/projects');
 * ```
 */
export class LoginSession {
  #data: SessionData;
  #principal: Principal;
  #identity: Identity;
  #source: ManagedTokenSource | undefined;
  #fetch: AuthFetch | undefined;
  readonly #ctx: LoginContext;
  readonly #hooks: SessionHooks;
  /** True once the tokens changed (a refresh): write the session back to its store. */
  changed = false;

  constructor(ctx: LoginContext, data: SessionData, hooks: SessionHooks = {}) {
    this.#ctx = ctx;
    this.#data = data;
    this.#hooks = hooks;
    this.#principal = sessionPrincipal(data.issuer, data.claims, data.tokens.scope);
    this.#identity = identityOf(this.#principal);
  }

  /** The plain, serialisable state (for a session store). */
  get data(): SessionData {
    return this.#data;
  }
  get tokens(): TokenSet {
    return this.#data.tokens;
  }
  get identity(): Identity {
    return this.#identity;
  }
  /** A core Principal (ID token claims, granted scopes): usable with every core policy. */
  get principal(): Principal {
    return this.#principal;
  }
  /** The ID token's `sid` (the provider's session id), for back-channel logout. */
  get sid(): string | undefined {
    const sid = this.#data.claims.sid;
    return typeof sid === 'string' ? sid : undefined;
  }

  /** Whether the granted scopes grant `action` on `resource` (core's `hasAccess`). */
  hasAccess(action: string, resource: string | readonly string[]): boolean {
    return hasAccess(this.#principal.scopes, action, resource);
  }
  /** Whether the user's scopes in organization `orgId` grant `action` on `resource`. */
  hasAccessIn(orgId: string, action: string, resource: string | readonly string[]): boolean {
    const org = findOrganization(this.#principal, orgId);
    return org !== undefined && hasAccess(org.scopes, action, resource);
  }
  /** Whether the user holds `role` (`owner`, `admin`) in `orgId`; `member` = any membership. */
  hasRoleIn(orgId: string, role: OrgRole): boolean {
    const org = findOrganization(this.#principal, orgId);
    if (org === undefined) return false;
    return role === 'member' || hasRole(org.scopes, role);
  }
  hasGroup(group: string): boolean {
    return this.#principal.groups.includes(group);
  }

  /** True when the access token expires within `bufferSeconds` (default 0). */
  isExpired(bufferSeconds = 0): boolean {
    if (!(bufferSeconds >= 0)) throw new TypeError('bufferSeconds must be a number >= 0');
    const now = (this.#ctx.options.clock ?? Date.now)();
    return now + bufferSeconds * 1000 >= this.#data.tokens.expiresAtMs;
  }

  /** A valid access token, refreshed first when due. SessionExpiredError without a refresh token. */
  async getAccessToken(): Promise<string> {
    if (!this.#data.tokens.refreshToken) {
      if (this.isExpired()) throw new SessionExpiredError();
      return this.#data.tokens.accessToken;
    }
    return this.#tokenSource().getToken();
  }

  /** Refreshes now (joins a refresh in flight) and returns the new token set. */
  async refresh(): Promise<TokenSet> {
    if (!this.#data.tokens.refreshToken) throw new SessionExpiredError();
    return this.#tokenSource().getTokenSet({ forceRefresh: true });
  }

  /** fetch with `Authorization: Bearer <access token>` to the login's `allowedOrigins` only. */
  fetch: AuthFetch = (input, init) => {
    if (!this.#fetch) {
      const allowedOrigins = this.#ctx.options.allowedOrigins;
      if (!allowedOrigins)
        throw new ConfigurationError('session.fetch needs the allowedOrigins login option');
      this.#fetch = authFetch(
        {
          getToken: (o) =>
            o?.forceRefresh ? this.refresh().then((t) => t.accessToken) : this.getAccessToken(),
        },
        { allowedOrigins, fetch: this.#ctx.options.fetch },
      );
    }
    return this.#fetch(input, init);
  };

  #tokenSource(): ManagedTokenSource {
    if (this.#source) return this.#source;
    const o = this.#ctx.options;
    this.#source = refreshTokens({
      issuer: o.issuer,
      clientId: o.clientId,
      clientAuth: o.clientAuth,
      clientSecret: o.clientSecret,
      privateKey: o.privateKey,
      privateKeyAlg: o.privateKeyAlg,
      keyId: o.keyId,
      fetch: o.fetch,
      timeoutMs: o.timeoutMs,
      allowInsecureRequests: o.allowInsecureRequests,
      discoveryCache: o.discoveryCache,
      clock: o.clock,
      refreshBufferSeconds: o.refreshBufferSeconds,
      refreshJitterSeconds: o.refreshJitterSeconds,
      retry: o.retry,
      tokens: this.#data.tokens,
      subject: this.#principal.subject,
      onRefresh: (tokens) => this.#accept(tokens),
      onRefreshError: (error) => this.#hooks.onRefreshError?.(error, this),
    });
    return this.#source;
  }

  async #accept(tokens: TokenSet): Promise<void> {
    let claims = this.#data.claims;
    // A new ID token (validated by oauth4webapi, same subject checked by the token manager) refreshes the identity.
    if (tokens.idToken && tokens.idToken !== this.#data.tokens.idToken) {
      claims = decodeJwtPayload(tokens.idToken) ?? claims;
    }
    this.#data = { ...this.#data, claims, tokens };
    this.#principal = sessionPrincipal(this.#data.issuer, claims, tokens.scope);
    this.#identity = identityOf(this.#principal);
    this.changed = true;
    await this.#hooks.onRefresh?.(tokens, this);
  }
}
