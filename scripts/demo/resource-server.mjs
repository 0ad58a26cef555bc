// The resource-server part of the tour, per running demo app: the RFC 9728 document at
// /.well-known/oauth-protected-resource, a 401 challenge naming it (resource_metadata), a DPoP call
// to GET /payments succeeding, the same token replayed as Bearer failing (401), and a step-up
// challenge (401 insufficient_user_authentication with acr_values) for a token of a weaker login.
//
// The DPoP-bound tokens (`cnf.jkt`, `acr`) are signed with the dev IdP's current key through its
// `signJwt`, standing in for the tokens an authorization server issues after a DPoP token request
// and a multi-factor login; the proofs are made here with node:crypto (ES256).
import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';

const b64url = (value) => Buffer.from(value).toString('base64url');

/** An ES256 key for DPoP proofs and its RFC 7638 thumbprint. */
function dpopKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const jwk = { kty, crv, x, y };
  const jkt = b64url(createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest());
  return { privateKey, jwk, jkt };
}

/** A DPoP proof (RFC 9449 §4.2) for `method url`, bound to `token` (ath). */
function proof(key, method, url, token) {
  const header = b64url(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.jwk }));
  const payload = b64url(
    JSON.stringify({
      jti: randomUUID(),
      htm: method,
      htu: url,
      iat: Math.floor(Date.now() / 1000),
      ath: b64url(createHash('sha256').update(token).digest()),
    }),
  );
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${header}.${payload}.${b64url(signature)}`;
}

/** An access token as the dev IdP would issue it to alice, bound to `jkt`, at assurance level `acr`. */
function boundToken(idp, jkt, acr) {
  const now = Math.floor(Date.now() / 1000);
  return idp.signJwt(
    {
      iss: idp.issuer,
      aud: idp.audience,
      sub: 'alice',
      client_id: 'web',
      scope: 'read:items',
      iat: now,
      exp: now + 300,
      jti: randomUUID(),
      acr,
      cnf: { jkt },
    },
    { typ: 'at+jwt' },
  );
}

const call = async (url, headers = {}) => {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, json };
};

/** Runs the rows against one running app; returns `{ step, got, pass }` rows. */
export async function resourceServerTour(app, idp) {
  const rows = [];
  const row = (step, got, pass) => rows.push({ step, got, pass });
  const base = app.baseUrl;
  const metadataUrl = `${base}/.well-known/oauth-protected-resource`;
  try {
    let res = await call(metadataUrl);
    const doc = res.json ?? {};
    row(
      'GET /.well-known/oauth-protected-resource',
      `${res.status} resource=${doc.resource} authorization_servers=${JSON.stringify(doc.authorization_servers)} dpop algs=${JSON.stringify(doc.dpop_signing_alg_values_supported)}`,
      res.status === 200 &&
        doc.resource === base &&
        JSON.stringify(doc.authorization_servers) === JSON.stringify([idp.issuer]) &&
        Array.isArray(doc.dpop_signing_alg_values_supported) &&
        doc.dpop_signing_alg_values_supported.includes('ES256'),
    );
    res = await call(`${base}/me`);
    const challenge = res.headers.get('www-authenticate') ?? '';
    row(
      'GET /me without a token',
      `${res.status} WWW-Authenticate names resource_metadata: ${challenge.includes(`resource_metadata="${metadataUrl}"`)}`,
      res.status === 401 && challenge.includes(`resource_metadata="${metadataUrl}"`),
    );

    const key = dpopKey();
    const payments = `${base}/payments`;
    const strong = await boundToken(idp, key.jkt, 'urn:demo:loa:2');
    res = await call(payments, {
      authorization: `DPoP ${strong}`,
      dpop: proof(key, 'GET', payments, strong),
    });
    row(
      'GET /payments with DPoP (acr loa:2)',
      `${res.status} ${res.json?.payments ? `${res.json.payments.length} payment(s) of ${res.json.subject}` : JSON.stringify(res.json)}`,
      res.status === 200 && res.json?.subject === 'alice',
    );
    res = await call(payments, { authorization: `Bearer ${strong}` });
    row(
      'same token replayed as Bearer',
      `${res.status} ${res.json?.code} (${(res.headers.get('www-authenticate') ?? '').split(',')[0]})`,
      res.status === 401 && res.json?.code === 'ERR_AUTH_TOKEN_BOUND',
    );
    const weak = await boundToken(idp, key.jkt, 'urn:demo:loa:1');
    res = await call(payments, { authorization: `DPoP ${weak}`, dpop: proof(key, 'GET', payments, weak) });
    const stepUp = res.headers.get('www-authenticate') ?? '';
    const acrValues = /acr_values="([^"]*)"/.exec(stepUp)?.[1];
    row(
      'GET /payments with DPoP (acr loa:1)',
      `${res.status} ${res.json?.error} acr_values="${acrValues}"`,
      res.status === 401 &&
        stepUp.includes('error="insufficient_user_authentication"') &&
        acrValues === 'urn:demo:loa:2 urn:demo:loa:3',
    );
  } catch (error) {
    row('(error)', String(error?.message ?? error), false);
  }
  return rows;
}
