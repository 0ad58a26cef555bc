import { dpopNonces } from '@auth/core';
import { dpopProof, generateKeyPair, jwkThumbprintSync, signRaw, accessTokenHash } from '@auth/testing';
import { expect } from 'vitest';
import { bearer } from '../case.ts';
import type { Environment } from '../environment.ts';
import { send, type Reply } from '../http.ts';

/**
 * DPoP (RFC 9449) rows: a demo app whose authenticator accepts DPoP (`dpop.mode` allowed, ES256 and
 * EdDSA proofs), `GET /me` with DPoP-bound tokens of the hostile issuer (`cnf.jkt`) and hostile proofs.
 * Every refusal is checked for its exact status, code, `error` and `WWW-Authenticate`.
 */
export interface DpopRow {
  name: string;
  run(env: Environment): Promise<void>;
}

const client = await generateKeyPair('ES256', { kid: 'dpop-client' });
const other = await generateKeyPair('ES256', { kid: 'dpop-other' });
const JKT = jwkThumbprintSync(client.publicJwk);
const ALGS = 'ES256 EdDSA';

const apps = new WeakMap<Environment, Record<string, Promise<string>>>();

/** The DPoP demo apps, started once per environment: `allowed`, `required`, and `allowed` with nonces. */
const RESOURCE = 'https://api.demo.test';
const METADATA_URL = `${RESOURCE}/.well-known/oauth-protected-resource`;

function app(env: Environment, kind: 'allowed' | 'required' | 'nonce' | 'metadata'): Promise<string> {
  let started = apps.get(env);
  if (started === undefined) {
    started = {};
    apps.set(env, started);
  }
  started[kind] ??= env.start(
    env.config({
      dpop: {
        mode: kind === 'required' ? 'required' : 'allowed',
        algorithms: ['ES256', 'EdDSA'],
        ...(kind === 'nonce' ? { nonces: dpopNonces() } : {}),
      },
      ...(kind === 'metadata'
        ? { resourceMetadata: { resource: RESOURCE, scopesSupported: ['read:items', 'write:items'] } }
        : {}),
    }),
  );
  return started[kind]!;
}

const now = () => Math.floor(Date.now() / 1000);
const boundToken = (env: Environment, claims: Record<string, unknown> = {}) =>
  env.mint({ cnf: { jkt: JKT }, ...claims });

async function call(
  baseUrl: string,
  token: string,
  proof: string | string[] | undefined,
  path = '/me',
  scheme = 'DPoP',
): Promise<Reply> {
  const headers: [string, string][] = [['Authorization', `${scheme} ${token}`]];
  for (const p of proof === undefined ? [] : Array.isArray(proof) ? proof : [proof])
    headers.push(['DPoP', p]);
  return send(baseUrl, path, { headers });
}

function expectJson(reply: Reply, status: number, code: string, error: string | undefined) {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.json).toMatchObject({ status, code });
  expect(reply.json.error).toBe(error);
}

/** 401 invalid_dpop_proof with its exact challenge (DPoP first, Bearer after it). */
function expectProofError(reply: Reply, message: string) {
  expectJson(reply, 401, 'ERR_AUTH_INVALID_DPOP_PROOF', 'invalid_dpop_proof');
  expect(reply.json.message).toBe(message);
  expect(reply.headers['www-authenticate']).toBe(
    `DPoP realm="api", error="invalid_dpop_proof", error_description="${message}", algs="${ALGS}", Bearer realm="api"`,
  );
}

type ProofOptions = Partial<Parameters<typeof dpopProof>[0]>;

/** A hostile-proof row: a bound token, a proof changed by `over`, and the message of the refusal. */
function hostile(name: string, message: string, over: (token: string, htu: string) => ProofOptions): DpopRow {
  return {
    name,
    run: async (env) => {
      const base = await app(env, 'allowed');
      const token = await boundToken(env);
      const htu = `${base}/me`;
      const proof = dpopProof({ key: client, htm: 'GET', htu, accessToken: token, ...over(token, htu) });
      expectProofError(await call(base, token, proof), message);
    },
  };
}

