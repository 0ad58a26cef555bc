// Entry bundled by bench/verify.mjs (not published): the verifier without the rest of core.
export { createVerifier } from './create-verifier.ts';
export { CRYPTO_BACKEND } from './verifier-settings.ts';
export { backend as nodeBackend } from './crypto/node.ts';
// bench/verify.mjs compares the LRU under the token cache, by its former name, with a Map LRU.
export { Lru as TokenCache } from './lru.ts';
