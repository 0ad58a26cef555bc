/** Test doubles for the client tests: a scriptable token endpoint on 127.0.0.1, a fake clock, JWTs. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, generateKeyPair } from 'jose';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: URLSearchParams;
}

export type Reply =
  | { status?: number; headers?: Record<string, string>; json?: unknown; text?: string; delayMs?: number }
  | 'hang';

export type Responder = (req: RecordedRequest, index: number) => Reply;

export interface FakeEndpoint {
  url: string;
  tokenEndpoint: string;
  requests: RecordedRequest[];
  /** Replies served in order; when empty, `fallback` answers. */
  queue: Reply[];
  fallback: Responder;
  close(): Promise<void>;
}

export async function startFakeEndpoint(
  fallback: Responder = () => ({ status: 500 }),
): Promise<FakeEndpoint> {
  const hanging = new Set<ServerResponse>();
  const endpoint: FakeEndpoint = {
    url: '',
    tokenEndpoint: '',
    requests: [],
    queue: [],
    fallback,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
      };
      const index = endpoint.requests.push(recorded) - 1;
      const reply = endpoint.queue.shift() ?? endpoint.fallback(recorded, index);
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      const headers: Record<string, string> = { ...reply.headers };
      let body = reply.text ?? '';
      if (reply.json !== undefined) {
        body = JSON.stringify(reply.json);
        headers['content-type'] ??= 'application/json';
      }
      const send = () => {
        res.writeHead(reply.status ?? 200, headers);
        res.end(body);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  endpoint.url = `http://127.0.0.1:${port}`;
  endpoint.tokenEndpoint = `${endpoint.url}/token`;
  return endpoint;
}

/** A controllable clock with a sleep that advances it instantly (and records the delays). */
export function fakeTime(start = Date.now()) {
  const t = {
    now: start,
    sleeps: [] as number[],
    clock: () => t.now,
    sleep: async (ms: number) => {
      t.sleeps.push(ms);
      t.now += ms;
    },
    advance(ms: number) {
      t.now += ms;
    },
  };
  return t;
}

let keyPair: Promise<CryptoKeyPair> | undefined;

/** An RS256-signed JWT (the client never verifies signatures, but the shape should be real). */
export async function jwt(claims: Record<string, unknown>): Promise<string> {
  keyPair ??= generateKeyPair('RS256') as Promise<CryptoKeyPair>;
  const { privateKey } = await keyPair;
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(privateKey);
}

/** A token endpoint success body. */
export function tokenReply(access_token: string, extra: Record<string, unknown> = {}): Reply {
  return { json: { access_token, token_type: 'Bearer', expires_in: 3600, ...extra } };
}
