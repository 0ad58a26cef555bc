#!/usr/bin/env node
// `pnpm demo`: the tour. Starts the dev IdP, gets a token for each demo client and checks/prints its
// claims; then starts every demo app declared in apps/*/package.json ("demo" field), calls every
// route of the contract's demo API with the right, wrong and no credentials, and prints a table.
// Exits 0 only if everything matched. Stops everything it started, also on Ctrl-C / SIGTERM.
// Then the web login of every app declaring `"webLogin": true`, headless, and the URLs to open; and the
// user administration of @auth/aws on every app declaring `"userAdmin": true`, against cognito-local.
// Then, per app, the resource-server rows (RFC 9728 metadata, a DPoP call to GET /payments, the same
// token as Bearer refused, a step-up challenge), and the web login of every app declaring
// `"webLogin": true`, headless, and the URLs to open.
// Env: DEMO_IDP_PORT (default: a free port), DEMO_APPS (comma-separated names to run), DEMO_TIMEOUT_MS,
// DEMO_KEEP=1 (keep everything running after the tour, for a person to try the URLs, until Ctrl-C).
import { fileURLToPath } from 'node:url';
import { discoverApps, freePort, killNow, portFree, startApp, stopApp } from './demo/apps.mjs';
import { cases, forge, runCase } from './demo/cases.mjs';
import { startCognito, userAdminTour } from './demo/cognito.mjs';
import { printIdpRows, startIdp, tourIdp } from './demo/idp.mjs';
import { documentCases, pdpDownCases, startPdp } from './demo/pdp.mjs';
import { cell, green, printTable, red } from './demo/table.mjs';
import { resourceServerTour } from './demo/resource-server.mjs';
import { printWebLogin, webLoginTour } from './demo/web-login.mjs';

const { DEMO_APPS, DEMO_IDP_PORT, DEMO_KEEP, DEMO_TIMEOUT_MS } = process.env;
const appsDir = fileURLToPath(new URL('../apps', import.meta.url));
const started = [];
let idp;
let pdp;
let cognito;
let stopping;

