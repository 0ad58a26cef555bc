/**
 * The demo apps' HTML pages (home, profile) and the layout their login pages share: plain, readable,
 * every interpolated value escaped. Each framework's demo renders the same pages, so the browser tour
 * reads them the same way everywhere.
 */
import type { Principal } from '@auth/core';

/** The identity part of a login session the pages show. */
export interface ProfileUser {
  subject: string;
  name: string | undefined;
  email: string | undefined;
  groups: readonly string[];
  organizations: Principal['organizations'];
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for HTML content and quoted attributes. */
export const escapeHtml = (value: unknown): string =>
  String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/** The page around every demo page (also `renderPage` of the login routes): `body` is HTML already escaped. */
export function demoLayout({ title, body }: { title: string; body: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · auth demo</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#222;background:#f6f7f9}
header{display:flex;justify-content:space-between;align-items:center;margin-bottom:1rem}
header a{margin-left:1rem}main{background:#fff;border:1px solid #dde;border-radius:8px;padding:1.5rem 2rem}
h1{font-size:1.5rem;margin-top:0}dt{font-weight:600}dd{margin:0 0 .7rem}ul{margin:.2rem 0}
button{font:inherit;padding:.4rem 1.2rem;border-radius:6px;border:1px solid #889;background:#eef;cursor:pointer}
code{background:#f0f0f4;padding:0 .3rem;border-radius:4px}
</style></head>
<body><header><strong>auth demo</strong><nav><a href="/">Home</a><a href="/profile">Profile</a></nav></header>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>
`;
}

const list = (items: readonly string[]) =>
  items.length === 0 ? '<em>none</em>' : `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;

/**
 * GET /profile: who is logged in, their groups and organizations, and a logout button; `apiCall` is a
 * line about the server-side API call made with the session's access token (plain text).
 */
export function profilePage(user: ProfileUser, logoutPath = '/logout', apiCall?: string): string {
  const orgs = user.organizations.map((o) => `${o.id}: ${o.scopes.join(' ') || '(no scopes)'}`);
  return demoLayout({
    title: `Hello, ${user.name ?? user.subject}`,
    body: `<dl>
<dt>Subject</dt><dd><code>${escapeHtml(user.subject)}</code></dd>
<dt>Name</dt><dd>${escapeHtml(user.name ?? '(none)')}</dd>
<dt>Email</dt><dd>${escapeHtml(user.email ?? '(none)')}</dd>
<dt>Groups</dt><dd>${list(user.groups)}</dd>
<dt>Organizations</dt><dd>${list(orgs)}</dd>
</dl>
${apiCall === undefined ? '' : `<p>Server-side API call with your access token: <code>${escapeHtml(apiCall)}</code></p>\n`}<p><a href="/session">This session as JSON</a></p>
<form method="post" action="${escapeHtml(logoutPath)}"><button type="submit">Log out</button></form>
<p><a href="${escapeHtml(logoutPath)}">Log out with a confirmation page</a></p>`,
  });
}

/**
 * The acr a web page with step-up demands (`GET /security`): the dev IdP's second-factor level. A
 * password session is sent back through login with `acr_values`; the dev IdP asks again.
 */
export const SECURITY_ACR_VALUES: readonly string[] = Object.freeze(['urn:dev-idp:loa:2']);

/** GET /security: a page behind step-up, showing the login's level (`acr`, `amr`). */
export function securityPage(user: ProfileUser & { claims: Readonly<Record<string, unknown>> }): string {
  const amr = Array.isArray(user.claims.amr) ? user.claims.amr.map(String) : [];
  return demoLayout({
    title: 'Security settings',
    body: `<p>This page needs a second factor (step-up): you signed in at level
<code>${escapeHtml(String(user.claims.acr ?? '(none)'))}</code> with ${list(amr)}</p>
<p><a href="/profile">Back to your profile</a></p>`,
  });
}

/** GET /: links to the login pages. */
export function homePage(): string {
  return demoLayout({
    title: 'Welcome',
    body: `<p>This demo serves the contract's API (bearer tokens only) and a web login.</p>
<ul><li><a href="/profile">Your profile</a> (asks you to log in)</li>
<li><a href="/security">Security settings</a> (step-up: asks for a second factor)</li>
<li><a href="/login">Log in</a> · <a href="/logout">Log out</a></li>
<li><a href="/session">The session as JSON</a></li></ul>`,
  });
}
