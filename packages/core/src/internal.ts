/**
 * `@auth/core/internal`: what this repository's adapters need beyond the public API — the binding
 * layer (options → authenticator, route specs → requirements, the authenticate-then-authorize run)
 * and low-level helpers. Not for applications: it follows the adapters, not semver.
 */
export * from './binding/index.ts';
export { assertKnownKeys } from './options/assert-known-keys.ts';
export { AUTHENTICATOR_OPTION_KEYS } from './options/option-keys.ts';
export { validateRealm } from './authenticator.ts';
export { challengeScope, challengeText, quote } from './errors.ts';
export {
  DEFAULT_TOKEN_PARAM,
  TOKEN68,
  countRawHeader,
  hasToken,
  isBearerCredentials,
  parseBearer,
  readHeader,
  validateTokenLocations,
} from './extract/index.ts';
export type { HeaderReading } from './extract/index.ts';
export { missingTokenResponse, OPTIONAL_AUTH, reportsMissingAsUndefined } from './rendered-error.ts';
export { ALLOW, decisionToError, isDenial, ROLES } from './authorize/index.ts';
// The token manager behind every token source (refresh ahead with jitter, single flight, cool-down),
// for token sources of other packages of this repo (@auth/aws cognitoUserTokens).
export { TokenManager } from './client/token-manager.ts';
export type { GrantResult, TokenManagerHooks } from './client/token-manager.ts';
export { EventHub, eventHubOf } from './observe/event-hub.ts';
export { policyName } from './observe/observe-authorize.ts';
export { attachEventLogging, consoleLines, LOGGING_KEYS } from './observe/adapter-logging.ts';
export type { AuthLoggingOptions, LineSink } from './observe/adapter-logging.ts';