async function cleanup() {
  stopping ??= (async () => {
    await Promise.allSettled(started.map((app) => stopApp(app)));
    await idp?.stop().catch(() => {});
    await pdp?.stop().catch(() => {});
    await (await cognito?.catch(() => undefined))?.stop().catch(() => {});
  })();
  return stopping;
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping everything the demo started…`);
    cleanup().finally(() => process.exit(code));
  });
}
// Whatever happens, no child outlives the tour.
process.on('exit', () => {
  for (const app of started) killNow(app);
});

async function main() {
  let ok = true;
  const wanted = DEMO_APPS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const apps = discoverApps(appsDir).filter((a) => !wanted || wanted.includes(a.name));
  // cognito-local for the apps mounting the admin routes: started now, awaited before they start.
  const timeoutMs = Number(DEMO_TIMEOUT_MS ?? 60_000);
  if (apps.some((a) => a.userAdmin)) {
    cognito = startCognito({ timeoutMs });
    cognito.catch(() => {}); // awaited below; no unhandled rejection meanwhile
  }
  // Ports first (the declared one when free): the IdP's demo-web client must list each /callback.
  for (const app of apps) app.port = app.port && (await portFree(app.port)) ? app.port : await freePort();
  idp = await startIdp(Number(DEMO_IDP_PORT ?? 0), {
    demoRedirectUris: apps.map((a) => `http://127.0.0.1:${a.port}/callback`),
  });
  const { tokens, rows } = await tourIdp(idp);
  console.log(
    '== dev identity provider: a token per demo client (client_credentials), then the code flow ==\n',
  );
  printIdpRows(idp, rows);
  if (!rows.every((r) => r.pass)) ok = false;

  if (apps.length === 0) {
    console.log(
      wanted
        ? `No demo app matches DEMO_APPS=${DEMO_APPS}: IdP part only.`
        : 'No demo apps declared yet (apps/*/package.json "demo" field): IdP part only.',
    );
    return ok;
  }

  // The AuthZEN decision point of GET|DELETE /documents/:id; the apps read PDP_URL.
  pdp = await startPdp();
  process.env.PDP_URL = pdp.url;
  console.log(`== dev decision point (AuthZEN 1.0) on ${pdp.url} ==\n`);
  console.log(`== demo apps: ${apps.map((a) => a.name).join(', ')} ==\n`);
  // Without the emulator the apps start as usual (no /admin/users) and the admin tour counts as failed.
  let emulator;
  if (cognito) {
    try {
      emulator = await cognito;
    } catch (err) {
      ok = false;
      console.log(
        red(`  cognito-local could not start (no user-administration tour): ${err?.message ?? err}`),
      );
    }
  }
  const cognitoEnv = emulator?.env ?? {};
  const start = async (app) => {
    if (app.userAdmin) app = { ...app, env: { ...app.env, ...cognitoEnv } };
    const running = await startApp(app, idp, { timeoutMs, track: (r) => started.push(r) });
    console.log(`  started ${app.name} on ${running.baseUrl}`);
    return running;
  };
  // Apps declaring `"upstream": true` start second, pointed at another running app's /items.
  const first = await Promise.allSettled(apps.filter((a) => !a.upstream).map(start));
  const upstreamTarget = first.find((r) => r.status === 'fulfilled')?.value;
  const second = await Promise.allSettled(
    apps
      .filter((a) => a.upstream)
      .map((app) => {
        if (!upstreamTarget) return start(app);
        const upstreamUrl = `${upstreamTarget.baseUrl}/items`;
        return start({ ...app, upstreamUrl, env: { ...app.env, UPSTREAM_ITEMS_URL: upstreamUrl } });
      }),
  );
  const ordered = [...apps.filter((a) => !a.upstream), ...apps.filter((a) => a.upstream)];
  const results = [...first, ...second];
  apps.splice(0, apps.length, ...ordered);
  const running = [];
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') running.push(result.value);
    else {
      ok = false;
      console.log(red(`  could not start ${apps[i].name}:`));
      console.log(String(result.reason?.message ?? result.reason).replace(/^/gm, '    '));
    }
  });
  console.log('');
  if (running.length === 0) return false;

  const allTokens = { ...tokens, forged: forge(tokens.reader, tokens.writer) };
  const tableRows = [];
  const failures = [];
  const run = [...cases, ...documentCases, ...pdpDownCases];
  for (const kase of run) {
    // The PDP-down rows: stop the decision point first (once).
    if (pdpDownCases.includes(kase) && pdp) {
      await pdp.stop();
      pdp = undefined;
    }
    const cells = [];
    for (const app of running) {
      const result = await runCase(kase, app, allTokens);
      cells.push(cell(result, kase.status));
      if (!result.skipped && !result.pass) {
        ok = false;
        failures.push(`${app.name}: ${kase.route} with ${kase.cred}: ${result.note}`);
      }
    }
    tableRows.push({ route: kase.route, cred: kase.cred, cells });
  }
  printTable(
    running.map((a) => a.name),
    tableRows,
  );
  if (failures.length > 0) {
    console.log('\nMismatches:');
    for (const f of failures) console.log(`  ${f}`);
  }

  const withAdmin = running.filter((app) => app.userAdmin);
  if (withAdmin.length > 0 && emulator) {
    console.log(
      `\n== user administration (@auth/aws) on cognito-local ${emulator.cognito.endpoint}: ${withAdmin.map((a) => a.name).join(', ')} ==\n`,
    );
    const t0 = performance.now();
    const tour = await userAdminTour(withAdmin, emulator, cell);
    printTable(
      withAdmin.map((a) => a.name),
      tour.rows,
    );
    const tourMs = Math.round(performance.now() - t0);
    console.log(
      `(cognito-local seeded and admins signed in: ${emulator.startMs} ms, alongside the IdP; these calls: ${tourMs} ms)`,
    );
    if (!tour.ok) {
      ok = false;
      console.log('\nMismatches:');
      for (const f of tour.failures) console.log(`  ${f}`);
    }
  }
  console.log(
    `\n== resource server: RFC 9728 metadata, DPoP, step-up (${running.map((a) => a.name).join(', ')}) ==\n`,
  );
  const served = [];
  for (const app of running) served.push({ app, rows: await resourceServerTour(app, idp) });
  printWebLogin(served, { green, red }, console.log, 42);
  if (!served.every((r) => r.rows.every((row) => row.pass))) ok = false;

  const withLogin = running.filter((app) => app.webLogin);
  if (withLogin.length > 0) {
    console.log(`\n== web login, headless: ${withLogin.map((a) => a.name).join(', ')} ==\n`);
    const results = [];
    for (const app of withLogin) results.push({ app, rows: await webLoginTour(app, idp) });
    printWebLogin(results, { green, red });
    if (!results.every((r) => r.rows.every((row) => row.pass))) ok = false;
    console.log('Try it in a browser (user alice or bob):');
    for (const app of withLogin) console.log(`  ${app.name.padEnd(14)} ${app.baseUrl}/profile`);
    console.log(
      DEMO_KEEP === '1'
        ? `  (the dev IdP ${idp.issuer} and the apps keep running: Ctrl-C stops them)`
        : '  (with DEMO_KEEP=1 the tour keeps the IdP and the apps running for that; now they stop)',
    );
  }
  return ok;
}

let exitCode = 1;
try {
  const ok = await main();
  console.log(`\n${ok ? green('demo: all checks passed') : red('demo: some checks failed')}`);
  exitCode = ok ? 0 : 1;
  if (DEMO_KEEP === '1') await new Promise(() => {}); // until Ctrl-C (the signal handlers stop everything)
} catch (err) {
  console.error(red(`demo failed: ${err?.stack ?? err}`));
} finally {
  await cleanup();
}
process.exit(exitCode);
