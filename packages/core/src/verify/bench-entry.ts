// Entry bundled by bench/verify.mjs (not published): the verifier without the rest of core.
export { CRYPTO_BACKEND, createVerifier } from './create-verifier.ts';
export { backend as nodeBackend } from './crypto/node.ts';
// bench/verify.mjs compares the LRU under the token cache, by its former name, with a Map LRU.
export { Lru as TokenCache } from './lru.ts';
