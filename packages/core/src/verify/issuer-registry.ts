/**
 * The issuer registry: which issuer entries a token's unverified `iss` selects, from the static list or
 * from the resolver (its answers kept in bounded LRUs of accepted and rejected issuers), and the JWKS
 * sources those entries hold, closed with the last issuer that uses them.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { type AuthErrorDetail, InvalidTokenError, UnavailableError } from '../errors.ts';
import { type IssuerContext, type IssuerRuntime, normalizeIssuer } from './issuer-config.ts';
import { Lru } from './lru.ts';
import type { IssuerConfig, IssuerResolver, VerifierOptions } from './options.ts';
import { type Narrowing, assertNarrowerThan } from './overrides.ts';

/** Resolver answers kept, accepted and rejected issuers each (and so at most this many key sources). */
export const RESOLVED_ISSUERS_MAX = 1_000;

export interface IssuerRegistry {
  /** The entries for `iss` (several may share an issuer); throws or rejects when it is not trusted. */
  resolve(iss: string): IssuerRuntime[] | Promise<IssuerRuntime[]>;
  /**
   * Throws an OverrideError when per-call overrides would widen a static entry: reported on every call,
   * whatever the token, so no client can choose it. Resolver entries apply the stricter limit instead.
   */
  checkOverrides(narrowing: Narrowing): void;
  /** What the registry holds, for tests of its bounds. */
  stats(): { sources: number; acceptedIssuers: number; rejectedIssuers: number };
  hydrate(): Promise<void>;
  readonly ready: boolean;
  close(): void;
}

const untrusted = (detail: AuthErrorDetail) =>
  new InvalidTokenError('ERR_AUTH_UNTRUSTED_ISSUER', 'The token issuer is not trusted', { detail });

/** Checks the `issuers` option (a TypeError at setup when misused) and builds the registry for it. */
export function createIssuerRegistry(
  issuers: VerifierOptions['issuers'],
  ctx: IssuerContext,
): IssuerRegistry {
  if (typeof issuers === 'function') return resolvedIssuers(issuers, ctx);
  if (!Array.isArray(issuers) || issuers.length === 0) {
    throw new ConfigurationError(
      'issuers must be a non-empty array of issuer configs or a resolver function',
    );
  }
  const entries = new Map<string, IssuerRuntime[]>();
  issuers.forEach((config: IssuerConfig, i: number) => {
    const rt = normalizeIssuer(config, i, ctx);
    const list = entries.get(rt.issuer);
    if (list) list.push(rt);
    else entries.set(rt.issuer, [rt]);
  });
  return {
    hydrate: () => hydrateAll(ctx),
    get ready() {
      return allReady(ctx);
    },
    resolve(iss) {
      const list = entries.get(iss);
      if (list === undefined) throw untrusted({ issuer: iss, configuredIssuers: [...entries.keys()] });
      return list;
    },
    checkOverrides: (narrowing) => assertNarrowerThan(entries.values(), narrowing),
    stats: () => ({ sources: ctx.sources.size, acceptedIssuers: 0, rejectedIssuers: 0 }),
    close() {
      for (const s of ctx.sources.values()) s.close();
    },
  };
}

async function hydrateAll(ctx: IssuerContext): Promise<void> {
  await Promise.all([...ctx.sources.values()].map((s) => s.hydrate()));
}

function allReady(ctx: IssuerContext): boolean {
  for (const s of ctx.sources.values()) if (!s.ready) return false;
  return true;
}

function resolvedIssuers(resolver: IssuerResolver, ctx: IssuerContext): IssuerRegistry {
  // Resolver answers by issuer. Accepted and rejected issuers are bounded separately, so a flood of
  // rejected issuers cannot evict accepted ones. Each accepted issuer holds its key source; a source
  // (possibly shared by several issuers through one JWKS URI) is closed and dropped with its last
  // issuer, so the sources are bounded by the same LRU.
  const sourceUsers = new Map<string, number>();
  const releaseSource = (key: string | undefined): void => {
    if (key === undefined) return;
    const users = (sourceUsers.get(key) ?? 0) - 1;
    if (users > 0) {
      sourceUsers.set(key, users);
      return;
    }
    sourceUsers.delete(key);
    ctx.sources.get(key)?.close();
    ctx.sources.delete(key);
  };
  const resolved = new Lru<IssuerRuntime[]>(RESOLVED_ISSUERS_MAX, (list) => {
    for (const rt of list) releaseSource(rt.sourceKey);
  });
  const rejected = new Lru<true>(RESOLVED_ISSUERS_MAX);
  const pendingResolves = new Map<string, Promise<IssuerRuntime[]>>();
  /** Sources no accepted issuer holds (left by a resolver answer that failed validation). */
  const dropUnusedSources = (): void => {
    for (const [key, source] of ctx.sources) {
      if (!sourceUsers.has(key)) {
        source.close();
        ctx.sources.delete(key);
      }
    }
  };

  function resolve(iss: string): IssuerRuntime[] | Promise<IssuerRuntime[]> {
    const hit = resolved.get(iss);
    if (hit !== undefined) return hit;
    if (rejected.get(iss) !== undefined) throw untrusted({ issuer: iss, resolver: 'rejected' });
    // Concurrent first requests for one issuer share the resolver call.
    const inflight = pendingResolves.get(iss);
    if (inflight) return inflight;
    let result: ReturnType<IssuerResolver>;
    try {
      result = resolver(iss);
    } catch (cause) {
      throw resolverFailed(cause, iss);
    }
    const finish = (config: IssuerConfig | undefined | null): IssuerRuntime[] => {
      if (config === undefined || config === null) {
        rejected.set(iss, true);
        throw untrusted({ issuer: iss, resolver: 'rejected' });
      }
      let rt: IssuerRuntime;
      try {
        rt = normalizeIssuer(config, 'resolver result', ctx);
      } catch (cause) {
        dropUnusedSources();
        throw resolverFailed(cause, iss);
      }
      // The resolver must answer for the issuer it was asked about.
      if (rt.issuer !== iss) {
        dropUnusedSources();
        throw untrusted({ issuer: iss, configuredIssuers: [rt.issuer], resolver: 'mismatch' });
      }
      if (rt.sourceKey !== undefined) sourceUsers.set(rt.sourceKey, (sourceUsers.get(rt.sourceKey) ?? 0) + 1);
      resolved.set(iss, [rt]);
      return [rt];
    };
    if (!(result instanceof Promise)) return finish(result);
    const p = result
      .then(finish, (cause) => Promise.reject(resolverFailed(cause, iss)))
      .finally(() => pendingResolves.delete(iss));
    pendingResolves.set(iss, p);
    return p;
  }

  return {
    hydrate: () => hydrateAll(ctx),
    get ready() {
      return allReady(ctx);
    },
    resolve,
    // The entry (and so its limits) depends on the token: narrowRules applies the stricter one.
    checkOverrides: () => {},
    stats: () => ({
      sources: ctx.sources.size,
      acceptedIssuers: resolved.size,
      rejectedIssuers: rejected.size,
    }),
    close() {
      resolved.clear();
      rejected.clear();
      for (const s of ctx.sources.values()) s.close();
    },
  };
}

function resolverFailed(cause: unknown, issuer: string): UnavailableError {
  return new UnavailableError('ERR_AUTH_KEYS_UNAVAILABLE', 'The issuer configuration is unavailable', {
    retryAfterSeconds: 5,
    cause,
    detail: { issuer, resolver: 'failed' },
  });
}
