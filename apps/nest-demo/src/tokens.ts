/** The authenticator of `GET /service`: bearer tokens or API keys. */
export const SERVICE_AUTHENTICATOR = 'SERVICE_AUTHENTICATOR';
