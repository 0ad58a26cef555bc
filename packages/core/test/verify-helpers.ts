/**
 * Test helpers for the verifier suites: key pairs, raw JWS signing (so hostile tokens can be built byte
 * by byte) and a tiny node:http JWKS + discovery server on 127.0.0.1 with failure modes and counters.
 */
import { type KeyObject, constants, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type TestAlg =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';

export interface TestKey {
  kid: string;
  alg: TestAlg;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

const keyCache = new Map<string, TestKey>();

export function genKey(
  alg: TestAlg,
  kid = `${alg.toLowerCase()}-key`,
  opts: { modulusLength?: number } = {},
): TestKey {
  const cacheId = `${alg}|${kid}|${opts.modulusLength ?? ''}`;
  const hit = keyCache.get(cacheId);
  if (hit) return hit;
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    pair = generateKeyPairSync('rsa', { modulusLength: opts.modulusLength ?? 2048 });
  } else if (alg.startsWith('ES')) {
    const curve = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg as 'ES256']!;
    pair = generateKeyPairSync('ec', { namedCurve: curve });
  } else {
    pair = generateKeyPairSync('ed25519');
  }
  const publicJwk = {
    ...(pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>),
    kid,
    alg,
    use: 'sig',
  };
  const key = { kid, alg, ...pair, publicJwk };
  keyCache.set(cacheId, key);
  return key;
}

export const b64u = (s: string | Uint8Array) => Buffer.from(s).toString('base64url');
export const json64 = (v: unknown) => b64u(JSON.stringify(v));

const DIGEST: Record<string, string | null> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  EdDSA: null,
};

/** Signs `input` (the ASCII signing input) with a private key for `alg`; returns raw signature bytes. */
export function rawSign(alg: string, privateKey: KeyObject, input: string): Buffer {
  const data = Buffer.from(input, 'latin1');
  if (alg.startsWith('ES'))
    return cryptoSign(DIGEST[alg]!, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  if (alg.startsWith('PS')) {
    return cryptoSign(DIGEST[alg]!, data, {
      key: privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    });
  }
  return cryptoSign(DIGEST[alg] ?? null, data, privateKey);
}

/** Builds a compact JWS from header/payload objects or pre-encoded segment strings. */
export function signToken(
  key: Pick<TestKey, 'alg' | 'kid' | 'privateKey'>,
  payload: Record<string, unknown> | string,
  header: Record<string, unknown> | string = {},
  signAlg: string = key.alg,
): string {
  const h =
    typeof header === 'string' ? header : json64({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header });
  const p = typeof payload === 'string' ? payload : json64(payload);
  const input = `${h}.${p}`;
  return `${input}.${b64u(rawSign(signAlg, key.privateKey, input))}`;
}

export type FailMode =
  | 'none'
  | 'down'
  | 'slow'
  | 'redirect'
  | 'malformed'
  | 'huge'
  | 'too-many-keys'
  | 'hang';

export interface TestJwksServer {
  url: string;
  issuer: string;
  jwksUri: string;
  counters: { jwks: number; discovery: number };
  setKeys(keys: Record<string, unknown>[]): void;
  fail(mode: FailMode): void;
  setCacheControl(value: string | undefined): void;
  setDiscoveryIssuer(value: string): void;
  close(): Promise<void>;
}

export async function startTestJwksServer(keys: Record<string, unknown>[]): Promise<TestJwksServer> {
  let current = keys;
  let mode: FailMode = 'none';
  let cacheControl: string | undefined;
  let discoveryIssuer: string | undefined;
  const counters = { jwks: 0, discovery: 0 };
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      counters.discovery++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ issuer: discoveryIssuer ?? issuer, jwks_uri: `${url}/jwks.json` }));
      return;
    }
    if (req.url !== '/jwks.json') {
      res.statusCode = 404;
      res.end();
      return;
    }
    counters.jwks++;
    const body = JSON.stringify({ keys: current });
    switch (mode) {
      case 'down':
        res.statusCode = 503;
        res.end('down');
        return;
      case 'redirect':
        res.statusCode = 302;
        res.setHeader('location', `${url}/elsewhere.json`);
        res.end();
        return;
      case 'malformed':
        res.setHeader('content-type', 'application/json');
        res.end('{"keys": [');
        return;
      case 'huge':
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: current, padding: 'x'.repeat(2 * 1024 * 1024) }));
        return;
      case 'too-many-keys':
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({ keys: Array.from({ length: 1000 }, (_, i) => ({ ...current[0], kid: `k${i}` })) }),
        );
        return;
      case 'slow':
        setTimeout(() => {
          res.setHeader('content-type', 'application/json');
          res.end(body);
        }, 1_500);
        return;
      case 'hang':
        return; // never answers
      default:
        res.setHeader('content-type', 'application/json');
        if (cacheControl) res.setHeader('cache-control', cacheControl);
        res.end(body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const issuer = url;
  return {
    url,
    issuer,
    jwksUri: `${url}/jwks.json`,
    counters,
    setKeys: (k) => {
      current = k;
    },
    fail: (m) => {
      mode = m;
    },
    setCacheControl: (v) => {
      cacheControl = v;
    },
    setDiscoveryIssuer: (v) => {
      discoveryIssuer = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A controllable clock in milliseconds. */
export function testClock(start = Date.UTC(2030, 0, 1)) {
  let now = start;
  const clock = () => now;
  return Object.assign(clock, {
    advance(ms: number) {
      now += ms;
    },
    set(ms: number) {
      now = ms;
    },
    seconds: () => Math.floor(now / 1000),
  });
}

/** A fetch that counts calls and serves a JWKS from memory (no sockets), for storms and bursts. */
export function memoryFetch(getKeys: () => Record<string, unknown>[], opts: { delayMs?: number } = {}) {
  const calls = { count: 0 };
  const fetchFn = async (_url: string, _init?: RequestInit): Promise<Response> => {
    calls.count++;
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    return new Response(JSON.stringify({ keys: getKeys() }), {
      headers: { 'content-type': 'application/json' },
    });
  };
  return Object.assign(fetchFn, { calls });
}
