/** The 401s the verification steps share (one message per code wherever it is raised). */
import { InvalidTokenError } from '../errors.ts';

export const malformed = () =>
  new InvalidTokenError('ERR_AUTH_MALFORMED_TOKEN', 'The access token is malformed');
export const badSignature = (cause?: unknown) =>
  new InvalidTokenError('ERR_AUTH_INVALID_SIGNATURE', 'The token signature is invalid', { cause });
export const algNotAllowed = () =>
  new InvalidTokenError('ERR_AUTH_ALG_NOT_ALLOWED', 'The token algorithm is not allowed');
