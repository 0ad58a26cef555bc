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
export { userAdminRoutes } from './cognito/admin-routes.ts';
export type {
  AdminRequest,
  AdminResponse,
  AdminRoute,
  UserAdminRoutes,
  UserAdminRoutesOptions,
} from './cognito/admin-routes.ts';
export { ApiRequestError, userAdminClient } from './cognito/admin-client.ts';
export type {
  AdminListQuery,
  AdminUserPage,
  UserAdminClient,
  UserAdminClientOptions,
} from './cognito/admin-client.ts';
export { cognitoUserTokens } from './cognito/user-tokens.ts';
export type {
  CognitoUserTokens,
  CognitoUserTokensOptions,
  NewPasswordChallenge,
} from './cognito/user-tokens.ts';
