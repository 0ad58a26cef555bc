/**
 * The transient state of one login attempt (`state`, `nonce`, `codeVerifier`, `max_age`, return-to)
 * in its own short-lived sealed cookie, named after the attempt's `state`, so two tabs logging in
 * at once do not overwrite each other. Sealed with the purpose `login:<state>`: a cookie cannot be
 * moved to another attempt, nor used as a session cookie.
 */
import type { SavedAuthorization } from './callback.ts';
import { type CookieSettings, parseCookies, serializeCookie } from './cookies.ts';
import type { Sealer } from './seal.ts';

export interface LoginState extends SavedAuthorization {
  /** Same-origin path to go to after login. */
  returnTo: string;
}

export interface LoginStateCookies {
  write(saved: LoginState): Promise<string>;
  /** The saved state for the callback's `state`, or undefined (none, expired, tampered). */
  read(
    state: string | null,
    cookieHeader: string | readonly string[] | null | undefined,
  ): Promise<LoginState | undefined>;
  clear(state: string | null): string | undefined;
  /**
   * Deletions of the pending attempts the request carries once they reach MAX_PENDING: each attempt
   * is a cookie of up to ~3 KB, and a page that sends a browser to the login route again and again
   * would otherwise grow its `Cookie` header past what servers accept (431 on every request).
   */
  prune(cookieHeader: string | readonly string[] | null | undefined): string[];
}

/** Pending attempts a browser keeps (tabs logging in at once) before older ones are dropped. */
export const MAX_PENDING = 3;
// The most deletions one response sends, whatever the request invents (browsers keep ~180 cookies).
const MAX_PRUNED = 50;

const STATE = /^[A-Za-z0-9_-]{16,128}$/;

export function loginStateCookies(
  sealer: Sealer,
  settings: CookieSettings,
  prefix: string,
  maxAgeSeconds: number,
  clock: () => number = Date.now,
): LoginStateCookies {
  const nameFor = (state: string) => `${prefix}.${state.slice(0, 22)}`;
  return {
    async write(saved) {
      const body = JSON.stringify({ ...saved, exp: clock() + maxAgeSeconds * 1000 });
      return serializeCookie(
        nameFor(saved.state),
        await sealer.seal(`login:${saved.state}`, body),
        settings,
        maxAgeSeconds,
      );
    },
    async read(state, cookieHeader) {
      if (state === null || !STATE.test(state)) return undefined;
      const sealed = parseCookies(cookieHeader).get(nameFor(state));
      if (sealed === undefined) return undefined;
      const plain = await sealer.unseal(`login:${state}`, sealed);
      if (plain === undefined) return undefined;
      try {
        const v = JSON.parse(plain) as LoginState & { exp: number };
        if (v.state !== state || typeof v.exp !== 'number' || clock() >= v.exp) return undefined;
        const { exp: _exp, ...saved } = v;
        return saved;
      } catch {
        return undefined;
      }
    },
    prune(cookieHeader) {
      const names = [...parseCookies(cookieHeader).keys()].filter((n) => n.startsWith(`${prefix}.`));
      if (names.length < MAX_PENDING) return [];
      return names.slice(0, MAX_PRUNED).map((n) => serializeCookie(n, '', settings, 0));
    },
    clear(state) {
      return state !== null && STATE.test(state)
        ? serializeCookie(nameFor(state), '', settings, 0)
        : undefined;
    },
  };
}
