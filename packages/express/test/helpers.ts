import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import type { Express } from 'express';
import { generateKeyPair, mintToken, startJwksServer } from '@auth/testing';

export const AUDIENCE = 'api://express-test';

/** A local issuer (JWKS from @auth/testing) and a token minter. */
export async function startIssuer() {
  const key = await generateKeyPair('RS256', { kid: 'express-1' });
  const jwks = await startJwksServer({ keys: [key] });
  const issuer = `${jwks.url}/issuer`;
  const now = () => Math.floor(Date.now() / 1000);
  return {
    issuer,
    options: { issuers: [{ issuer, audience: AUDIENCE, jwksUri: jwks.jwksUri }] },
    token: (claims: Record<string, unknown> = {}) =>
      mintToken({
        key,
        claims: { iss: issuer, sub: 'user-1', aud: AUDIENCE, iat: now(), exp: now() + 300, ...claims },
      }),
    close: () => jwks.close(),
  };
}

/** Serves an Express app on 127.0.0.1:0. */
export async function listen(app: Express | ((req: any, res: any) => void)) {
  const server = (app as Express).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    request(url, { headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {}
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    })
      .on('error', reject)
      .end();
  });
}
