/** Observability hooks (loggers, listeners, warm-up): setup mistakes are ConfigurationErrors. */
import { describe, it } from 'vitest';
import { createAuthenticator, loggerListener, openTelemetryListener, warmUp } from '../../src/index.ts';
import { expectConfigurationError, rejectsWithConfigurationError } from '../fixtures/configuration-error.ts';

const options = { issuers: [{ issuer: 'https://idp.example', audience: 'api' }] };
const logger = { debug() {}, info() {}, warn() {}, error() {} };

describe('observability: setup mistakes are ConfigurationErrors', () => {
  it.each([
    [
      'loggerListener without a logger',
      () => loggerListener(null as never),
      /logger must be a pino-style logger/,
    ],
    [
      'loggerListener with a logger missing warn',
      () => loggerListener({ ...logger, warn: 1 } as never),
      'logger must be a pino-style logger: logger.warn is not a function',
    ],
    [
      'loggerListener with an unknown level',
      () => loggerListener(logger, { minLevel: 'trace' } as never),
      "minLevel must be 'debug', 'info', 'warn' or 'error'",
    ],
    [
      'openTelemetryListener without an API',
      () => openTelemetryListener({} as never),
      /^openTelemetryListener: pass the @open/,
    ],
    [
      'onEvent that is not a function',
      () => createAuthenticator({ ...options, onEvent: 'log' } as never),
      /onEvent must be a function/,
    ],
  ])('%s', (_, fn, message) => {
    expectConfigurationError(fn, message);
  });

  it('warmUp with an unknown mode', async () => {
    await rejectsWithConfigurationError(
      () => warmUp(createAuthenticator(options), { mode: 'eager' } as never),
      "warmUp: mode must be 'fail', 'warn' or 'lazy'",
    );
  });
});
