// Every route of the contract's demo API (docs/contract.md) with the right, the wrong and no
// credentials. `cred` names a demo client token, or one of: none, forged, malformed, apiKey, wrongApiKey.

const isArray = (body) => (Array.isArray(body) ? '' : 'body is not a JSON array');
const principalOf = (clientId) => (body) => {
  if (!body || body.clientId !== clientId)
    return `clientId is ${JSON.stringify(body?.clientId)}, want ${clientId}`;
  if (!Array.isArray(body.scopes) || !Array.isArray(body.groups))
    return 'principal lacks scopes/groups arrays';
  return '';
};

export const cases = [
  {
    route: 'GET /health',
    method: 'GET',
    path: '/health',
    cred: 'none',
    status: 200,
    check: (b) => (b?.status === 'ok' ? '' : 'body is not {"status":"ok"}'),
  },

  { route: 'GET /me', method: 'GET', path: '/me', cred: 'reader', status: 200, check: principalOf('reader') },
  {
    route: 'GET /me',
    method: 'GET',
    path: '/me',
    cred: 'noscope',
    status: 200,
    check: principalOf('noscope'),
  },
  { route: 'GET /me', method: 'GET', path: '/me', cred: 'forged', status: 401 },
  { route: 'GET /me', method: 'GET', path: '/me', cred: 'malformed', status: 400 },
  { route: 'GET /me', method: 'GET', path: '/me', cred: 'none', status: 401 },

  { route: 'GET /items', method: 'GET', path: '/items', cred: 'reader', status: 200, check: isArray },
  { route: 'GET /items', method: 'GET', path: '/items', cred: 'noscope', status: 403 },
  { route: 'GET /items', method: 'GET', path: '/items', cred: 'none', status: 401 },

  { route: 'POST /items', method: 'POST', path: '/items', cred: 'writer', status: 201 },
  { route: 'POST /items', method: 'POST', path: '/items', cred: 'reader', status: 403 },
  { route: 'POST /items', method: 'POST', path: '/items', cred: 'none', status: 401 },

  { route: 'GET /admin', method: 'GET', path: '/admin', cred: 'admin', status: 200 },
  { route: 'GET /admin', method: 'GET', path: '/admin', cred: 'reader', status: 403 },
  { route: 'GET /admin', method: 'GET', path: '/admin', cred: 'none', status: 401 },

  {
    route: 'GET /optional',
    method: 'GET',
    path: '/optional',
    cred: 'none',
    status: 200,
    check: (b) => (b?.authenticated === false ? '' : 'want {"authenticated":false}'),
  },
  {
    route: 'GET /optional',
    method: 'GET',
    path: '/optional',
    cred: 'reader',
    status: 200,
    check: principalOf('reader'),
  },
  { route: 'GET /optional', method: 'GET', path: '/optional', cred: 'forged', status: 401 },

  {
    route: 'GET /orgs/org_1/projects',
    method: 'GET',
    path: '/orgs/org_1/projects',
    cred: 'org-member',
    status: 200,
    check: isArray,
  },
  {
    route: 'GET /orgs/org_2/projects',
    method: 'GET',
    path: '/orgs/org_2/projects',
    cred: 'org-member',
    status: 403,
  },
  {
    route: 'GET /orgs/org_1/projects',
    method: 'GET',
    path: '/orgs/org_1/projects',
    cred: 'reader',
    status: 403,
  },
  {
    route: 'GET /orgs/org_1/projects',
    method: 'GET',
    path: '/orgs/org_1/projects',
    cred: 'none',
    status: 401,
  },

  {
    route: 'GET /service',
    method: 'GET',
    path: '/service',
    cred: 'reader',
    status: 200,
    check: principalOf('reader'),
  },
  { route: 'GET /service', method: 'GET', path: '/service', cred: 'apiKey', status: 200, needsApiKey: true },
  {
    route: 'GET /service',
    method: 'GET',
    path: '/service',
    cred: 'wrongApiKey',
    status: 401,
    needsApiKey: true,
  },
  { route: 'GET /service', method: 'GET', path: '/service', cred: 'none', status: 401 },

  // Outgoing call (@auth/core/client): the app fetches another demo app's /items with its own
  // client-credentials token through authFetch. Only apps declaring `"upstream": true` serve it.
  {
    route: 'GET /items/upstream',
    method: 'GET',
    path: '/items/upstream',
    cred: 'reader',
    status: 200,
    needsUpstream: true,
    check: (b) => (Array.isArray(b?.items ?? b) ? '' : 'body carries no upstream items array'),
  },
  {
    route: 'GET /items/upstream',
    method: 'GET',
    path: '/items/upstream',
    cred: 'none',
    status: 401,
    needsUpstream: true,
  },
];

/** A token whose signature belongs to another token: well-formed, must fail verification. */
export function forge(token, other) {
  const [h, p] = token.split('.');
  return `${h}.${p}.${other.split('.')[2]}`;
}

const wrongHeadersOf = (apiKey) =>
  apiKey.wrongHeaders ??
  Object.fromEntries(Object.entries(apiKey.headers).map(([name, value]) => [name, `${value}-wrong`]));

function headersFor(kase, app, tokens) {
  const headers = {};
  switch (kase.cred) {
    case 'none':
      break;
    case 'forged':
      headers.authorization = `Bearer ${tokens.forged}`;
      break;
    case 'malformed':
      headers.authorization = 'Bearer';
      break;
    case 'apiKey':
      Object.assign(headers, app.apiKey.headers);
      break;
    case 'wrongApiKey':
      Object.assign(headers, wrongHeadersOf(app.apiKey));
      break;
    default:
      headers.authorization = `Bearer ${tokens[kase.cred]}`;
  }
  if (kase.method === 'POST') headers['content-type'] = 'application/json';
  return headers;
}

/** Runs one case against one app → { status, pass, note } (or { skipped } when it does not apply). */
export async function runCase(kase, app, tokens) {
  if (kase.needsApiKey && !app.apiKey?.headers) return { skipped: true };
  if (kase.needsUpstream && !app.upstreamUrl) return { skipped: true };
  try {
    const res = await fetch(`${app.baseUrl}${kase.path}`, {
      method: kase.method,
      headers: headersFor(kase, app, tokens),
      body: kase.method === 'POST' ? JSON.stringify({ name: 'demo item' }) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let body;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    let note = res.status === kase.status ? '' : `got ${res.status}`;
    if (!note && kase.check) note = kase.check(body);
    if (!note && res.status === 401 && !res.headers.get('www-authenticate')) note = 'no WWW-Authenticate';
    return { status: res.status, pass: note === '', note };
  } catch (err) {
    return { status: 'ERR', pass: false, note: err.cause?.code ?? err.message };
  }
}
