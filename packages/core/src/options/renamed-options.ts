/**
 * Option names renamed before 1.0 so that every duration says its unit. An old name is refused
 * (never read, never ignored) and the error names the new one: an upgrade fails at setup instead of
 * silently falling back to a default.
 */
import { ConfigurationError } from '../configuration-error.ts';

/** Old option name → its new names (one per factory that had it; the unit depends on the factory). */
export const RENAMED_OPTIONS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  ttl: ['ttlMs', 'ttlSeconds'],
  minTtl: ['minTtlMs'],
  maxTtl: ['maxTtlMs'],
  staleIfError: ['staleIfErrorMs'],
  timeout: ['timeoutMs'],
  cooldown: ['unknownKidRefetchIntervalMs'],
  clockTolerance: ['clockToleranceSeconds'],
  maxTokenAge: ['maxTokenAgeSeconds'],
  maxLifetime: ['maxLifetimeSeconds'],
  refreshBuffer: ['refreshBufferSeconds'],
  refreshJitter: ['refreshJitterSeconds'],
  defaultLifetime: ['defaultLifetimeSeconds'],
  absoluteLifetime: ['absoluteLifetimeSeconds'],
  idleLifetime: ['idleLifetimeSeconds'],
  loginTimeout: ['loginTimeoutSeconds'],
});

/**
 * The new name of `key` among `allowed`, when `key` is a renamed option.
 *
 * @example
 * renamedTo('ttl', ['ttlMs', 'maxKeys']); // 'ttlMs'
 */
export function renamedTo(key: string, allowed: readonly string[]): string | undefined {
  if (!Object.hasOwn(RENAMED_OPTIONS, key)) return undefined;
  return RENAMED_OPTIONS[key]!.find((name) => allowed.includes(name));
}

/**
 * Throws `TypeError('<where>: unknown option "<old>" (did you mean "<new>"?)')` when `options` has one
 * of the renamed names `renamed` lists, for factories that do not check every key.
 *
 * @example
 * refuseRenamedOptions({ ttl: 60 }, { ttl: 'ttlSeconds' }, 'new DiscoveryCache()'); // throws
 */
export function refuseRenamedOptions(
  options: unknown,
  renamed: Readonly<Record<string, string>>,
  where: string,
): void {
  if (typeof options !== 'object' || options === null) return;
  for (const [old, name] of Object.entries(renamed)) {
    if (Object.hasOwn(options, old)) {
      throw new ConfigurationError(
        `${where}: unknown option ${JSON.stringify(old)} (did you mean "${name}"?)`,
      );
    }
  }
}
