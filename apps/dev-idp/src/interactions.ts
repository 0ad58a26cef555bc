/// <reference path="./oidc-provider.d.ts" />
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InteractionDetails, Provider } from 'oidc-provider';
import type { DemoUser } from './accounts.ts';

/** A dev login is a one-click "password" login: ID tokens carry this `acr` and `amr`. */
export const LOGIN_ACR = { acr: 'urn:dev-idp:loa:1', amr: ['pwd'] };
/**
 * Step-up: a login asked for with `acr_values` naming this level also passes a (simulated, always
 * accepted) second factor: ID tokens carry this `acr` and `amr`.
 */
export const MFA_ACR = { acr: 'urn:dev-idp:loa:2', amr: ['pwd', 'otp'] };
/** The acr values the dev IdP can produce, weakest first. */
export const ACR_VALUES = [LOGIN_ACR.acr, MFA_ACR.acr];

/** The strongest level the request's `acr_values` asks for that the dev IdP has, else the password one. */
export function acrFor(params: Record<string, unknown>): typeof LOGIN_ACR {
  const asked = typeof params.acr_values === 'string' ? params.acr_values.split(' ') : [];
  return asked.includes(MFA_ACR.acr) ? MFA_ACR : LOGIN_ACR;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid: string, users: Record<string, DemoUser>, notice = '', stepUp = false): string {
  const options = Object.values(users)
    .map((u) => `<option value="${escapeHtml(u.id)}">${escapeHtml(u.id)} (${escapeHtml(u.name)})</option>`)
    .join('');
  return `<!doctype html><meta charset="utf-8"><title>dev-idp login</title>
<h1>dev-idp: sign in</h1>${notice ? `<p>${escapeHtml(notice)}</p>` : ''}${
    stepUp ? '<p>This app asks for a second factor: it is simulated and accepted with the sign-in.</p>' : ''
  }
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>User <select name="login">${options}</select></label> <button type="submit">Sign in</button>
</form>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16_384) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// Dev clients are first-party: consent is granted automatically for whatever is missing.
async function grantConsent(
  provider: Provider,
  details: InteractionDetails,
): Promise<Record<string, unknown>> {
  const { prompt, params, session, grantId } = details;
  const grant =
    (grantId ? await provider.Grant.find(grantId) : undefined) ??
    new provider.Grant({ accountId: session?.accountId ?? '', clientId: String(params.client_id) });
  const d = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
  if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(d.missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes.join(' '));
  }
  const saved = await grant.save();
  return { consent: grantId ? {} : { grantId: saved } };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * Handles `/interaction/:uid` (login form or `login_hint` auto-login, then auto-consent) and
 * `POST /interaction/:uid/login`. Returns false when the path is not an interaction route.
 */
export async function handleInteraction(
  provider: Provider,
  users: Record<string, DemoUser>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(path);
  if (!match) return false;
  const uid = match[1] ?? '';
  try {
    const details = await provider.interactionDetails(req, res);
    if (match[2]) {
      const login = req.method === 'POST' ? ((await readForm(req)).get('login') ?? '') : '';
      if (users[login]) {
        const level = acrFor(details.params);
        await provider.interactionFinished(req, res, { login: { accountId: login, ...level } });
      } else {
        send(res, 400, 'text/html', loginPage(uid, users, 'Unknown user.'));
      }
      return true;
    }
    if (details.prompt.name === 'login') {
      const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
      if (users[hint]) {
        const level = acrFor(details.params);
        await provider.interactionFinished(req, res, { login: { accountId: hint, ...level } });
      } else {
        send(res, 200, 'text/html', loginPage(uid, users, '', acrFor(details.params) === MFA_ACR));
      }
      return true;
    }
    if (details.prompt.name === 'consent') {
      await provider.interactionFinished(req, res, await grantConsent(provider, details), {
        mergeWithLastSubmission: true,
      });
      return true;
    }
    send(res, 400, 'text/plain', `unsupported prompt: ${details.prompt.name}`);
  } catch (err) {
    send(res, 400, 'text/plain', `interaction failed: ${(err as Error).message}`);
  }
  return true;
}
