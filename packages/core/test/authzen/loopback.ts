/** A raw HTTP server on 127.0.0.1 for hostile decision-point answers, and a principal fixture. */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Principal } from '../../src/types.ts';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface Loopback {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

export async function startLoopback(
  handler: (req: IncomingMessage, res: ServerResponse, body: unknown) => void | Promise<void>,
): Promise<Loopback> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {}
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      void handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers JSON with the X-Request-ID echoed, as the specification asks. */
export function json(req: IncomingMessage, res: ServerResponse, status: number, value: unknown): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const id = req.headers['x-request-id'];
  if (typeof id === 'string') headers['x-request-id'] = id;
  res.writeHead(status, headers).end(JSON.stringify(value));
}

export function principal(subject = 'alice', extra: Partial<Principal> = {}): Principal {
  return {
    subject,
    issuer: 'https://idp.example',
    audience: ['api'],
    clientId: null,
    tokenUse: 'access',
    scopes: ['read:items'],
    groups: [],
    organizations: [{ id: 'org_1', scopes: ['member'] }],
    expiresAtSeconds: null,
    issuedAtSeconds: null,
    claims: Object.create(null),
    ...extra,
  };
}
