/**
 * `secretsManagerStore`: API-key records from AWS Secrets Manager (`GetSecretValue`), one secret per
 * key id (`<prefix><id>`), holding the record JSON as its SecretString. A missing secret is an
 * unknown id (undefined), and so is a secret that is not an API-key record (a password, an RDS
 * credential, a non-UTF-8 binary): a client must not learn which other secrets exist, and core
 * caches the answer like any unknown id. Any other failure (throttling, network, access denied, an
 * unreadable response) is thrown, which `apiKeyPairAuth` answers with 503 ERR_AUTH_SECRET_STORE_UNAVAILABLE.
 * Caching is done by `apiKeyPairAuth` (TTL + negative cache), so a warm API makes no AWS calls.
 */
import { ConfigurationError } from '@auth/core';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { SecretStore } from '@auth/core';

export interface SecretsManagerStoreOptions {
  /** AWS region (default: the SDK's resolution, e.g. `AWS_REGION`). */
  region?: string;
  /** Shared-config profile to take credentials from (default: the SDK's default chain). */
  profile?: string;
  /**
   * Prepended to the key id to form the SecretId (e.g. `prod/api-keys/`). Required (non-empty) unless
   * `allowedIds` is given: without it a client-supplied key id could name any secret of the account.
   */
  prefix?: string;
  /** The only key ids ever looked up (others are unknown ids, no AWS call). Required without `prefix`. */
  allowedIds?: readonly string[];
  /** A preconfigured client (then region/profile/endpoint/credentials are ignored, and close() keeps it open). */
  client?: Pick<SecretsManagerClient, 'send'> & Partial<Pick<SecretsManagerClient, 'destroy'>>;
  /** Custom endpoint (VPC endpoint, LocalStack, tests). */
  endpoint?: string;
  /** Static credentials or a provider (default: the SDK's default chain). */
  credentials?: SecretsManagerClientConfig['credentials'];
  /** SDK attempts per lookup, retries included (SDK default 3). */
  maxAttempts?: number;
  /** Version stage to read (default `AWSCURRENT`). */
  versionStage?: string;
}

export interface SecretsManagerStore extends SecretStore {
  /** Destroys the client this store created (not one passed in). */
  close(): void;
}

const NOT_FOUND = new Set(['ResourceNotFoundException']);
const OPTION_KEYS: ReadonlySet<string> = new Set<keyof SecretsManagerStoreOptions>([
  'region',
  'profile',
  'prefix',
  'allowedIds',
  'client',
  'endpoint',
  'credentials',
  'maxAttempts',
  'versionStage',
]);
/** A GetSecretValue round trip within a region, before one has been measured (ms). */
const TYPICAL_ROUND_TRIP_MS = 40;
/** Secret-name characters: principal ids may be any secret name (core checks them before a call). */
const NAME_CHARS = 'A-Za-z0-9/_+=.@-';
/** SecretId is at most 512 characters, prefix included. */
const MAX_NAME = 512;

/** An API-key record names its secret (`token`) or its digest (`hash`); anything else is not one. */
function looksLikeRecord(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { token, hash } = value as Record<string, unknown>;
  return typeof token === 'string' || typeof hash === 'string';
}

