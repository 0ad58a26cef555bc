// Entry bundled by bench/verify.mjs (not published): the verifier without the rest of core.
export { CRYPTO_BACKEND, createVerifier } from './create-verifier.ts';
export { backend as nodeBackend } from './crypto/node.ts';
export { TokenCache } from './token-cache.ts';
