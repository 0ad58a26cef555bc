/** The authenticator of `GET /service`: bearer tokens or API keys. */
export const SERVICE_AUTHENTICATOR = 'SERVICE_AUTHENTICATOR';
/** The authenticator of `/admin/users`: ID tokens of the Cognito emulator. */
export const USER_ADMIN_AUTHENTICATOR = 'USER_ADMIN_AUTHENTICATOR';
