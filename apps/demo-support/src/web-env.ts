import { randomBytes } from 'node:crypto';
import type { EnvLike } from '@auth/core';
import type { WebLoginConfig } from '@auth/core/login';

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/;

/**
 * The demo apps' web login from the environment, or undefined when there is no single issuer.
 * `WEB_CLIENT_ID` (default `demo-web`), `WEB_CLIENT_SECRET` (default `demo-web-secret` for a loopback
 * issuer: the dev IdP), `PUBLIC_URL` (default `http://127.0.0.1:<port>`; the redirect URI is
 * `<PUBLIC_URL>/callback`), `COOKIE_SECRET` (default: random at each start, so sessions end with the
 * process; set it to keep them).
 */
export function webLoginFromEnv(
  env: EnvLike,
  { issuer, port }: { issuer: string | undefined; port: number },
): { login: WebLoginConfig; generatedCookieSecret: boolean } | undefined {
  if (!issuer) return undefined;
  const loopback = LOOPBACK.test(issuer);
  const clientSecret = env.WEB_CLIENT_SECRET || (loopback ? 'demo-web-secret' : undefined);
  const publicUrl = (env.PUBLIC_URL || `http://127.0.0.1:${port}`).replace(/\/+$/, '');
  const cookieSecret = env.COOKIE_SECRET || randomBytes(32).toString('base64url');
  const login: WebLoginConfig = {
    issuer,
    clientId: env.WEB_CLIENT_ID || 'demo-web',
    ...(clientSecret ? { clientSecret } : {}),
    redirectUri: `${publicUrl}/callback`,
    scope: 'openid profile email offline_access read:items',
    cookieKeys: [{ id: 'k1', secret: cookieSecret }],
    allowInsecureRequests: loopback,
    // session.fetch: the pages call this app's own API with the session's access token.
    allowedOrigins: [publicUrl],
  };
  return { login, generatedCookieSecret: !env.COOKIE_SECRET };
}
