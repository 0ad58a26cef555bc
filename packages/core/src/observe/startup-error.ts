/**
 * `StartupError`: the keys (or discovery document) of an issuer could not be fetched at start-up
 * (`startup: 'fail'` in the adapters, `warmUp(…, 'fail')`). It names the issuer, the URL that failed
 * (without userinfo or query) and how; it keeps no cause, so nothing a fetch error carried (a URL with
 * credentials, a response) reaches a log through it.
 */
import { isAuthError } from '../errors.ts';
import { FetchFailure } from '../jwks/fetch-json.ts';
import { safeUrl } from '../jwks/safe-url.ts';
import { RefreshingValueError } from '../refresh/refreshing-value-error.ts';

/**
 * Start-up failed: an issuer's signing keys (or its discovery document) could not be fetched.
 * `issuer`, `url` (JWKS or discovery URL, without credentials or query), `httpStatus` and `reason`
 * say which and why; the message says the same in one line.
 *
 * @example
 * try {
 *   await auth.ready(); // requireAuth({ issuers, startup: 'fail' })
 * } catch (err) {
 *   if (err instanceof StartupError) console.error(`cannot start: ${err.url} ${err.reason}`);
 *   process.exit(1);
 * }
 */
export class StartupError extends Error {
  override name = 'StartupError';
  readonly code = 'ERR_AUTH_STARTUP_KEYS_UNAVAILABLE' as const;
  /** The issuer whose keys are missing, when known. */
  readonly issuer: string | undefined;
  /** The URL whose fetch failed (the JWKS or the discovery document), without userinfo or query. */
  readonly url: string | undefined;
  /** The HTTP status of the failed fetch, when a response arrived. */
  readonly httpStatus: number | undefined;
  /** What failed: `request failed (ECONNREFUSED)`, `unexpected status 503`, `invalid JSON`, … */
  readonly reason: string;

  constructor(
    message: string,
    fields: { issuer?: string; url?: string; httpStatus?: number; reason: string },
  ) {
    super(message);
    this.issuer = fields.issuer;
    this.url = fields.url;
    this.httpStatus = fields.httpStatus;
    this.reason = fields.reason;
  }
}

/** A system error code worth naming (`ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_CONNECT_TIMEOUT`). */
const SYSTEM_CODE = /^(E[A-Z0-9]{2,30}|UND_ERR_[A-Z_]{2,40})$/;
const MAX_DEPTH = 8;

interface Described {
  issuer: string | undefined;
  url: string | undefined;
  httpStatus: number | undefined;
  reason: string;
  closed: boolean;
}

function describe(cause: unknown): Described {
  let issuer: string | undefined;
  let url: string | undefined;
  let httpStatus: number | undefined;
  let failure: FetchFailure | undefined;
  let system: string | undefined;
  let closed = false;
  let e: unknown = cause;
  for (let depth = 0; depth < MAX_DEPTH && typeof e === 'object' && e !== null; depth++) {
    if (isAuthError(e) && e.detail !== undefined) {
      const d = e.detail;
      if (typeof d.issuer === 'string') issuer ??= d.issuer;
      url ??= safeUrl(d.url) ?? safeUrl(d.jwksUri);
      if (typeof d.httpStatus === 'number') httpStatus ??= d.httpStatus;
    }
    if (e instanceof FetchFailure) {
      failure ??= e;
      url ??= safeUrl(e.url);
      httpStatus ??= e.status;
    }
    if (e instanceof RefreshingValueError && e.code === 'ERR_REFRESH_CLOSED') closed = true;
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && SYSTEM_CODE.test(code)) system ??= code;
    else if (name === 'TimeoutError') system ??= 'timed out';
    e = (e as { cause?: unknown }).cause;
  }
  const base = failure?.message ?? (closed ? 'the authenticator was closed' : 'the key source failed');
  return {
    issuer,
    url,
    httpStatus,
    reason: system === undefined || base.includes(system) ? base : `${base} (${system})`,
    closed,
  };
}

/** True when the failure only says the authenticator was closed (background retries stop). Internal. */
export function isClosedFailure(cause: unknown): boolean {
  return describe(cause).closed;
}

/**
 * The StartupError for a failed warm-up (`where` names the caller, e.g. `@auth/express requireAuth()`).
 * A StartupError is returned as it is. Internal.
 *
 * @example
 * throw toStartupError(cause, '@auth/express requireAuth()');
 */
export function toStartupError(cause: unknown, where = 'warmUp'): StartupError {
  if (cause instanceof StartupError) return cause;
  const d = describe(cause);
  const of = d.issuer === undefined ? '' : ` of ${JSON.stringify(d.issuer)}`;
  const from = d.url === undefined ? '' : ` from ${d.url}`;
  return new StartupError(
    `${where}: start-up failed: the signing keys${of} could not be fetched${from}: ${d.reason}`,
    {
      ...(d.issuer === undefined ? {} : { issuer: d.issuer }),
      ...(d.url === undefined ? {} : { url: d.url }),
      ...(d.httpStatus === undefined ? {} : { httpStatus: d.httpStatus }),
      reason: d.reason,
    },
  );
}
