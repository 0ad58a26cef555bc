import { hs256 } from '@auth/conformance';

// HS256 tokens for the plugin's own tests (shared with the other adapters through @auth/conformance).
export const { ISSUER, AUDIENCE, authOptions, token, bearer } = hs256;
