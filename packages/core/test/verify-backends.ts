/** Both signature backends, so every verifier suite runs on node:crypto and on WebCrypto. */
import { CRYPTO_BACKEND } from '../src/verify/verifier-settings.ts';
import { backend as nodeBackend } from '../src/verify/crypto/node.ts';
import type { CryptoBackend } from '../src/verify/crypto/types.ts';
import { backend as webBackend } from '../src/verify/crypto/web.ts';
import type { VerifierOptions } from '../src/verify/options.ts';

export const BACKENDS: readonly (readonly [string, CryptoBackend])[] = [
  ['node', nodeBackend],
  ['web', webBackend],
];

/** Options with a forced backend (the internal option createVerifier reads). */
export function withBackend(options: VerifierOptions, backend: CryptoBackend): VerifierOptions {
  return { ...options, [CRYPTO_BACKEND]: backend } as VerifierOptions;
}
