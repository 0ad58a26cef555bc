#!/usr/bin/env node
// `pnpm demo:fleet`: one state for a fleet of replicas, on a real Redis. Starts redis-server on a free
// 127.0.0.1 port, the dev IdP, a counting proxy in front of the IdP's token endpoint, three replicas of
// express-demo with REDIS_URL set, and a round-robin proxy in front of them (node:http, below: each answer
// says which replica served it in `x-fleet-replica`). Then, as PASS/FAIL rows:
//  1. one token request for the fleet: 30 concurrent GET /items/upstream (each replica calls the API with
//     its client-credentials token, from the Redis TokenStore) → 1 request at the token endpoint;
//  2. a revocation on one replica (POST /revoke: the caller's own token) → 401 on every replica;
//  3. a web-login session created on one replica (GET /callback) served by the others (GET /session);
//  4. the failed-API-key limiter counting across replicas: FLEET_LIMIT (5) wrong keys spread over the
//     replicas, then 429 ERR_AUTH_RATE_LIMITED with Retry-After on any replica.
// Needs `redis-server` on PATH (apt-get install -y redis-server) and the built apps (the root script builds
// them). Exits 0 only if every row passed; stops everything it started, also on Ctrl-C.
import { randomBytes } from 'node:crypto';
import { createServer, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { discoverApps, freePort, killNow, startApp, stopApp } from './demo/apps.mjs';
import { startIdp } from './demo/idp.mjs';
import { startRedisServer } from './demo/redis.mjs';
import { green, red } from './demo/table.mjs';
import { Jar, signInAtIdp } from './demo/web-login.mjs';

const REPLICAS = 3;
const LIMIT = 5;
const appsDir = fileURLToPath(new URL('../apps', import.meta.url));
const started = [];
const servers = [];
let redis;
let idp;
let stopping;

async function cleanup() {
  stopping ??= (async () => {
    await Promise.allSettled(started.map((app) => stopApp(app)));
    for (const s of servers) s.closeAllConnections?.();
    await Promise.allSettled(servers.map((s) => new Promise((r) => s.close(r))));
    await idp?.stop().catch(() => {});
    await redis?.stop();
  })();
  return stopping;
}
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping everything the fleet demo started…`);
    cleanup().finally(() => process.exit(code));
  });
}
process.on('exit', () => {
  for (const app of started) killNow(app);
  if (redis?.child.exitCode === null) redis.child.kill('SIGKILL');
});

/** A node:http server on 127.0.0.1 at `port` (0: a free one). */
async function listen(handler, port = 0) {
  const server = createServer(handler);
  servers.push(server);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return `http://127.0.0.1:${server.address().port}`;
}

/** Forwards one request to `target` (an origin), adding `extra` headers to the answer. */
function forward(req, res, target, extra = {}) {
  const url = new URL(req.url, target);
  const upstream = request(
    url,
    { method: req.method, headers: { ...req.headers, host: url.host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...extra });
      answer.pipe(res);
    },
  );
  upstream.once('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end('{"status":502,"code":"ERR_BAD_GATEWAY","message":"replica unreachable"}');
  });
  req.pipe(upstream);
}

const rows = [];
function row(name, got, pass) {
  rows.push({ name, got, pass });
  console.log(`  ${pass ? green('PASS') : red('FAIL')}  ${name.padEnd(58)} ${got}`);
  return pass;
}
const replicaOf = (res) => res.headers.get('x-fleet-replica');
const uniq = (xs) => [...new Set(xs)].sort().join(',');

