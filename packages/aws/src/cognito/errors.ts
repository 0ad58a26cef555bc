/**
 * Typed errors of the Cognito helpers. Messages are fixed texts; an SDK failure is reduced to its AWS
 * error name, HTTP status and request id: the raw SDK error (its message may echo a username, its
 * `$response` headers) is never kept as `cause`, and no password, secret or token is ever in an error.
 */

/**
 * Stable codes of `CognitoError`.
 *
 * @example
 * if (err instanceof CognitoError && err.code === ('ERR_COGNITO_USER_NOT_FOUND' satisfies CognitoErrorCode)) return 404;
 */
export type CognitoErrorCode =
  | 'ERR_COGNITO_INVALID_INPUT'
  | 'ERR_COGNITO_USER_NOT_FOUND'
  | 'ERR_COGNITO_USER_EXISTS'
  | 'ERR_COGNITO_NOT_AUTHORIZED'
  | 'ERR_COGNITO_THROTTLED'
  | 'ERR_COGNITO_UNAVAILABLE'
  | 'ERR_COGNITO_REQUEST_FAILED'
  | 'ERR_COGNITO_INVALID_CREDENTIALS'
  | 'ERR_COGNITO_USER_NOT_CONFIRMED'
  | 'ERR_COGNITO_USER_DISABLED'
  | 'ERR_COGNITO_PASSWORD_RESET_REQUIRED'
  | 'ERR_COGNITO_NEW_PASSWORD_REQUIRED'
  | 'ERR_COGNITO_CHALLENGE_FAILED';

/** Details of a failed Cognito call. */
export interface CognitoErrorDetails {
  /** HTTP status of Cognito's answer; undefined when none arrived (network down). */
  httpStatus?: number;
  /** The AWS error name (`UserNotFoundException`, `TooManyRequestsException`, …). */
  awsErrorName?: string;
  requestId?: string;
  /** The SDK operation (`AdminCreateUser`). */
  operation?: string;
  /** The input field at fault (ERR_COGNITO_INVALID_INPUT). */
  field?: string;
}

/**
 * A Cognito call failed or its input was refused before any call.
 *
 * @example
 * try { await users.getUser('nobody'); } catch (err) {
 *   if (err instanceof CognitoError && err.code === 'ERR_COGNITO_USER_NOT_FOUND') console.log(err.httpStatus);
 * }
 */
export class CognitoError extends Error {
  override name = 'CognitoError';
  readonly code: CognitoErrorCode;
  readonly httpStatus: number | undefined;
  readonly awsErrorName: string | undefined;
  readonly requestId: string | undefined;
  readonly operation: string | undefined;
  readonly field: string | undefined;
  /** Throttling and unavailability: worth retrying later. */
  readonly retryable: boolean;

  constructor(code: CognitoErrorCode, message: string, details: CognitoErrorDetails = {}) {
    super(message);
    this.code = code;
    this.httpStatus = details.httpStatus;
    this.awsErrorName = details.awsErrorName;
    this.requestId = details.requestId;
    this.operation = details.operation;
    this.field = details.field;
    this.retryable = code === 'ERR_COGNITO_THROTTLED' || code === 'ERR_COGNITO_UNAVAILABLE';
  }
}

/**
 * Bad input, refused before any Cognito call (unknown role, empty email, page size out of range, …).
 *
 * @example
 * if (err instanceof CognitoInputError) return { status: 400, field: err.field };
 */
export class CognitoInputError extends CognitoError {
  override name = 'CognitoInputError';
  constructor(field: string, message: string) {
    super('ERR_COGNITO_INVALID_INPUT', message, { field });
  }
}

const AWS_NAMES: Record<string, [CognitoErrorCode, string]> = {
  UserNotFoundException: ['ERR_COGNITO_USER_NOT_FOUND', 'The user does not exist'],
  UsernameExistsException: ['ERR_COGNITO_USER_EXISTS', 'A user with this email already exists'],
  AliasExistsException: ['ERR_COGNITO_USER_EXISTS', 'A user with this email already exists'],
  UserNotConfirmedException: ['ERR_COGNITO_USER_NOT_CONFIRMED', 'The user is not confirmed'],
  PasswordResetRequiredException: ['ERR_COGNITO_PASSWORD_RESET_REQUIRED', 'The user must reset the password'],
  TooManyRequestsException: ['ERR_COGNITO_THROTTLED', 'Cognito throttled the request'],
  ThrottlingException: ['ERR_COGNITO_THROTTLED', 'Cognito throttled the request'],
  LimitExceededException: ['ERR_COGNITO_THROTTLED', 'Cognito throttled the request'],
  InvalidParameterException: ['ERR_COGNITO_INVALID_INPUT', 'Cognito refused a parameter'],
  InvalidPasswordException: ['ERR_COGNITO_INVALID_INPUT', 'The password does not meet the pool policy'],
  ResourceNotFoundException: [
    'ERR_COGNITO_REQUEST_FAILED',
    'A Cognito resource (pool, client or group) does not exist',
  ],
};

interface SdkLikeError {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/**
 * Turns whatever the SDK threw into a CognitoError (the raw error is dropped, see the file comment).
 * `NotAuthorizedException` is told apart by Cognito's fixed messages (disabled user, wrong password).
 */
export function fromSdkError(err: unknown, operation: string): CognitoError {
  if (err instanceof CognitoError) return err;
  const e = (err ?? {}) as SdkLikeError;
  const awsErrorName = typeof e.name === 'string' ? e.name : undefined;
  const httpStatus = e.$metadata?.httpStatusCode;
  const details: CognitoErrorDetails = {
    httpStatus,
    awsErrorName,
    requestId: e.$metadata?.requestId,
    operation,
  };
  if (awsErrorName === 'NotAuthorizedException') {
    const message = typeof e.message === 'string' ? e.message : '';
    if (/disabled/i.test(message))
      return new CognitoError('ERR_COGNITO_USER_DISABLED', 'The user is disabled', details);
    if (/incorrect username or password/i.test(message) && operation !== 'REFRESH_TOKEN_AUTH')
      return new CognitoError('ERR_COGNITO_INVALID_CREDENTIALS', 'Incorrect username or password', details);
    return new CognitoError(
      'ERR_COGNITO_NOT_AUTHORIZED',
      'Cognito refused the request as not authorized',
      details,
    );
  }
  // cognito-local answers a wrong password this way (Cognito: NotAuthorizedException); at sign-in
  // there is no password policy to break, so it can only mean wrong credentials.
  if (awsErrorName === 'InvalidPasswordException' && operation === 'USER_PASSWORD_AUTH')
    return new CognitoError('ERR_COGNITO_INVALID_CREDENTIALS', 'Incorrect username or password', details);
  const known = awsErrorName ? AWS_NAMES[awsErrorName] : undefined;
  if (known) return new CognitoError(known[0], known[1], details);
  // No HTTP answer (connection refused, DNS, timeout) or a 5xx: Cognito is unavailable.
  if (httpStatus === undefined || httpStatus >= 500)
    return new CognitoError('ERR_COGNITO_UNAVAILABLE', 'Cognito is unavailable', details);
  if (httpStatus === 429)
    return new CognitoError('ERR_COGNITO_THROTTLED', 'Cognito throttled the request', details);
  return new CognitoError('ERR_COGNITO_REQUEST_FAILED', 'The Cognito request failed', details);
}
