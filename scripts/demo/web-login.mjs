// The web-login part of the tour, headless (HTTP only, a cookie jar for a browser): per demo app that
// declares `"webLogin": true` in its package.json "demo" entry, /profile → /login → the dev IdP's login
// form (posted as alice) → /callback → /profile, /session, /security (step-up: back to login with
// acr_values), the logout confirmation, POST /logout, and
// /session once more. Each step is a row: what was asked, what came back, PASS or FAIL.

export class Jar {
  cookies = new Map();

  store(res) {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async fetch(url, { method = 'GET', headers = {}, body } = {}) {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), ...headers },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    this.store(res);
    return Object.assign(res, { text: await res.text() });
  }
}

const HTML = { accept: 'text/html' };

/**
 * From the IdP's authorization URL to the app's callback: follows redirects and posts the dev IdP's login
 * form as `login` (consent is automatic for the demo clients). Resolves with the callback URL (on
 * `appOrigin`), or undefined when the flow does not come back.
 */
export async function signInAtIdp(jar, authorizationUrl, appOrigin, login = 'alice') {
  let next = authorizationUrl;
  let method = 'GET';
  let body;
  for (let hop = 0; hop < 15; hop++) {
    const r = await jar.fetch(next, {
      method,
      body,
      headers: body ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    });
    method = 'GET';
    body = undefined;
    const location = r.headers.get('location');
    if (location) {
      const target = new URL(location, next);
      if (target.origin === appOrigin) return target;
      next = target.href;
      continue;
    }
    const form = /<form method="post" action="([^"]+)"/.exec(r.text);
    if (!form) return undefined;
    next = new URL(form[1], next).href;
    method = 'POST';
    body = new URLSearchParams({ login }).toString();
  }
  return undefined;
}
const JSON_ACCEPT = { accept: 'application/json' };

/** Runs the flow against one running app; returns rows `{ step, got, pass }`. */
export async function webLoginTour(app, idp) {
  const rows = [];
  const jar = new Jar();
  const base = app.baseUrl;
  const row = (step, got, pass) => {
    rows.push({ step, got, pass });
    return pass;
  };
  try {
    let res = await jar.fetch(`${base}/profile`, { headers: HTML });
    if (
      !row('GET /profile (no session)', `${res.status} → ${res.headers.get('location')}`, res.status === 302)
    )
      return rows;
    res = await jar.fetch(new URL(res.headers.get('location'), base), { headers: HTML });
    const auth = new URL(res.headers.get('location') ?? '', base);
    row(
      'GET /login',
      `${res.status} → ${auth.origin}${auth.pathname} (S256: ${auth.searchParams.get('code_challenge_method')})`,
      res.status === 302 &&
        auth.href.startsWith(idp.authorizationEndpoint) &&
        auth.searchParams.get('code_challenge_method') === 'S256',
    );
    const callback = await signInAtIdp(jar, auth.href, base);
    if (!row('dev IdP login form (alice)', callback ? `→ ${callback.pathname}` : 'no way back', !!callback))
      return rows;
    res = await jar.fetch(callback, { headers: HTML });
    row(
      'GET /callback',
      `${res.status} → ${res.headers.get('location')}`,
      res.status === 302 && res.headers.get('location') === '/profile',
    );
    res = await jar.fetch(`${base}/profile`, { headers: HTML });
    row(
      'GET /profile',
      `${res.status} ${res.text.includes('Alice Admin') ? 'shows Alice Admin' : ''}`,
      res.status === 200 && res.text.includes('Alice Admin'),
    );
    res = await jar.fetch(`${base}/session`, { headers: JSON_ACCEPT });
    const who = res.status === 200 ? JSON.parse(res.text) : {};
    row(
      'GET /session',
      `${res.status} subject=${who.subject} groups=${JSON.stringify(who.groups)}`,
      who.subject === 'alice',
    );
    // Step-up: /security needs the dev IdP's second-factor level; a password session goes back to login.
    res = await jar.fetch(`${base}/security`, { headers: HTML });
    const stepUp = new URL(res.headers.get('location') ?? '/', base);
    row(
      'GET /security (step-up, password login)',
      `${res.status} → ${stepUp.pathname}?…acr_values=${stepUp.searchParams.get('acr_values')}`,
      res.status === 302 &&
        stepUp.pathname === '/login' &&
        stepUp.searchParams.get('acr_values') === 'urn:dev-idp:loa:2',
    );
    res = await jar.fetch(`${base}/me`, { headers: JSON_ACCEPT });
    row('GET /me with the session cookie only', `${res.status} (API: bearer only)`, res.status === 401);
    res = await jar.fetch(`${base}/logout`, { headers: HTML });
    const token = /name="csrf" value="([^"]+)"/.exec(res.text)?.[1];
    row('GET /logout', `${res.status} confirmation form`, res.status === 200 && !!token);
    res = await jar.fetch(`${base}/logout`, {
      method: 'POST',
      headers: { ...JSON_ACCEPT, 'content-type': 'application/x-www-form-urlencoded' },
    });
    row('POST /logout without the token', `${res.status}`, res.status === 403);
    res = await jar.fetch(`${base}/logout`, {
      method: 'POST',
      headers: { ...HTML, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: token ?? '' }).toString(),
    });
    const end = new URL(res.headers.get('location') ?? '/', base);
    row(
      'POST /logout with the token',
      `${res.status} → ${end.origin}${end.pathname}`,
      res.status === 302 && end.href.startsWith(idp.endSessionEndpoint),
    );
    res = await jar.fetch(`${base}/session`, { headers: JSON_ACCEPT });
    row('GET /session after logout', `${res.status}`, res.status === 401);
  } catch (error) {
    row('(error)', String(error?.message ?? error), false);
  }
  return rows;
}

/** Prints the rows of each app (web login, resource server): step, what came back, PASS or FAIL. */
export function printWebLogin(results, { green, red }, out = console.log, width = 36) {
  for (const { app, rows } of results) {
    out(`  ${app.name} (${app.baseUrl})`);
    for (const r of rows)
      out(`    ${r.pass ? green('PASS') : red('FAIL')}  ${r.step.padEnd(width)} ${r.got}`);
  }
  out('');
}
