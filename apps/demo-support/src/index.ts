// demo-support (private): the plumbing the demo apps share, so each app shows only its adapter wiring.
export { type DemoAuth, demoAuthFromEnv, describeIssuers } from './env.ts';
export { demoProjects, items, nextItem } from './data.ts';
export { type PrincipalJson, principalJson } from './principal-json.ts';
export {
  demoLayout,
  escapeHtml,
  homePage,
  profilePage,
  type ProfileUser,
  SECURITY_ACR_VALUES,
  securityPage,
} from './pages.ts';
export { webLoginFromEnv } from './web-env.ts';
export { demoDocuments, demoPdpUrl, documentsPolicy, findDocument } from './documents.ts';
export { PAYMENTS_ACR_VALUES, paymentsJson } from './payments.ts';
export { type DemoFleet, demoFleetFromEnv, limitApiKeyFailures } from './fleet.ts';
export { DEMO_SCOPES, resourceServerFromEnv } from './resource-server.ts';
