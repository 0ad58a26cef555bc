/**
 * createVerifier: issuer routing on the unverified `iss` (an unknown issuer never causes a fetch), strict
 * parsing, claim rules, key lookup and signature check, then the verified-token cache. A cache hit is
 * synchronous (LRU lookup + token equality + window check); cold keys, signature checks on the thread
 * pool (the Node default) or WebCrypto, and `customCheck` add promise hops.
 */
import { backend as defaultCrypto } from '#crypto';
import {
  type AuthError,
  type AuthErrorDetail,
  InvalidTokenError,
  UnavailableError,
  isAuthError,
  toAuthError,
} from '../errors.ts';
import { FetchFailure } from '../jwks/fetch-json.ts';
import type { JwksSource } from '../jwks/jwks-source.ts';
import type { Principal } from '../types.ts';
import { checkClaims } from './claims.ts';
import { parseCompact } from './compact.ts';
import { checkConfirmation } from './confirmation.ts';
import type { CryptoBackend, KeyHandle } from './crypto/types.ts';
import { type IssuerContext, type IssuerRuntime, normalizeIssuer } from './issuer-config.ts';
import { SIGNATURE_BYTES } from './key-policy.ts';
import type {
  AsymmetricAlgorithm,
  IssuerConfig,
  IssuerResolver,
  JoseHeader,
  Verifier,
  VerifierOptions,
  VerifyOverrides,
} from './options.ts';
import {
  type Narrowing,
  OverrideError,
  assertNarrowerThan,
  narrowRules,
  parseOverrides,
} from './overrides.ts';
import { buildPrincipal } from './principal.ts';
import { TokenCache } from './token-cache.ts';

const VERIFIER = Symbol.for('@auth/core.Verifier');
// Module-local (not Symbol.for): only a verifier of this very copy of the package exposes internals.
const INTERNALS = Symbol('@auth/core.verifier.internals');

/** Fast paths for this package's authenticator; not public API. */
export interface VerifierInternals {
  /**
   * The principal of a token found in the token cache (same token, still in its validity window, the
   * key that verified it still the one the issuer's JWKS selects for it), or undefined on a miss.
   * Never throws: with `customCheck`, a promise of its outcome.
   * Every cached token passed the strict compact-JWS parse, so it is a well-formed token68.
   */
  peek(token: string): Principal | Promise<Principal> | undefined;
  /** What the verifier holds, for tests of its bounds. */
  stats(): { sources: number; acceptedIssuers: number; rejectedIssuers: number };
}

export function verifierInternals(verifier: Verifier): VerifierInternals | undefined {
  return (verifier as unknown as Record<symbol, VerifierInternals | undefined>)[INTERNALS];
}

/**
 * Internal option: force a signature backend (tests run the whole suite on WebCrypto with it).
 * Not part of the public API.
 */
export const CRYPTO_BACKEND = Symbol.for('@auth/core.verifier.crypto');

export const DEFAULT_MAX_TOKEN_BYTES = 8 * 1024;
export const DEFAULT_CACHE_SIZE = 10_000;
/** Resolver answers kept, accepted and rejected issuers each (and so at most this many key sources). */
export const RESOLVED_ISSUERS_MAX = 1_000;

interface Verified {
  /** The whole token, when cached: a hit requires exact equality with it. */
  token: string;
  principal: Principal;
  header: JoseHeader;
  source: JwksSource | undefined;
  kid: string | undefined;
  alg: AsymmetricAlgorithm;
  /** The key that verified the token: a hit requires the JWKS to still select this very key. */
  key: KeyHandle;
  /** The source's key-set generation `key` was last confirmed against (-1: not yet). */
  keyGeneration: number;
  validFrom: number;
  validUntil: number;
}

