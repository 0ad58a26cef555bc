/**
 * `ConfigurationError`: a start-up mistake (a bad option, a bad environment variable), with a stable
 * `code` and, for environment variables, the variable's name. Messages name the option or variable and
 * what is wrong with it, never its value (it may be a secret).
 *
 * Earlier versions threw bare TypeErrors here, and code in the wild compares them structurally
 * (`assert.throws(fn, new TypeError('…'))`, `expect(fn).toThrow(new TypeError('…'))`: same prototype,
 * same name, same enumerable properties). So an instance *is* a TypeError: its prototype is
 * `TypeError.prototype`, its name `TypeError`, its extra properties non-enumerable, and
 * `instanceof ConfigurationError` is answered by a brand.
 */

const BRAND = Symbol.for('@auth/core.ConfigurationError');

/**
 * Thrown at setup for a bad option or environment variable; `instanceof TypeError` is true.
 *
 * @example
 * try {
 *   verifierOptionsFromEnv(process.env);
 * } catch (err) {
 *   if (err instanceof ConfigurationError) console.error(`fix ${err.variable ?? 'the options'}: ${err.message}`);
 *   throw err;
 * }
 */
export class ConfigurationError extends TypeError {
  declare readonly code: 'ERR_AUTH_CONFIGURATION';
  /** The environment variable at fault, when the setting came from one. */
  declare readonly variable: string | undefined;

  /**
   * @param options.variable the environment variable at fault, if any.
   * @param options.cause what went wrong underneath (never a secret: callers pass a name, not key material).
   */
  constructor(message: string, options: { variable?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.setPrototypeOf(this, TypeError.prototype);
    Object.defineProperty(this, 'code', { value: 'ERR_AUTH_CONFIGURATION' });
    Object.defineProperty(this, 'variable', { value: options.variable });
    Object.defineProperty(this, BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof TypeError && Object.hasOwn(value, BRAND);
  }
}
