/**
 * Parsers for environment values. Every failure is a TypeError naming the variable and what is
 * wrong; values are never echoed (a variable may hold a secret).
 */
import { ConfigurationError } from '../configuration-error.ts';

export function fail(name: string, problem: string): never {
  throw new ConfigurationError(`${name} ${problem}`, { variable: name });
}

/** Comma-separated list: items trimmed, empty items rejected. */
export function list(name: string, value: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  items.forEach((item, i) => {
    if (item === '') fail(name, `has an empty item at position ${i + 1} (expected a comma-separated list)`);
    if (/\s/.test(item)) fail(name, `item ${i + 1} must not contain whitespace`);
  });
  return items;
}

/** One word: no whitespace or control characters. */
export function word(name: string, value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters
  if (/[\s\u0000-\u001f\u007f]/.test(value)) fail(name, 'must not contain whitespace or control characters');
  return value;
}

/** Non-negative seconds (decimals allowed). */
export function seconds(name: string, value: string, { positive = false } = {}): number {
  if (!/^\d+(\.\d+)?$/.test(value)) fail(name, 'must be a number of seconds (e.g. 30)');
  const n = Number(value);
  if (!Number.isFinite(n) || (positive && n <= 0)) fail(name, 'must be a positive number of seconds');
  return n;
}

export function integer(name: string, value: string, { min = 0 } = {}): number {
  if (!/^\d+$/.test(value)) fail(name, 'must be a whole number');
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) fail(name, `must be a whole number of at least ${min}`);
  return n;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export function bool(name: string, value: string): boolean {
  const v = value.toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return fail(name, 'must be true or false');
}

export function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(name, 'must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(name, 'must be an http(s) URL');
  return value;
}

export function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) fail(name, `must be one of: ${allowed.join(', ')}`);
  return value as T;
}
