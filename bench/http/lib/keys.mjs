// Bench keys and tokens with node:crypto only: one RS256 key, a loopback JWKS/discovery server, a token.
import { createSign, generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';

const b64 = (value) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export async function startIssuer() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'bench-1';
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const counters = { jwks: 0 };
  let issuer = '';
  const server = createServer((req, res) => {
    if (req.url === '/jwks') {
      counters.jwks++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}jwks` }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${server.address().port}/`;
  const audience = 'api://bench';
  const sign = (claims) => {
    const input = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64(claims)}`;
    const signature = createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url');
    return `${input}.${signature}`;
  };
  const now = Math.floor(Date.now() / 1000);
  return {
    issuer,
    audience,
    jwksUri: `${issuer}jwks`,
    counters,
    token: sign({
      iss: issuer,
      sub: 'bench-user',
      aud: audience,
      iat: now,
      exp: now + 3600,
      scope: 'read:items',
    }),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
