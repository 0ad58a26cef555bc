import { generateKeyPairSync } from 'node:crypto';
import { apiKeyPairAuth, memorySecretStore, type IssuerConfig } from '@auth/core';
import { generateKeyPair, mintToken, startJwksServer } from '@auth/testing';
import { startDevIdp } from 'dev-idp';
import { demoPolicy, startDevPdp } from 'dev-pdp';
import { afterAll, beforeAll } from 'vitest';
import { bearer } from './case.ts';
import { send } from './http.ts';
import { deadUrl, serveJson } from './json-server.ts';
import type {
  ConformanceHarness,
  DeclaredAppConfig,
  DemoConfig,
  DemoServer,
  GuardedAppConfig,
  StackedAppConfig,
} from './types.ts';

export const AUDIENCE = 'api://demo';

/** The service principal every demo app's `GET /service` accepts in the suite (x-principal-id/-token). */
export const SERVICE_PRINCIPAL = {
  id: 'svc-conformance',
  token: 'conformance-service-token-5f0c2a9e41',
  scopes: ['read:items'],
} as const;

type Claims = Record<string, unknown>;

/** Everything the cases need, filled in `beforeAll`. */
export interface Environment {
  /**
   * Base URLs: the default app, one with query tokens on, one with a custom realm, one whose AuthZEN
   * decision point is down.
   */
  /** `header`: the token in `X-Auth-Token` without a prefix (`tokenHeader`, `tokenPrefix: ''`). */
  app: { main: string; query: string; header: string; realm: string; pdpDown: string };
  devIssuer: string;
  /** Real client-credentials tokens from the dev IdP, by demo client. */
  tokens: { reader: string; writer: string; admin: string; orgMember: string; noscope: string };
  /** The hostile issuer (local JWKS server from @auth/testing). */
  hostileIssuer: string;
  /** A token of the hostile issuer; `claims` override the defaults (valid, scope read:items). */
  mint(claims?: Claims, header?: Claims): Promise<string>;
  /** A valid token signed by another key under the hostile key's `kid`. */
  badSignature(): Promise<string>;
  /** A token of an issuer whose JWKS endpoint is down. */
  keysDown(): Promise<string>;
  /**
   * The outage issuer once the main app has cached its keys and its JWKS endpoint has gone down (done
   * on the first call): a token of a cached key, and one of a key rotated in during the outage.
   */
  keysCachedThenDown(): Promise<{ cached: string; rotated: string }>;
  /** A token whose `kid` names a broken key in its issuer's JWKS. */
  brokenKey(): Promise<string>;
  /** A token signed by a 1024-bit RSA key published in its issuer's JWKS. */
  weakKey(): Promise<string>;
  harness: ConformanceHarness;
  /** Extra app for one test; closed with the environment. */
  start(config: DemoConfig): Promise<string>;
  /** Runs `close` when the environment closes (after the apps started later: closers run in reverse). */
  defer(close: () => unknown): void;
  config(extra?: Partial<DemoConfig['auth']>): DemoConfig;
  /** Bearer-token options trusting the suite's issuers (no API keys). */
  auth(): DemoConfig['auth'];
  /** A one-route app of the adapter (`GET /guarded`); closed with the environment. */
  startGuarded(config: GuardedAppConfig): Promise<string>;
  /** A one-route app of the adapter (`GET /stacked`, optional then required auth); closed with the environment. */
  startStacked(config: StackedAppConfig): Promise<string>;
  /** A one-route app of the adapter (`GET /declared`, declared with a route spec); closed with the environment. */
  startDeclared(config: DeclaredAppConfig): Promise<string>;
}

const now = () => Math.floor(Date.now() / 1000);

