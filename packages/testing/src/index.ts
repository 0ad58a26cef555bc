export { type TestClock, createClock } from './clock.ts';
export { type MintCognitoTokenOptions, mintCognitoToken } from './cognito.ts';
export { type JwksFetch, type JwksFetchOptions, jwksFetch } from './jwks-fetch.ts';
export {
  type JwksServer,
  type JwksServerOptions,
  type LateJwksServer,
  lateJwksServer,
  startJwksServer,
} from './jwks-server.ts';
export { createJwks, type Jwks, type JwkSource, toPublicJwk } from './jwks.ts';
export {
  type GenerateKeyPairOptions,
  generateKeyPair,
  type KeyAlg,
  keyAlgs,
  type PublicJwk,
  type SigningKeyLike,
  type TestKeyPair,
} from './keys.ts';
export { type MintTokenOptions, mintToken, type NowInput } from './mint.ts';
export {
  type Counters,
  type Fault,
  type FaultOptions,
  faults,
  type JwksEndpoints,
  type KeysInput,
} from './responder.ts';
export { type RawKey, type SignRawOptions, signRaw } from './sign-raw.ts';
export {
  type CognitoIdpServer,
  type CognitoIdpServerOptions,
  type CognitoIdpUser,
  startCognitoIdpServer,
} from './cognito-idp-server.ts';
export {
  type AuthressFault,
  type AuthressStub,
  type AuthressStubOptions,
  createAuthressAccessKey,
  startAuthressStub,
} from './authress-stub.ts';
export {
  accessTokenHash,
  type DpopProofOptions,
  dpopProof,
  dpopPublicJwk,
  jwkThumbprintSync,
} from './dpop.ts';
