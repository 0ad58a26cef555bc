/**
 * The key-source events around one load of an issuer's JWKS: `keys.refreshed` (and `keys.rotated` when
 * the key ids changed) once it succeeds, `keys.unavailable` when it fails. Only runs with a listener.
 */
import { type EventHub, now } from '../observe/event-hub.ts';
import { FetchFailure } from './fetch-json.ts';
import { safeUrl } from './safe-url.ts';
import type { Jwk } from './types.ts';

/** What the events say about the source. */
export interface ObservedSource {
  readonly issuer: string;
  /** Read after the load: discovery may have just found it. Events carry it through `safeUrl`. */
  readonly jwksUri: string | undefined;
  /** Usable keys remain (read after a failure: stale-if-error). */
  readonly ready: boolean;
  /** Network fetches so far: unchanged after the load means it came from the shared store. */
  readonly fetches: number;
}

function kidsOf(keys: readonly Jwk[]): string[] {
  const kids: string[] = [];
  for (const k of keys) if (typeof k.kid === 'string') kids.push(k.kid);
  return kids;
}

/**
 * Emits the events of one load.
 *
 * @example
 * return observeKeyLoad(hub, this, current?.value.all, () => this.load(current));
 */
export function observeKeyLoad<T extends { value: { all: readonly Jwk[] } }>(
  hub: EventHub,
  source: ObservedSource,
  previous: readonly Jwk[] | undefined,
  load: () => Promise<T>,
): Promise<T> {
  const startedAt = now();
  const fetchesBefore = source.fetches;
  return load().then(
    (loaded) => {
      const kids = kidsOf(loaded.value.all);
      hub.emit({
        type: 'keys.refreshed',
        at: Date.now(),
        issuer: source.issuer,
        jwksUri: safeUrl(source.jwksUri),
        keyCount: loaded.value.all.length,
        kids,
        fromStore: source.fetches === fetchesBefore,
        durationMs: now() - startedAt,
      });
      if (previous !== undefined) {
        const before = new Set(kidsOf(previous));
        const after = new Set(kids);
        const added = kids.filter((k) => !before.has(k));
        const removed = [...before].filter((k) => !after.has(k));
        if (added.length > 0 || removed.length > 0) {
          hub.emit({
            type: 'keys.rotated',
            at: Date.now(),
            issuer: source.issuer,
            jwksUri: safeUrl(source.jwksUri),
            added,
            removed,
          });
        }
      }
      return loaded;
    },
    (cause: unknown) => {
      const failure = cause instanceof FetchFailure ? cause : undefined;
      hub.emit({
        type: 'keys.unavailable',
        at: Date.now(),
        issuer: source.issuer,
        jwksUri: safeUrl(source.jwksUri),
        ...(failure?.url === undefined ? {} : { url: failure.url }),
        ...(failure?.status === undefined ? {} : { httpStatus: failure.status }),
        reason: failure?.message ?? 'the key source failed',
        stale: source.ready,
        durationMs: now() - startedAt,
      });
      throw cause;
    },
  );
}
