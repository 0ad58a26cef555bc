// Bench keys and tokens with node:crypto only: one RS256 key, a loopback JWKS/discovery server, a valid
// token and the bad ones of the reject scenarios.
import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
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
  const sign = (claims, key = privateKey) => {
    const input = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64(claims)}`;
    const signature = createSign('RSA-SHA256').update(input).sign(key).toString('base64url');
    return `${input}.${signature}`;
  };
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: issuer, sub: 'bench-user', aud: audience, iat: now, exp: now + 3600 };
  // Random kid: a fresh `kid` per request (what a key-lookup flood looks like), a well-sized signature.
  const payload = b64(claims);
  const filler = randomBytes(256).toString('base64url');
  const randomKidToken = () =>
    `${b64({ alg: 'RS256', typ: 'JWT', kid: randomBytes(8).toString('hex') })}.${payload}.${filler}`;
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
    /** A DPoP-bound token (`cnf.jkt`) for the client key with thumbprint `jkt`. */
    boundToken: (jkt) => sign({ ...claims, scope: 'read:items', cnf: { jkt } }),
    /** Signed with the published key, expired an hour ago. */
    expiredToken: sign({ ...claims, iat: now - 7200, exp: now - 3600 }),
    /** The published `kid`, signed with another key: fails only at the signature check. */
    forgedToken: sign(claims, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
    randomKidToken,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
