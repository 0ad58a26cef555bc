// The user-administration part of the tour: cognito-local (started in-process through tsx, seeded with
// a pool, app clients, groups and two signed-in admins: packages/aws/scripts/demo-cognito.ts), then, on
// every app declaring `"userAdmin": true`, the admin API of @auth/aws: create, update and list users as
// an INTERNAL_ADMIN and as a CLIENT_ADMIN of `acme`, and the CLIENT_ADMIN's 403s across clients.
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const entry = fileURLToPath(new URL('../../packages/aws/scripts/demo-cognito.ts', import.meta.url));

/** { env (DEMO_COGNITO_* for the apps), tokens, cognito: { endpoint, userPoolId }, stop, startMs } */
export async function startCognito({ timeoutMs } = {}) {
  const t0 = performance.now();
  const { startDemoCognito } = await tsImport(entry, import.meta.url);
  const started = await startDemoCognito({ startTimeoutMs: timeoutMs });
  return { ...started, startMs: Math.round(performance.now() - t0) };
}

/** Runs the admin tour on each app; returns the table rows (one per call, one cell per app) and ok. */
export async function userAdminTour(apps, cognito, cell) {
  const { runAdminTour } = await tsImport(entry, import.meta.url);
  const perApp = [];
  for (const app of apps) perApp.push(await runAdminTour(app.baseUrl, cognito.tokens, app.name));
  const rows = perApp[0].map((first, i) => ({
    route: first.label,
    cred: first.who,
    cells: perApp.map((rs) => cell(rs[i], rs[i].expected)),
  }));
  const failures = perApp.flatMap((rs, a) =>
    rs.filter((r) => !r.pass).map((r) => `${apps[a].name}: ${r.who} ${r.label}: ${r.status} (${r.summary})`),
  );
  return { rows, failures, ok: failures.length === 0 };
}
