/** Shared setup of the web login tests: the dev IdP, a login per demo client, both crypto backends. */
import type { DevIdp } from 'dev-idp';
import { createWebLogin, type WebLoginConfig } from '../../src/login/index.ts';
import { CRYPTO_BACKEND } from '../../src/verify/verifier-settings.ts';
import type { CryptoBackend } from '../../src/verify/crypto/types.ts';
import { BACKENDS } from '../fixtures/verify-backends.ts';
import { Browser } from './idp-browser.ts';

export { BACKENDS };
export const REDIRECT = 'http://127.0.0.1:8080/callback';
export const KEY_1 = { id: 'k1', secret: 'k1-0123456789abcdef0123456789abcdef' };
export const KEY_2 = { id: 'k2', secret: 'k2-0123456789abcdef0123456789abcdef' };
export const SCOPE = 'openid profile email offline_access read:items projects:read';

/** A login for a dev IdP demo client, authenticating the client's way. */
export function loginFor(
  idp: DevIdp,
  clientName: string,
  backend: CryptoBackend | undefined,
  extra: Partial<WebLoginConfig> = {},
) {
  const c = idp.clients[clientName];
  if (!c) throw new Error(`no client ${clientName}`);
  const config: WebLoginConfig = {
    issuer: idp.issuer,
    clientId: c.clientId,
    redirectUri: REDIRECT,
    allowInsecureRequests: true,
    scope: SCOPE,
    cookieKeys: [KEY_1],
    ...(c.clientSecret
      ? { clientSecret: c.clientSecret, clientAuth: c.tokenEndpointAuthMethod as 'client_secret_basic' }
      : {}),
    ...(c.privateJwk
      ? { privateKey: c.privateJwk as JsonWebKey, clientAuth: 'private_key_jwt' as const }
      : {}),
    ...extra,
  };
  if (backend) (config as unknown as Record<symbol, unknown>)[CRYPTO_BACKEND] = backend;
  return createWebLogin(config);
}

/** Runs startLogin → the IdP (real login form) → the callback URL, with the app's cookies. */
export async function loginThroughIdp(
  login: ReturnType<typeof createWebLogin>,
  options: Parameters<ReturnType<typeof createWebLogin>['startLogin']>[0] = {},
  user = 'alice',
  browser = new Browser(),
) {
  const started = await login.startLogin(options);
  const callback = await browser.authorize(started.url, REDIRECT, user);
  return { started, callback, browser };
}
