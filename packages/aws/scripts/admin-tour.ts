/**
 * `pnpm --filter @auth/aws tour`: the user-administration tour on cognito-local. Starts the emulator,
 * mounts userAdminRoutes on Express (as the README shows), signs in an INTERNAL_ADMIN and a CLIENT_ADMIN
 * of `acme`, then creates, updates and lists users as each, and shows the 403 of a cross-client update.
 * Prints one line per call; exits 1 if any status differs from the expected one.
 */
import { cognitoUsers } from '../src/index.ts';
import { startAdminApp } from '../test/support/admin-app.ts';
import { emulatorClient } from '../test/support/cognito-local.ts';
import { runAdminTour, startDemoCognito } from './demo-cognito.ts';

const demo = await startDemoCognito();
const { cognito } = demo;
const sdk = emulatorClient(cognito.endpoint);
const app = await startAdminApp(cognito, cognitoUsers({ userPoolId: cognito.userPoolId, client: sdk }));
let ok = false;
try {
  console.log(`cognito-local on ${cognito.endpoint}, pool ${cognito.userPoolId}; admin API on ${app.url}\n`);
  const rows = await runAdminTour(app.url, demo.tokens, 'tour');
  for (const r of rows)
    console.log(
      `${r.pass ? 'ok  ' : 'FAIL'} ${r.who.padEnd(15)} ${r.method.padEnd(5)} ${r.path.padEnd(48)} ${r.status} (expected ${r.expected}) ${r.summary}`,
    );
  ok = rows.every((r) => r.pass);
  console.log(ok ? '\nall as expected' : '\nSOME STEPS FAILED');
} finally {
  await app.close();
  sdk.destroy();
  await demo.stop();
}
process.exit(ok ? 0 : 1);