/** Registers beforeAll/afterAll that start the dev IdP, hostile issuers and three demo apps. */
export function useEnvironment(harness: ConformanceHarness): Environment {
  const closers: (() => unknown)[] = [];
  const env = { harness } as Environment;

  beforeAll(async () => {
    const idp = await startDevIdp({ port: 0 });
    closers.push(() => idp.stop());
    const pdp = await startDevPdp({ policy: demoPolicy(), port: 0 });
    closers.push(() => pdp.stop());

    const key = await generateKeyPair('RS256', { kid: 'hostile-1' });
    const other = await generateKeyPair('RS256', { kid: 'hostile-1' });
    const jwks = await startJwksServer({ keys: [key] });
    closers.push(() => jwks.close());
    const hostileIssuer = `${jwks.url}/hostile`;

    // Keys cached, then the endpoint goes down while the IdP rotates (see keysCachedThenDown).
    const rotatedKey = await generateKeyPair('RS256', { kid: 'rotated-1' });
    const outageJwks = await startJwksServer({ keys: [key] });
    closers.push(() => outageJwks.close());
    const outageIssuer = `${outageJwks.url}/outage`;

    const down = await deadUrl();
    const downIssuer = `${down}/down`;

    // A JWKS with a malformed RSA key and a 1024-bit one: each must end in 401, never 500.
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const weakKey = { kid: 'weak-1', alg: 'RS256' as const, privateKey: weak.privateKey };
    const broken = await serveJson({
      '/jwks': {
        keys: [
          { kty: 'RSA', kid: 'broken-1', alg: 'RS256', use: 'sig', n: 'AQAB', e: '' },
          { ...weak.publicKey.export({ format: 'jwk' }), kid: 'weak-1', alg: 'RS256', use: 'sig' },
        ],
      },
    });
    closers.push(() => broken.close());
    const brokenIssuer = `${broken.url}/broken`;

    const base = (iss: string, extra: Claims = {}): Claims => ({
      iss,
      sub: 'user-1',
      aud: AUDIENCE,
      client_id: 'conformance',
      scope: 'read:items',
      iat: now(),
      exp: now() + 300,
      ...extra,
    });
    const issuers: IssuerConfig[] = [
      { issuer: idp.issuer, audience: idp.audience, jwksUri: idp.jwksUri },
      { issuer: hostileIssuer, audience: AUDIENCE, jwksUri: jwks.jwksUri },
      { issuer: downIssuer, audience: AUDIENCE, jwksUri: `${down}/jwks` },
      { issuer: outageIssuer, audience: AUDIENCE, jwksUri: outageJwks.jwksUri },
      { issuer: brokenIssuer, audience: AUDIENCE, jwksUri: `${broken.url}/jwks` },
    ];

    // A fresh API-key authenticator per app: each app closes its own.
    env.config = (extra = {}) => ({
      auth: { issuers, ...extra },
      pdp: pdp.url,
      apiKey: apiKeyPairAuth({
        store: memorySecretStore({
          [SERVICE_PRINCIPAL.id]: { token: SERVICE_PRINCIPAL.token, scopes: [...SERVICE_PRINCIPAL.scopes] },
        }),
      }),
    });
    env.auth = () => ({ issuers });
    env.startGuarded = async (config) => {
      if (!harness.startGuarded) throw new Error(`${harness.name}: the harness has no startGuarded`);
      const server: DemoServer = await harness.startGuarded(config);
      closers.push(() => server.close());
      return server.baseUrl;
    };
    env.startStacked = async (config) => {
      if (!harness.startStacked) throw new Error(`${harness.name}: the harness has no startStacked`);
      const server: DemoServer = await harness.startStacked(config);
      closers.push(() => server.close());
      return server.baseUrl;
    };
    env.startDeclared = async (config) => {
      if (!harness.startDeclared) throw new Error(`${harness.name}: the harness has no startDeclared`);
      const server: DemoServer = await harness.startDeclared(config);
      closers.push(() => server.close());
      return server.baseUrl;
    };
    env.defer = (close) => {
      closers.push(close);
    };
    env.start = async (config) => {
      const server: DemoServer = await harness.start(config);
      closers.push(() => server.close());
      return server.baseUrl;
    };
    env.devIssuer = idp.issuer;
    env.hostileIssuer = hostileIssuer;
    env.mint = (claims = {}, header = {}) => mintToken({ key, header, claims: base(hostileIssuer, claims) });
    env.badSignature = () => mintToken({ key: other, claims: base(hostileIssuer) });
    env.keysDown = () => mintToken({ key, claims: base(downIssuer) });
    let outage: Promise<{ cached: string; rotated: string }> | undefined;
    env.keysCachedThenDown = () => {
      outage ??= (async () => {
        const warm = await send(env.app.main, '/me', {
          headers: bearer(await mintToken({ key, claims: base(outageIssuer, { sub: 'warm-up' }) })),
        });
        if (warm.status !== 200) throw new Error(`outage issuer warm-up got ${warm.status}`);
        outageJwks.fail('down');
        return {
          cached: await mintToken({ key, claims: base(outageIssuer) }),
          rotated: await mintToken({ key: rotatedKey, claims: base(outageIssuer) }),
        };
      })();
      return outage;
    };
    env.brokenKey = () => mintToken({ key, header: { kid: 'broken-1' }, claims: base(brokenIssuer) });
    env.weakKey = () => mintToken({ key: weakKey, claims: base(brokenIssuer) });

    const [reader, writer, admin, orgMember, noscope] = await Promise.all(
      ['reader', 'writer', 'admin', 'org-member', 'noscope'].map((client) => idp.getToken(client)),
    );
    env.tokens = {
      reader: reader!,
      writer: writer!,
      admin: admin!,
      orgMember: orgMember!,
      noscope: noscope!,
    };

    env.app = {
      main: await env.start(env.config()),
      query: await env.start(env.config({ tokenLocations: { query: true } })),
      header: await env.start(
        env.config({ tokenLocations: { tokenHeader: 'X-Auth-Token', tokenPrefix: '' } }),
      ),
      realm: await env.start(env.config({ realm: 'demo "realm"' })),
      pdpDown: await env.start({ ...env.config(), pdp: down }),
    };
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  return env;
}
