#!/usr/bin/env node
// `pnpm test:browser`: the web login of every demo app in a real browser (Debian's chromium driven by
// playwright-core). Per app: /profile → the dev IdP's login form → back on /profile showing the user;
// reload; a second tab; logout through the confirmation page (and the IdP's); /profile redirects
// again; a login with max_age=0 makes the IdP ask again although its session is live; /security
// (step-up) sends the browser back through the IdP with acr_values and then shows the level. A screenshot
// per step goes to reports/browser-tour/<app>/ (git-ignored); the checks read page content, not pixels.
// Env: CHROMIUM (default /usr/bin/chromium), BROWSER_APPS (comma-separated names), HEADED=1.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { tsImport } from 'tsx/esm/api';
import { freePort, killNow, startApp, stopApp } from './demo/apps.mjs';

/**
 * The demo apps with web login. Another framework's demo joins with one row: its directory, the
 * command that starts its `src/main.ts` from source (tsx: no build needed) and any environment.
 */
export const BROWSER_APPS = [
  { name: 'express', dir: 'apps/express-demo', start: ['node', '--import', 'tsx', 'src/main.ts'], env: {} },
  { name: 'fastify', dir: 'apps/fastify-demo', start: ['node', '--import', 'tsx', 'src/main.ts'], env: {} },
  { name: 'hono', dir: 'apps/hono-demo', start: ['node', '--import', 'tsx', 'src/main.ts'], env: {} },
  // Nest from its build: esbuild (tsx) drops the decorator metadata Nest's injection reads.
  {
    name: 'nest-express',
    dir: 'apps/nest-demo',
    start: ['node', 'dist/main.js'],
    env: { NEST_PLATFORM: 'express' },
  },
  {
    name: 'nest-fastify',
    dir: 'apps/nest-demo',
    start: ['node', 'dist/main.js'],
    env: { NEST_PLATFORM: 'fastify' },
  },
];

const root = fileURLToPath(new URL('..', import.meta.url));
const { BROWSER_APPS: ONLY, CHROMIUM, HEADED } = process.env;
const executablePath = CHROMIUM ?? '/usr/bin/chromium';
const shotsRoot = `${root}reports/browser-tour`;
const started = [];
let idp;
let browser;

const green = (s) => `\x1b[32m${s}\x1b[0m`;
const red = (s) => `\x1b[31m${s}\x1b[0m`;

class TourError extends Error {}
function check(condition, message) {
  if (!condition) throw new TourError(message);
}

async function cleanup() {
  await browser?.close().catch(() => {});
  await Promise.allSettled(started.map((app) => stopApp(app)));
  await idp?.stop().catch(() => {});
}
process.on('exit', () => {
  for (const app of started) killNow(app);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    cleanup().finally(() => process.exit(130));
  });
}

/** On the dev IdP's login form: pick `user` and submit. */
async function signInAtIdp(page, user) {
  await page.waitForSelector('select[name="login"]', { timeout: 15_000 });
  await page.selectOption('select[name="login"]', user);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
}

