// verify/: token verification (keys, signature, claims), the Cognito preset and their types.
export { createVerifier, isVerifier } from './create-verifier.ts';
export { cognito } from './cognito.ts';
export type { CognitoOptions } from './cognito.ts';
export type {
  Algorithm,
  AsymmetricAlgorithm,
  IssuerConfig,
  IssuerResolver,
  JoseHeader,
  SymmetricAlgorithm,
  TokenUseOption,
  Verifier,
  VerifierOptions,
  VerifyOverrides,
} from './options.ts';
export type { FetchLike, Jwk, JwksCacheEntry, JwksCacheStore, JwksOptions } from '../jwks/types.ts';