export const dpopRows: DpopRow[] = [
  {
    name: 'a DPoP-bound token with a good proof → 200; the query string is not part of htu',
    run: async (env) => {
      const base = await app(env, 'allowed');
      const token = await boundToken(env);
      const reply = await call(
        base,
        token,
        dpopProof({ key: client, htm: 'GET', htu: `${base}/me`, accessToken: token }),
        '/me?page=2',
      );
      expect(reply.status, reply.text).toBe(200);
      expect(reply.json.subject).toBe('user-1');
    },
  },
  {
    name: 'the same DPoP-bound token replayed as Bearer → 401 ERR_AUTH_TOKEN_BOUND, Bearer and DPoP challenges',
    run: async (env) => {
      const base = await app(env, 'allowed');
      const reply = await send(base, '/me', { headers: bearer(await boundToken(env)) });
      expectJson(reply, 401, 'ERR_AUTH_TOKEN_BOUND', 'invalid_token');
      expect(reply.headers['www-authenticate']).toBe(
        `Bearer realm="api", error="invalid_token", error_description="The token is bound to a key the request did not prove possession of", DPoP realm="api", algs="${ALGS}"`,
      );
    },
  },
  {
    name: 'a replayed proof (same jti) → 401 invalid_dpop_proof',
    run: async (env) => {
      const base = await app(env, 'allowed');
      const token = await boundToken(env);
      const proof = dpopProof({ key: client, htm: 'GET', htu: `${base}/me`, accessToken: token });
      expect((await call(base, token, proof)).status).toBe(200);
      expectProofError(await call(base, token, proof), 'The DPoP proof was already used');
    },
  },
  hostile('wrong htm → 401 invalid_dpop_proof', 'The DPoP proof is for another HTTP method', () => ({
    htm: 'POST',
  })),
  hostile('wrong htu → 401 invalid_dpop_proof', 'The DPoP proof is for another URL', (_t, htu) => ({
    htu: htu.replace('/me', '/items'),
  })),
  hostile('stale iat → 401 invalid_dpop_proof', 'The DPoP proof is too old or issued in the future', () => ({
    iat: now() - 300,
  })),
  hostile('future iat → 401 invalid_dpop_proof', 'The DPoP proof is too old or issued in the future', () => ({
    iat: now() + 300,
  })),
  hostile('missing ath → 401 invalid_dpop_proof', 'The DPoP proof is for another access token', () => ({
    accessToken: undefined,
  })),
  hostile('wrong ath → 401 invalid_dpop_proof', 'The DPoP proof is for another access token', () => ({
    claims: { ath: accessTokenHash('another-token') },
  })),
  hostile('proof signed by another key than its jwk → 401', 'The DPoP proof signature is invalid', () => ({
    signWith: other,
  })),
  hostile('jwk with private members → 401', 'The DPoP proof must carry a public key', () => ({
    header: { jwk: { ...client.privateJwk, kid: undefined, alg: undefined, use: undefined } },
  })),
  {
    name: 'symmetric alg (HS256) and alg none → 401 invalid_dpop_proof',
    run: async (env) => {
      const base = await app(env, 'allowed');
      const token = await boundToken(env);
      const payload = { jti: 'sym', htm: 'GET', htu: `${base}/me`, iat: now(), ath: accessTokenHash(token) };
      const hs = signRaw(
        { typ: 'dpop+jwt', alg: 'HS256', jwk: { kty: 'oct', k: 'c2VjcmV0' } },
        payload,
        'secret',
      );
      expectProofError(await call(base, token, hs), 'The DPoP proof algorithm is not allowed');
      const none = signRaw({ typ: 'dpop+jwt', alg: 'none', jwk: client.publicJwk }, payload, null, {
        signature: 'AAAA',
      });
      expectProofError(await call(base, token, none), 'The DPoP proof algorithm is not allowed');
    },
  },
  {
    name: 'a proof by a key other than the one the token is bound to → 401 invalid_token (key binding)',
    run: async (env) => {
      const base = await app(env, 'allowed');
      const token = await boundToken(env);
      const proof = dpopProof({ key: other, htm: 'GET', htu: `${base}/me`, accessToken: token });
      const reply = await call(base, token, proof);
      expectJson(reply, 401, 'ERR_AUTH_TOKEN_BOUND', 'invalid_token');
      expect(reply.headers['www-authenticate']).toBe(
        `DPoP realm="api", error="invalid_token", error_description="The token is bound to a key the request did not prove possession of", algs="${ALGS}", Bearer realm="api"`,
      );
    },
  },
  {
    name: 'a proof reused for another token → 401 invalid_dpop_proof',
    run: async (env) => {
      const base = await app(env, 'allowed');
      const first = await boundToken(env);
      const second = await boundToken(env, { jti: 'second-token' });
      const proof = dpopProof({ key: client, htm: 'GET', htu: `${base}/me`, accessToken: first });
      expectProofError(await call(base, second, proof), 'The DPoP proof is for another access token');
    },
  },
  {
    name: 'a second DPoP header → 401 invalid_dpop_proof',
    run: async (env) => {
      const base = await app(env, 'allowed');
      const token = await boundToken(env);
      const proof = () => dpopProof({ key: client, htm: 'GET', htu: `${base}/me`, accessToken: token });
      expectProofError(await call(base, token, [proof(), proof()]), 'More than one DPoP proof was sent');
    },
  },
  {
    name: 'no credentials → 401 with a Bearer and a DPoP challenge (algs listed)',
    run: async (env) => {
      const reply = await send(await app(env, 'allowed'), '/me');
      expectJson(reply, 401, 'ERR_AUTH_MISSING_TOKEN', undefined);
      expect(reply.headers['www-authenticate']).toBe(`Bearer realm="api", DPoP realm="api", algs="${ALGS}"`);
    },
  },
  {
    name: 'mode required: a plain bearer token → 401 ERR_AUTH_DPOP_REQUIRED with the DPoP challenge only',
    run: async (env) => {
      const base = await app(env, 'required');
      const reply = await send(base, '/me', { headers: bearer(await env.mint()) });
      expectJson(reply, 401, 'ERR_AUTH_DPOP_REQUIRED', 'invalid_token');
      expect(reply.headers['www-authenticate']).toBe(
        `DPoP realm="api", error="invalid_token", error_description="This access token must be sent with a DPoP proof", algs="${ALGS}"`,
      );
      const token = await boundToken(env);
      const ok = await call(
        base,
        token,
        dpopProof({ key: client, htm: 'GET', htu: `${base}/me`, accessToken: token }),
      );
      expect(ok.status, ok.text).toBe(200);
    },
  },
  {
    name: 'server nonces: 401 use_dpop_nonce with DPoP-Nonce, then the retry with the nonce → 200',
    run: async (env) => {
      const base = await app(env, 'nonce');
      const token = await boundToken(env);
      const first = await call(
        base,
        token,
        dpopProof({ key: client, htm: 'GET', htu: `${base}/me`, accessToken: token }),
      );
      expectJson(first, 401, 'ERR_AUTH_DPOP_NONCE_REQUIRED', 'use_dpop_nonce');
      expect(first.headers['www-authenticate']).toBe(
        `DPoP realm="api", error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof", algs="${ALGS}", Bearer realm="api"`,
      );
      const nonce = first.headers['dpop-nonce'];
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{16,}$/);
      const retry = await call(
        base,
        token,
        dpopProof({ key: client, htm: 'GET', htu: `${base}/me`, accessToken: token, nonce: nonce as string }),
      );
      expect(retry.status, retry.text).toBe(200);
    },
  },
  {
    name: 'GET /payments: a DPoP-bound token with acr level 2 → 200',
    run: async (env) => {
      const base = await app(env, 'allowed');
      const token = await boundToken(env, { acr: 'urn:demo:loa:2' });
      const reply = await call(
        base,
        token,
        dpopProof({ key: client, htm: 'GET', htu: `${base}/payments`, accessToken: token }),
        '/payments',
      );
      expect(reply.status, reply.text).toBe(200);
      expect(reply.json.subject).toBe('user-1');
    },
  },
  {
    name: 'GET /payments: acr level 1 → 401 insufficient_user_authentication with acr_values (step-up)',
    run: async (env) => {
      const base = await app(env, 'allowed');
      const token = await boundToken(env, { acr: 'urn:demo:loa:1' });
      const reply = await call(
        base,
        token,
        dpopProof({ key: client, htm: 'GET', htu: `${base}/payments`, accessToken: token }),
        '/payments',
      );
      expectJson(reply, 401, 'ERR_AUTH_INSUFFICIENT_USER_AUTHENTICATION', 'insufficient_user_authentication');
      expect(reply.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="insufficient_user_authentication", error_description="A stronger authentication is required", acr_values="urn:demo:loa:2 urn:demo:loa:3"',
      );
    },
  },
  {
    name: 'GET /payments: a plain bearer token with acr level 2 → 401 ERR_AUTH_DPOP_REQUIRED on the DPoP challenge',
    run: async (env) => {
      const base = await app(env, 'allowed');
      const reply = await send(base, '/payments', {
        headers: bearer(await env.mint({ acr: 'urn:demo:loa:3' })),
      });
      expectJson(reply, 401, 'ERR_AUTH_DPOP_REQUIRED', 'invalid_token');
      expect(reply.headers['www-authenticate']).toBe(
        'DPoP realm="api", error="invalid_token", error_description="This access token must be sent with a DPoP proof"',
      );
    },
  },
  {
    name: 'RFC 9728: GET /.well-known/oauth-protected-resource → the document derived from the configuration',
    run: async (env) => {
      const base = await app(env, 'metadata');
      const reply = await send(base, '/.well-known/oauth-protected-resource');
      expect(reply.status, reply.text).toBe(200);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      const issuers = (env.auth() as unknown as { issuers: { issuer: string }[] }).issuers.map(
        (i) => i.issuer,
      );
      expect(reply.json).toEqual({
        resource: RESOURCE,
        authorization_servers: issuers,
        bearer_methods_supported: ['header'],
        scopes_supported: ['read:items', 'write:items'],
        dpop_signing_alg_values_supported: ['ES256', 'EdDSA'],
        dpop_bound_access_tokens_required: false,
      });
    },
  },
  {
    name: 'RFC 9728: a 401 names the metadata in resource_metadata on every challenge',
    run: async (env) => {
      const reply = await send(await app(env, 'metadata'), '/me');
      expectJson(reply, 401, 'ERR_AUTH_MISSING_TOKEN', undefined);
      expect(reply.headers['www-authenticate']).toBe(
        `Bearer realm="api", resource_metadata="${METADATA_URL}", DPoP realm="api", resource_metadata="${METADATA_URL}", algs="${ALGS}"`,
      );
      const expired = await send(await app(env, 'metadata'), '/me', {
        headers: bearer(await env.mint({ exp: now() - 600 })),
      });
      expect(expired.status).toBe(401);
      expect(expired.headers['www-authenticate']).toMatch(
        new RegExp(
          `^Bearer realm="api", error="invalid_token", error_description="[^"]*", resource_metadata="${METADATA_URL}", DPoP`,
        ),
      );
    },
  },
];
