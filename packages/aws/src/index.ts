export { SecretStoreError, secretsManagerStore } from './secrets-manager-store.ts';
export type { SecretsManagerStore, SecretsManagerStoreOptions } from './secrets-manager-store.ts';
