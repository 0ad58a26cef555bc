import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, importJWK, SignJWT } from 'jose';
import type { DemoClient } from './clients.ts';

/** A token endpoint response (the fields the dev IdP issues). */
export interface TokenSet {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
}

export class TokenRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`token request failed with ${status}: ${JSON.stringify(body)}`);
    this.name = 'TokenRequestError';
  }
}

const formEncode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');

/** Adds the client's authentication (basic, post or a private_key_jwt assertion) to a token request. */
async function authenticate(
  client: DemoClient,
  tokenEndpoint: string,
  body: URLSearchParams,
  headers: Record<string, string>,
): Promise<void> {
  switch (client.tokenEndpointAuthMethod) {
    case 'client_secret_basic': {
      // RFC 6749 §2.3.1: id and secret are form-encoded before base64.
      const pair = `${formEncode(client.clientId)}:${formEncode(client.clientSecret ?? '')}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
      return;
    }
    case 'none':
      body.set('client_id', client.clientId);
      return;
    case 'client_secret_post':
      body.set('client_id', client.clientId);
      body.set('client_secret', client.clientSecret ?? '');
      return;
    case 'private_key_jwt': {
      const jwk = client.privateJwk;
      if (!jwk) throw new TypeError(`client ${client.clientId} has no private key`);
      const assertion = await new SignJWT({})
        .setProtectedHeader({ alg: jwk.alg, kid: jwk.kid })
        .setIssuer(client.clientId)
        .setSubject(client.clientId)
        .setAudience(tokenEndpoint)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime('60s')
        .sign(await importJWK(jwk, jwk.alg));
      body.set('client_id', client.clientId);
      body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      body.set('client_assertion', assertion);
    }
  }
}

/** An ES256 DPoP proof (RFC 9449) for a token request, with the server's nonce when it gave one. */
async function dpopProof(keyPair: CryptoKeyPair, htu: string, nonce: string | undefined): Promise<string> {
  const { kty, crv, x, y } = await exportJWK(keyPair.publicKey);
  return new SignJWT({ htm: 'POST', htu, jti: randomUUID(), ...(nonce ? { nonce } : {}) })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: { kty, crv, x, y } })
    .setIssuedAt()
    .sign(keyPair.privateKey);
}

/** Options of a token request: a DPoP key pair (ES256, P-256) binds the token to it. */
export interface TokenRequestOptions {
  dpop?: CryptoKeyPair | undefined;
}

/**
 * POSTs a token request authenticated as `client`; throws TokenRequestError on a non-200. With a
 * DPoP key pair the request carries a proof, and is sent once more with the server's nonce when it
 * answers `use_dpop_nonce`.
 */
export async function tokenRequest(
  tokenEndpoint: string,
  client: DemoClient,
  params: Record<string, string>,
  options: TokenRequestOptions = {},
): Promise<TokenSet> {
  let nonce: string | undefined;
  for (let attempt = 0; ; attempt++) {
    const body = new URLSearchParams(params);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    await authenticate(client, tokenEndpoint, body, headers);
    if (options.dpop) headers.dpop = await dpopProof(options.dpop, tokenEndpoint, nonce);
    const res = await fetch(tokenEndpoint, { method: 'POST', headers, body });
    const json = (await res.json().catch(() => ({}))) as { error?: unknown };
    const serverNonce = res.headers.get('dpop-nonce');
    if (res.status === 400 && json.error === 'use_dpop_nonce' && serverNonce && attempt === 0) {
      nonce = serverNonce;
      continue;
    }
    if (res.status !== 200) throw new TokenRequestError(res.status, json);
    return json as unknown as TokenSet;
  }
}

/** A minimal cookie jar: enough for one browserless login against one origin. */
class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      // An expired cookie comes back with an empty value: forget it.
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

const b64url = (buf: Buffer) => buf.toString('base64url');

export interface CodeFlowInput {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  client: DemoClient;
  userId: string;
  scope: string;
  resource: string;
  dpop?: CryptoKeyPair | undefined;
}

/**
 * Runs authorization code + PKCE without a browser: follows the redirects with a cookie jar,
 * lets the dev IdP's `login_hint` auto-login and auto-consent, then redeems the code.
 */
export async function codeFlow(input: CodeFlowInput): Promise<TokenSet> {
  const redirectUri = input.client.redirectUris?.[0];
  if (!redirectUri) throw new TypeError(`client ${input.client.clientId} has no redirect URI`);
  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(16));
  const url = new URL(input.authorizationEndpoint);
  url.search = new URLSearchParams({
    client_id: input.client.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: input.scope,
    resource: input.resource,
    state,
    nonce: b64url(randomBytes(16)),
    prompt: 'consent',
    login_hint: input.userId,
    code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
  }).toString();

  const jar = new CookieJar();
  let next = url.href;
  for (let hop = 0; hop < 12; hop++) {
    const res = await fetch(next, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(res);
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) {
      throw new Error(
        `code flow stopped at ${new URL(next).pathname} with ${res.status}: ${await res.text()}`,
      );
    }
    await res.arrayBuffer();
    const target = new URL(location, next);
    if (target.href.startsWith(redirectUri)) {
      const error = target.searchParams.get('error');
      if (error)
        throw new Error(
          `authorization failed: ${error} ${target.searchParams.get('error_description') ?? ''}`,
        );
      if (target.searchParams.get('state') !== state)
        throw new Error('authorization response state mismatch');
      const code = target.searchParams.get('code');
      if (!code) throw new Error('authorization response has no code');
      return tokenRequest(
        input.tokenEndpoint,
        input.client,
        {
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
          code_verifier: verifier,
        },
        { dpop: input.dpop },
      );
    }
    next = target.href;
  }
  throw new Error('code flow: too many redirects');
}
