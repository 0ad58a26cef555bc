import type { Principal } from '@auth/core';

/**
 * Variables type for per-app typing: `new Hono<AuthEnv>()` makes `c.var.auth` a `Principal` in every
 * handler (for apps that put `requireAuth()` in front of everything). Compose with your own:
 * `new Hono<AuthEnv<{ tenant: string }>>()`.
 */
export type AuthEnv<V extends object = {}> = { Variables: { auth: Principal } & V };

/** The same for routes behind `optionalAuth()`: the principal may be absent. */
export type OptionalAuthEnv<V extends object = {}> = { Variables: { auth: Principal | undefined } & V };

// Global typing of `c.get('auth')` / `c.var.auth` for any Hono app that imports @auth/hono.
declare module 'hono' {
  interface ContextVariableMap {
    /** Set by `requireAuth()` (always) and `optionalAuth()` (when credentials were present). */
    auth: Principal | undefined;
  }
}
