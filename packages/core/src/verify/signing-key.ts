/**
 * The key a token must be signed with: the entry's imported HMAC secret for HS*, else the key its JWKS
 * source selects by `kid` and `alg`; a lookup failure carries server-side detail (issuer, JWKS URL…).
 */
import {
  type AuthError,
  type AuthErrorDetail,
  InvalidTokenError,
  UnavailableError,
  isAuthError,
} from '../errors.ts';
import { FetchFailure } from '../jwks/fetch-json.ts';
import type { JwksSource } from '../jwks/jwks-source.ts';
import { safeUrl } from '../jwks/safe-url.ts';
import type { KeyHandle } from './crypto/types.ts';
import type { IssuerRuntime } from './issuer-config.ts';
import type { AsymmetricAlgorithm } from './options.ts';
import { algNotAllowed } from './token-errors.ts';

/**
 * The verifying key for `alg`/`kid` under entry `rt` (a promise when it is still being fetched or
 * imported). Throws when the entry has no key material for `alg`.
 */
export function signingKey(
  rt: IssuerRuntime,
  alg: string,
  kid: string | undefined,
): KeyHandle | Promise<KeyHandle> {
  if (alg.startsWith('HS')) {
    const key = rt.secretKeys.get(alg);
    if (key === undefined) throw algNotAllowed();
    return key;
  }
  const source = rt.source;
  if (source === undefined) throw algNotAllowed();
  const issuer = rt.issuer;
  let key: KeyHandle | Promise<KeyHandle>;
  try {
    key = source.getKey(kid, alg as AsymmetricAlgorithm);
  } catch (e) {
    throw keyFailure(e, source, issuer, kid, alg);
  }
  if (key instanceof Promise) {
    return key.then(undefined, (e: unknown) => Promise.reject(keyFailure(e, source, issuer, kid, alg)));
  }
  return key;
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
    jwksUri: safeUrl(source.jwksUri),
    url: safeUrl(failed?.url),
    httpStatus: failed?.status,
  };
  const err: AuthError =
    e.status === 503
      ? new UnavailableError(e.code, e.message, {
          retryAfterSeconds: e.retryAfterSeconds,
          cause: e.cause,
          detail,
        })
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
