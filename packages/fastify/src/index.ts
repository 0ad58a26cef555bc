import './augment.ts';

export { fastifyAuth, fastifyAuth as default } from './plugin.ts';
export type { FastifyAuthorizers } from './plugin.ts';
export type { FastifyAuthOptions, FastifyAuthPluginSettings } from './options.ts';
export type { RouteAuthConfig } from './route-config.ts';
export type { AuthHook } from './hooks.ts';
export { replyAuthError } from './reply.ts';
// Convenience re-export: the org id from `request.params` for requireOrgPermission / requireOrgRole.
export { orgParam } from '@auth/core';
export { fastifyWebAuth, requireLogin, requireLoginWith } from './web-auth.ts';
export type { FastifyWebAuthOptions, LoginHook, WebLoginState } from './web-auth.ts';
export { protectedResourceMetadata } from './metadata.ts';
export { readinessHandler } from './readiness.ts';
// The error `app.ready()` / `listen()` reject with when `startup: 'fail'` cannot fetch the keys.
export { StartupError } from '@auth/core';
