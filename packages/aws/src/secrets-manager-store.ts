/**
 * `secretsManagerStore`: API-key records from AWS Secrets Manager (`GetSecretValue`), one secret per
 * key id (`<prefix><id>`), holding the record JSON as its SecretString. A missing secret is an
 * unknown id (undefined); any other failure (throttling, network, access denied, an unreadable
 * response) is thrown, which `apiKeyAuth` answers with 503 ERR_AUTH_SECRET_STORE_UNAVAILABLE.
 * Caching is done by `apiKeyAuth` (TTL + negative cache), so a warm API makes no AWS calls.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { SecretStore } from '@auth/core';

export interface SecretsManagerStoreOptions {
  /** AWS region (default: the SDK's resolution, e.g. `AWS_REGION`). */
  region?: string;
  /** Shared-config profile to take credentials from (default: the SDK's default chain). */
  profile?: string;
  /** Prepended to the key id to form the SecretId (e.g. `prod/api-keys/`). Default ''. */
  prefix?: string;
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

export function secretsManagerStore(options: SecretsManagerStoreOptions = {}): SecretsManagerStore {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('secretsManagerStore(): options must be an object');
  }
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string' || prefix.length > 256 || CONTROL.test(prefix)) {
    throw new TypeError('secretsManagerStore(): prefix must be a string without control characters');
  }
  for (const key of ['region', 'profile', 'endpoint', 'versionStage'] as const) {
    const v = options[key];
    if (v !== undefined && (typeof v !== 'string' || v === '')) {
      throw new TypeError(`secretsManagerStore(): ${key} must be a non-empty string`);
    }
  }
  if (options.client !== undefined && typeof options.client?.send !== 'function') {
    throw new TypeError('secretsManagerStore(): client must be a SecretsManagerClient');
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

  return {
    async get(id: string): Promise<string | undefined> {
      let output: { SecretString?: string; SecretBinary?: Uint8Array };
      try {
        output = await client.send(
          new GetSecretValueCommand({
            SecretId: prefix + id,
            ...(versionStage && { VersionStage: versionStage }),
          }),
        );
      } catch (e) {
        const name = (e as { name?: unknown })?.name;
        if (typeof name === 'string' && NOT_FOUND.has(name)) return undefined;
        throw new SecretStoreError(
          'Secrets Manager GetSecretValue failed',
          typeof name === 'string' ? name : undefined,
          e,
        );
      }
      if (typeof output.SecretString === 'string') return output.SecretString;
      if (output.SecretBinary instanceof Uint8Array) {
        try {
          return decoder.decode(output.SecretBinary);
        } catch (e) {
          throw new SecretStoreError(
            'Secrets Manager returned a binary secret that is not UTF-8',
            undefined,
            e,
          );
        }
      }
      throw new SecretStoreError('Secrets Manager returned a secret without a value', undefined, undefined);
    },
    close(): void {
      if (owned) client.destroy?.();
    },
  };
}
