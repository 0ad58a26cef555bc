// The dev IdP part of the tour: start it in-process (tsx loads its TypeScript sources), get a token
// for every client_credentials demo client, check and print the claims.
import { createPublicKey, verify } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const idpEntry = fileURLToPath(new URL('../../apps/dev-idp/src/index.ts', import.meta.url));

/** What each demo client's token must carry (README of apps/dev-idp). */
export const expectedClaims = {
  reader: { scope: 'read:items', groups: [], organizations: [] },
  writer: { scope: 'read:items write:items', groups: [], organizations: [] },
  admin: { scope: 'read:items', groups: ['admin'], organizations: [] },
  'org-member': { scope: undefined, groups: [], organizations: [{ id: 'org_1', scopes: ['projects:read'] }] },
  noscope: { scope: undefined, groups: [], organizations: [] },
  'secret-post': { scope: 'read:items', groups: [], organizations: [] },
  'private-key-jwt': { scope: 'read:items', groups: [], organizations: [] },
};

const decode = (segment) => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));

export async function startIdp(port, options = {}) {
  const { startDevIdp } = await tsImport(idpEntry, import.meta.url);
  return startDevIdp({ port, host: '127.0.0.1', ...options });
}

/** Verifies an RS256 JWS against a JWKS with node:crypto (no dependency needed here). */
function signatureValid(token, jwks) {
  const [h, p, s] = token.split('.');
  const header = decode(h);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk || header.alg !== 'RS256') return false;
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  return verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'));
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Gets a token per demo client; returns { tokens, rows } with a pass flag per row. */
export async function tourIdp(idp) {
  const jwks = await (await fetch(idp.jwksUri)).json();
  const tokens = {};
  const rows = [];
  for (const [name, want] of Object.entries(expectedClaims)) {
    const row = { name, pass: false, problems: [] };
    rows.push(row);
    try {
      const token = await idp.getToken(name);
      tokens[name] = token;
      const header = decode(token.split('.')[0]);
      const claims = decode(token.split('.')[1]);
      row.header = header;
      row.claims = claims;
      if (!signatureValid(token, jwks)) row.problems.push('signature does not verify against the JWKS');
      if (header.typ !== 'at+jwt') row.problems.push(`typ is ${header.typ}`);
      if (claims.iss !== idp.issuer) row.problems.push('wrong iss');
      if (claims.aud !== idp.audience) row.problems.push('wrong aud');
      if (claims.client_id !== idp.clients[name].clientId) row.problems.push('wrong client_id');
      if (typeof claims.jti !== 'string') row.problems.push('no jti');
      for (const [claim, value] of Object.entries(want)) {
        if (!same(claims[claim], value)) row.problems.push(`${claim} is ${JSON.stringify(claims[claim])}`);
      }
      row.pass = row.problems.length === 0;
    } catch (err) {
      row.problems.push(err.message);
    }
  }
  rows.push(await tourCodeFlow(idp));
  return { tokens, rows };
}

/** The web client: authorization code + PKCE as alice, then one refresh (rotation on). */
async function tourCodeFlow(idp) {
  const row = { name: 'web (alice)', pass: false, problems: [] };
  try {
    const set = await idp.loginAs('alice');
    row.header = decode(set.access_token.split('.')[0]);
    row.claims = decode(set.access_token.split('.')[1]);
    if (row.claims.sub !== 'alice' || !same(row.claims.groups, ['admin']))
      row.problems.push('unexpected claims');
    const next = await idp.refresh(set.refresh_token);
    if (!next.refresh_token || next.refresh_token === set.refresh_token)
      row.problems.push('refresh token not rotated');
    const reuse = await idp.refresh(set.refresh_token).then(
      () => 'accepted',
      (err) => err.body?.error,
    );
    if (reuse !== 'invalid_grant') row.problems.push(`reusing a spent refresh token: ${reuse}`);
    row.note = 'code + PKCE, refresh rotated, reuse refused';
    row.pass = row.problems.length === 0;
  } catch (err) {
    row.problems.push(err.message);
  }
  return row;
}

export function printIdpRows(idp, rows, out = console.log) {
  out(`dev IdP: ${idp.issuer}  (audience ${idp.audience}, JWKS ${idp.jwksUri})`);
  out('');
  for (const row of rows) {
    const mark = row.pass ? 'PASS' : 'FAIL';
    const c = row.claims ?? {};
    const auth = idp.clients[row.name]?.tokenEndpointAuthMethod ?? 'authorization_code';
    out(`  ${mark}  ${row.name.padEnd(16)} ${auth.padEnd(20)} kid=${(row.header?.kid ?? '-').slice(0, 10)}…`);
    out(`        sub=${c.sub} client_id=${c.client_id} scope=${c.scope ?? '(none)'}`);
    out(`        groups=${JSON.stringify(c.groups)} organizations=${JSON.stringify(c.organizations)}`);
    if (row.note) out(`        ${row.note}`);
    for (const problem of row.problems) out(`        ! ${problem}`);
  }
  out('');
}
