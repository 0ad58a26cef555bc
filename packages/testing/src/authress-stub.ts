/**
 * A loopback stand-in for the parts of the Authress API the core `authress()` connector uses, following
 * Authress's public API reference: `GET /v1/users/{userId}/resources/{resourceUri}/permissions/{permission}`
 * answers 200 when the user has the permission on the resource and 404 when not; a call without a
 * valid service-client token (EdDSA, `kid` the access key's key id, `iss` `<api>/v1/clients/<clientId>`,
 * `aud` `<accountId>.accounts.authress.io`) is a 401. Faults make it answer 500, garbage, or never.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, jwtVerify } from 'jose';

/**
 * A fresh Authress-style service-client access key (`clientId.keyId.accountId.base64 PKCS#8 Ed25519`)
 * and its public JWK.
 *
 * @example
 * const { accessKey } = createAuthressAccessKey({ clientId: 'sc_1', accountId: 'acc_1' });
 */
export async function createAuthressAccessKey(
  options: { clientId?: string; keyId?: string; accountId?: string } = {},
) {
  const clientId = options.clientId ?? 'sc_test';
  const keyId = options.keyId ?? 'key_test';
  const accountId = options.accountId ?? 'acc_test';
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  const publicJwk = { ...(await exportJWK(publicKey)), kid: keyId, alg: 'EdDSA' };
  return { accessKey: `${clientId}.${keyId}.${accountId}.${der}`, clientId, keyId, accountId, publicJwk };
}

export type AuthressFault = 'none' | 'status-500' | 'garbage' | 'hang' | 'redirect';

export interface AuthressStubOptions {
  /** The service client whose tokens are accepted. */
  client: { clientId: string; accountId: string; publicJwk: Record<string, unknown> };
  /** Granted `[userId, resourceUri, permission]` triples. */
  grants?: readonly (readonly [string, string, string])[];
}

export interface AuthressStub {
  url: string;
  /** Calls by path, and the last Authorization header seen (for assertions). */
  calls: string[];
  fault(mode: AuthressFault): void;
  close(): Promise<void>;
}

/**
 * Starts the stub on 127.0.0.1 (a free port).
 *
 * @example
 * const stub = await startAuthressStub({ client, grants: [['user-1', 'documents/doc_1', 'documents:read']] });
 * const policy = authress({ apiUrl: stub.url, serviceClientAccessKey: client.accessKey, ... });
 */
export async function startAuthressStub(options: AuthressStubOptions): Promise<AuthressStub> {
  const grants = new Set((options.grants ?? []).map((g) => JSON.stringify(g)));
  const keys = createLocalJWKSet({ keys: [options.client.publicJwk] });
  let mode: AuthressFault = 'none';
  let url = '';
  const calls: string[] = [];
  const server = createServer(async (req, res) => {
    calls.push(req.url ?? '');
    if (mode === 'hang') return;
    if (mode === 'status-500') return void res.writeHead(500).end('{"title":"error"}');
    if (mode === 'redirect') return void res.writeHead(302, { location: 'http://127.0.0.1:9/' }).end();
    const match = /^\/v1\/users\/([^/]+)\/resources\/([^/]+)\/permissions\/([^/?]+)$/.exec(req.url ?? '');
    if (req.method !== 'GET' || !match) return void res.writeHead(404).end();
    const auth = req.headers.authorization ?? '';
    try {
      await jwtVerify(auth.replace(/^Bearer /, ''), keys, {
        algorithms: ['EdDSA'],
        issuer: `${url}/v1/clients/${encodeURIComponent(options.client.clientId)}`,
        audience: `${options.client.accountId}.accounts.authress.io`,
        subject: options.client.clientId,
        typ: 'at+jwt',
      });
    } catch {
      return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"title":"Unauthorized"}');
    }
    if (mode === 'garbage') return void res.writeHead(200).end('x'.repeat(100_000));
    const [userId, resourceUri, permission] = match.slice(1).map(decodeURIComponent) as [
      string,
      string,
      string,
    ];
    if (!grants.has(JSON.stringify([userId, resourceUri, permission]))) return void res.writeHead(404).end();
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ userId, resourceUri, permission }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    calls,
    fault(next) {
      mode = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
