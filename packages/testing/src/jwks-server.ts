import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import {
  type JwksEndpoints,
  type Fault,
  type FaultOptions,
  JWKS_PATH,
  JwksResponder,
  type KeysInput,
} from './responder.ts';

export interface JwksServerOptions {
  /** the keys to publish (see `setKeys`) */
  keys?: KeysInput;
  /** the issuer in the discovery document: absolute, or a path under the server (`'/tenant'`); default the server URL */
  issuer?: string;
  /** extra headers on JWKS and discovery replies (e.g. `cache-control`) */
  headers?: Record<string, string>;
  /** port on 127.0.0.1 (default 0: a free one); pass a closed server's port to restart it at the same URL */
  port?: number;
}

export interface JwksServer extends JwksEndpoints {
  close(): Promise<void>;
}

/** Serves a JWKS and a discovery document on 127.0.0.1 (a free port) with counters and faults. */
export async function startJwksServer(options: JwksServerOptions = {}): Promise<JwksServer> {
  const listenPort = options.port ?? 0;
  if (!Number.isInteger(listenPort) || listenPort < 0 || listenPort > 65_535) {
    throw new TypeError('startJwksServer: port must be an integer in [0, 65535]');
  }
  let url = '';
  let issuer = '';
  const responder = new JwksResponder(options.keys ?? [], () => ({ url, issuer }), options.headers);
  const sockets = new Set<Socket>();
  const aborts = new Set<AbortController>();

  const server = createServer((req, res) => {
    const abort = new AbortController();
    aborts.add(abort);
    res.on('close', () => {
      abort.abort();
      aborts.delete(abort);
    });
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    responder.reply(path, abort.signal).then(
      (reply) => {
        if (res.destroyed) return;
        if (reply.down) {
          // "down": the connection dies without an answer, as with a crashed server.
          req.socket.destroy();
          return;
        }
        res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
        res.end(req.method === 'HEAD' ? undefined : reply.body);
      },
      () => {
        if (!res.destroyed) res.destroy();
      },
    );
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;
  issuer =
    options.issuer === undefined
      ? url
      : options.issuer.startsWith('/')
        ? `${url}${options.issuer}`
        : options.issuer;
  const discoveryBase = issuer.startsWith(url) ? issuer : url;

  const setFault = (fault: Fault | null, faultOptions?: FaultOptions) =>
    responder.setFault(fault, faultOptions);
  return {
    url,
    jwksUri: `${url}${JWKS_PATH}`,
    issuer,
    discoveryUrl: `${discoveryBase.replace(/\/$/, '')}/.well-known/openid-configuration`,
    counters: responder.counters,
    get fault() {
      return responder.fault;
    },
    resetCounters: () => responder.resetCounters(),
    setKeys: (keys) => responder.setKeys(keys),
    setFault,
    fail: setFault,
    setDiscovery: (extra) => responder.setDiscovery(extra),
    close: () =>
      new Promise<void>((resolve) => {
        for (const abort of aborts) abort.abort();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** A JWKS server whose URLs are known before it answers (see `lateJwksServer`). */
export interface LateJwksServer extends Pick<JwksServer, 'url' | 'jwksUri' | 'issuer' | 'discoveryUrl'> {
  /** Starts it at those URLs (the same options). */
  start(): Promise<JwksServer>;
}

/**
 * A JWKS server that is not up yet: its URLs are fixed now (a free port on 127.0.0.1) and refuse
 * connections until `start()`. For tests of keys that arrive late (start-up retries, readiness).
 *
 * @example
 * const late = await lateJwksServer({ keys: [key] });
 * const auth = createAuthenticator({ issuers: [{ issuer: late.issuer, audience: 'api', jwksUri: late.jwksUri }] });
 * const server = await late.start(); // now it answers
 */
export async function lateJwksServer(options: Omit<JwksServerOptions, 'port'> = {}): Promise<LateJwksServer> {
  const probe = await startJwksServer(options);
  const { url, jwksUri, issuer, discoveryUrl } = probe;
  await probe.close();
  const port = Number(new URL(url).port);
  return { url, jwksUri, issuer, discoveryUrl, start: () => startJwksServer({ ...options, port }) };
}
