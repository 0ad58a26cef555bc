/**
 * Which principal ids `apiKeyPairAuth` lets reach a store. The default (`API_KEY_ID`) is safe for
 * any store (no `/`, `.` or `__proto__`-like names reach a file path or an object key); a store of
 * flat names declares more through `principalIds`, as the Secrets Manager store does with every
 * valid secret name, so principals kept there under their own names move as they are.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { KEY_ID } from './options.ts';
import type { SecretStore } from './store.ts';

/**
 * Every valid AWS Secrets Manager secret name (letters, digits and `/_+=.@-`, at most 512) except
 * path-shaped ones with a `.` or `..` segment, which no principal needs.
 *
 * @example
 * const store: SecretStore = { get: async () => undefined, principalIds: SECRETS_MANAGER_NAME };
 */
export const SECRETS_MANAGER_NAME = /^(?!(?:.*\/)?\.{1,2}(?:\/|$))[A-Za-z0-9/_+=.@-]{1,512}$/;

/** The store's `principalIds` (checked at setup), or `API_KEY_ID`. */
export function principalIdPattern(store: SecretStore | undefined): RegExp {
  const pattern = store?.principalIds;
  if (pattern === undefined) return KEY_ID;
  if (
    !(pattern instanceof RegExp) ||
    pattern.global ||
    pattern.sticky ||
    !pattern.source.startsWith('^') ||
    !pattern.source.endsWith('$')
  ) {
    throw new ConfigurationError(
      'apiKeyPairAuth(): store.principalIds must be an anchored RegExp (^…$) without the g or y flag',
    );
  }
  return pattern;
}
