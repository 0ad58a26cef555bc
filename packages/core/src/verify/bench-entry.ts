// Entry bundled by bench/verify.mjs (not published): the verifier without the rest of core.
export { createVerifier } from './create-verifier.ts';
