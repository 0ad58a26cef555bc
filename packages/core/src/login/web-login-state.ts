/**
 * The logged-in user of one request, as every web-login adapter hands it to the app
 * (`req.webLogin`, `request.webLogin`, `c.var.webLogin`, `@WebUser()`).
 */
import type { Principal } from '../types.ts';
import type { Identity } from './identity.ts';
import type { LoginSession } from './session.ts';

/**
 * The logged-in user of a request: the session, who it is, and `save()` to write a refresh back.
 *
 * @example
 * app.get('/profile', requireLogin(), async (req, res) => {
 *   const user: WebLoginState = req.webLogin!;
 *   await user.save(); // before responding: a refresh during this request is written back
 *   res.send(`Hello ${user.identity.name}`);
 * });
 */
export interface WebLoginState {
  session: LoginSession;
  identity: Identity;
  /** A core Principal (ID token claims, granted scopes): every core policy applies to it. */
  principal: Principal;
  /** Writes the session back (Set-Cookie) if it refreshed during this request; call before responding. */
  save(): Promise<void>;
}
