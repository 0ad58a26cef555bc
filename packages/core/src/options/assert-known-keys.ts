/** Option objects that guard something must not silently ignore a key (a typo would drop a check). */

/**
 * Throws a `TypeError` naming the first own key of `options` that is not in `allowed` (symbol keys
 * are ignored: they are internal markers, not user options). `where` prefixes the message, e.g. the
 * function or decorator that received the options.
 *
 * @example
 * assertKnownKeys({ scope: ['read'] }, ['scopes', 'optional'], 'route config.auth');
 * // TypeError: route config.auth: unknown option "scope" (did you mean "scopes"?; known: scopes, optional)
 */
export function assertKnownKeys(options: object, allowed: Iterable<string>, where: string): void {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${where}: options must be an object`);
  }
  const known = allowed instanceof Set ? (allowed as ReadonlySet<string>) : new Set(allowed);
  for (const key of Object.keys(options)) {
    if (known.has(key)) continue;
    const hint = closest(key, known);
    throw new TypeError(
      `${where}: unknown option ${JSON.stringify(key)} (${hint ? `did you mean "${hint}"?; ` : ''}known: ${[...known].join(', ')})`,
    );
  }
}

/** The known key within edit distance 2 of `key` (a typo), if any. */
function closest(key: string, known: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, giving up once every path exceeds `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return previous[b.length]!;
}
