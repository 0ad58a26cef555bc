/**
 * `fileSecretStore`: records from a JSON file (`{ "<id>": { …record } }`), reloaded when the file
 * changes. Node/Bun/Deno only, yet edge-safe to import: `node:fs` is loaded lazily through a computed
 * specifier, so bundlers for Workers never pull it into the module graph.
 *
 * Reload: at most every `checkIntervalMs` a `stat` compares mtime, size and inode; on a change the
 * file is re-read. A partially written or invalid file keeps the last good content (write the new
 * file elsewhere and rename it over the old one for atomic updates). Without any good content yet,
 * lookups fail (503) rather than treat every key as unknown.
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { SecretStore } from './store.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import { FILE_SECRET_STORE_OPTION_KEYS } from '../options/option-keys.ts';

/**
 * Options of `fileSecretStore`.
 *
 * @example
 * const store = fileSecretStore('/run/secrets/api-keys.json', { checkIntervalMs: 5_000 } satisfies FileSecretStoreOptions);
 */
export interface FileSecretStoreOptions {
  /** Minimum time between change checks in ms (default 1 000; 0 checks on every lookup). */
  checkIntervalMs?: number;
  /** Injected clock (ms). */
  clock?: () => number;
}

/**
 * A SecretStore over a JSON file, re-read when it changes.
 *
 * @example
 * const store: FileSecretStore = fileSecretStore('/run/secrets/api-keys.json');
 * await store.reload(); // false (keeping the last good content) when the file is unusable
 */
export interface FileSecretStore extends SecretStore {
  /** Re-reads the file now; resolves false (keeping the last good content) when it is unusable. */
  reload(): Promise<boolean>;
}

interface FsPromises {
  stat(path: string, options: { bigint: true }): Promise<{ mtimeNs: bigint; size: bigint; ino: bigint }>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
}

// A computed specifier keeps `node:fs` out of static analysis (edge bundles).
const FS_MODULE = ['node', 'fs/promises'].join(':');
let fsPromise: Promise<FsPromises> | undefined;
const loadFs = (): Promise<FsPromises> => {
  fsPromise ??= import(/* @vite-ignore */ FS_MODULE) as Promise<FsPromises>;
  return fsPromise;
};

/**
 * A SecretStore over a JSON file (`{ "<id>": <record> }`), re-read when the file changes.
 *
 * @example
 * const keys = apiKeyHeaderAuth({ store: fileSecretStore('/run/secrets/api-keys.json') });
 */
export function fileSecretStore(path: string, options: FileSecretStoreOptions = {}): FileSecretStore {
  if (typeof path !== 'string' || path === '')
    throw new ConfigurationError('fileSecretStore(): path must be a non-empty string');
  assertKnownKeys(options, FILE_SECRET_STORE_OPTION_KEYS, 'fileSecretStore()');
  const interval = options.checkIntervalMs ?? 1_000;
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval < 0) {
    throw new ConfigurationError('fileSecretStore(): checkIntervalMs must be a non-negative number');
  }
  const clock = options.clock ?? Date.now;

  let records: Map<string, string> | undefined;
  let version: string | undefined;
  let lastCheck = Number.NEGATIVE_INFINITY;
  let pending: Promise<boolean> | undefined;

  const read = async (): Promise<boolean> => {
    const fs = await loadFs();
    const stat = await fs.stat(path, { bigint: true });
    const current = `${stat.mtimeNs}:${stat.size}:${stat.ino}`;
    if (current === version && records !== undefined) return true;
    const text = await fs.readFile(path, 'utf8');
    const parsed = parseFile(text);
    if (parsed === undefined) return false; // keep the last good content; retry on the next check
    records = parsed;
    version = current;
    return true;
  };

  const refresh = (): Promise<boolean> => {
    pending ??= read()
      .catch(() => false)
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };

  return {
    async get(id: string): Promise<string | undefined> {
      const now = clock();
      if (records === undefined || now - lastCheck >= interval) {
        lastCheck = now;
        await refresh();
      }
      if (records === undefined) throw new Error('fileSecretStore: no usable secrets file has been read');
      return records.get(id);
    },
    reload(): Promise<boolean> {
      lastCheck = clock();
      return refresh();
    },
  };
}

/** The file's records as JSON texts by id, or undefined when the file is not a usable JSON object. */
function parseFile(text: string): Map<string, string> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const map = new Map<string, string>();
  for (const [id, record] of Object.entries(value)) {
    map.set(id, typeof record === 'string' ? record : JSON.stringify(record));
  }
  return map;
}