async function main() {
  const t0 = performance.now();
  const app = discoverApps(appsDir).find((a) => a.name === 'express');
  if (!app) throw new Error('apps/express-demo has no "demo" entry named express');
  const server = await startRedisServer();
  redis = server;
  console.log(`== fleet demo: redis-server ${server.url}, ${REPLICAS} × ${app.name}-demo ==\n`);

  // The round-robin proxy's address is the fleet's public URL: the IdP redirects back to it.
  const proxyPort = await freePort();
  const publicUrl = `http://127.0.0.1:${proxyPort}`;
  idp = await startIdp(0, { demoRedirectUris: [`${publicUrl}/callback`] });

  // Counts the token requests the fleet sends (the replicas' UPSTREAM_TOKEN_ENDPOINT).
  let tokenRequests = 0;
  const idpOrigin = new URL(idp.tokenEndpoint).origin;
  const counter = await listen((req, res) => {
    if (req.method === 'POST') tokenRequests++;
    forward(req, res, idpOrigin);
  });

  const env = {
    REDIS_URL: server.url,
    REDIS_PREFIX: 'fleet:',
    FLEET_LIMIT: String(LIMIT),
    PUBLIC_URL: publicUrl,
    COOKIE_SECRET: randomBytes(32).toString('base64url'), // one key for the fleet's login cookies
    UPSTREAM_ITEMS_URL: `${publicUrl}/items`,
    UPSTREAM_TOKEN_ENDPOINT: `${counter}${new URL(idp.tokenEndpoint).pathname}`,
  };
  const replicas = await Promise.all(
    Array.from({ length: REPLICAS }, (_, i) =>
      startApp({ ...app, name: `${app.name}-${i + 1}`, port: undefined, env: { ...app.env, ...env } }, idp, {
        timeoutMs: 30_000,
        track: (r) => started.push(r),
      }),
    ),
  );
  let next = 0;
  await listen((req, res) => {
    const i = next++ % REPLICAS;
    forward(req, res, replicas[i].baseUrl, { 'x-fleet-replica': String(i + 1) });
  }, proxyPort);
  for (const [i, r] of replicas.entries()) console.log(`  replica ${i + 1}: ${r.baseUrl}`);
  console.log(`  round-robin proxy: ${publicUrl}; dev IdP: ${idp.issuer}\n`);

  const get = (path, headers = {}, base = publicUrl, method = 'GET') =>
    fetch(`${base}${path}`, { method, headers, signal: AbortSignal.timeout(10_000) });
  const bearer = (t) => ({ authorization: `Bearer ${t}` });

  // 1. One token request for the fleet.
  console.log('1. client tokens: one token request for the fleet (Redis TokenStore, fenced lock)');
  const caller = await idp.getToken('reader');
  const answers = await Promise.all(Array.from({ length: 30 }, () => get('/items/upstream', bearer(caller))));
  const served = answers.filter((r) => r.status === 200);
  const replicasCalling = uniq(answers.map(replicaOf));
  row(
    '30 concurrent GET /items/upstream over the 3 replicas',
    `${served.length}/30 × 200 (replicas ${replicasCalling})`,
    served.length === 30 && replicasCalling === '1,2,3',
  );
  row(
    'token requests the fleet sent to the token endpoint',
    `${tokenRequests} (target 1)`,
    tokenRequests === 1,
  );

  // 2. A revocation on one replica takes effect on all of them.
  console.log('\n2. revocation: POST /revoke on one replica, 401 on every replica');
  const doomed = await idp.getToken('reader');
  const kept = await idp.getToken('reader');
  const before = await Promise.all(replicas.map((r) => get('/me', bearer(doomed), r.baseUrl)));
  row(
    'GET /me with the token on replicas 1, 2, 3',
    before.map((r) => r.status).join(', '),
    before.every((r) => r.status === 200),
  );
  const revoked = await get('/revoke', bearer(doomed), publicUrl, 'POST');
  const by = Number(replicaOf(revoked));
  row(`POST /revoke (the token's own jti)`, `${revoked.status} on replica ${by}`, revoked.status === 204);
  const revokedAt = performance.now();
  const seen = await Promise.all(
    replicas.map(async (r) => {
      // Asks until the replica rejects the token (2 s at most); `accepted`: answers 200 after the 204.
      for (let accepted = 0; ; accepted++) {
        const res = await get('/me', bearer(doomed), r.baseUrl);
        const body = await res.json().catch(() => ({}));
        const ms = performance.now() - revokedAt;
        if (res.status !== 200) return { status: res.status, code: body.code, ms, accepted };
        if (ms > 2_000) return { status: 200, ms, accepted };
      }
    }),
  );
  for (const [i, s] of seen.entries()) {
    row(
      `  replica ${i + 1}${i + 1 === by ? ' (revoked here)' : ''}: GET /me with the revoked token`,
      `${s.status} ${s.code ?? ''} (${s.accepted} answers 200 before; ${s.ms.toFixed(1)} ms after the 204)`,
      s.status === 401 && s.code === 'ERR_AUTH_TOKEN_REJECTED',
    );
  }
  const others = await Promise.all(replicas.map((r) => get('/me', bearer(kept), r.baseUrl)));
  row(
    'another token of the same client, replicas 1, 2, 3',
    others.map((r) => r.status).join(', '),
    others.every((r) => r.status === 200),
  );

  // 3. A web-login session created on one replica, served by the others.
  console.log('\n3. login sessions on Redis: created on one replica, served by every replica');
  const jar = new Jar();
  let res = await jar.fetch(`${publicUrl}/login?returnTo=/profile`, { headers: { accept: 'text/html' } });
  const authorize = res.headers.get('location');
  const callback = authorize ? await signInAtIdp(jar, authorize, publicUrl) : undefined;
  res = callback ? await jar.fetch(callback.href, { headers: { accept: 'text/html' } }) : undefined;
  const createdOn = res ? replicaOf(res) : '-';
  row(
    'log in as alice through the proxy (GET /callback)',
    res
      ? `${res.status} → ${res.headers.get('location')}, session created on replica ${createdOn}`
      : 'no callback',
    res?.status === 302,
  );
  const sessions = [];
  for (let i = 0; i < REPLICAS; i++) {
    const r = await jar.fetch(`${publicUrl}/session`, { headers: { accept: 'application/json' } });
    sessions.push({
      replica: replicaOf(r),
      status: r.status,
      subject: r.status === 200 ? JSON.parse(r.text).subject : '',
    });
  }
  row(
    'GET /session × 3 through the proxy',
    sessions.map((s) => `replica ${s.replica}: ${s.status} ${s.subject}`).join('; '),
    sessions.every((s) => s.status === 200 && s.subject === 'alice') &&
      uniq(sessions.map((s) => s.replica)) === '1,2,3',
  );
  res = await jar.fetch(`${publicUrl}/logout`, { headers: { accept: 'text/html' } });
  const csrf = /name="csrf" value="([^"]+)"/.exec(res.text)?.[1] ?? '';
  res = await jar.fetch(`${publicUrl}/logout`, {
    method: 'POST',
    headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf }).toString(),
  });
  const loggedOutOn = replicaOf(res);
  const after = [];
  for (let i = 0; i < REPLICAS; i++) {
    const r = await jar.fetch(`${publicUrl}/session`, { headers: { accept: 'application/json' } });
    after.push(`replica ${replicaOf(r)}: ${r.status}`);
  }
  row(
    `POST /logout on replica ${loggedOutOn}, then GET /session × 3`,
    `${res.status}; ${after.join('; ')}`,
    res.status === 302 && after.every((a) => a.endsWith(': 401')),
  );

  // 4. The failed-API-key limiter counts across replicas.
  console.log(`\n4. failed API keys: limit ${LIMIT} per key id, counted across the fleet`);
  const wrong = { 'x-principal-id': 'svc-demo', 'x-principal-token': 'wrong-demo-service-token' };
  const right = { 'x-principal-id': 'svc-demo', 'x-principal-token': 'demo-service-token-local-only' };
  const attempts = [];
  for (let i = 0; i < LIMIT + 2; i++) {
    const r = await get('/service', wrong);
    const b = await r.json().catch(() => ({}));
    attempts.push({
      replica: replicaOf(r),
      status: r.status,
      code: b.code,
      body: b,
      retry: r.headers.get('retry-after'),
    });
  }
  const firsts = attempts.slice(0, LIMIT);
  row(
    `${LIMIT} wrong keys for svc-demo, round-robin`,
    firsts.map((a) => `${a.status}@${a.replica}`).join(' '),
    firsts.every((a) => a.status === 401 && a.code === 'ERR_AUTH_INVALID_API_KEY') &&
      uniq(firsts.map((a) => a.replica)) === '1,2,3',
  );
  for (const a of attempts.slice(LIMIT)) {
    row(
      `  attempt ${attempts.indexOf(a) + 1} on replica ${a.replica}`,
      `${a.status} ${a.code} Retry-After: ${a.retry}`,
      a.status === 429 &&
        a.code === 'ERR_AUTH_RATE_LIMITED' &&
        a.body.status === 429 &&
        typeof a.body.message === 'string' &&
        /^[1-9]\d*$/.test(a.retry ?? ''),
    );
  }
  const locked = await get('/service', right);
  row(
    `the right key for svc-demo while over the limit (replica ${replicaOf(locked)})`,
    `${locked.status}`,
    locked.status === 429,
  );
  const bearerStill = await get('/service', bearer(kept));
  row('a bearer token on GET /service meanwhile', `${bearerStill.status}`, bearerStill.status === 200);

  console.log(`\n(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return rows.every((r) => r.pass);
}

let exitCode = 1;
try {
  const ok = await main();
  console.log(ok ? green('demo:fleet: all checks passed') : red('demo:fleet: some checks failed'));
  exitCode = ok ? 0 : 1;
} catch (err) {
  console.error(red(`demo:fleet failed: ${err?.stack ?? err}`));
  for (const app of started) if (app.output) console.error(`--- ${app.name}:\n${app.output.trim()}`);
} finally {
  await cleanup();
}
process.exit(exitCode);
