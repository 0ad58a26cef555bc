/**
 * Secret stores: where API-key records live. A store maps a validated id (already prefixed) to the
 * record's JSON text, or undefined when there is none. A store that throws is treated as down (503).
 */
import { ConfigurationError } from '../configuration-error.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import { ENV_SECRET_STORE_OPTION_KEYS } from '../options/option-keys.ts';

/**
 * Where API-key records live: `get(id)` resolves the JSON record text, or undefined.
 *
 * @example
 * const store: SecretStore = { get: async (id) => (await redis.get(`apikey:${id}`)) ?? undefined };
 * const keys = apiKeyHeaderAuth({ store });
 */
export interface SecretStore {
  get(id: string): Promise<string | undefined>;
  /**
   * Principal ids this store can look up safely (`apiKeyPairAuth` checks them before any call).
   * Default `API_KEY_ID`; a store of flat names may allow more (the Secrets Manager store allows
   * every valid secret name, `PRINCIPAL_ID`).
   */
  readonly principalIds?: RegExp;
}

/**
 * An in-memory SecretStore that can be changed at run time (tests, seeding).
 *
 * @example
 * const store: MemorySecretStore = memorySecretStore();
 * store.set('svc-billing', { token: 's3cret', scopes: ['read:invoices'] });
 */
export interface MemorySecretStore extends SecretStore {
  set(id: string, record: string | object): void;
  delete(id: string): boolean;
}

function serialize(record: unknown, id: string): string {
  if (typeof record === 'string') return record;
  if (record !== null && typeof record === 'object') return JSON.stringify(record);
  throw new ConfigurationError(
    `memorySecretStore(): the record for "${id}" must be a JSON string or an object`,
  );
}

/**
 * An in-memory store (tests, demos, or records loaded by your own code). Values: JSON text or objects.
 *
 * @example
 * const keys = apiKeyHeaderAuth({ store: memorySecretStore({ k1: { token: 's3cret', scopes: ['read:items'] } }) });
 */
export function memorySecretStore(
  records: Readonly<Record<string, string | object>> | ReadonlyMap<string, string | object> = {},
): MemorySecretStore {
  const map = new Map<string, string>();
  const entries = records instanceof Map ? [...records.entries()] : Object.entries(records);
  for (const [id, record] of entries) map.set(id, serialize(record, id));
  return {
    async get(id: string): Promise<string | undefined> {
      return map.get(id);
    },
    set(id: string, record: string | object): void {
      map.set(id, serialize(record, id));
    },
    delete(id: string): boolean {
      return map.delete(id);
    },
  };
}

/**
 * Options of `envSecretStore`: variable names of the records.
 *
 * @example
 * const store = envSecretStore(process.env, { prefix: 'APIKEY__', normalize: true } satisfies EnvSecretStoreOptions);
 */
export interface EnvSecretStoreOptions {
  /** Variable prefix (default `AUTH_SECRET__`): the record of `svc_demo` is `AUTH_SECRET__svc_demo`. */
  prefix?: string;
  /** Upper-case the id and turn `-` into `_` (for shells, where `-` is not allowed in names). Default false. */
  normalize?: boolean;
}

/**
 * Records from environment variables (or Workers bindings): `AUTH_SECRET__<ID>` holds the JSON record.
 *
 * @example
 * const keys = apiKeyHeaderAuth({ store: envSecretStore(process.env) }); // AUTH_SECRET__<id> holds the record
 */
export function envSecretStore(
  env: Readonly<Record<string, string | undefined>> = defaultEnv(),
  options: EnvSecretStoreOptions = {},
): SecretStore {
  if (env === null || typeof env !== 'object')
    throw new ConfigurationError('envSecretStore(): env must be an object');
  assertKnownKeys(options, ENV_SECRET_STORE_OPTION_KEYS, 'envSecretStore()');
  const prefix = options.prefix ?? 'AUTH_SECRET__';
  if (typeof prefix !== 'string' || !/^[A-Za-z0-9_]*$/.test(prefix)) {
    throw new ConfigurationError('envSecretStore(): prefix must consist of letters, digits and underscores');
  }
  const normalize = options.normalize === true;
  return {
    async get(id: string): Promise<string | undefined> {
      const name = prefix + (normalize ? id.toUpperCase().replace(/-/g, '_') : id);
      // Own properties only: an id must never reach Object.prototype members.
      if (!Object.hasOwn(env, name)) return undefined;
      const value = env[name];
      return typeof value === 'string' && value.trim() !== '' ? value : undefined;
    },
  };
}

function defaultEnv(): Readonly<Record<string, string | undefined>> {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env ?? {};
}
