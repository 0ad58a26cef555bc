import type { DemoUser } from './accounts.ts';
import { apiScopes, type DemoClient, toClientMetadata } from './clients.ts';
import type { SigningJwk } from './keys.ts';
import type { AdapterClass } from './memory-adapter.ts';
import { ACR_VALUES, MFA_ACR } from './interactions.ts';

export const API_AUDIENCE = 'api://demo';
const WEB_LOGIN_CLIENTS = new Set(['web-post', 'web-public', 'web-jwt']);

export interface ProviderConfigInput {
  keys: SigningJwk[];
  clients: Record<string, DemoClient>;
  users: Record<string, DemoUser>;
  adapter: AdapterClass;
  cookieKeys: string[];
  /** 32 bytes: the DPoP nonce secret; with it every DPoP proof must carry the server's nonce */
  dpopNonceSecret?: Buffer;
  /** oidc-provider's `interactionPolicy` (for the step-up check on the login prompt). */
  interactionPolicy?: typeof import('oidc-provider').interactionPolicy;
}

/**
 * The audience of a token for a requested resource (RFC 8707): a loopback http(s) URL (a resource
 * server on 127.0.0.1 or localhost, e.g. an MCP server in a test) is its own audience; anything else
 * (or no resource) is the demo API.
 */
export function audienceFor(resourceIndicator: string | undefined): string {
  if (!resourceIndicator || !URL.canParse(resourceIndicator)) return API_AUDIENCE;
  const url = new URL(resourceIndicator);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  return loopback && (url.protocol === 'http:' || url.protocol === 'https:')
    ? resourceIndicator
    : API_AUDIENCE;
}

/**
 * The login prompt plus a step-up check: `acr_values` naming the MFA level while the IdP session is
 * at a lower one asks for a new sign-in (oidc-provider itself only does so for an essential `acr`
 * in the `claims` parameter).
 */
function loginPolicy(policy: NonNullable<ProviderConfigInput['interactionPolicy']>) {
  const prompts = policy.base();
  const { Check } = policy;
  prompts.get('login')?.checks.push(
    new Check('acr_values_step_up', 'the session is below the requested acr_values', (ctx) => {
      const asked =
        typeof ctx.oidc.params.acr_values === 'string' ? ctx.oidc.params.acr_values.split(' ') : [];
      return asked.includes(MFA_ACR.acr) && ctx.oidc.acr !== MFA_ACR.acr
        ? Check.REQUEST_PROMPT
        : Check.NO_NEED_TO_PROMPT;
    }),
  );
  return prompts;
}

interface TokenLike {
  accountId?: string;
  clientId?: string;
}

interface RenderCtx {
  type: string;
  body: unknown;
}

/** The oidc-provider configuration of the dev IdP (keys first in `keys` sign new tokens). */
export function buildProviderConfig(input: ProviderConfigInput): Record<string, unknown> {
  const { clients, users } = input;
  const byClientId = new Map(Object.values(clients).map((c) => [c.clientId, c]));

  return {
    adapter: input.adapter,
    clients: Object.values(clients).map(toClientMetadata),
    jwks: { keys: input.keys },
    cookies: { keys: input.cookieKeys },
    scopes: ['openid', 'offline_access', 'profile', 'email', ...apiScopes],
    // acr, auth_time, sid and iss are oidc-provider's defaults, kept when `claims` is given.
    claims: {
      acr: null,
      auth_time: null,
      sid: null,
      iss: null,
      // Released with `openid` (not only when asked for with acr_values / max_age): an app can tell
      // the level of every login, and step-up (requireLogin({ acr })) sees it from the first one.
      openid: ['sub', 'acr', 'amr', 'auth_time'],
      profile: ['name', 'groups', 'organizations'],
      email: ['email'],
    },
    acrValues: ACR_VALUES,
    async findAccount(_ctx: unknown, id: string) {
      const user = users[id];
      if (!user) return undefined;
      return {
        accountId: user.id,
        async claims() {
          return {
            sub: user.id,
            name: user.name,
            email: user.email,
            groups: user.groups,
            organizations: user.organizations,
          };
        },
      };
    },
    // groups and organizations on every access token: from the user (code flow) or the client (M2M).
    async extraTokenClaims(_ctx: unknown, token: TokenLike) {
      const owner = token.accountId ? users[token.accountId] : byClientId.get(token.clientId ?? '');
      return { groups: owner?.groups ?? [], organizations: owner?.organizations ?? [] };
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
      ...(input.interactionPolicy ? { policy: loginPolicy(input.interactionPolicy) } : {}),
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      backchannelLogout: { enabled: true },
      // DPoP (RFC 9449): a token request with a proof gets a DPoP-bound token (`cnf.jkt` in the JWT).
      // With a nonce secret every proof must carry the server's nonce (`use_dpop_nonce` otherwise).
      dPoP: input.dpopNonceSecret
        ? { enabled: true, nonceSecret: input.dpopNonceSecret, requireNonce: () => true }
        : { enabled: true },
      // Dev policy: any authenticated confidential client may introspect any token (a resource
      // server introspecting others' tokens); a client may revoke only its own tokens.
      introspection: { enabled: true, allowedPolicy: async () => true },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx: unknown, client: TokenLike, token: TokenLike) =>
          token.clientId === client.clientId,
      },
      resourceIndicators: {
        enabled: true,
        // client_credentials and code requests without `resource` still get an API JWT.
        // The web-login clients (not `web`, which loginAs uses) get a token for the API only when they
        // ask with `resource`; without it an opaque token, good at the userinfo endpoint.
        defaultResource: (_ctx: unknown, client: { clientId: string }) =>
          WEB_LOGIN_CLIENTS.has(client.clientId) ? undefined : API_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resourceIndicator: string) => ({
          scope: apiScopes.join(' '),
          audience: audienceFor(resourceIndicator),
          accessTokenFormat: 'jwt',
          accessTokenTTL: 3600,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      ClientCredentials: 3600,
      IdToken: 3600,
      Interaction: 600,
      Session: 86_400,
      Grant: 86_400,
      RefreshToken: 86_400,
    },
    clientBasedCORS: () => true,
    // oidc-provider's outgoing requests (back-channel logout) refuse loopback addresses (SSRF guard);
    // the dev apps it calls live on 127.0.0.1, so the dev IdP sends them with the plain fetch.
    fetch: (url: string | URL, { dispatcher: _guard, ...options }: RequestInit & { dispatcher?: unknown }) =>
      globalThis.fetch(url, options),
    async renderError(ctx: RenderCtx, out: Record<string, unknown>) {
      ctx.type = 'json';
      ctx.body = out;
    },
  };
}
