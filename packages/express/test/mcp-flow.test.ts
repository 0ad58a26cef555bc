/**
 * An MCP client against an Express MCP server and the dev IdP (oidc-provider), as the MCP
 * authorization specification has it: the call without a token gets 401 with `resource_metadata`
 * (RFC 9728), the client fetches that document, discovers the authorization server it names
 * (RFC 8414, then OpenID discovery), gets a token for the resource (`resource`, RFC 8707: the token's
 * `aud` is the MCP server), and calls again: 200. oauth4webapi plays the client; a last case uses
 * core's own client with DPoP.
 */
import { createServer } from 'node:http';
import { createAuthenticator } from '@auth/core';
import { authFetch, clientCredentials, generateDpopKeyPair } from '@auth/core/client';
import { type DevIdp, startDevIdp } from 'dev-idp';
import express, { type Express } from 'express';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authErrorHandler, getAuth, protectedResourceMetadata, requireAuth } from '../src/index.ts';
import { listen } from './helpers.ts';

const insecure = { [oauth.allowInsecureRequests]: true } as const;
const rpc = (method: string) => JSON.stringify({ jsonrpc: '2.0', id: 1, method });
const jsonRpc = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

let idp: DevIdp;
let mcp: { url: string; close(): Promise<void> };
let resource: string;

beforeAll(async () => {
  idp = await startDevIdp({ port: 0 });
  // The port is known only once listening; the app (whose audience is its own URL) is built then.
  let app: Express | undefined;
  // (an http.Server listens like an Express app: listen(0, host) returns the server)
  mcp = await listen(createServer((req, res) => app?.(req, res)) as unknown as Express);
  resource = `${mcp.url}/mcp`;
  const bearer = createAuthenticator({
    issuers: [{ issuer: idp.issuer, audience: resource, jwksUri: idp.jwksUri }],
    dpop: { algorithms: ['ES256'] },
    resourceMetadata: { resource, scopesSupported: ['read:items'], resourceName: 'Test MCP server' },
  });
  app = express();
  app.use(protectedResourceMetadata(bearer));
  app.post('/mcp', requireAuth(bearer), express.json(), (req, res) => {
    const auth = getAuth(req);
    res.json({
      jsonrpc: '2.0',
      id: req.body?.id,
      result: { tools: [], subject: auth.subject, aud: auth.claims.aud },
    });
  });
  app.use(authErrorHandler());
});
afterAll(async () => {
  await mcp?.close();
  await idp?.stop();
});

/** Steps 1–3 of the MCP authorization flow: the 401, the RFC 9728 document, the AS metadata. */
async function discoverFromChallenge() {
  const first = await fetch(resource, { method: 'POST', headers: jsonRpc, body: rpc('initialize') });
  expect(first.status).toBe(401);
  const challenge = first.headers.get('www-authenticate') ?? '';
  const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
  expect(metadataUrl).toBe(`${mcp.url}/.well-known/oauth-protected-resource/mcp`);

  // RFC 9728: the document must name the resource the client called.
  const document = await fetch(metadataUrl as string);
  const rs = await oauth.processResourceDiscoveryResponse(new URL(resource), document);
  expect(rs).toMatchObject({
    resource,
    authorization_servers: [idp.issuer],
    scopes_supported: ['read:items'],
    bearer_methods_supported: ['header'],
    dpop_signing_alg_values_supported: ['ES256'],
    resource_name: 'Test MCP server',
  });
  // The well-known URL a client derives from the resource identifier is the same one.
  expect((await oauth.resourceDiscoveryRequest(new URL(resource), insecure)).url).toBe(metadataUrl);

  // MCP: RFC 8414 metadata first, then OpenID Connect discovery.
  const issuer = new URL(rs.authorization_servers?.[0] as string);
  let as: oauth.AuthorizationServer;
  try {
    as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
    );
  } catch {
    as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }),
    );
  }
  expect(as.token_endpoint).toBe(idp.tokenEndpoint);
  return { as, scope: (rs.scopes_supported ?? []).join(' ') };
}

const callWith = (token: string) =>
  oauth.protectedResourceRequest(
    token,
    'POST',
    new URL(resource),
    new Headers(jsonRpc),
    rpc('tools/list'),
    insecure,
  );

describe('MCP authorization flow against an Express server and the dev IdP', () => {
  it('client credentials with resource: the token is for the MCP server and the call succeeds', async () => {
    const { as, scope } = await discoverFromChallenge();
    const client: oauth.Client = { client_id: 'reader' };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(idp.clients.reader?.clientSecret as string),
      new URLSearchParams({ scope, resource }),
      insecure,
    );
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    const res = await callWith(tokens.access_token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: { tools: [], subject: 'reader', aud: resource },
    });
  });

  it('a token for another audience (no resource: api://demo) is refused with the metadata in the challenge', async () => {
    const res = await fetch(resource, {
      method: 'POST',
      headers: { ...jsonRpc, authorization: `Bearer ${await idp.getToken('reader')}` },
      body: rpc('tools/list'),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain(
      `resource_metadata="${mcp.url}/.well-known/oauth-protected-resource/mcp"`,
    );
  });

  it('authorization code + PKCE for a public client, resource on both requests', async () => {
    const { as, scope } = await discoverFromChallenge();
    const client: oauth.Client = { client_id: 'web-public' };
    const redirectUri = idp.clients['web-public']?.redirectUris?.[0] as string;
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const authorize = new URL(as.authorization_endpoint as string);
    for (const [k, v] of Object.entries({
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: `openid ${scope}`,
      resource,
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      prompt: 'consent',
      login_hint: 'alice', // the dev IdP logs the hinted user in and consents (no browser)
    })) {
      authorize.searchParams.set(k, v);
    }
    const callback = await followToRedirectUri(authorize.href, redirectUri);
    const params = oauth.validateAuthResponse(as, client, callback, state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      params,
      redirectUri,
      verifier,
      { additionalParameters: { resource }, ...insecure },
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    const res = await callWith(tokens.access_token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ result: { subject: 'alice', aud: resource } });
  });

  it("core's clientCredentials with resource and DPoP, through authFetch", async () => {
    const { as } = await discoverFromChallenge();
    const tokens = clientCredentials({
      issuer: as.issuer,
      allowInsecureRequests: true,
      clientId: 'dpop',
      clientSecret: idp.clients.dpop?.clientSecret,
      scope: 'read:items',
      resource,
      dpop: await generateDpopKeyPair(),
    });
    const api = authFetch(tokens, { allowedOrigins: [mcp.url] });
    const res = await api(resource, { method: 'POST', headers: jsonRpc, body: rpc('tools/list') });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ result: { subject: 'dpop', aud: resource } });
    expect((await tokens.getTokenSet()).tokenType).toBe('dpop');
  });
});

/** Follows the authorization redirects with a cookie jar until the client's redirect URI. */
async function followToRedirectUri(start: string, redirectUri: string): Promise<URL> {
  const cookies = new Map<string, string>();
  let next = start;
  for (let hop = 0; hop < 12; hop++) {
    const res = await fetch(next, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';', 1);
      const eq = pair.indexOf('=');
      if (eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    await res.arrayBuffer();
    const location = res.headers.get('location');
    if (!location) throw new Error(`authorization stopped with ${res.status} at ${new URL(next).pathname}`);
    const target = new URL(location, next);
    if (target.href.startsWith(redirectUri)) return target;
    next = target.href;
  }
  throw new Error('too many redirects');
}
