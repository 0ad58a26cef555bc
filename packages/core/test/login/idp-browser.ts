/**
 * A browserless user agent for the dev IdP: follows the authorization redirects with a cookie jar,
 * signs in through the real login form (or `login_hint`), and stops at the app's redirect URI.
 */
export class Browser {
  readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0|expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Follows redirects from `start` until one targets `stopAt`; signs in as `user` on a login form. */
  async authorize(start: string | URL, stopAt: string, user = 'alice'): Promise<URL> {
    let next = new URL(start).href;
    let method = 'GET';
    let body: URLSearchParams | undefined;
    for (let hop = 0; hop < 15; hop++) {
      const res = await fetch(next, {
        method,
        body,
        redirect: 'manual',
        headers: { cookie: this.header() },
      });
      this.store(res);
      method = 'GET';
      body = undefined;
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.arrayBuffer();
        const target = new URL(location, next);
        if (target.href.startsWith(stopAt)) return target;
        next = target.href;
        continue;
      }
      const text = await res.text();
      const form = /<form method="post" action="([^"]+)"/.exec(text);
      if (res.status === 200 && form?.[1]) {
        next = new URL(form[1], next).href;
        method = 'POST';
        body = new URLSearchParams({ login: user });
        continue;
      }
      throw new Error(
        `authorize stopped at ${new URL(next).pathname} with ${res.status}: ${text.slice(0, 200)}`,
      );
    }
    throw new Error('authorize: too many redirects');
  }
}

/** Request cookies from a list of Set-Cookie values (what a browser would send back). */
export function cookieHeader(setCookie: readonly string[], previous = ''): string {
  const jar = new Map<string, string>();
  for (const part of previous.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) jar.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  for (const line of setCookie) {
    const pair = line.split(';', 1)[0] ?? '';
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    if (/Max-Age=0/.test(line)) jar.delete(name);
    else jar.set(name, pair.slice(eq + 1));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}
