export {
  DEFAULT_TOKEN_PARAM,
  extractToken,
  hasToken,
  mayCarryOtherToken,
  validateTokenLocations,
} from './extract-token.ts';
export type { TokenLocations } from './extract-token.ts';
export { TOKEN68, isBearerCredentials, parseBearer, startsWithBearer } from './bearer.ts';
export { countRawHeader, readHeader } from './headers.ts';
export type { HeaderReading } from './headers.ts';
export { usesCustomHeader, validateBearerHeader } from './custom-header.ts';
export type { BearerHeaderOptions } from './custom-header.ts';
