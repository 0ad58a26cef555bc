import { ConfigurationError } from '../configuration-error.ts';
import { renamedTo } from './renamed-options.ts';

/**
 * Setup check shared by every factory and route declaration that takes an options object: a key the
 * factory does not know is a TypeError naming it. A typo (`scope` for `scopes`) would otherwise be
 * ignored and silently remove the check it meant to add.
 */

/**
 * Throws `TypeError('<where>: unknown option "<key>"')` for the first own enumerable string key of
 * `options` that is not in `allowed` (a close match, or the new name of a renamed option, is suggested). Symbol keys are not options and
 * are ignored; a non-object `options` is left to the caller's own validation.
 *
 * @example
 * assertKnownKeys({ scope: ['read:items'] }, ['scopes', 'groups'], 'config.auth of GET /items');
 * // TypeError: config.auth of GET /items: unknown option "scope" (did you mean "scopes"?)
 */
export function assertKnownKeys(options: unknown, allowed: Iterable<string>, where: string): void {
  if (typeof options !== 'object' || options === null) return;
  const known: readonly string[] = Array.isArray(allowed) ? allowed : [...allowed];
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const hint = renamedTo(key, known) ?? closest(key, known);
    throw new ConfigurationError(
      `${where}: unknown option ${JSON.stringify(key)}${hint === undefined ? '' : ` (did you mean "${hint}"?)`}`,
    );
  }
}

/** An allowed key one edit away, or equal ignoring case, if there is exactly one such key. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const near = allowed.filter((a) => a.toLowerCase() === lower || withinOneEdit(a, key));
  return near.length === 1 ? near[0] : undefined;
}

function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}
