/** A token endpoint that counts grants and checks refresh-token rotation (one use per refresh token). */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenEndpoint {
  url: string;
  /** Grant requests received. */
  requests: number;
  /** Refresh tokens presented after they were rotated out. */
  reused: string[];
  /** Who sent each request (the `x-replica` header). */
  from: string[];
  /** Delay of each answer in ms (set by the test). */
  delayMs: number;
  /** Called when a request arrives, before the delay. */
  onRequest?: (replica: string) => void;
  close(): Promise<void>;
}

export async function startTokenEndpoint(
  options: { expiresIn?: number; rotate?: boolean } = {},
): Promise<TokenEndpoint> {
  let current = 'rt-0';
  const used = new Set<string>();
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    const n = ++ep.requests;
    const replica = String(req.headers['x-replica'] ?? '?');
    ep.from.push(replica);
    ep.onRequest?.(replica);
    if (ep.delayMs > 0) await new Promise((r) => setTimeout(r, ep.delayMs));
    const reply: Record<string, unknown> = {
      access_token: `at-${n}`,
      token_type: 'Bearer',
      expires_in: options.expiresIn ?? 3600,
    };
    if (form.get('grant_type') === 'refresh_token') {
      const rt = form.get('refresh_token') ?? '';
      if (used.has(rt) || rt !== current) {
        ep.reused.push(rt);
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'invalid_grant' }));
        return;
      }
      used.add(rt);
      if (options.rotate !== false) current = `rt-${n}`;
      reply.refresh_token = current;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
  };
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const ep: TokenEndpoint = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
    requests: 0,
    reused: [],
    from: [],
    delayMs: 0,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  return ep;
}