/**
 * Token-cache key: the last 43 characters (256 bits) of the signature segment. Cheaper than hashing the
 * whole token (~0.9 µs for SHA-256 of a 700-byte RS256 token, more than the rest of a hit); an entry
 * also holds the whole token and counts only on exact equality, so distinct tokens sharing a key (an
 * attacker reusing a signature with another payload) only miss and are verified in full.
 */
const CACHE_KEY_CHARS = 43;
const cacheKey = (token: string): string =>
  token.length <= CACHE_KEY_CHARS ? token : token.slice(token.length - CACHE_KEY_CHARS);

const malformed = () => new InvalidTokenError('ERR_AUTH_MALFORMED_TOKEN', 'The access token is malformed');
const untrusted = (detail: AuthErrorDetail) =>
  new InvalidTokenError('ERR_AUTH_UNTRUSTED_ISSUER', 'The token issuer is not trusted', { detail });
const badSignature = (cause?: unknown) =>
  new InvalidTokenError('ERR_AUTH_INVALID_SIGNATURE', 'The token signature is invalid', { cause });
const algNotAllowed = () =>
  new InvalidTokenError('ERR_AUTH_ALG_NOT_ALLOWED', 'The token algorithm is not allowed');

export function createVerifier(options: VerifierOptions): Verifier {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('createVerifier(): options are required');
  const crypto =
    ((options as unknown as Record<symbol, unknown>)[CRYPTO_BACKEND] as CryptoBackend) ?? defaultCrypto;
  const clock = options.clock ?? Date.now;
  if (typeof clock !== 'function') throw new TypeError('clock must be a function returning milliseconds');
  const fetchFn = options.fetch ?? ((input: string, init?: RequestInit) => globalThis.fetch(input, init));
  if (typeof fetchFn !== 'function') throw new TypeError('fetch must be a function');
  const maxTokenBytes = options.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;
  if (!Number.isInteger(maxTokenBytes) || maxTokenBytes < 64) {
    throw new TypeError('maxTokenBytes must be an integer of at least 64');
  }
  const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
  if (!Number.isInteger(cacheSize) || cacheSize < 0)
    throw new TypeError('cacheSize must be a non-negative integer');
  const mode = options.signatureVerification ?? 'threadpool';
  if (mode !== 'sync' && mode !== 'threadpool') {
    throw new TypeError("signatureVerification must be 'sync' or 'threadpool'");
  }
  const verifySignature =
    mode === 'threadpool' && crypto.verifyOffThread ? crypto.verifyOffThread : crypto.verify;
  const customCheck = options.customCheck;
  if (customCheck !== undefined && typeof customCheck !== 'function') {
    throw new TypeError('customCheck must be a function');
  }

  const ctx: IssuerContext = { fetch: fetchFn, clock, crypto, jwks: options.jwks, sources: new Map() };
  const issuersOption = options.issuers;
  let staticIssuers: Map<string, IssuerRuntime[]> | undefined;
  let resolver: IssuerResolver | undefined;
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
  const resolved = new TokenCache<IssuerRuntime[]>(RESOLVED_ISSUERS_MAX, (list) => {
    for (const rt of list) releaseSource(rt.sourceKey);
  });
  const rejected = new TokenCache<true>(RESOLVED_ISSUERS_MAX);
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
  if (typeof issuersOption === 'function') {
    resolver = issuersOption;
  } else {
    if (!Array.isArray(issuersOption) || issuersOption.length === 0) {
      throw new TypeError('issuers must be a non-empty array of issuer configs or a resolver function');
    }
    staticIssuers = new Map();
    issuersOption.forEach((config: IssuerConfig, i: number) => {
      const rt = normalizeIssuer(config, i, ctx);
      const list = staticIssuers!.get(rt.issuer);
      if (list) list.push(rt);
      else staticIssuers!.set(rt.issuer, [rt]);
    });
  }
  const cache = cacheSize > 0 ? new TokenCache<Verified>(cacheSize) : undefined;

  function resolveIssuer(iss: string): IssuerRuntime[] | Promise<IssuerRuntime[]> {
    if (staticIssuers) {
      const list = staticIssuers.get(iss);
      if (list === undefined) throw untrusted({ issuer: iss, configuredIssuers: [...staticIssuers.keys()] });
      return list;
    }
    const hit = resolved.get(iss);
    if (hit !== undefined) return hit;
    if (rejected.get(iss) !== undefined) throw untrusted({ issuer: iss, resolver: 'rejected' });
    // Concurrent first requests for one issuer share the resolver call.
    const inflight = pendingResolves.get(iss);
    if (inflight) return inflight;
    let result: ReturnType<IssuerResolver>;
    try {
      result = resolver!(iss);
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

  function verifyFull(token: string, overrides: Narrowing | undefined, cacheAs: string | undefined) {
    const parsed = parseCompact(token, crypto);
    const iss = parsed.payload.iss;
    if (typeof iss !== 'string' || iss === '') {
      throw new InvalidTokenError('ERR_AUTH_MISSING_CLAIM', 'The token has no issuer', {
        detail: { claim: 'iss' },
      });
    }
    const list = resolveIssuer(iss);
    if (list instanceof Promise) return list.then((l) => verifyWith(l, parsed, overrides, cacheAs));
    return verifyWith(list, parsed, overrides, cacheAs);
  }

  function verifyWith(
    list: IssuerRuntime[],
    parsed: ReturnType<typeof parseCompact>,
    overrides: Narrowing | undefined,
    cacheAs: string | undefined,
  ): Verified | Promise<Verified> {
    const { header, payload } = parsed;
    const now = clock() / 1000;
    let rt: IssuerRuntime | undefined;
    let verdict: ReturnType<typeof checkClaims> | undefined;
    let firstError: unknown;
    // Several entries may share an issuer (e.g. access and id tokens of one pool): the first that accepts wins.
    for (const candidate of list) {
      try {
        const effective = overrides ? narrowRules(candidate, overrides) : candidate;
        if (!effective.algorithms.has(header.alg)) throw algNotAllowed();
        verdict = checkClaims(header, payload, effective, now);
        rt = effective;
        break;
      } catch (e) {
        // Overrides that would widen this entry's rules are a programming error, not a token failure.
        if (e instanceof OverrideError) throw e;
        firstError ??= e;
      }
    }
    if (rt === undefined || verdict === undefined) throw firstError;
    // A sender-constrained token needs proof of possession, which plain Bearer requests never carry.
    checkConfirmation(payload, overrides?.possession);
    const alg = header.alg;
    const expected = SIGNATURE_BYTES[alg];
    if (expected !== undefined && parsed.signature.byteLength !== expected) throw badSignature();

    const kid = header.kid;
    let key: KeyHandle | Promise<KeyHandle> | undefined;
    let source: JwksSource | undefined;
    if (alg.startsWith('HS')) {
      key = rt.secretKeys.get(alg);
      if (key === undefined) throw algNotAllowed();
    } else {
      source = rt.source;
      if (source === undefined) throw algNotAllowed();
      const from = source;
      const issuer = rt.issuer;
      try {
        key = source.getKey(kid, alg as AsymmetricAlgorithm);
      } catch (e) {
        throw keyFailure(e, from, issuer, kid, alg);
      }
      if (key instanceof Promise) {
        key = key.then(undefined, (e: unknown) => Promise.reject(keyFailure(e, from, issuer, kid, alg)));
      }
    }
    if (key instanceof Promise)
      return key.then((k) => checkSignature(k, parsed, rt, verdict, source, cacheAs));
    return checkSignature(key, parsed, rt, verdict, source, cacheAs);
  }

  function checkSignature(
    key: KeyHandle,
    parsed: ReturnType<typeof parseCompact>,
    rt: IssuerRuntime,
    verdict: ReturnType<typeof checkClaims>,
    source: JwksSource | undefined,
    cacheAs: string | undefined,
  ): Verified | Promise<Verified> {
    let ok: boolean | Promise<boolean>;
    try {
      ok = verifySignature(
        parsed.header.alg as AsymmetricAlgorithm,
        key,
        parsed.signingInput,
        parsed.signature,
      );
    } catch (cause) {
      throw badSignature(cause);
    }
    if (ok instanceof Promise) {
      return ok.then(
        (valid) => accept(valid, key, parsed, rt, verdict, source, cacheAs),
        (cause: unknown) => Promise.reject(badSignature(cause)),
      );
    }
    return accept(ok, key, parsed, rt, verdict, source, cacheAs);
  }

  function accept(
    valid: boolean,
    key: KeyHandle,
    parsed: ReturnType<typeof parseCompact>,
    rt: IssuerRuntime,
    verdict: ReturnType<typeof checkClaims>,
    source: JwksSource | undefined,
    cacheAs: string | undefined,
  ): Verified {
    if (!valid) throw badSignature();
    const entry: Verified = {
      token: cacheAs ?? '',
      principal: buildPrincipal(parsed.payload, rt, verdict.kind),
      header: parsed.header,
      source,
      kid: parsed.header.kid,
      alg: parsed.header.alg as AsymmetricAlgorithm,
      key,
      // A refresh may have landed while the signature was checked: the first hit confirms the key.
      keyGeneration: -1,
      validFrom: verdict.validFrom,
      validUntil: verdict.validUntil,
    };
    // A bound token (`cnf`) is never cached: a hit carries no proof of possession.
    if (cacheAs !== undefined && cache !== undefined && parsed.payload.cnf === undefined) {
      cache.set(cacheKey(cacheAs), entry);
    }
    return entry;
  }

  /**
   * A cached entry still inside its validity window (current clock) whose verifying key is still the
   * one the issuer's JWKS selects for it, else undefined. Everything else a miss checked depends only on
   * the token's bytes, which a hit matches exactly; calls with overrides never read the cache.
   */
  function cached(token: string): Verified | undefined {
    const key = cacheKey(token);
    const hit = cache!.get(key);
    // The key is only the signature's tail: the entry counts only for the very same token.
    if (hit === undefined || hit.token !== token) return undefined;
    const ms = clock();
    const now = ms / 1000;
    if (now >= hit.validFrom && now <= hit.validUntil && (hit.source === undefined || sameKey(hit, ms))) {
      return hit;
    }
    cache!.delete(key);
    return undefined;
  }

  /** Whether the key that verified a cached token is still the one its JWKS selects for it. */
  function sameKey(hit: Verified, ms: number): boolean {
    const source = hit.source!;
    // Also refreshes in the background when due, and fails once the set is gone or stale.
    if (!source.hasKid(hit.kid, ms)) return false;
    if (source.generation === hit.keyGeneration) return true;
    if (source.currentKey(hit.kid, hit.alg, ms) !== hit.key) return false;
    hit.keyGeneration = source.generation;
    return true;
  }

  function verifyToken(token: string, overrides: Narrowing | undefined): Verified | Promise<Verified> {
    if (typeof token !== 'string' || token === '') throw malformed();
    if (token.length > maxTokenBytes) {
      throw new InvalidTokenError('ERR_AUTH_TOKEN_TOO_LARGE', 'The access token is too large');
    }
    if (cache !== undefined && overrides === undefined) {
      return cached(token) ?? verifyFull(token, undefined, token);
    }
    return verifyFull(token, overrides, undefined);
  }

  const afterVerified = customCheck
    ? (v: Verified): Promise<Principal> =>
        new Promise<void>((resolve) => resolve(customCheck(v.principal, v.header))).then(
          () => v.principal,
          (e: unknown) => {
            throw isAuthError(e)
              ? e
              : new InvalidTokenError('ERR_AUTH_TOKEN_REJECTED', 'The token was rejected', { cause: e });
          },
        )
    : (v: Verified): Promise<Principal> => Promise.resolve(v.principal);
  const fail = (e: unknown): never => {
    throw e instanceof OverrideError ? e : toAuthError(e);
  };

  const internals: VerifierInternals = {
    peek(token: string): Principal | Promise<Principal> | undefined {
      if (cache === undefined || token.length > maxTokenBytes) return undefined;
      const hit = cached(token);
      if (hit === undefined) return undefined;
      return customCheck ? afterVerified(hit) : hit.principal;
    },
    stats() {
      return { sources: ctx.sources.size, acceptedIssuers: resolved.size, rejectedIssuers: rejected.size };
    },
  };

  const verifier = {
    verify(token: string, overrides?: VerifyOverrides): Promise<Principal> {
      let r: Verified | Promise<Verified>;
      try {
        let narrowing: Narrowing | undefined;
        if (overrides !== undefined) {
          narrowing = parseOverrides(overrides);
          if (staticIssuers) assertNarrowerThan(staticIssuers.values(), narrowing);
        }
        r = verifyToken(token, narrowing);
      } catch (e) {
        return Promise.reject(e instanceof OverrideError ? e : toAuthError(e));
      }
      return r instanceof Promise ? r.then(afterVerified, fail) : afterVerified(r);
    },
    async hydrate(): Promise<void> {
      await Promise.all([...ctx.sources.values()].map((s) => s.hydrate()));
    },
    get ready(): boolean {
      for (const s of ctx.sources.values()) if (!s.ready) return false;
      return true;
    },
    close(): void {
      cache?.clear();
      resolved.clear();
      rejected.clear();
      for (const s of ctx.sources.values()) s.close();
    },
    [VERIFIER]: true,
    [INTERNALS]: internals,
  };
  return verifier as Verifier;
}

const KEY_CODES = new Set(['ERR_AUTH_KEY_NOT_FOUND', 'ERR_AUTH_INVALID_KEY', 'ERR_AUTH_KEYS_UNAVAILABLE']);

/**
 * A key-lookup failure with its server-side detail (issuer, kid, alg, JWKS URL, HTTP status of the
 * failed fetch). A fresh error each time: the source may hand one error to several waiting requests.
 */
function keyFailure(
  e: unknown,
  source: JwksSource,
  issuer: string,
  kid: string | undefined,
  alg: string,
): unknown {
  if (!isAuthError(e) || !KEY_CODES.has(e.code)) return e;
  const failed = fetchFailureOf(e.cause);
  const detail: AuthErrorDetail = {
    issuer,
    kid,
    alg,
    jwksUri: source.jwksUri,
    url: failed?.url,
    httpStatus: failed?.status,
  };
  const err: AuthError =
    e.status === 503
      ? new UnavailableError(e.code, e.message, { retryAfter: e.retryAfter, cause: e.cause, detail })
      : new InvalidTokenError(e.code, e.message, { cause: e.cause, detail });
  return err;
}

/** The nearest fetch failure in a cause chain (FetchFailure carries the URL and HTTP status). */
function fetchFailureOf(cause: unknown): { url?: string; status?: number } | undefined {
  for (let c = cause, depth = 0; typeof c === 'object' && c !== null && depth < 5; depth++) {
    if (c instanceof FetchFailure) return { url: c.url, status: c.status };
    c = (c as { cause?: unknown }).cause;
  }
  return undefined;
}

function resolverFailed(cause: unknown, issuer: string): UnavailableError {
  return new UnavailableError('ERR_AUTH_KEYS_UNAVAILABLE', 'The issuer configuration is unavailable', {
    retryAfter: 5,
    cause,
    detail: { issuer, resolver: 'failed' },
  });
}

export function isVerifier(value: unknown): value is Verifier {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[VERIFIER] === true;
}
