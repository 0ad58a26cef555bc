export { SecretStoreError, secretsManagerStore } from './secrets-manager-store.ts';
export type { SecretsManagerStore, SecretsManagerStoreOptions } from './secrets-manager-store.ts';
export { CognitoError, CognitoInputError } from './cognito/errors.ts';
export type { CognitoErrorCode, CognitoErrorDetails } from './cognito/errors.ts';
export { cognitoUsers, MAX_PAGE_SIZE, USER_ROLES } from './cognito/users.ts';
export type {
  CognitoUser,
  CognitoUsers,
  CognitoUsersOptions,
  CreateUserInput,
  ListUsersInput,
  ListUsersPage,
  UpdateUserInput,
  UserRole,
} from './cognito/users.ts';
