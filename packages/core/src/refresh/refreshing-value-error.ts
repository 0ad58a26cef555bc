/**
 * Why a refreshing value could not produce a value, when the loader itself did not say: it threw
 * something that is not an Error, returned something that is not a loaded value, or the holder was
 * closed. Internal: the JWKS source and the token manager turn it into their own public errors.
 */

export type RefreshingValueErrorCode =
  | 'ERR_REFRESH_LOAD_FAILED'
  | 'ERR_REFRESH_INVALID_RESULT'
  | 'ERR_REFRESH_CLOSED';

/**
 * A load failure with a stable `code`. The thrown non-Error or the returned garbage is not kept: it
 * may be anything, a token included.
 *
 * @example
 * if (error instanceof RefreshingValueError && error.code === 'ERR_REFRESH_CLOSED') return;
 */
export class RefreshingValueError extends Error {
  override name = 'RefreshingValueError';
  readonly code: RefreshingValueErrorCode;

  constructor(code: RefreshingValueErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