/** An error whose message carries nothing from AWS (ARNs, account ids) to logs by default. */
export class SecretStoreError extends Error {
  override name = 'SecretStoreError';
  readonly awsErrorName: string | undefined;
  constructor(message: string, awsErrorName: string | undefined, cause: unknown) {
    super(message, { cause });
    this.awsErrorName = awsErrorName;
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * A SecretStore over AWS Secrets Manager for `apiKeyPairAuth` / `apiKeyHeaderAuth`.
 *
 * @example
 * const store = secretsManagerStore({ region: 'eu-west-1', prefix: 'prod/api-keys/' });
 * const keys = apiKeyPairAuth({ store });
 */
export function secretsManagerStore(options: SecretsManagerStoreOptions): SecretsManagerStore {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError(
      'secretsManagerStore(): options must be an object with a prefix or allowedIds',
    );
  }
  for (const key of Object.keys(options)) {
    // A misspelt `allowedIds` next to a prefix would silently look up every id under the prefix.
    if (!OPTION_KEYS.has(key)) throw new ConfigurationError(`secretsManagerStore(): unknown option "${key}"`);
  }
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string' || prefix.length > 256 || CONTROL.test(prefix)) {
    throw new ConfigurationError('secretsManagerStore(): prefix must be a string without control characters');
  }
  // No `.` / `..` segments: valid names, but path-shaped, and no principal needs one.
  const principalIds = new RegExp(
    `^(?!(?:.*/)?\\.{1,2}(?:/|$))[${NAME_CHARS}]{1,${Math.max(1, MAX_NAME - prefix.length)}}$`,
  );
  let allowed: ReadonlySet<string> | undefined;
  if (options.allowedIds !== undefined) {
    const ids: unknown = options.allowedIds;
    if (
      !Array.isArray(ids) ||
      ids.length === 0 ||
      !ids.every((id) => typeof id === 'string' && principalIds.test(id))
    ) {
      throw new ConfigurationError(
        'secretsManagerStore(): allowedIds must be a non-empty array of secret names (letters, digits and /_+=.@-)',
      );
    }
    allowed = new Set(ids as string[]);
  }
  if (prefix === '' && allowed === undefined) {
    throw new ConfigurationError(
      'secretsManagerStore(): a non-empty prefix (e.g. "prod/api-keys/") or allowedIds is required, ' +
        'or a key id could name any secret of the account',
    );
  }
  for (const key of ['region', 'profile', 'endpoint', 'versionStage'] as const) {
    const v = options[key];
    if (v !== undefined && (typeof v !== 'string' || v === '')) {
      throw new ConfigurationError(`secretsManagerStore(): ${key} must be a non-empty string`);
    }
  }
  if (options.client !== undefined && typeof options.client?.send !== 'function') {
    throw new ConfigurationError('secretsManagerStore(): client must be a SecretsManagerClient');
  }
  const owned = options.client === undefined;
  const client =
    options.client ??
    new SecretsManagerClient({
      ...(options.region !== undefined && { region: options.region }),
      ...(options.profile !== undefined && { profile: options.profile }),
      ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
      ...(options.credentials !== undefined && { credentials: options.credentials }),
      ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
    });
  const versionStage = options.versionStage;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // Moving average of a GetSecretValue round trip that answered (found or not): an id outside the
  // allow-list waits as long, or answering it at once (0 ms against ~40 ms) would list the allowed ids.
  let roundTripMs = TYPICAL_ROUND_TRIP_MS;
  const answered = (started: number): void => {
    roundTripMs = 0.8 * roundTripMs + 0.2 * (performance.now() - started);
  };

  return {
    principalIds,
    async get(id: string): Promise<string | undefined> {
      if (allowed !== undefined && !allowed.has(id)) {
        await new Promise((resolve) => setTimeout(resolve, roundTripMs));
        return undefined;
      }
      let output: { SecretString?: string; SecretBinary?: Uint8Array };
      const started = performance.now();
      try {
        output = await client.send(
          new GetSecretValueCommand({
            SecretId: prefix + id,
            ...(versionStage && { VersionStage: versionStage }),
          }),
        );
        answered(started);
      } catch (e) {
        const name = (e as { name?: unknown })?.name;
        if (typeof name === 'string' && NOT_FOUND.has(name)) {
          answered(started);
          return undefined;
        }
        throw new SecretStoreError(
          'Secrets Manager GetSecretValue failed',
          typeof name === 'string' ? name : undefined,
          e,
        );
      }
      let text: string | undefined;
      if (typeof output.SecretString === 'string') text = output.SecretString;
      else if (output.SecretBinary instanceof Uint8Array) {
        try {
          text = decoder.decode(output.SecretBinary);
        } catch {
          text = undefined;
        }
      }
      // A secret that exists but is not a record answers like an absent one (401, cached), never 503.
      return text !== undefined && looksLikeRecord(text) ? text : undefined;
    },
    close(): void {
      if (owned) client.destroy?.();
    },
  };
}