/** Runs the tour for one app; returns the list of steps passed. Throws TourError on a failed check. */
async function tour(app, shots) {
  const base = app.baseUrl;
  const idpOrigin = new URL(idp.issuer).origin;
  const context = await browser.newContext();
  const page = await context.newPage();
  const steps = [];
  // Whatever fails, the page as it was is kept beside the steps.
  tour.lastPage = page;
  const step = async (name, target = page) => {
    await target.screenshot({
      path: `${shots}/${String(steps.length + 1).padStart(2, '0')}-${name}.png`,
      fullPage: true,
    });
    steps.push(name);
  };
  const text = (target = page) => target.locator('body').textContent();

  // 1. /profile without a session → the dev IdP's login form.
  await page.goto(`${base}/profile`);
  check(page.url().startsWith(idpOrigin), `/profile did not go to the IdP (at ${page.url()})`);
  check((await text()).includes('sign in'), 'the IdP login form is not shown');
  await step('idp-login-form');

  // 2. Sign in (consent is granted by the dev IdP for its first-party clients) → back on /profile.
  await signInAtIdp(page, 'alice');
  await page.waitForURL(`${base}/profile`, { timeout: 15_000 });
  const profile = await text();
  for (const want of ['alice', 'Alice Admin', 'alice@example.test', 'admin', 'org_1']) {
    check(profile.includes(want), `/profile does not show ${want}`);
  }
  check((await page.locator('form[action="/logout"] button').count()) > 0, '/profile has no logout button');
  await step('profile');

  // 3. Reload: the session persists.
  await page.reload();
  check(
    page.url() === `${base}/profile` && (await text()).includes('Alice Admin'),
    'the session did not survive a reload',
  );
  await step('profile-reloaded');

  // 4. A second tab shares the session; /session is its JSON.
  const second = await context.newPage();
  await second.goto(`${base}/profile`);
  check(
    second.url() === `${base}/profile` && (await text(second)).includes('Alice Admin'),
    'the second tab is not logged in',
  );
  await step('second-tab', second);
  await second.goto(`${base}/session`);
  const json = JSON.parse(await text(second));
  check(json.subject === 'alice' && json.email === 'alice@example.test', '/session is not alice');
  await step('session-json', second);
  await second.close();

  // 5. Log out through the confirmation page (a GET never logs out), then the IdP's own confirmation.
  await page.goto(`${base}/logout`);
  check((await text()).includes('Log out'), 'no logout confirmation page');
  await step('logout-confirm');
  await Promise.all([page.waitForLoadState('load'), page.click('form[action="/logout"] button')]);
  if (page.url().startsWith(idpOrigin)) {
    // oidc-provider asks before ending its own session (RP-initiated logout).
    await step('idp-logout-confirm');
    const yes = page.locator('button[name="logout"][value="yes"], button:has-text("Yes")');
    if ((await yes.count()) > 0)
      await Promise.all([page.waitForURL(`${base}/**`, { timeout: 15_000 }), yes.first().click()]);
  }
  check(page.url().startsWith(base), `logout did not come back to the app (at ${page.url()})`);
  await step('logged-out');
  const anonymous = await page.request.get(`${base}/session`, { headers: { accept: 'application/json' } });
  check(anonymous.status() === 401, `/session after logout is ${anonymous.status()}, not 401`);

  // 6. /profile redirects to login again.
  await page.goto(`${base}/profile`);
  check(page.url().startsWith(idpOrigin), '/profile after logout did not redirect to the IdP');
  await step('profile-redirects-again');
  await signInAtIdp(page, 'alice');
  await page.waitForURL(`${base}/profile`, { timeout: 15_000 });

  // 7. max_age=0: the IdP has a live session, yet asks for the sign-in again.
  await page.goto(`${base}/login?max_age=0&returnTo=%2Fprofile`);
  check(page.url().startsWith(idpOrigin), 'login with max_age=0 did not go to the IdP');
  check(
    (await page.locator('select[name="login"]').count()) > 0,
    'max_age=0: the IdP did not ask to sign in again',
  );
  await step('max-age-0-login-form');
  await signInAtIdp(page, 'alice');
  await page.waitForURL(`${base}/profile`, { timeout: 15_000 });
  check((await text()).includes('Alice Admin'), 'after signing in again /profile does not show alice');
  await step('profile-after-reauth');

  // 8. Step-up: /security needs a second factor; the password session goes back through login with
  //    acr_values, the IdP asks again (its session is below that level), and the page shows the level.
  await page.goto(`${base}/security`);
  check(page.url().startsWith(idpOrigin), '/security did not send the password session to the IdP');
  check((await text()).includes('second factor'), 'step-up: the IdP did not ask for the second factor');
  await step('step-up-idp-form');
  await signInAtIdp(page, 'alice');
  await page.waitForURL(`${base}/security`, { timeout: 15_000 });
  check((await text()).includes('urn:dev-idp:loa:2'), 'after step-up /security does not show the MFA level');
  await step('security-after-step-up');

  await context.close();
  return steps;
}

async function main() {
  if (!existsSync(executablePath)) {
    console.error(
      red(
        `No Chromium at ${executablePath}: install Debian's package (apt-get install -y chromium) or set CHROMIUM.`,
      ),
    );
    return false;
  }
  const wanted = ONLY?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const apps = BROWSER_APPS.filter((a) => !wanted || wanted.includes(a.name));
  if (apps.length === 0) {
    console.error(red(`No app matches BROWSER_APPS=${ONLY}`));
    return false;
  }
  // Free ports chosen first: the IdP's demo-web client must list each app's redirect URI.
  for (const app of apps) app.port = await freePort();
  const { startDevIdp } = await tsImport(`${root}apps/dev-idp/src/index.ts`, import.meta.url);
  idp = await startDevIdp({
    port: 0,
    demoRedirectUris: apps.map((a) => `http://127.0.0.1:${a.port}/callback`),
  });
  browser = await chromium.launch({
    executablePath,
    headless: HEADED !== '1',
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  console.log(`dev IdP ${idp.issuer}; chromium ${browser.version()}\n`);
  let ok = true;
  for (const app of apps) {
    const shots = `${shotsRoot}/${app.name}`;
    rmSync(shots, { recursive: true, force: true });
    mkdirSync(shots, { recursive: true });
    const t0 = Date.now();
    let running;
    try {
      running = await startApp({ ...app, dir: `${root}${app.dir}` }, idp, { track: (r) => started.push(r) });
      const steps = await tour(running, shots);
      console.log(
        green(`  ✓ ${app.name}: ${steps.length} steps in ${Date.now() - t0} ms (${steps.join(', ')})`),
      );
    } catch (error) {
      ok = false;
      await tour.lastPage?.screenshot({ path: `${shots}/failed.png`, fullPage: true }).catch(() => {});
      console.log(
        red(`  ✗ ${app.name}: ${error instanceof TourError ? error.message : (error?.stack ?? error)}`),
      );
      if (running?.output) console.log(running.output.trim().replace(/^/gm, '    | '));
    } finally {
      if (running) await stopApp(running);
    }
    console.log(`    screenshots: ${shots.slice(root.length)}/`);
  }
  return ok;
}

let exitCode = 1;
const t0 = Date.now();
try {
  exitCode = (await main()) ? 0 : 1;
} catch (error) {
  console.error(red(`browser tour failed: ${error?.stack ?? error}`));
} finally {
  await cleanup();
}
console.log(
  `\n${exitCode === 0 ? green('browser tour passed') : red('browser tour failed')} in ${Date.now() - t0} ms`,
);
process.exit(exitCode);
