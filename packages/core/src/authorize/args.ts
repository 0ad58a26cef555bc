import { ConfigurationError } from '../configuration-error.ts';
/** Argument handling shared by the policy makers: flattening, validation, trailing options. */

/** RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Trailing options of `requireGroups` / `requireAnyGroup`.
 *
 * @example
 * const admins = requireGroups('Admins', { caseInsensitive: true } satisfies MatchOptions);
 */
export interface MatchOptions {
  /** Compare names case-insensitively (default: exact). */
  caseInsensitive?: boolean;
}

type Arg = string | readonly string[] | MatchOptions | undefined;

function isOptions(value: unknown): value is MatchOptions {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits `(...names, options?)`, flattening arrays one level; every name must pass `valid`. */
export function namesAndOptions(
  maker: string,
  what: string,
  args: readonly Arg[],
  valid: (name: string) => boolean,
  allowOptions: boolean,
): { names: string[]; options: MatchOptions } {
  let options: MatchOptions = {};
  let list = args;
  const last = args[args.length - 1];
  if (allowOptions && isOptions(last)) {
    options = last;
    list = args.slice(0, -1);
    for (const key of Object.keys(options)) {
      if (key !== 'caseInsensitive') throw new ConfigurationError(`${maker}: unknown option "${key}"`);
    }
    if (options.caseInsensitive !== undefined && typeof options.caseInsensitive !== 'boolean') {
      throw new ConfigurationError(`${maker}: option "caseInsensitive" must be a boolean`);
    }
  }
  const names: string[] = [];
  for (const arg of list) {
    const items = Array.isArray(arg) ? arg : [arg];
    for (const item of items) {
      if (typeof item !== 'string' || !valid(item)) {
        throw new ConfigurationError(`${maker}: every ${what} must be a non-empty string without spaces`);
      }
      names.push(item);
    }
  }
  if (names.length === 0) throw new ConfigurationError(`${maker}: at least one ${what} is required`);
  return { names: [...new Set(names)], options };
}

export function isScopeToken(value: string): boolean {
  return SCOPE_TOKEN.test(value);
}

/** A group name: any non-empty string without leading/trailing whitespace or control characters. */
export function isGroupName(value: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  return value.length > 0 && value.trim() === value && !/[\u0000-\u001f\u007f]/.test(value);
}

export function assertFunction(maker: string, what: string, value: unknown): void {
  if (typeof value !== 'function') throw new ConfigurationError(`${maker}: ${what} must be a function`);
}
